"""How the audit history looks: the kind of change as an NHS.UK tag with its text, and who
made it.

{% load audit_tags %}
{% change_tag entry.change %}      {# "Created", "Changed" or "Deleted" #}
{{ entry|changed_by }}             {# the person's name, "API client: ...", or "System" #}
(Page links: {% load paging %}, pathway/templatetags/paging.py.)
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from cohorts.selectors.audit import CHANGED, CREATED, DELETED

register = template.Library()

CHANGE_TAGS = {
    CREATED: ("Created", "nhsuk-tag--green"),
    CHANGED: ("Changed", "nhsuk-tag--blue"),
    DELETED: ("Deleted", "nhsuk-tag--red"),
}

SYSTEM = "System"


@register.simple_tag
def change_tag(change) -> str:
    label, css = CHANGE_TAGS.get(change, (str(change).capitalize(), "nhsuk-tag--grey"))
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', css, label)


@register.filter
def changed_by(entry) -> str:
    """Who made a change: a person, or the system (seeding, imports at the command line)."""
    who = entry.who
    if who is None:
        return entry.by_client or SYSTEM
    return who.full_name or who.email
