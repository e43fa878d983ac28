"""How the dashboards look: the NHS.UK tag for on track / at risk / behind and for a cohort's
status, sortable column headers, and percentages.

Colour is never the only signal: every tag carries its label as text.

    {% load dashboard_tags %}
    {% rag_tag row.rag %}                     {# <strong class="nhsuk-tag ...">At risk</strong> #}
    {% cohort_status_tag cohort %}
    {% sort_header "Trainee" "name" sort descending %}   {# a <th> with a link and aria-sort #}
    {% trainee_rows rows dashboard.all_rows %}  {# the cohort table's rows, all at once #}
    {% dashboard_filters form %}              {# the cohort dashboard's filter form #}
    {{ row.attendance_percent|percent }}      {# "75%", or a dash with hidden "no data" text #}
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from cohorts.models import Cohort
from cohorts.progress import Rag
from pathway.templatetags.nhsuk import NHSField, nhsuk_top_errors

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

# Any enrolment number: the trainee links are made from one reverse() (see trainee_rows).
_LINK_PLACEHOLDER = 987654321


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


# The trainee table ----------------------------------------------------------------------------
# One tag call draws all the rows, and each header cell is a tag without an include: a cohort
# of 40 took about 200 template tags and includes and 120 `date` filter calls a page. The
# markup is what the templates made: the same cells, tags with their text, links and visually
# hidden words (tests/cohorts/test_dashboard_rendering.py keeps the templates to compare).

_NOT_APPLICABLE = _none("Not applicable")
_OVERDUE = mark_safe(  # noqa: S308 - a constant
    '<span class="app-tag-block"><strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong></span>'
)


def _short_dates():
    """A formatter for dates as the `date:"j M Y"` filter shows them ("3 Mar 2026"), each date
    formatted once: the month names are looked up once a call, in the active language."""
    months = [""] + [str(MONTHS_3[month]).title() for month in range(1, 13)]
    formatted: dict = {}

    def short_date(day) -> str:
        text = formatted.get(day)
        if text is None:
            text = formatted[day] = f"{day.day} {months[day.month]} {day.year:04d}"
        return text

    return short_date


def _plural(count) -> str:
    return "" if count == 1 else "s"


_SORT_HEADER = (
    '\n<th class="nhsuk-table__header{}" scope="col"{}>\n'
    '  <a class="app-sort-link" href="{}">{}<span class="nhsuk-u-visually-hidden"> (sort {})'
    "</span></a>{}\n</th>\n"
)
_SORT_INDICATORS = {
    False: mark_safe('<span class="app-sort-indicator" aria-hidden="true"> ▲</span>'),  # noqa: S308
    True: mark_safe('<span class="app-sort-indicator" aria-hidden="true"> ▼</span>'),  # noqa: S308
}


@register.simple_tag(takes_context=True)
def sort_header(context, label, key, sort, descending, numeric=False):
    """A column header that sorts the table by `key`: ascending first, then the other way."""
    is_sorted = key == sort
    next_order = "desc" if is_sorted and not descending else "asc"
    aria_sort = ("descending" if descending else "ascending") if is_sorted else ""
    return format_html(
        _SORT_HEADER,
        " nhsuk-table__header--numeric" if numeric else "",
        format_html(' aria-sort="{}"', aria_sort) if aria_sort else "",
        current_query(context, sort=key, order=next_order),
        label,
        "descending" if next_order == "desc" else "ascending",
        _SORT_INDICATORS[bool(descending)] if is_sorted else "",
    )


_ROW = (
    '\n    <tr class="nhsuk-table__row" data-testid="trainee-row" data-enrolment="{}">\n'
    '      <th class="nhsuk-table__header app-row-header" scope="row">{}\n'
    '        <span class="app-secondary" data-testid="mentors">{}</span>{}</th>\n'
    '      <td class="nhsuk-table__cell">{}</td>\n'
    '      <td class="nhsuk-table__cell" data-testid="status">{}{}</td>\n'
    '      <td class="nhsuk-table__cell app-nowrap" data-testid="core">'
    '<span data-testid="core-count">{} of {}</span>{}</td>\n'
    '      <td class="nhsuk-table__cell app-nowrap" data-testid="specific">'
    '<span data-testid="specific-count">{} of {}</span>{}</td>\n'
    '      <td class="nhsuk-table__cell" data-testid="rag">{}</td>\n'
    '      <td class="nhsuk-table__cell app-nowrap" data-testid="predicted">{}</td>\n'
    '      <td class="nhsuk-table__cell app-nowrap" data-testid="last-review">{}</td>\n'
    '      <td class="nhsuk-table__cell app-nowrap" data-testid="next-due">{}</td>\n'
    '      <td class="nhsuk-table__cell nhsuk-table__cell--numeric" data-testid="attendance">'
    "{}</td>\n"
    '      <td class="nhsuk-table__cell" data-testid="requests">{}</td>\n'
    "    </tr>\n    "
)
_EMPTY_ROW = (
    '\n    <tr class="nhsuk-table__row"><td class="nhsuk-table__cell" colspan="11">{}</td></tr>\n'
    "    "
)
_NONE_YET = mark_safe('<span class="nhsuk-body-s">None yet</span>')  # noqa: S308 - a constant


@functools.cache
def _rag_html(value) -> str:
    """rag_tag, built once for each value (on track, at risk, behind, none)."""
    return rag_tag(value)


@functools.lru_cache(maxsize=1024)
def _against_plan(planned_whole: int, rag_value) -> str:
    """What the plan asks for by today, and the tag, after a current trainee's count."""
    return format_html(
        ' <span class="app-plan">(plan {})</span><span class="app-tag-block">{}</span>',
        planned_whole,
        _rag_html(rag_value),
    )


