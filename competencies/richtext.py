"""Descriptions written in HTML (Moodle's usually are): sanitised with nh3 before they are
stored, sanitised again when shown, and shown formatted. Plain text stays text, shown escaped.

What is kept: paragraphs and line breaks, lists (nested too), emphasis, headings, quotations,
tables, code, links with a safe scheme (http, https, mailto; relative ones too) and images.
Scripts and styles go with their content; event handlers, styles and every other attribute go.
"""

from __future__ import annotations

import html
import re

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString

TAGS = {
    "p", "br", "div", "span", "ul", "ol", "li", "strong", "b", "em", "i", "u", "s", "sub",
    "sup", "a", "img", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "thead",
    "tbody", "tr", "td", "th", "caption", "pre", "code", "hr", "dl", "dt", "dd",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed with everything inside them, not just the tags.
REMOVED_WITH_CONTENT = {"script", "style"}


def sanitise(text: str, *, for_display: bool = False) -> str:
    """HTML that is safe to show: only the tags and attributes above, links and images with
    nothing but a safe scheme. Shown, links also carry rel="noopener noreferrer" (not stored,
    so that a description goes back to Moodle as it came)."""
    return nh3.clean(
        text,
        tags=TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer" if for_display else None,
    )


def _comparable(text: str) -> str:
    # What sanitising changes without changing the content: spelling of entities and empty
    # elements, the rel nh3 adds to links, white space.
    text = html.unescape(text.replace('rel="noopener noreferrer"', ""))
    text = re.sub(r"\s*/?>", ">", text)
    return re.sub(r"\s+", " ", text).strip()


def sanitising_removed_something(text: str) -> bool:
    """Whether sanitising takes away more than the spelling of the HTML."""
    return _comparable(sanitise(text)) != _comparable(text)


def moodle_auto_format(text: str) -> str:
    """Moodle's own format, to show: HTML allowed, and a line break in the text is one."""
    return sanitise(text, for_display=True).replace("\r\n", "\n").replace("\n", "<br>\n")


def to_html(text: str, description_format: str) -> SafeString:
    """A description as HTML to show: HTML sanitised again (it was when stored; this keeps a
    value changed behind the application's back harmless), text escaped with its paragraphs."""
    # nh3's output holds only the tags and attributes above; text is escaped first.
    if description_format == "html":
        html = sanitise(text, for_display=True)
    elif description_format == "moodle":
        html = moodle_auto_format(text)
    else:
        html = linebreaks(escape(text))
    return SafeString(html)
