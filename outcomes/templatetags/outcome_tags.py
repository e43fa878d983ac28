"""How outcomes look: stage and result tags, percentages, and the dashboard's SVG charts (drawn
with pathway/charts.py; the page puts each chart's data table beside it).

    {% load outcome_tags %}
    {% stage_tag stage %}  {% bridging_result_tag enrolment %}  {{ share|percent }}
    {% completion_chart dashboard %}  {% retention_chart dashboard %}
    {% progression_chart dashboard %}
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from outcomes.models import BridgingResult, StageCode
from pathway.charts import Series, bar_chart

register = template.Library()

STAGE_TAGS = {
    StageCode.SUPPORT_WORKER: "nhsuk-tag--grey",
    StageCode.TRAINEE: "nhsuk-tag--blue",
    StageCode.QUALIFIED: "nhsuk-tag--green",
    StageCode.BRIDGING: "nhsuk-tag--aqua-green",
    StageCode.PRE_REGISTRATION: "nhsuk-tag--purple",
    StageCode.REGISTERED: "nhsuk-tag--pink",
    StageCode.LEFT: "nhsuk-tag--white",
}
RESULT_TAGS = {
    BridgingResult.PASS: "nhsuk-tag--green",
    BridgingResult.FAIL: "nhsuk-tag--red",
    BridgingResult.WITHDRAWN: "nhsuk-tag--grey",
}


def _tag(css: str, text: str):
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', css, text)


@register.simple_tag
def stage_tag(stage):
    return _tag(STAGE_TAGS.get(stage.code, "nhsuk-tag--grey"), stage.name)


@register.simple_tag
def bridging_result_tag(enrolment):
    if not enrolment.result:
        return _tag("nhsuk-tag--blue", "In progress")
    return _tag(RESULT_TAGS[enrolment.result], enrolment.get_result_display())


@register.filter
def percent(value):
    """A share from 0 to 1 as a whole percentage; "–" when there is none."""
    if value is None:
        return "–"
    return f"{round(100 * value)}%"


@register.filter
def weeks(days):
    """A number of days as weeks, to one decimal place."""
    if days is None:
        return "–"
    value = round(days / 7, 1)
    return f"{value:g} week{'' if value == 1 else 's'}"


def _percentages(values):
    return [None if v is None else round(100 * v, 1) for v in values]


def _names(dashboard):
    return [item.cohort.name for item in dashboard.cohorts]


@register.simple_tag
def completion_chart(dashboard):
    items = dashboard.cohorts
    return bar_chart(
        chart_id="completion-chart",
        title="Completion and withdrawal by cohort",
        description="The share of each cohort's trainees who completed the course and who "
        "withdrew. The table below gives the same figures.",
        x_title="Cohort",
        y_title="Trainees (%)",
        categories=_names(dashboard),
        series=[
            Series("Completed", _percentages(i.outcomes.completion_rate for i in items)),
            Series("Withdrew", _percentages(i.outcomes.withdrawal_rate for i in items)),
        ],
    )


@register.simple_tag
def retention_chart(dashboard):
    items = dashboard.cohorts
    return bar_chart(
        chart_id="retention-chart",
        title="Qualified assistant practitioners still in the trust",
        description="For each cohort, the share of its qualifiers still working in the trust 6, "
        "12 and 24 months after qualifying. No bar means no qualifier has reached that point "
        "yet. The table below gives the same figures.",
        x_title="Cohort",
        y_title="Still in the trust (%)",
        categories=_names(dashboard),
        series=[
            Series(
                f"{months} months",
                _percentages(i.outcomes.retention_at(months).rate for i in items),
            )
            for months in dashboard.months
        ],
    )


@register.simple_tag
def progression_chart(dashboard):
    items = dashboard.cohorts
    return bar_chart(
        chart_id="progression-chart",
        title="Where qualifiers went next",
        description="For each cohort, how many qualified assistant practitioners moved to "
        "another clinical area, and how many went on towards nursing. The table below gives "
        "the same figures.",
        x_title="Cohort",
        y_title="Qualified assistant practitioners",
        categories=_names(dashboard),
        integer_y=True,
        series=[
            Series("Other clinical area", [i.outcomes.moved_area for i in items]),
            Series("Bridging or further", [i.outcomes.bridging for i in items]),
            Series("Pre-registration or further", [i.outcomes.pre_registration for i in items]),
            Series("Registered nurse", [i.outcomes.registered for i in items]),
        ],
    )
