"""Support requests waiting for a manager, and open rounds for someone who could apply
(pathway/things_to_do.py)."""

from __future__ import annotations

from django.urls import reverse

from pathway.things_to_do import Todo
from recruitment import selectors


def for_person(person, today):
    if person.has_perm("recruitment.view_support_requests"):
        yield from _support_requests(person, today)
    if person.has_perm("recruitment.apply"):
        yield from _rounds_to_apply_to(person, today)


def _support_requests(person, today):
    waiting, _ = selectors.support_requests(person)
    for application in waiting:
        yield Todo(
            text=(
                f"{application.applicant.full_name} asks for your support to join "
                f"{application.round.cohort}"
            ),
            url=reverse("recruitment:support_decide", args=[application.pk]),
            urgent=application.round.closes_on <= today,
        )


def _rounds_to_apply_to(person, today):
    applied = {application.round_id for application in selectors.applications_of(person)}
    for recruitment in selectors.open_rounds(today):
        if recruitment.pk not in applied:
            yield Todo(
                text=(
                    f"Apply to train as an assistant practitioner in {recruitment.cohort}: "
                    f"applications close on {recruitment.closes_on:%-d %B %Y}"
                ),
                url=reverse("recruitment:apply", args=[recruitment.pk]),
            )
