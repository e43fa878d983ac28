"""How RAG ratings and review due statuses look: NHS.UK tags that always carry their text.

{% load review_tags %}
{% rag_tag review.rag %}           {# "Red", "Amber" or "Green" #}
{% due_tag row.status %}           {# "Overdue", "Due soon", "Not due", "On a break"... #}
<strong class="nhsuk-tag {{ review.rag|rag_class }}">...</strong>
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from cohorts.models import Review
from cohorts.selectors.reviews import DueStatus

register = template.Library()

RAG_TAGS = {
    Review.Rag.RED: "nhsuk-tag--red",
    Review.Rag.AMBER: "nhsuk-tag--orange",
    Review.Rag.GREEN: "nhsuk-tag--green",
}

DUE_TAGS = {
    DueStatus.OVERDUE: "nhsuk-tag--red",
    DueStatus.DUE_SOON: "nhsuk-tag--yellow",
    DueStatus.NOT_DUE: "nhsuk-tag--grey",
    DueStatus.ON_BREAK: "nhsuk-tag--white",
    DueStatus.ENDED: "nhsuk-tag--white",
}

DEFAULT_TAG = "nhsuk-tag--grey"


def _key(value) -> str:
    return "" if value is None else str(getattr(value, "value", value))


@register.filter
def rag_class(rag) -> str:
    """The NHS.UK tag modifier class for a RAG rating."""
    return RAG_TAGS.get(_key(rag), DEFAULT_TAG)


@register.filter
def due_class(status) -> str:
    """The NHS.UK tag modifier class for a review due status."""
    return DUE_TAGS.get(_key(status), DEFAULT_TAG)


@register.simple_tag
def rag_tag(rag) -> str:
    """A whole tag for a RAG rating, with the rating's name as its text."""
    key = _key(rag)
    try:
        label = Review.Rag(key).label
    except ValueError:
        label = key.capitalize() or "Not rated"
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', rag_class(key), label)


@register.simple_tag
def due_tag(status) -> str:
    """A whole tag for a due status ("Overdue", "Due soon", "Not due", ...)."""
    key = _key(status)
    try:
        label = DueStatus(key).label
    except ValueError:
        label = key.replace("_", " ").capitalize()
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', due_class(key), label)
