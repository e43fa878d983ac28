"""Things to do with off-the-job hours (pathway/things_to_do.py): a line manager's hours to
confirm, the lead nurse's breaks in learning to approve. One query each, for those roles only."""

from __future__ import annotations

from django.urls import reverse

from apprenticeships.selectors import hours as selectors
from pathway.models import RoleCode
from pathway.things_to_do import Todo


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def for_person(person, today):
    if person.has_role(RoleCode.TRAINEE) and selectors.apprenticeship_of_trainee(person):
        yield Todo(
            text="Your off-the-job training hours: log new hours and see where you are",
            url=reverse("apprenticeships:my_hours"),
        )
    if person.has_role(RoleCode.MANAGER):
        waiting = len(selectors.entries_to_confirm(person))
        if waiting:
            entries = "entry" if waiting == 1 else "entries"
            yield Todo(
                text=f"Off-the-job hours to confirm: {waiting} {entries}",
                url=reverse("apprenticeships:hours_to_confirm"),
                urgent=True,
            )
    if person.has_role(RoleCode.LEAD_NURSE):
        waiting = len(selectors.breaks_to_approve(person))
        if waiting:
            yield Todo(
                text=f"{_plural(waiting, 'break')} in learning to approve",
                url=reverse("apprenticeships:breaks_to_approve"),
            )
