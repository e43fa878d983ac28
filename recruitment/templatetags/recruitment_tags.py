"""How recruitment looks: an NHS.UK tag with its text for each application state, and the
recruitment funnel as a bar chart (always shown with its table).

    {% load recruitment_tags %}
    {% application_tag application %}   {% funnel_chart recruitment figures %}
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from pathway import charts
from recruitment.models import ApplicationStatus

register = template.Library()

S = ApplicationStatus

STATUS_TAGS = {
    S.AWAITING_SUPPORT: "nhsuk-tag--grey",
    S.SUPPORTED: "nhsuk-tag--blue",
    S.NOT_SUPPORTED: "nhsuk-tag--red",
    S.SHORTLISTED: "nhsuk-tag--purple",
    S.NOT_SHORTLISTED: "nhsuk-tag--red",
    S.APPOINTABLE: "nhsuk-tag--aqua-green",
    S.NOT_APPOINTED: "nhsuk-tag--red",
    S.OFFERED: "nhsuk-tag--yellow",
    S.ACCEPTED: "nhsuk-tag--green",
    S.DECLINED: "nhsuk-tag--orange",
    S.ENROLLED: "nhsuk-tag--green",
    S.WITHDRAWN: "nhsuk-tag--white",
}

# What the lead nurse does next, for each state (url name, link text).
NEXT_STEPS = {
    S.SUPPORTED: ("recruitment:shortlist", "Shortlist"),
    S.SHORTLISTED: ("recruitment:interview", "Record the interview"),
    S.APPOINTABLE: ("recruitment:offer", "Make an offer"),
    S.ACCEPTED: ("recruitment:enrol", "Enrol"),
}


def status_tag_class(status: str) -> str:
    return STATUS_TAGS.get(status, "nhsuk-tag--grey")


@register.simple_tag
def application_tag(application):
    status = S(application.status)
    return format_html(
        '<strong class="nhsuk-tag {}">{}</strong>', status_tag_class(status), status.label
    )


@register.simple_tag
def next_step(application):
    """(url name, text) of the lead nurse's next step, or None."""
    return NEXT_STEPS.get(application.status)


@register.simple_tag
def funnel_chart(recruitment, figures):
    rows = figures.as_rows()
    summary = "; ".join(f"{label} {value}" for label, value in rows)
    return charts.bar_chart(
        chart_id=f"recruitment-{recruitment.pk}",
        title=f"Recruitment to {recruitment.cohort.name}: from application to enrolment",
        description=(
            f"Bar chart of the recruitment funnel: {summary}. "
            "The table after the chart gives the same numbers."
        ),
        x_title="Stage",
        y_title="People",
        categories=[label for label, _ in rows],
        series=[charts.Series("People", [value for _, value in rows])],
        integer_y=True,
        height=340,
    )
