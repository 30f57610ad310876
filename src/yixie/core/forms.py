"""Form fields shared by every app: lenient dates with Chinese messages."""

from __future__ import annotations

from django import forms

from .dates import DateParseError, parse_date


class DateInput(forms.TextInput):
    """A plain text box: clerks type 2019-03-15 or 2019年3月15日; old intranet browsers lack date pickers."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "如 2019-03-15", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value


class LenientDateField(forms.Field):
    """Accepts 2019-03-15, 2019/3/15, 2019年3月15日 …; refuses the rest with a message that says why."""

    widget = DateInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return parse_date(value)
        except DateParseError as exc:
            raise forms.ValidationError(exc.message) from exc


class BootstrapFormMixin:
    """Adds Bootstrap classes so templates can render fields plainly."""

    def _style(self) -> None:
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, (forms.CheckboxInput, forms.RadioSelect)):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, (forms.Select, forms.SelectMultiple)):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


def plausible_id(raw) -> bool:
    """Whether a posted value can be a row's id (digits that fit a database integer); else it matches nothing."""
    raw = str(raw)
    return raw.isdecimal() and raw.isascii() and 0 < len(raw) <= 18


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A choice of many rows by id that refuses what is not an id before the database sees it (an id too
    large for an integer column is an error in SQLite and PostgreSQL, not a miss)."""

    def _check_values(self, value):
        for v in value:
            if not plausible_id(v):
                raise forms.ValidationError(f"“{str(v)[:20]}”不是有效的选项，请重新选择。", code="invalid_pk_value")
        return super()._check_values(value)
