"""For the links every page carries (header, footer, icons and scripts), worked out once a
process (pathway/links.py):

{% fixed_url 'pathway:account' %}     {# as {% url %}, for a page without arguments #}
{% static_url 'js/app.js' %}          {# as {% static %} #}
"""

from __future__ import annotations

from django import template

from pathway import links

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return links.fixed_url(name)


@register.simple_tag
def static_url(path: str) -> str:
    return links.static_url(path)
