"""Things to do from the apprenticeship route (pathway/things_to_do.py): each part's own."""

from __future__ import annotations

from apprenticeships import todo_hours, todo_plan


def for_person(person, today):
    yield from todo_plan.for_person(person, today)
    yield from todo_hours.for_person(person, today)
