"""Daily reminders from the competency records (collected by `manage.py send_reminders`)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from competencies.models import CompetencyProgress, ProgressState
from notifications.models import Kind
from notifications.reminders import Reminder

EXPIRY_WARNING_DAYS = 30


def due(today: datetime.date):
    """A competency that expires within 30 days: the trainee is told once per expiry date
    (a reassessment sets a new date, and so a new reminder when that one nears)."""
    expiring = (
        CompetencyProgress.objects.filter(
            state=ProgressState.ACHIEVED,
            record__is_active=True,
            record__trainee__is_active=True,
            expires_on__gt=today,
            expires_on__lte=today + datetime.timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .select_related("record__trainee", "competency")
        .order_by("expires_on", "pk")
    )
    for progress in expiring:
        competency = progress.competency
        days = (progress.expires_on - today).days
        yield Reminder(
            recipient=progress.record.trainee,
            kind=Kind.COMPETENCY_EXPIRING,
            subject=(
                f"Your sign-off for {competency.code} {competency.title} expires on "
                f"{progress.expires_on:%-d %B %Y}"
            ),
            body=(
                f"Your sign-off for {competency.code} {competency.title} expires in {days} "
                f"day{'s' if days != 1 else ''}, on {progress.expires_on:%-d %B %Y}. Ask your "
                "mentor to reassess you before then."
            ),
            url=reverse("competencies:competency_detail", args=[progress.record_id, competency.pk]),
            key=f"expiring:{progress.pk}:{progress.expires_on.isoformat()}",
        )
