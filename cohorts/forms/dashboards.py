"""The cohort dashboard's filters and sort order, read from the query string (GET)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Layout, Row, Submit
from django import forms
from django.utils.html import format_html

from cohorts.progress import Rag
from cohorts.selectors.dashboards import DEFAULT_SORT, SHOWN_STATUSES, SORT_KEYS, Filters

DESCENDING = "desc"


def _column(name: str) -> Column:
    return Column(name, css_class="nhsuk-grid-column-one-quarter")


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
        error_messages={"invalid_choice": "Select a clinical area from the list"},
    )
    mentor = forms.TypedChoiceField(
        label="Mentor",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Select a mentor from the list"},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All statuses"), *[(s.value, s.label) for s in SHOWN_STATUSES]],
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    rag = forms.ChoiceField(
        label="Progress against plan",
        required=False,
        choices=[("", "Any progress"), *[(r.value, r.label) for r in Rag]],
        error_messages={"invalid_choice": "Select on track, at risk or behind"},
    )
    # The sort order, kept when filters are applied. Unknown values fall back to the default.
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    order = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, areas=(), mentors=(), clear_url: str = "", **kwargs):
        super().__init__(data, **kwargs)
        self.fields["area"].choices = [("", "All clinical areas"), *areas]
        self.fields["mentor"].choices = [("", "All mentors"), *mentors]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "dashboard-filters"
        self.helper.form_class = "app-no-print app-dashboard-filters"
        self.helper.layout = Layout(
            Row(_column("area"), _column("mentor"), _column("status"), _column("rag")),
            "sort",
            "order",
            Div(
                Submit("apply", "Apply filters", css_class="secondary"),
                HTML(format_html('<a class="nhsuk-link" href="{}">Clear filters</a>', clear_url)),
                css_class="nhsuk-button-group",
            ),
        )

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
