from django.urls import NoReverseMatch, reverse

from .access import user_can, user_roles
from .registry import NAVIGATION


class _Can:
    """`nav_can.ledger_edit` in a template asks `user_can(user, "ledger.edit")` (the first "_" is the dot)."""

    def __init__(self, user):
        self._user = user
        self._cache: dict[str, bool] = {}

    def __getitem__(self, key: str) -> bool:
        if key not in self._cache:
            self._cache[key] = user_can(self._user, key.replace("_", ".", 1))
        return self._cache[key]

    __getattr__ = __getitem__


def _active(entry, match) -> bool:
    if match is None:
        return False
    return any(a == match.namespace or a == f"{match.namespace}:{match.url_name}" for a in entry.active)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    entries = []
    for entry in NAVIGATION:
        if not user_can(user, entry.action):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        entries.append({"label": entry.label, "url": url, "active": _active(entry, match),
                        "badge": entry.badge(user) if entry.badge else 0})
    from .admin_site import is_administrator
    from .notifications import unread_count

    return {"nav_can": _Can(user), "nav_roles": user_roles(user), "nav_entries": entries,
            "nav_unread": unread_count(user), "nav_admin": user.is_superuser or is_administrator(user)}