def _notes(row) -> str:
    """Notes other apps added to the row (selectors.dashboards.dashboard_addition_register)."""
    return format_html_join(
        "",
        '<span class="app-tag-block"><strong class="nhsuk-tag nhsuk-tag--orange"'
        ' data-testid="row-note">{}</strong></span>',
        ((note,) for note in row.notes),
    )


def _link_groups(row) -> str:
    """Links to the trainee's pages in other apps (selectors.trainee_links), each group on a
    line of its own: "Apprenticeship: terms and KSBs, hours, ..." with the trainee's name in
    each link for screen readers."""
    return format_html_join(
        "",
        '<span class="app-secondary nhsuk-u-display-block" data-testid="row-links">{}: {}</span>',
        (
            (
                group.title,
                format_html_join(
                    ", ",
                    '<a href="{}">{}<span class="nhsuk-u-visually-hidden"> of {}</span></a>',
                    ((url, label, row.trainee_name) for label, url in group.links),
                ),
            )
            for group in row.link_groups
        ),
    )


def _mentors(row) -> str:
    if not row.mentors:
        return "No mentor allocated"
    # Each name escaped, then joined: the list as a whole is safe.
    names = format_html_join(", ", "{}", ((mentor.name,) for mentor in row.mentors))
    return format_html("Mentor{}: {}", _plural(len(row.mentors)), names)


def _predicted(row, short_date) -> str:
    if row.predicted_completion:
        return short_date(row.predicted_completion)
    if row.is_current:
        return _TOO_EARLY if row.achieved else _NOTHING_YET
    return _NOT_APPLICABLE


_TOO_EARLY = format_html(
    '<span class="nhsuk-body-s">{}</span>', "Not predictable yet: too little signed off to forecast"
)
_NOTHING_YET = mark_safe('<span class="nhsuk-body-s">Nothing achieved yet</span>')  # noqa: S308


def _next_due(row, short_date) -> str:
    if not row.next_review_due:
        return _NOT_APPLICABLE
    if row.review_overdue:
        return format_html("{}{}", short_date(row.next_review_due), _OVERDUE)
    return short_date(row.next_review_due)


