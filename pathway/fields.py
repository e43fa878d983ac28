"""Form fields for NHS.UK patterns that Django does not have: the day / month / year date input."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

# The widget template lives in the project's templates/ folder, which Django's default form
# renderer does not search; TemplatesSetting looks templates up the way views do.
_project_renderer = TemplatesSetting()

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def _merge_classes(*class_strings: str | None) -> str:
    """Join CSS class strings, dropping blanks and repeats but keeping the order."""
    seen: list[str] = []
    for value in class_strings:
        for name in (value or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


class NHSDateWidget(forms.MultiWidget):
    """Three text boxes (day, month, year), as the NHS.UK date input pattern asks.

    The boxes get the ids Django gives a MultiWidget (``id_<name>_0``, ``_1``, ``_2``) and the
    names ``<name>_day``, ``<name>_month`` and ``<name>_year``.
    """

    template_name = "nhsuk/widgets/date_input.html"
    part_names = ("day", "month", "year")
    part_widths = {"day": 2, "month": 2, "year": 4}

    def __init__(self, attrs=None):
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "numeric", **(attrs or {})})
            for name in self.part_names
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value:
            try:
                parsed = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
            return [parsed.day, parsed.month, parsed.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for part, subwidget in zip(self.part_names, context["widget"]["subwidgets"], strict=True):
            sub_attrs = subwidget["attrs"]
            sub_attrs["class"] = _merge_classes(
                "nhsuk-input nhsuk-date-input__input",
                f"nhsuk-input--width-{self.part_widths[part]}",
                sub_attrs.get("class"),
            )
            subwidget["label"] = part.capitalize()
            subwidget["has_error"] = "nhsuk-input--error" in sub_attrs["class"].split()
        return context

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer=_project_renderer)


class NHSDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the NHS.UK error messages for each mistake."""

    widget = NHSDateWidget

    def __init__(self, *args, **kwargs):
        error_messages = kwargs.pop("error_messages", {})
        # The parts are optional one by one so that compress() can say which part is missing;
        # the field as a whole is still required unless required=False is passed.
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        super().__init__(fields, *args, require_all_fields=False, **kwargs)
        self.error_messages.update(error_messages)
        if "required" not in error_messages:
            self.error_messages["required"] = f"Enter the {self._label_for_messages()}"

    def _label_for_messages(self) -> str:
        return (self.label or "date").lower().replace(" (optional)", "").strip()

    def compress(self, data_list):
        if not data_list or not any(str(part or "").strip() for part in data_list):
            # Only spaces typed is as good as nothing typed.
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        label = self._label_for_messages()
        day, month, year = (str(part or "").strip() for part in data_list)
        parts = zip(("day", "month", "year"), (day, month, year), strict=True)
        missing = [name for name, part in parts if not part]
        if missing:
            raise ValidationError(
                f"The {label} must include a {' and '.join(missing)}", code="incomplete"
            )
        if not (day.isdecimal() and month.isdecimal() and year.isdecimal()):
            raise ValidationError(
                f"The {label} must be a real date, written in numbers", code="invalid"
            )
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        if not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
            # Training records live in this range; far-off years only come from typing slips.
            raise ValidationError(
                f"The {label} must be between {EARLIEST_YEAR} and {LATEST_YEAR}",
                code="out_of_range",
            )
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as exc:
            raise ValidationError(f"The {label} must be a real date", code="invalid") from exc
