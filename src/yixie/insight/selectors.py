"""Reads of the home page: the registered widgets and to-do sources, for one user."""

from __future__ import annotations

from django.urls import reverse

from yixie.core.access import user_can
from yixie.core.notifications import for_user
from yixie.core.registry import HOME_WIDGETS, TODO_SOURCES


def todo_widget(user) -> dict:
    """What waits for the user across every capability, and their newest unread notifications."""
    sources = []
    for source in TODO_SOURCES:
        n = source.count(user)
        if n:
            sources.append({"label": source.label, "count": n, "url": reverse(source.url_name)})
    return {"todo_sources": sources, "unread": list(for_user(user, unread_only=True)[:5])}


def home_widgets(user) -> list[dict]:
    """The widgets this user may see, each with its template and context."""
    return [{"key": w.key, "template": w.template, "width": w.width, "context": w.context(user)}
            for w in HOME_WIDGETS if user_can(user, w.action)]
