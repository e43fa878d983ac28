"""The audit history for the lead nurse: the latest changes to people, allocations, enrolments,
frameworks and job descriptions, and the whole history of one record. Read-only."""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Layout, Row, Submit
from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html

from cohorts.selectors import audit as selectors
from pathway.paging import page_of
from pathway.permissions import require_perm

# The person filter searches by name rather than listing everyone: at 20,000 people a list of
# them all was 990 KB and took 684 ms to draw (issue #18). Up to this many people can match.
MOST_PEOPLE = 20


@dataclass(frozen=True)
class AuditFilters:
    kind: str | None = None
    people: tuple[tuple[int, str], ...] | None = None  # (pk, name) of the people asked about

    @property
    def active(self) -> bool:
        return bool(self.kind or self.people is not None)


class AuditFilterForm(forms.Form):
    """Always bound to request.GET: no filters is valid. A value not in the list or a name
    nobody has is shown as an error and that filter is left out. `person` (a pk) comes from
    links such as "All changes about this person"."""

    kind = forms.ChoiceField(
        label="Kind of record",
        required=False,
        error_messages={"invalid_choice": "Select a kind of record from the list"},
    )
    who = forms.CharField(
        label="Person",
        help_text="Part of their name, email address or employee number",
        max_length=100,
        required=False,
        error_messages={"max_length": "Person must be 100 characters or fewer"},
    )
    person = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["kind"].choices = [("", "All records"), *selectors.kind_choices()]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "audit-filters"
        self.helper.layout = Layout(
            Row(
                Column("kind", css_class="nhsuk-grid-column-one-third"),
                Column("who", css_class="nhsuk-grid-column-one-third"),
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
        return AuditFilters(kind=cleaned.get("kind") or None, people=self._people(cleaned))

    def _people(self, cleaned) -> tuple[tuple[int, str], ...] | None:
        text = " ".join((cleaned.get("who") or "").split())
        if text:
            found = selectors.people_named(text=text, most=MOST_PEOPLE + 1)
            if not found:
                self.add_error(
                    "who", f"No one's name, email address or employee number has “{text}”"
                )
            elif len(found) > MOST_PEOPLE:
                self.add_error(
                    "who", f"More than {MOST_PEOPLE} people match “{text}”: type more of the name"
                )
            else:
                return tuple(found)
            return None
        if cleaned.get("person"):
            return tuple(selectors.people_named(pk=cleaned["person"], most=1)) or None
        return None


@require_perm("cohorts.view_audit_log")
def audit_log(request):
    form = AuditFilterForm(request.GET)
    filters = form.filters()
    people = None if filters.people is None else [pk for pk, _name in filters.people]
    log = selectors.audit_log(kind=filters.kind, people=people)
    page, page_range = page_of(request, log, selectors.PAGE_SIZE)
    return render(
        request,
        "cohorts/audit_log.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "page_range": page_range,
            "more": log.more,
            "caption": _caption(filters),
        },
    )


def _caption(filters: AuditFilters) -> str:
    what = "Latest changes"
    if filters.kind:
        what += f" to {selectors.KINDS[filters.kind].label.lower()} records"
    if filters.people:
        names = [name for _pk, name in filters.people]
        what += f" about {names[0]}" if len(names) == 1 else f" about {len(names)} people"
    return f"{what}, newest first"


@require_perm("cohorts.view_audit_log")
def audit_record(request, kind, pk):
    try:
        log = selectors.record_history(kind, pk)
    except KeyError as unknown:
        raise Http404 from unknown
    page, page_range = page_of(request, log, selectors.PAGE_SIZE)
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
