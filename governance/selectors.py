"""Reads for governance."""

from __future__ import annotations

from pathway.models import User
from pathway.selectors import people_matching


def people_for_subject_access(text: str, *, most: int) -> list[User]:
    """Up to `most` people whose name, email address or employee number has the words of
    `text`, by name (one query): the administrator picks the person from these."""
    if not text:
        return []
    return list(
        people_matching(text)
        .select_related("clinical_area")
        .order_by("full_name", "email", "pk")[:most]
    )
