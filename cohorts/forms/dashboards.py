"""The cohort dashboard's filters and sort order, read from the query string (GET)."""

from __future__ import annotations

import html

from django import forms
from django.utils.safestring import mark_safe

from cohorts.progress import Rag
from cohorts.selectors.dashboards import DEFAULT_SORT, SHOWN_STATUSES, SORT_KEYS, Filters

DESCENDING = "desc"


def _text(value) -> str:
    """A value as Django's widget templates write it: conditional_escape (safe strings as they
    are, anything else escaped), without escape()'s lazy-string wrapper."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    """HTML attributes as django/forms/widgets/attrs.html writes them: in order, True as the
    name alone, False left out."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's select, drawn in Python: the same markup as its widget templates
    (django/forms/widgets/select.html and select_option.html), without a template include for
    every option, which made the four lists most of the filter form's time. Lists with option
    groups are left to Django."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _choices, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
            f"{_text(option['label'])}</option>\n"
            for _group_name, choices, _index in widget["optgroups"]
            for option in choices
        )
        return mark_safe(  # noqa: S308 - every value above is escaped
            f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>{options}\n</select>'
        )


class DashboardFilterForm(forms.Form):
    """Always bound to request.GET: an empty query string is a valid form with no filters.

    A value that is not in a list (an old bookmark, a hand-edited address) is shown as an error
    and that one filter is left out; the others still apply.
    """

    area = forms.TypedChoiceField(
        label="Clinical area",
        coerce=int,
        empty_value=None,
        required=False,
        widget=Select,
        error_messages={"invalid_choice": "Select a clinical area from the list"},
    )
    mentor = forms.TypedChoiceField(
        label="Mentor",
        coerce=int,
        empty_value=None,
        required=False,
        widget=Select,
        error_messages={"invalid_choice": "Select a mentor from the list"},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All statuses"), *[(s.value, s.label) for s in SHOWN_STATUSES]],
        widget=Select,
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    rag = forms.ChoiceField(
        label="Progress against plan",
        required=False,
        choices=[("", "Any progress"), *[(r.value, r.label) for r in Rag]],
        widget=Select,
        error_messages={"invalid_choice": "Select on track, at risk or behind"},
    )
    # The sort order, kept when filters are applied. Unknown values fall back to the default.
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    order = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, areas=(), mentors=(), clear_url: str = "", **kwargs):
        super().__init__(data, **kwargs)
        self.fields["area"].choices = [("", "All clinical areas"), *areas]
        self.fields["mentor"].choices = [("", "All mentors"), *mentors]
        # Where Clear filters goes: the dashboard without a query string.
        self.clear_url = clear_url

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or DEFAULT_SORT
        return sort if sort in SORT_KEYS else DEFAULT_SORT

    def clean_order(self) -> str:
        return DESCENDING if self.cleaned_data.get("order") == DESCENDING else "asc"

    def _clean_value(self, name):
        """A field's value when it was valid, else None (its error is shown on the page)."""
        self.is_valid()
        return self.cleaned_data.get(name) or None

    def filters(self) -> Filters:
        return Filters(
            area=self._clean_value("area"),
            mentor=self._clean_value("mentor"),
            status=self._clean_value("status"),
            rag=self._clean_value("rag"),
        )

    def applied_labels(self) -> list[str]:
        """The filters in force, in words ("Mentor: Sam Patel"), for the printed page."""
        labels = []
        for name in ("area", "mentor", "status", "rag"):
            value = self._clean_value(name)
            if value is not None:
                choices = dict(self.fields[name].choices)
                labels.append(f"{self.fields[name].label}: {choices.get(value, value)}")
        return labels

    def sorting(self) -> tuple[str, bool]:
        """(column key, descending?)."""
        return self._clean_value("sort") or DEFAULT_SORT, self._clean_value("order") == DESCENDING
