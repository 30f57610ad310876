from .access import user_can, user_roles


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    return {
        "nav_can": {
            "ledger_edit": user_can(user, "ledger.edit"),
            "ledger_import": user_can(user, "ledger.import"),
            "org_edit": user_can(user, "org.edit"),
            "audit_view": user_can(user, "audit.view"),
        },
        "nav_roles": roles,
    }
