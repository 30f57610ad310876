from django import template

from yixie.ledger.state import display_value

register = template.Library()


@register.filter
def state_value(value, key: str) -> str:
    """A state value as a clerk reads it: {{ state.category|state_value:"category" }}."""
    return display_value(key, value)