def _requests(row) -> str:
    if not row.open_requests:
        return "None"
    return format_html(
        '{} waiting<span class="nhsuk-body-s nhsuk-u-display-block">oldest {} day{}</span>',
        row.open_requests,
        row.oldest_request_days,
        _plural(row.oldest_request_days),
    )


@register.simple_tag
def trainee_rows(rows, all_rows, openable=None) -> str:
    """The cohort dashboard's table body: a row for each TraineeRow in `rows`, or one row that
    says why there are none (nobody enrolled, or nobody matching the filters). `openable`: the
    trainees (ids) whose overview the viewer may open, None for all; the others' names are not
    links, so the page never links to what it would then refuse."""
    if not rows:
        return format_html(
            _EMPTY_ROW,
            "No trainees match these filters."
            if all_rows
            else "Nobody is enrolled on this cohort yet.",
        )
    short_date = _short_dates()
    # The link to each trainee's overview, made once: only the enrolment's number changes.
    link = reverse("cohorts:trainee_overview", args=[_LINK_PLACEHOLDER])
    before, after = link.split(str(_LINK_PLACEHOLDER))

    def name(row):
        if openable is not None and row.trainee_pk not in openable:
            return row.trainee_name
        return format_html(
            '<a href="{}{}{}">{}</a>', before, row.enrolment_pk, after, row.trainee_name
        )

    return format_html_join(
        "",
        _ROW,
        (
            (
                row.enrolment_pk,
                name(row),
                _mentors(row),
                _link_groups(row),
                row.area_name,
                row.status_label,
                _notes(row),
                row.core_achieved,
                row.core_required,
                _against_plan(row.core_planned_whole, row.core_rag) if row.is_current else "",
                row.specific_achieved,
                row.specific_required,
                _against_plan(row.specific_planned_whole, row.specific_rag)
                if row.is_current
                else "",
                _rag_html(row.rag),
                _predicted(row, short_date),
                short_date(row.last_review) if row.last_review else _NONE_YET,
                _next_due(row, short_date),
                percent(row.attendance_percent, "No attendance recorded"),
                _requests(row),
            )
            for row in rows
        ),
    )


# The filter form ------------------------------------------------------------------------------
# Drawn here rather than by {% crispy %}: the same NHS.UK markup as the crispy nhsuk pack gives
# for its layout (a grid row of four lists, the sort order as hidden fields, then the buttons),
# at a fraction of the time. Labels, error messages and their aria-describedby come from the
# pack's own NHSField, so errors show as on every other form.

_FILTER_FIELDS = ("area", "mentor", "status", "rag")
_FILTER_FORM = (
    '<form class="app-no-print app-dashboard-filters" id="dashboard-filters" method="get"'
    " novalidate>\n{}"
    '<div class="nhsuk-grid-row">\n{}</div>\n{}{}'
    '<div class="nhsuk-button-group">\n'
    '  <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button"'
    ' type="submit" name="apply" value="Apply filters" id="submit-id-apply">\n'
    "  Apply filters\n</button>\n"
    '<a class="nhsuk-link" href="{}">Clear filters</a>\n</div>\n</form>'
)
_FILTER_FIELD = (
    '  <div class="nhsuk-grid-column-one-quarter">\n'
    '<div class="{}">\n  <label class="{}" for="{}">{}</label>\n  {}\n  {}\n</div>\n</div>\n'
)
_ERROR_MESSAGE = (
    '<span class="nhsuk-error-message" id="{}">'
    '<span class="nhsuk-u-visually-hidden">Error: </span>{}</span>'
)


def _messages(errors) -> str:
    return format_html_join(mark_safe("<br>"), "{}", ((error,) for error in errors))


def _top_errors(form) -> str:
    """Errors not on one list (none today), where the crispy pack shows them."""
    top = nhsuk_top_errors(form)
    if not top["errors"]:
        return ""
    return format_html(
        '<div class="nhsuk-form-group nhsuk-form-group--error" id="{}">\n{}</div>\n',
        top["id"],
        format_html_join(
            "",
            '  <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">'
            "Error: </span>{}</span>\n",
            ((error,) for error in top["errors"]),
        ),
    )


