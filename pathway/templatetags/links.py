"""For the links every page carries (header, footer, icons and scripts), worked out once a
process (pathway/links.py):

{% fixed_url 'pathway:account' %}     {# as {% url %}, for a page without arguments #}
{% static_url 'js/app.js' %}          {# as {% static %} #}
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from pathway import links

register = template.Library()

# Each address escaped for HTML once (as {% url %} and {% static %} escape theirs): a few
# dozen addresses in all.
_escaped: dict[str, SafeString] = {}


def _html(address: str) -> SafeString:
    try:
        return _escaped[address]
    except KeyError:
        escaped = _escaped[address] = conditional_escape(address)
        return escaped


@register.simple_tag
def fixed_url(name: str) -> SafeString:
    return _html(links.fixed_url(name))


@register.simple_tag
def static_url(path: str) -> SafeString:
    return _html(links.static_url(path))
