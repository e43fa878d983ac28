"""How role design values look: the NHS.UK tag colour for each value. The tag always carries the
value's name as text, so colour is never the only signal.

    {% load roledesign_tags %}
    {% stage_tag stage %}  {% decision_tag task %}  {% risk_tag task %}  {% jd_status_tag jd %}
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from roledesign.models import DelegationDecision, JobDescription, RiskLevel, Stage

register = template.Library()

# As the NHS.UK task list shows them: things to do as coloured tags; "Completed" and "Cannot
# start yet" as plain text (the latter in secondary text colour).
_PLAIN = "nhsuk-tag--no-colour nhsuk-tag--no-border nhsuk-u-font-weight-normal"
STAGE_TAGS = {
    Stage.Status.NOT_STARTED: "nhsuk-tag--blue",
    Stage.Status.IN_PROGRESS: "nhsuk-tag--aqua-green",
    Stage.Status.COMPLETED: _PLAIN,
    Stage.Status.CANNOT_START: f"{_PLAIN} nhsuk-u-secondary-text-colour",
}
DECISION_TAGS = {
    DelegationDecision.SUITABLE: "nhsuk-tag--green",
    DelegationDecision.WITH_CONDITIONS: "nhsuk-tag--yellow",
    DelegationDecision.NOT_SUITABLE: "nhsuk-tag--red",
}
RISK_TAGS = {
    RiskLevel.LOW: "nhsuk-tag--green",
    RiskLevel.MODERATE: "nhsuk-tag--yellow",
    RiskLevel.HIGH: "nhsuk-tag--orange",
    RiskLevel.VERY_HIGH: "nhsuk-tag--red",
}
JD_STATUS_TAGS = {
    JobDescription.Status.DRAFT: "nhsuk-tag--grey",
    JobDescription.Status.APPROVED: "nhsuk-tag--green",
    JobDescription.Status.SUPERSEDED: "nhsuk-tag--white",
}


def _tag(css: str, text: str):
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', css, text)


@register.simple_tag
def stage_tag(stage):
    return _tag(STAGE_TAGS.get(stage.status, "nhsuk-tag--grey"), stage.get_status_display())


@register.simple_tag
def decision_tag(task):
    return _tag(DECISION_TAGS.get(task.decision, "nhsuk-tag--grey"), task.get_decision_display())


@register.simple_tag
def risk_tag(task):
    level = task.risk_level
    return _tag(RISK_TAGS[level], f"{level.label} ({task.risk_score})")


@register.simple_tag
def jd_status_tag(jd):
    return _tag(JD_STATUS_TAGS.get(jd.status, "nhsuk-tag--grey"), jd.get_status_display())
