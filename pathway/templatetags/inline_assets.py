"""`{% inline_style "css/pathway.css" %}` and `{% inline_script "js/js-enabled.js" %}`: a static
file's text inside the page, allowed by its hash in the Content Security Policy
(pathway/inline_assets.py says which files, and why)."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from pathway.inline_assets import inline_text

register = template.Library()


# Not escaped: the text is one of our own static files, never what a person typed, and
# inline_text refuses a file that would close the element early. (Escaping would break it:
# a browser reads a <style> or <script> element's text as it is, without entities.)
# PATHWAY_INLINE_ASSETS off (the unit tests: pathway/settings_test.py) links the same files
# instead, so that a test looking for a class name in a page finds the page's markup, not the
# stylesheet's selectors.
@register.simple_tag
def inline_style(name: str) -> SafeString:
    if not settings.PATHWAY_INLINE_ASSETS:
        return format_html('<link rel="stylesheet" href="{}">', static(name))
    return mark_safe(f"<style>{inline_text(name)}</style>")  # noqa: S308 - our file


@register.simple_tag
def inline_script(name: str) -> SafeString:
    if not settings.PATHWAY_INLINE_ASSETS:
        return format_html('<script src="{}"></script>', static(name))
    return mark_safe(f"<script>{inline_text(name)}</script>")  # noqa: S308 - our file
