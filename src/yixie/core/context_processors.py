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
        "nav_todo": _todo_count(user),
    }


# Capabilities above core register a counter of what waits for a user (core never imports them).
TODO_COUNTERS: list = []


def _todo_count(user) -> int:
    return sum(counter(user) for counter in TODO_COUNTERS)
