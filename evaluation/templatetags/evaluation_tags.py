"""How questionnaire states look: the NHS.UK tag colour for each. The tag always carries the
state's name as text, so colour is never the only signal.

    {% load evaluation_tags %}
    {% issue_state_tag issue today %}  {% answer_status_tag item %}  {{ charts|lookup:key }}
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from pathway.charts import number

register = template.Library()

ISSUE_STATES = {
    "upcoming": ("Not open yet", "nhsuk-tag--grey"),
    "open": ("Open", "nhsuk-tag--blue"),
    "closed": ("Closed", "nhsuk-tag--white"),
}


@register.simple_tag
def issue_state_tag(issue, today) -> str:
    label, css = ISSUE_STATES[issue.state(today)]
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', css, label)


@register.simple_tag
def answer_status_tag(item) -> str:
    """A person's own progress on one issue (selectors.MyIssue)."""
    if item.submitted:
        label, css = "Submitted", "nhsuk-tag--green"
    elif item.state == "closed":
        label, css = "Closed", "nhsuk-tag--white"
    elif item.state == "upcoming":
        label, css = "Not open yet", "nhsuk-tag--grey"
    elif item.has_draft:
        label, css = "In progress", "nhsuk-tag--blue"
    else:
        label, css = "Not started", "nhsuk-tag--grey"
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', css, label)


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key, "")


@register.filter
def percent(share) -> str:
    if share is None:
        return "–"
    return f"{number(round(100 * share, 1))}%"


@register.filter
def decimal2(value) -> str:
    if value is None:
        return "–"
    return number(round(value, 2))
