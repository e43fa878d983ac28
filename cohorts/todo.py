"""Progress reviews overdue or due soon, for the people who hold them (pathway/things_to_do.py)."""

from __future__ import annotations

from django.urls import reverse

from cohorts.selectors.reviews import DueStatus, reviews_due
from pathway.models import RoleCode
from pathway.things_to_do import Todo

REVIEWERS = (RoleCode.MENTOR, RoleCode.TUTOR, RoleCode.PRACTICE_EDUCATOR)


def for_person(person, today):
    if not person.has_role(*REVIEWERS):
        return
    rows = reviews_due(supporter=person, today=today)
    url = reverse("cohorts:reviews_due")
    overdue = [row for row in rows if row.status == DueStatus.OVERDUE]
    soon = [row for row in rows if row.status == DueStatus.DUE_SOON]
    if overdue:
        oldest = max((today - row.next_due).days for row in overdue)
        names = _names(overdue)
        yield Todo(
            text=f"{_reviews(len(overdue))} overdue: {names}, the oldest {oldest} days overdue",
            url=url,
            urgent=True,
        )
    if soon:
        yield Todo(text=f"{_reviews(len(soon))} due within 14 days: {_names(soon)}", url=url)


def _reviews(count: int) -> str:
    return f"{count} progress review{'s' if count != 1 else ''}"


def _names(rows, most: int = 3) -> str:
    names = [row.enrolment.trainee.full_name for row in rows[:most]]
    more = len(rows) - most
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")
