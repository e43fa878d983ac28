"""The audit history for the lead nurse: the latest changes to people, allocations, enrolments,
frameworks and job descriptions, and the whole history of one record. Read-only."""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Layout, Row, Submit
from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html

from cohorts.selectors import audit as selectors
from pathway.permissions import require_perm


@dataclass(frozen=True)
class AuditFilters:
    kind: str | None = None
    person: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.kind or self.person)


class AuditFilterForm(forms.Form):
    """Always bound to request.GET: no filters is valid. A value not in a list (an old bookmark)
    is shown as an error and that filter is left out."""

    kind = forms.ChoiceField(
        label="Kind of record",
        required=False,
        error_messages={"invalid_choice": "Select a kind of record from the list"},
    )
    person = forms.TypedChoiceField(
        label="Person",
        help_text="Their own details, allocations and enrolments",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Select a person from the list"},
    )

    def __init__(self, data=None, *, people=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["kind"].choices = [("", "All records"), *selectors.kind_choices()]
        self.fields["person"].choices = [("", "Everyone"), *people]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "audit-filters"
        self.helper.layout = Layout(
            Row(
                Column("kind", css_class="nhsuk-grid-column-one-third"),
                Column("person", css_class="nhsuk-grid-column-one-third"),
            ),
            Div(
                Submit("apply", "Apply filters", css_class="secondary"),
                HTML(
                    format_html(
                        '<a class="nhsuk-link" href="{}">Clear filters</a>',
                        reverse("cohorts:audit_log"),
                    )
                ),
                css_class="nhsuk-button-group",
            ),
        )

    def filters(self) -> AuditFilters:
        self.is_valid()
        cleaned = self.cleaned_data
        return AuditFilters(kind=cleaned.get("kind") or None, person=cleaned.get("person"))


def _page(request, log):
    paginator = Paginator(log, selectors.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page_range = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return page, list(page_range)


@require_perm("cohorts.view_audit_log")
def audit_log(request):
    people = selectors.people_choices()
    form = AuditFilterForm(request.GET, people=people)
    filters = form.filters()
    page, page_range = _page(request, selectors.audit_log(kind=filters.kind, person=filters.person))
    return render(
        request,
        "cohorts/audit_log.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "page_range": page_range,
            "caption": _caption(filters, dict(people)),
        },
    )


def _caption(filters: AuditFilters, people: dict[int, str]) -> str:
    what = "Latest changes"
    if filters.kind:
        what += f" to {selectors.KINDS[filters.kind].label.lower()} records"
    if filters.person:
        what += f" about {people[filters.person]}"
    return f"{what}, newest first"


@require_perm("cohorts.view_audit_log")
def audit_record(request, kind, pk):
    try:
        log = selectors.record_history(kind, pk)
    except KeyError as unknown:
        raise Http404 from unknown
    page, page_range = _page(request, log)
    if not page.object_list:
        raise Http404
    latest = page.object_list[0] if page.number == 1 else log[0]
    return render(
        request,
        "cohorts/audit_record.html",
        {"latest": latest, "kind": latest.kind, "page": page, "page_range": page_range},
    )


urlpatterns = [
    path("audit/", audit_log, name="audit_log"),
    path("audit/<str:kind>/<int:pk>/", audit_record, name="audit_record"),
]
