"""How the dashboards look: the NHS.UK tag for on track / at risk / behind and for a cohort's
status, sortable column headers, and percentages.

Colour is never the only signal: every tag carries its label as text.

    {% load dashboard_tags %}
    {% rag_tag row.rag %}                     {# <strong class="nhsuk-tag ...">At risk</strong> #}
    {% cohort_status_tag cohort %}
    {% sort_header "Trainee" "name" sort descending %}   {# a <th> with a link and aria-sort #}
    {{ row.attendance_percent|percent }}      {# "75%", or a dash with hidden "no data" text #}
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.utils.html import format_html

from cohorts.models import Cohort
from cohorts.progress import Rag

register = template.Library()

RAG_TAGS = {
    Rag.ON_TRACK: "nhsuk-tag--green",
    Rag.AT_RISK: "nhsuk-tag--orange",
    Rag.BEHIND: "nhsuk-tag--red",
}

COHORT_STATUS_TAGS = {
    Cohort.Status.PLANNED: "nhsuk-tag--grey",
    Cohort.Status.RUNNING: "nhsuk-tag--blue",
    Cohort.Status.FINISHED: "nhsuk-tag--white",
}

DEFAULT_TAG = "nhsuk-tag--grey"

# Parameters that are not filters or sort order: the filter form's button.
_NOT_CARRIED = {"apply"}


def _value(value) -> str:
    value = getattr(value, "status", value)
    return "" if value is None else str(getattr(value, "value", value))


def _none(text: str):
    return format_html(
        '<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">{}</span>', text
    )


@register.filter
def rag_tag_class(value) -> str:
    """The NHS.UK tag modifier class for a Rag value ("on_track", "at_risk", "behind")."""
    try:
        return RAG_TAGS[Rag(_value(value))]
    except ValueError:
        return DEFAULT_TAG


@register.simple_tag
def rag_tag(value, empty: str = "Not applicable"):
    """``{% rag_tag row.rag %}``: the whole tag, with "On track", "At risk" or "Behind"."""
    if value in (None, ""):
        return _none(empty)
    try:
        label = Rag(_value(value)).label
    except ValueError:
        return _none(empty)
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', rag_tag_class(value), label)


@register.filter
def cohort_status_tag_class(value) -> str:
    return COHORT_STATUS_TAGS.get(_value(value), DEFAULT_TAG)


@register.simple_tag
def cohort_status_tag(cohort_or_status):
    key = _value(cohort_or_status)
    try:
        label = Cohort.Status(key).label
    except ValueError:
        label = key.capitalize()
    return format_html(
        '<strong class="nhsuk-tag {}">{}</strong>', cohort_status_tag_class(key), label
    )


@register.filter
def percent(value, empty: str = "No data"):
    """A percentage (0 to 100) as a whole number with %, or a dash that says `empty`."""
    if value is None or value == "":
        return _none(empty)
    return f"{round(float(value))}%"


@register.simple_tag(takes_context=True)
def current_query(context, **changes) -> str:
    """The page's query string (filters and sort), with changes, as "?a=1&b=2" or ""."""
    request = context.get("request")
    params = []
    if request is not None:
        params = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in _NOT_CARRIED and key not in changes
            for value in values
            if value != ""
        ]
    params += [(key, value) for key, value in changes.items() if value not in (None, "")]
    return f"?{urlencode(params)}" if params else ""


@register.inclusion_tag("cohorts/includes/dashboard_sort_header.html", takes_context=True)
def sort_header(context, label, key, sort, descending, numeric=False):
    """A column header that sorts the table by `key`: ascending first, then the other way."""
    is_sorted = key == sort
    next_order = "desc" if is_sorted and not descending else "asc"
    return {
        "label": label,
        "numeric": numeric,
        "is_sorted": is_sorted,
        "descending": bool(descending),
        "aria_sort": ("descending" if descending else "ascending") if is_sorted else "",
        "href": current_query(context, sort=key, order=next_order),
        "next_label": "descending" if next_order == "desc" else "ascending",
    }
