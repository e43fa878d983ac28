"""Sign-off requests waiting for a mentor, practice waiting for its supervisor's confirmation,
and the trainee's own competencies that need them (pathway/things_to_do.py)."""

from __future__ import annotations

from django.urls import reverse

from competencies import selectors
from competencies.models import ProgressState
from competencies.reminders import EXPIRY_WARNING_DAYS
from pathway.models import RoleCode
from pathway.things_to_do import Todo

# A request waiting longer than this is flagged (the lead nurse's dashboard uses 14 days too).
STALE_REQUEST_DAYS = 14


def for_person(person, today):
    if person.has_role(RoleCode.MENTOR):
        yield from _requests_waiting(person, today)
    if person.has_perm("competencies.view_practice_queue"):
        yield from _practice_to_confirm(person)
    if person.has_role(RoleCode.TRAINEE, RoleCode.ASSISTANT_PRACTITIONER):
        yield from _own_competencies(person, today)


def _requests_waiting(person, today):
    waiting = list(selectors.mentor_queue(person))
    if not waiting:
        return
    oldest = (today - waiting[0].created_at.date()).days
    count = len(waiting)
    yield Todo(
        text=(
            f"{count} sign-off request{'s' if count != 1 else ''} waiting for you: "
            f"{_names([request.record.trainee.full_name for request in waiting])}"
            + (f", the oldest for {oldest} days" if oldest > 1 else "")
        ),
        url=reverse("competencies:my_trainees") + "#sign-off-queue",
        urgent=oldest > STALE_REQUEST_DAYS,
    )


def _practice_to_confirm(person):
    entries = list(selectors.practice_to_confirm(person))
    if not entries:
        return
    count = len(entries)
    yield Todo(
        text=(
            f"Confirm {count} supervised practice{'s' if count != 1 else ''} you were named on: "
            f"{_names([entry.record.trainee.full_name for entry in entries])}"
        ),
        url=reverse("competencies:practice_queue"),
    )


def _own_competencies(person, today):
    record = selectors.active_record_for(person)
    if record is None:
        return
    for progress in selectors.progress_needing_action(record, today, warn_days=EXPIRY_WARNING_DAYS):
        competency = progress.competency
        name = f"{competency.code} {competency.title}"
        url = reverse("competencies:competency_detail", args=[record.pk, competency.pk])
        if progress.state == ProgressState.NOT_YET_COMPETENT:
            yield Todo(text=f"Act on your mentor's feedback on {name}", url=url)
        elif progress.expires_on <= today:
            yield Todo(text=f"Ask for reassessment of {name}: it expired", url=url, urgent=True)
        else:
            yield Todo(
                text=f"Ask for reassessment of {name} before it expires on "
                f"{progress.expires_on:%-d %B %Y}",
                url=url,
            )


def _names(names: list[str], most: int = 3) -> str:
    # One name per person, however many entries they have, in the order first met.
    unique = list(dict.fromkeys(names))
    more = len(unique) - most
    return ", ".join(unique[:most]) + (f" and {more} more" if more > 0 else "")
