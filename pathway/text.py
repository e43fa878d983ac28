"""Text hygiene for what people type into names and titles.

Right-to-left overrides and other invisible format characters can make a name read one way
and sort, search or print another ("Tom" that is really "moT"), and control characters have
no place in a one-line field. They are removed from every single-line text field of
Pathway's own models as it is saved (a pre_save receiver, connected in PathwayConfig.ready),
so no form, import or API can store them.
"""

from __future__ import annotations

import re

from django.db import models

from pathway.history import skips_fixture_loads

# Bidirectional embeddings, overrides and isolates; zero-width characters; the byte-order
# mark; and C0/C1 controls (a one-line field has no tab or newline either).
_INVISIBLE = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2028\u2029\u2060-\u2064\ufeff"
    "\u0000-\u001f\u007f-\u009f]"
)

OWN_APPS = frozenset(
    {
        "pathway",
        "notifications",
        "competencies",
        "cohorts",
        "roledesign",
        "recruitment",
        "funding",
        "evaluation",
        "outcomes",
        "support",
        "apprenticeships",
        "governance",
    }
)


def without_invisible(text: str) -> str:
    """The text with invisible format and control characters removed."""
    if not text or text.isascii() and text.isprintable():
        return text
    return _INVISIBLE.sub("", text)


def _single_line_fields(model) -> list[str]:
    cached = model.__dict__.get("_pathway_single_line_fields")
    if cached is None:
        cached = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField) and not f.choices and f.name != "password"
        ]
        model._pathway_single_line_fields = cached
    return cached


@skips_fixture_loads
def strip_invisible_on_save(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: clean every single-line text field of our own models (not fixture loads,
    which must restore exactly what was backed up)."""
    # Append-only records keep exactly what their hash was computed over.
    if raw or sender._meta.app_label not in OWN_APPS or getattr(sender, "append_only", False):
        return
    for name in _single_line_fields(sender):
        value = getattr(instance, name, None)
        if isinstance(value, str):
            cleaned = without_invisible(value)
            if cleaned != value:
                setattr(instance, name, cleaned.strip())
