"""How framework statuses and progress states look: the NHS.UK tag colour for each value.

Colour is never the only signal: templates always put the state's name inside the tag.

    {% load competency_tags %}
    <strong class="nhsuk-tag {{ framework.status|framework_status_tag }}">
      {{ framework.get_status_display }}
    </strong>
    {% state_tag progress.display_state %}   {# the whole tag, with the state's label #}
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from competencies.models import Framework, ProgressState

register = template.Library()

FRAMEWORK_STATUS_TAGS = {
    Framework.Status.DRAFT: "nhsuk-tag--grey",
    Framework.Status.PUBLISHED: "nhsuk-tag--green",
    Framework.Status.RETIRED: "nhsuk-tag--white",
}

PROGRESS_STATE_TAGS = {
    ProgressState.NOT_STARTED: "nhsuk-tag--grey",
    ProgressState.IN_PROGRESS: "nhsuk-tag--blue",
    ProgressState.AWAITING_SIGN_OFF: "nhsuk-tag--yellow",
    ProgressState.ACHIEVED: "nhsuk-tag--green",
    ProgressState.NOT_YET_COMPETENT: "nhsuk-tag--red",
    ProgressState.REASSESSMENT_DUE: "nhsuk-tag--orange",
}

DEFAULT_TAG = "nhsuk-tag--grey"


def _value(value) -> str:
    """A status or state as its stored string; also accepts an object with a status."""
    value = getattr(value, "status", value)
    return "" if value is None else str(getattr(value, "value", value))


@register.filter
def framework_status_tag(status) -> str:
    """The NHS.UK tag modifier class for a framework status (or a framework)."""
    return FRAMEWORK_STATUS_TAGS.get(_value(status), DEFAULT_TAG)


@register.filter
def progress_state_tag(state) -> str:
    """The NHS.UK tag modifier class for a ProgressState value."""
    return PROGRESS_STATE_TAGS.get(_value(state), DEFAULT_TAG)


@register.simple_tag
def state_tag(value, label=None) -> str:
    """``{% state_tag value [label] %}``: a whole NHS.UK tag for a progress state.

    Without a label, the state's own name ("Awaiting sign-off") is the tag's text.
    """
    key = _value(value)
    if label is None:
        try:
            label = ProgressState(key).label
        except ValueError:
            label = key.replace("_", " ").capitalize()
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', progress_state_tag(key), label)


@register.simple_tag
def framework_status(framework_or_status) -> str:
    """``{% framework_status framework %}``: a whole NHS.UK tag for a framework's status."""
    key = _value(framework_or_status)
    try:
        label = Framework.Status(key).label
    except ValueError:
        label = key.capitalize()
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', framework_status_tag(key), label)
