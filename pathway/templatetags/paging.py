"""Page links that keep the list's search and filters.

{% load paging %}
{% page_url 3 %}    {# ?q=...&kind=...&page=3 #}
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The address of another page of the same list, with the same search and filters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return f"?{query.urlencode()}"
