"""How the practice educator team's pages look: mentor preparation tags, durations, and the
decisions-per-month chart. Tags always carry their text; colour is never the only signal.

    {% load support_tags %}
    {% preparation_tag entry.status %}     {# <strong class="nhsuk-tag ...">Not prepared</strong> #}
    {{ log.minutes|duration }}             {# "1 hour 30 minutes" #}
    {% for label, minutes in month.cells|with_kind_labels %}
    {% decisions_chart workload %}
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from pathway import charts
from pathway.preparation import PreparationStatus
from support.models import SupportKind, format_minutes

register = template.Library()

PREPARATION_TAGS = {
    PreparationStatus.PREPARED: "nhsuk-tag--green",
    PreparationStatus.DUE_SOON: "nhsuk-tag--yellow",
    PreparationStatus.OVERDUE: "nhsuk-tag--red",
    PreparationStatus.NOT_PREPARED: "nhsuk-tag--grey",
}


@register.simple_tag
def preparation_tag(status) -> str:
    status = PreparationStatus(status)
    return format_html(
        '<strong class="nhsuk-tag {}">{}</strong>', PREPARATION_TAGS[status], status.label
    )


@register.filter
def duration(minutes) -> str:
    return format_minutes(minutes or 0)


@register.filter
def with_kind_labels(cells) -> list[tuple[str, int]]:
    """Pair a row of minutes, one per kind of support, with each kind's label: the heading a
    responsive table shows beside each value on a narrow screen."""
    return list(zip(SupportKind.labels, cells, strict=True))


@register.filter
def month_label(day) -> str:
    return f"{day:%B %Y}"


@register.simple_tag
def decisions_chart(workload) -> str:
    totals = workload.monthly_totals
    described = "; ".join(f"{month:%B %Y}: {n}" for month, n in totals)
    return charts.bar_chart(
        chart_id="mentor-decisions",
        title="Sign-off decisions by all mentors, per month, over the last six months",
        description=(
            f"Bar chart of the number of sign-off decisions each month. {described}. "
            "The table after the chart gives each mentor's numbers."
        ),
        x_title="Month",
        y_title="Decisions",
        categories=[f"{month:%b %Y}" for month, _ in totals],
        series=[charts.Series("Decisions", [n for _, n in totals])],
        integer_y=True,
    )
