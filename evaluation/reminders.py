"""Questionnaire reminders for `manage.py send_reminders` (daily).

- On the day an issue opens (or any later day while it is open), everyone asked who has not
  answered is told it is open: the same key as the notice sent when it is issued already open,
  so each person hears once (QUESTIONNAIRE_ISSUED).
- When an issue closes within 3 days, everyone asked who has not submitted is reminded once
  (QUESTIONNAIRE_CLOSING, key per issue and person).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.urls import reverse

from evaluation.models import Invitation
from evaluation.services import issued_notice
from notifications.models import Kind
from notifications.reminders import Reminder

CLOSING_WITHIN_DAYS = 3


def due(today: datetime.date) -> Iterator[Reminder]:
    waiting = (
        Invitation.objects.filter(
            submitted=False, issue__opens_on__lte=today, issue__closes_on__gte=today
        )
        .select_related("person", "issue__questionnaire", "issue__cohort")
        .order_by("issue_id", "person_id")
    )
    closing_by = today + datetime.timedelta(days=CLOSING_WITHIN_DAYS)
    for invitation in waiting:
        issue, person = invitation.issue, invitation.person
        if not person.is_active:
            continue
        yield Reminder(**issued_notice(issue, person))
        if issue.closes_on <= closing_by:
            days = (issue.closes_on - today).days
            when = "today" if days == 0 else ("tomorrow" if days == 1 else f"in {days} days")
            yield Reminder(
                recipient=person,
                kind=Kind.QUESTIONNAIRE_CLOSING,
                subject=(
                    f"“{issue.questionnaire.title}” closes {when} and you have not answered it"
                ),
                body=(
                    f"You have not yet answered “{issue.questionnaire.title}” for "
                    f"{issue.cohort.name}. It closes {when}, on {issue.closes_on:%-d %B %Y}."
                ),
                url=reverse("evaluation:respond_start", args=[issue.pk]),
                key=f"questionnaire-closing:{issue.pk}:{person.pk}",
            )
