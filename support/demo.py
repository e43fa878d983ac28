"""Demo data for the practice educator team: the mentor register, educators' caseloads of
mentors, and support logs. Runs after pathway, competencies and cohorts (INSTALLED_APPS order).

Safe to run twice: each row is found by its natural key before it is made.
- the mentor register: every demo mentor prepared, one due an update within 30 days, one with
  an update out of date, and the last with no preparation recorded;
- each practice educator's caseload of mentors: the mentors in rotation;
- support logs: a dozen entries over the last three months, of every kind, for each educator.
"""

from __future__ import annotations

import datetime

from pathway.models import Allocation, MentorPreparation
from pathway.preparation import add_months
from support.models import MentorCaseload, SupportKind, SupportLog

# (days ago, kind, whose: "trainee", "mentor", "manager" or "", minutes, notes)
LOGS = [
    (2, SupportKind.TRAINING, "", 180, "Clinical skills session: arterial blood gas sampling."),
    (5, SupportKind.MENTORS, "mentor", 45, "Talked through assessing against the criteria."),
    (9, SupportKind.UNIVERSITY, "", 60, "Module leads' meeting on the placement schedule."),
    (12, SupportKind.MANAGERS, "manager", 30, "Protected learning time on the rota."),
    (20, SupportKind.TRAINING, "trainee", 90, "One-to-one: care planning and documentation."),
    (33, SupportKind.MENTORS, "mentor", 60, "Sign-off backlog: planned observed practice."),
    (41, SupportKind.UNIVERSITY, "", 120, "Progress board with the university."),
    (47, SupportKind.TRAINING, "", 240, "Training day: recognising the deteriorating patient."),
    (58, SupportKind.MANAGERS, "manager", 45, "Backfill for training days."),
    (66, SupportKind.TRAINING, "trainee", 60, "Catch-up plan after sickness."),
    (75, SupportKind.MENTORS, "mentor", 30, "Annual mentor update reminder."),
    (84, SupportKind.UNIVERSITY, "", 45, "Assessment board preparation."),
]


def seed(context) -> None:
    if not context.mentors or not context.educators:
        return  # the core has not seeded
    _register(context)
    _mentor_caseloads(context)
    _support_logs(context)


def _register(context) -> None:
    today = context.today
    mentors = context.mentors
    for index, mentor in enumerate(mentors):
        if index == len(mentors) - 1:
            continue  # no preparation recorded
        if index == len(mentors) - 2:  # out of date: the update was due a month ago
            prepared, update = add_months(today, -25), add_months(today, -13)
        elif index == len(mentors) - 3:  # due an update in 20 days
            prepared, update = add_months(today, -12) + datetime.timedelta(days=20), None
        else:
            prepared = add_months(today, -30 - index)
            update = add_months(today, -3 - index)
        MentorPreparation.objects.get_or_create(
            mentor=mentor, defaults={"prepared_on": prepared, "last_update_on": update}
        )


def _mentor_caseloads(context) -> None:
    educators = context.educators
    start = context.cohort_two_start
    for index, mentor in enumerate(context.mentors):
        educator = educators[index % len(educators)]
        if educator.pk == mentor.pk:
            continue
        MentorCaseload.objects.get_or_create(
            educator=educator, mentor=mentor, end_date=None, defaults={"start_date": start}
        )


def _support_logs(context) -> None:
    today = context.today
    for educator in context.educators:
        trainees = list(
            Allocation.objects.current(today)
            .filter(supporter=educator, kind=Allocation.Kind.PRACTICE_EDUCATOR)
            .order_by("trainee__full_name")
            .values_list("trainee_id", flat=True)
        )
        mentors = list(
            MentorCaseload.objects.current(today)
            .filter(educator=educator)
            .order_by("mentor__full_name")
            .values_list("mentor_id", flat=True)
        )
        managers = list(
            Allocation.objects.current(today)
            .filter(trainee_id__in=trainees, kind=Allocation.Kind.MANAGER)
            .order_by("supporter_id")
            .values_list("supporter_id", flat=True)
            .distinct()
        )
        whose = {"trainee": trainees, "mentor": mentors, "manager": managers, "": []}
        for number, (days_ago, kind, who, minutes, notes) in enumerate(LOGS):
            people = whose[who]
            SupportLog.objects.get_or_create(
                educator=educator,
                kind=kind,
                on=today - datetime.timedelta(days=days_ago),
                minutes=minutes,
                defaults={
                    "person_id": people[number % len(people)] if people else None,
                    "notes": notes,
                },
            )
