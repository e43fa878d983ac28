"""How framework statuses and progress states look: the NHS.UK tag colour for each value.

Colour is never the only signal: templates always put the state's name inside the tag.

    {% load competency_tags %}
    <strong class="nhsuk-tag {{ framework.status|framework_status_tag }}">
      {{ framework.get_status_display }}
    </strong>
    {% state_tag progress.display_state %}   {# the whole tag, with the state's label #}
"""

from __future__ import annotations

import functools

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from competencies import richtext
from competencies.interchange.moodle_layout import RULE_OUTCOMES, scale_summary
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


def _competency_url(record_pk: int):
    """A function from competency id to that competency's page on this record: one reverse()
    for a whole table instead of one a row (a progress page has about 130 rows)."""
    sentinel = 987654321
    template_url = reverse("competencies:competency_detail", args=[record_pk, sentinel])
    before, after = template_url.rsplit(str(sentinel), 1)
    return lambda competency_id: f"{before}{competency_id}{after}"


_HEADING = '<span class="nhsuk-table-responsive__heading" aria-hidden="true">{} </span>'
_PROGRESS_ROW = (
    '<tr class="nhsuk-table__row">'
    '<td class="nhsuk-table__cell">' + _HEADING + '<a href="{}">{} {}</a></td>'
    '<td class="nhsuk-table__cell">' + _HEADING + "{}</td>"
    '<td class="nhsuk-table__cell">' + _HEADING + "{}</td>"
    '<td class="nhsuk-table__cell">' + _HEADING + "{}{}</td>"
    "</tr>"
)


@register.simple_tag
def progress_rows(record, rows) -> str:
    """``{% progress_rows record domain.rows %}``: the rows of one domain's table on the
    progress page. Built here rather than in a template loop because the page has one row per
    competency on the record, and the loop's tags and filters were most of its time."""
    url_for = _competency_url(record.pk)
    return format_html_join(
        "",
        _PROGRESS_ROW,
        (
            (
                "Competency",
                url_for(row.competency_id),
                row.competency.code,
                row.competency.title,
                "Core or specific",
                "Core" if row.competency.is_core else "Specific",
                "Supervised practice",
                _practice(row),
                "Status",
                _state_tag_html(row.display_state),
                _expiry(row.expires_on),
            )
            for row in rows
        ),
    )


@functools.cache
def _state_tag_html(state: str) -> str:
    return state_tag(state)


def _practice(row) -> str:
    # Under the column's own heading, so "1 of 3 needed" says enough.
    needed = row.competency.supervised_practices_required
    if needed:
        return f"{row.practice_count} of {needed} needed"
    return practice_needed(row.practice_count, needed)


@register.simple_tag
def practice_needed(logged: int, needed: int) -> str:
    """``{% practice_needed logged needed %}``: "2 logged of 4 needed", or "None needed" (with
    what was logged anyway) for a competency assessed without supervised practice."""
    if not needed:
        return f"None needed ({logged} logged)" if logged else "None needed"
    return f"{logged} logged of {needed} needed"


@register.simple_tag
def practice_confirmation_tag(entry) -> str:
    """Whether the supervisor has confirmed a practice entry, as an NHS.UK tag with text."""
    if entry.confirmed_at:
        colour = "nhsuk-tag--green"
        text = f"Confirmed {date_format(localtime(entry.confirmed_at), 'j M Y')}"
    elif entry.supervisor_id:
        colour, text = "nhsuk-tag--yellow", "Not confirmed yet"
    else:
        colour, text = "nhsuk-tag--grey", "Supervisor not listed: not confirmed"
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', colour, text)


def _expiry(expires_on):
    if not expires_on:
        return ""
    return format_html(
        '<span class="nhsuk-body-s nhsuk-u-display-block">Expires {}</span>',
        date_format(expires_on, "j M Y"),
    )


SIGNED_HOW = {
    "password": "with a password",
    "passkey": "with a passkey",
    "sso": "with their NHS account",
}


