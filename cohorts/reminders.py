"""Daily reminders of progress reviews (collected by `manage.py send_reminders`)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from cohorts.selectors.reviews import REVIEWING_KINDS, DueStatus, reviews_due
from notifications.models import Kind
from notifications.reminders import Reminder
from pathway.models import Allocation


def due(today: datetime.date):
    """A review due within 14 days, and again once it is overdue: to the trainee and to the
    mentor, tutor and practice educator who support them today. Once per due date each."""
    rows = reviews_due(today=today)
    trainee_ids = [row.enrolment.trainee_id for row in rows]
    supporters: dict[int, list] = {}
    for allocation in (
        Allocation.objects.current(today)
        .filter(trainee_id__in=trainee_ids, kind__in=REVIEWING_KINDS, supporter__is_active=True)
        .select_related("supporter")
        .order_by("supporter__full_name")
    ):
        people = supporters.setdefault(allocation.trainee_id, [])
        if allocation.supporter not in people:
            people.append(allocation.supporter)
    for row in rows:
        enrolment = row.enrolment
        trainee = enrolment.trainee
        overdue = row.status == DueStatus.OVERDUE
        kind = Kind.REVIEW_OVERDUE if overdue else Kind.REVIEW_DUE
        when = f"{row.next_due:%-d %B %Y}"
        subject = (
            f"{trainee.full_name}'s progress review is overdue (due {when})"
            if overdue
            else f"{trainee.full_name}'s progress review is due by {when}"
        )
        url = reverse("cohorts:review_list", args=[enrolment.pk])
        key = f"review:{enrolment.pk}:{row.next_due.isoformat()}"
        for person in [trainee, *supporters.get(trainee.pk, [])]:
            yield Reminder(
                recipient=person,
                kind=kind,
                subject=subject,
                body=(
                    f"The next progress review for {trainee.full_name} ({enrolment.cohort}) "
                    f"{'was' if overdue else 'is'} due on {when}. Arrange it with the trainee, "
                    "their mentor and their tutor."
                ),
                url=url,
                key=key,
            )
