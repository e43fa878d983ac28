"""How the competency grid and the charts look.

The grid: each progress state has a short code shown in the NHS.UK tag colour of that state,
and every cell carries the state's name for screen readers, so colour is never the only signal
(the codes print too).
The charts: selector results turned into SVG by pathway.charts.

    {% load chart_tags %}
    {% grid_key as key %}                 {# [{"code": "A", "label": "Achieved", "badge": ...}] #}
    {% grid_cell state %}                 {# a whole <td> with the code and the state's name #}
    {% grid_cells row.states %}           {# every cell of a row at once #}
    {% achievement_chart progress %}      {# line chart: achieved over time against the plan #}
    {% comparison_chart comparison %}     {# bar chart: cohorts at week N #}
"""

from __future__ import annotations

import functools

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from competencies.models import ProgressState
from competencies.templatetags.competency_tags import progress_state_tag
from pathway import charts

register = template.Library()

NOT_APPLICABLE = "not_applicable"

# State: (code, cell class). The order is the key's order. The cell's colour is the NHS.UK tag
# the record page uses for the same state (competency_tags), so the pages agree and no style
# of our own is needed (the Content Security Policy allows only the site's own stylesheets);
# the cell classes are there for a stylesheet to refine the grid.
GRID_CODES = {
    ProgressState.ACHIEVED: ("A", "app-grid--achieved"),
    ProgressState.AWAITING_SIGN_OFF: ("W", "app-grid--awaiting"),
    ProgressState.IN_PROGRESS: ("P", "app-grid--in-progress"),
    ProgressState.NOT_YET_COMPETENT: ("N", "app-grid--not-yet-competent"),
    ProgressState.REASSESSMENT_DUE: ("R", "app-grid--reassessment-due"),
    ProgressState.NOT_STARTED: ("–", "app-grid--not-started"),
    NOT_APPLICABLE: ("n/a", "app-grid--not-applicable"),
}


def _key(state) -> str:
    if state in (None, ""):
        return NOT_APPLICABLE
    return str(getattr(state, "value", state))


def grid_label(state) -> str:
    key = _key(state)
    if key == NOT_APPLICABLE:
        return "Not applicable"
    try:
        return ProgressState(key).label
    except ValueError:
        return key.replace("_", " ").capitalize()


@register.filter
def grid_code(state) -> str:
    """The grid's short code for a state: A, W, P, N, R, – or n/a."""
    return GRID_CODES.get(_key(state), ("?", ""))[0]


@register.filter
def grid_class(state) -> str:
    """The class of a grid cell for a state."""
    return GRID_CODES.get(_key(state), ("", "app-grid--not-started"))[1]


@register.simple_tag
def grid_badge(state) -> str:
    """The code as a coloured NHS.UK tag (hidden from screen readers, which read the name);
    not applicable is plain grey "n/a", with no tag."""
    key = _key(state)
    if key == NOT_APPLICABLE:
        return format_html(
            '<span class="nhsuk-u-secondary-text-colour" aria-hidden="true">{}</span>',
            grid_code(key),
        )
    return format_html(
        '<strong class="nhsuk-tag {} app-grid__tag" aria-hidden="true">{}</strong>',
        progress_state_tag(key),
        grid_code(key),
    )


@register.simple_tag
def grid_key() -> list[dict]:
    """The key above the grid: each code with its state's name."""
    return [
        {"code": code, "label": grid_label(state), "badge": grid_badge(state)}
        for state, (code, _css) in GRID_CODES.items()
    ]


@register.simple_tag
def grid_cell(state) -> str:
    """A whole table cell: the coloured code for the eye, the state's name for screen readers
    (visually hidden) and as a tooltip."""
    label = grid_label(state)
    return format_html(
        '<td class="nhsuk-table__cell app-grid__cell {}" title="{}">{}'
        '<span class="nhsuk-u-visually-hidden">{}</span></td>',
        grid_class(state),
        label,
        grid_badge(state),
        label,
    )


@functools.cache
def _cell(state) -> str:
    return grid_cell(state)


@register.simple_tag
def grid_cells(states) -> str:
    """A grid row's cells: grid_cell for each state, each kind built once (a cohort of 40 on a
    framework of 150 is 6,000 cells; one tag call a cell cost a third of the page's time)."""
    return mark_safe("".join(_cell(state) for state in states))  # noqa: S308 - built by format_html


def _week_label(week: float) -> str:
    return charts.number(week)


@register.simple_tag
def achievement_chart(progress) -> str:
    """A selectors.charts.AchievementOverTime as a line chart against the dashed plan."""
    points = progress.points
    latest = progress.latest
    plural = "s" if progress.trainees != 1 else ""
    if latest is None:
        summary = "No weeks to show yet."
    else:
        day = f"{latest.up_to.day} {latest.up_to:%B %Y}"
        summary = (
            f"By week {latest.week} ({day}), {latest.achieved} competencies "
            f"achieved across {progress.trainees} trainee{plural}; the plan asked for "
            f"{charts.number(round(latest.planned, 1))} of {progress.required}."
        )
    return charts.line_chart(
        chart_id=f"achievement-{progress.cohort.pk}",
        title=f"{progress.cohort.name}: competencies achieved over time against the plan",
        description=(
            "Line chart of the cumulative number of competencies achieved across the cohort at "
            f"the end of each week since intake, with the plan as a dashed line. {summary} "
            "The table after the chart gives the numbers for every week."
        ),
        x_title="Week since intake",
        y_title="Competencies achieved",
        xs=[p.week for p in points],
        series=[
            charts.Series("Achieved", [p.achieved for p in points]),
            charts.Series("Plan", [round(p.planned, 2) for p in points], plan=True),
        ],
        x_tick_label=_week_label,
    )


@register.simple_tag
def comparison_chart(comparison) -> str:
    """A selectors.charts.CohortComparison as bars: each cohort's average achieved per
    trainee by week N (solid) beside what the plan asked (hatched)."""
    rows = [row for row in comparison.cohorts if row.trainees]
    number = charts.number
    parts = [
        f"{row.cohort.name} {number(row.average)} (plan {number(row.planned_average)})"
        for row in rows
    ]
    return charts.bar_chart(
        chart_id="cohort-comparison",
        title=f"Average competencies achieved per trainee by week {comparison.week}, by cohort",
        description=(
            "Bar chart comparing cohorts: for each cohort, the average number of competencies "
            f"each trainee had achieved by week {comparison.week}, beside what the plan asked. "
            + ("; ".join(parts) + ". " if parts else "No cohort has trainees yet. ")
            + "The table after the chart gives the same numbers."
        ),
        x_title="Cohort",
        y_title="Average per trainee",
        categories=[row.cohort.name for row in rows],
        series=[
            charts.Series("Achieved (average per trainee)", [row.average for row in rows]),
            charts.Series("Plan (average per trainee)", [row.planned_average for row in rows]),
        ],
    )