@register.filter
def signature_line(assessment) -> str:
    """How a decision was signed, by whom and when, as the record keeps it: "Signed with a
    passkey by Sarah Mitchell, NMC 12A3456B, 2 Dec 2026 14:05"."""
    from django.utils.timezone import localtime

    verb = "Revoked" if assessment.outcome == "revoked" else "Signed"
    how = SIGNED_HOW.get(assessment.signature_method, "")
    who = [assessment.assessor_name]
    if assessment.assessor_registration:
        who.append(assessment.assessor_registration)
    who.append(date_format(localtime(assessment.created_at), "j M Y H:i"))
    return f"{verb} {how + ' ' if how else ''}by {', '.join(who)}"


@register.filter
def signed_how(assessment) -> str:
    """'Signed with a passkey' (or 'Revoked with…'); empty for records made before signatures
    kept their method."""
    how = SIGNED_HOW.get(assessment.signature_method, "")
    if not how:
        return ""
    return f"{'Revoked' if assessment.outcome == 'revoked' else 'Signed'} {how}"


@register.filter
def credential_short(credential: str) -> str:
    """A passkey's credential id, short enough to read out: its first and last characters."""
    credential = credential or ""
    return credential if len(credential) <= 16 else f"{credential[:8]}…{credential[-6:]}"


# A next step in the words of whoever reads it: the trainee is told what to do; anyone else
# (a mentor, a manager) reads what the trainee needs to do.
_NEXT_STEP_WORDS = {
    "feedback": (
        "Read your mentor's feedback and log more supervised practice",
        "Needs to act on the mentor's feedback and log more supervised practice",
    ),
    "reassess": (
        "Reassessment is due: ask a mentor to assess you again",
        "Reassessment is due: needs a mentor to assess again",
    ),
    "ask": ("Ready to ask a mentor for sign-off", "Ready to ask a mentor for sign-off"),
    "start": ("Not started: log your first supervised practice", "Not started yet"),
}


@register.simple_tag
def next_step_text(step, own: bool) -> str:
    if step["kind"] == "practise":
        needed = step["needed"]
        plural = "s" if needed != 1 else ""
        if own:
            return f"Log {needed} more supervised practice{plural}"
        return f"{needed} more supervised practice{plural} to log"
    yours, theirs = _NEXT_STEP_WORDS[step["kind"]]
    return yours if own else theirs


# Descriptions and what a Moodle framework keeps ----------------------------------------------


@register.simple_tag
def description_html(item):
    """A framework's, domain's or competency's description, formatted: HTML sanitised again,
    text escaped (competencies.richtext)."""
    return richtext.to_html(item.description, item.description_format)


@register.filter
def scale_text(scale: dict) -> str:
    """'Not yet competent, Competent (default and proficient: Competent)'"""
    if not scale:
        return ""
    summary = scale_summary(scale)
    text = ", ".join(summary["values"])
    details = []
    if summary["default"]:
        details.append(f"default: {summary['default']}")
    if summary["proficient"]:
        details.append(f"proficient: {', '.join(summary['proficient'])}")
    return f"{text} ({'; '.join(details)})" if details else text


_RULE_TYPES = {
    "core_competency\\competency_rule_all": "when every competency beneath it is complete",
    "core_competency\\competency_rule_points": "when enough points are reached from the "
    "competencies beneath it",
}


@register.filter
def rule_text(rule: dict) -> str:
    """A Moodle rule in words, e.g. 'When every competency beneath it is complete: complete the
    competency'. Pathway keeps rules as data; it does not apply them."""
    if not rule:
        return ""
    when = _RULE_TYPES.get(rule.get("type", ""), rule.get("type") or "no rule type")
    outcome = RULE_OUTCOMES.get(rule.get("outcome") or "0", rule.get("outcome", ""))
    return f"{when[:1].upper()}{when[1:]}: {outcome}"
