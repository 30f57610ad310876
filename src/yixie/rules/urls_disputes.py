"""Duty dispute pages (see views_disputes)."""

urlpatterns: list = []
