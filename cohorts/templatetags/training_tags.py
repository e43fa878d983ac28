"""How attendance marks, module outcomes and enrolment statuses look: NHS.UK tags with text.

Colour is never the only signal: each tag carries the value's name.

    {% load training_tags %}
    {% attendance_tag enrolment.mark %}        {# "Present", "Absent", "Excused" or "Not marked" #}
    {% outcome_tag result.outcome %}           {# "Pass", "Fail", "Referred" #}
    {% enrolment_status_tag enrolment.status %}
    {{ summary.percent|attendance_percent }}   {# "75%" or "No marks yet" #}
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from cohorts.models import Attendance, EnrolmentStatus, ModuleResult

register = template.Library()

ATTENDANCE_TAGS = {
    Attendance.Status.PRESENT: "nhsuk-tag--green",
    Attendance.Status.ABSENT: "nhsuk-tag--red",
    Attendance.Status.EXCUSED: "nhsuk-tag--yellow",
}

OUTCOME_TAGS = {
    ModuleResult.Outcome.PASS: "nhsuk-tag--green",
    ModuleResult.Outcome.FAIL: "nhsuk-tag--red",
    ModuleResult.Outcome.REFERRED: "nhsuk-tag--orange",
}

ENROLMENT_STATUS_TAGS = {
    EnrolmentStatus.ACTIVE: "nhsuk-tag--blue",
    EnrolmentStatus.ON_BREAK: "nhsuk-tag--yellow",
    EnrolmentStatus.WITHDRAWN: "nhsuk-tag--red",
    EnrolmentStatus.COMPLETED: "nhsuk-tag--green",
    EnrolmentStatus.QUALIFIED: "nhsuk-tag--green",
    EnrolmentStatus.DEFERRED: "nhsuk-tag--grey",
}

DEFAULT_TAG = "nhsuk-tag--grey"


def _tag(css: str, label: str) -> str:
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', css, label)


def _key(value) -> str:
    return "" if value is None else str(getattr(value, "value", value))


@register.simple_tag
def attendance_tag(status) -> str:
    """A whole tag for an attendance mark; "Not marked" when there is none."""
    key = _key(status)
    if not key:
        return _tag(DEFAULT_TAG, "Not marked")
    label = dict(Attendance.Status.choices).get(key, key.capitalize())
    return _tag(ATTENDANCE_TAGS.get(key, DEFAULT_TAG), label)


@register.simple_tag
def outcome_tag(outcome) -> str:
    key = _key(outcome)
    label = dict(ModuleResult.Outcome.choices).get(key, key.capitalize())
    return _tag(OUTCOME_TAGS.get(key, DEFAULT_TAG), label)


@register.simple_tag
def enrolment_status_tag(status) -> str:
    key = _key(status)
    label = dict(EnrolmentStatus.choices).get(key, key.capitalize())
    return _tag(ENROLMENT_STATUS_TAGS.get(key, DEFAULT_TAG), label)


@register.filter
def attendance_percent(percent) -> str:
    """A percentage from the selectors ("75%"), or "No marks yet" when there is none."""
    return "No marks yet" if percent is None else f"{percent}%"