def _filter_field(bound_field) -> str:
    field = NHSField(bound_field)
    return format_html(
        _FILTER_FIELD,
        field.form_group_class,
        field.label_class,
        field.id_for_label,
        field.label,
        format_html(_ERROR_MESSAGE, field.error_id, _messages(field.errors))
        if field.errors
        else "",
        field.widget,
    )


@register.simple_tag
def dashboard_filters(form) -> str:
    """``{% dashboard_filters form %}``: the cohort dashboard's filter form (GET), its lists
    with their errors, the sort order kept in hidden fields, and Apply and Clear."""
    return format_html(
        _FILTER_FORM,
        _top_errors(form),
        format_html_join("", "{}", ((_filter_field(form[name]),) for name in _FILTER_FIELDS)),
        format_html("{}\n", form["sort"].as_widget()),
        format_html("{}\n", form["order"].as_widget()),
        form.clear_url,
    )


# The programme overview's two tables of running cohorts, drawn a row at a time with
# format_html (ADR 0017): at national scale there are sixty running cohorts, and the template
# loop cost a fifth of a millisecond a row. The markup is the template's.

_CELL = '<td class="nhsuk-table__cell nhsuk-table__cell--numeric"{}>{}</td>'


def _cohort_link(cohort, before: str, after: str) -> str:
    return format_html('<a href="{}{}{}">{}</a>', before, cohort.pk, after, cohort.name)


def _cohort_link_parts() -> tuple[str, str]:
    link = reverse("cohorts:cohort_detail", args=[_LINK_PLACEHOLDER])
    before, after = link.split(str(_LINK_PLACEHOLDER))
    return before, after


@register.simple_tag
def overview_status_rows(running) -> str:
    """The overview's "Trainees by status" rows, one per running cohort (CohortOverview)."""
    before, after = _cohort_link_parts()
    rows = []
    for item in running:
        counts = format_html_join(
            "",
            _CELL,
            (
                (format_html(' data-testid="count-{}"', status), count)
                for status, _label, count in item.summary.status_counts
            ),
        )
        week = item.week
        rows.append(
            format_html(
                '<tr class="nhsuk-table__row" data-testid="running-cohort-status" '
                'data-cohort="{}">\n      <th class="nhsuk-table__header app-row-header" '
                'scope="row">{}\n        <span class="nhsuk-body-s nhsuk-u-display-block '
                'nhsuk-u-margin-bottom-0">{}</span></th>\n      '
                '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>\n      {}\n'
                "    </tr>\n",
                item.cohort.pk,
                _cohort_link(item.cohort, before, after),
                item.cohort.programme.name,
                "" if week is None else week,
                counts,
            )
        )
    return format_html_join("", "{}", ((row,) for row in rows))


_PROGRESS_CELLS = (
    ("achieved", "achieved"),
    ("on-track", "on_track"),
    ("at-risk", "at_risk"),
    ("behind", "behind"),
    ("overdue", "overdue_reviews"),
    ("stale", "stale_requests"),
)


@register.simple_tag
def overview_progress_rows(running) -> str:
    """The overview's "Progress of current trainees" rows, one per running cohort."""
    before, after = _cohort_link_parts()
    rows = []
    for item in running:
        cells = format_html_join(
            "",
            _CELL,
            (
                (format_html(' data-testid="{}"', testid), getattr(item.summary, name))
                for testid, name in _PROGRESS_CELLS
            ),
        )
        rows.append(
            format_html(
                '<tr class="nhsuk-table__row" data-testid="running-cohort" data-cohort="{}">\n'
                '      <th class="nhsuk-table__header app-row-header" scope="row">{}</th>\n'
                "      {}\n    </tr>\n",
                item.cohort.pk,
                _cohort_link(item.cohort, before, after),
                cells,
            )
        )
    return format_html_join("", "{}", ((row,) for row in rows))
