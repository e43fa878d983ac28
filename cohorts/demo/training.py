"""Demo training days, registers and module results for the two demo cohorts.

The first cohort (finished) had eight training days through its year, and passed all four
modules; one trainee was referred on a module and passed at the second attempt. The second
cohort (week 22 of 52 today) has had four training days, with two more planned, and has its
results for the first module. One of its trainees attends poorly (about half the days), so the
attendance pages have something to show.

Written with bulk_create: it runs in a fraction of a second.
"""

from __future__ import annotations

import datetime

from cohorts.models import Attendance, ModuleResult, TrainingDay
from pathway.models import Module

PRESENT = Attendance.Status.PRESENT
ABSENT = Attendance.Status.ABSENT
EXCUSED = Attendance.Status.EXCUSED

EDUCATION_CENTRE = "Education Centre, St Anne's Hospital"
SKILLS_LAB = "Clinical Skills Lab, Northfield General Infirmary"
SIMULATION = "Simulation Suite, St Anne's Hospital"
SEMINAR_ROOM = "Critical Care Unit seminar room, Northfield General Infirmary"

# (weeks after the intake, topic, location)
FIRST_COHORT_DAYS = [
    (2, "Introduction to critical care and the ABCDE assessment", EDUCATION_CENTRE),
    (8, "Recognising the deteriorating patient: NEWS2 and escalation", SKILLS_LAB),
    (14, "Airway management and oxygen therapy", SIMULATION),
    (20, "Fluid balance, IV therapy and cardiovascular monitoring", SKILLS_LAB),
    (27, "Arterial blood gases and point-of-care testing", SEMINAR_ROOM),
    (34, "Infection prevention, line care and sepsis", EDUCATION_CENTRE),
    (41, "Pressure area care and moving critically ill patients", SKILLS_LAB),
    (47, "End of life care and talking with families", SEMINAR_ROOM),
]
SECOND_COHORT_DAYS = [
    (2, "Introduction to critical care and the ABCDE assessment", EDUCATION_CENTRE),
    (6, "Recognising the deteriorating patient: NEWS2 and escalation", SKILLS_LAB),
    (10, "Airway management and oxygen therapy", SIMULATION),
    (16, "Fluid balance, IV therapy and cardiovascular monitoring", SKILLS_LAB),
    # Planned: today is week 22 of the second cohort.
    (24, "Arterial blood gases and point-of-care testing", SEMINAR_ROOM),
    (30, "Tracheostomy care and airway emergencies", SIMULATION),
]

# Marks other than present: {(day index, trainee index): status}.
FIRST_COHORT_EXCEPTIONS = {(2, 1): ABSENT, (4, 3): EXCUSED, (5, 0): EXCUSED, (6, 4): ABSENT}
POOR_ATTENDER = 6  # Kieran Murphy: present at half of the days held so far
SECOND_COHORT_EXCEPTIONS = {
    (1, POOR_ATTENDER): ABSENT,
    (3, POOR_ATTENDER): ABSENT,
    (0, 12): EXCUSED,
    (1, 3): EXCUSED,
    (2, 9): ABSENT,
    (3, 14): EXCUSED,
}

FIRST_COHORT_MARKS = [68, 55, 72, 61, 78]
REFERRED = (1, 2)  # Ben Thornton was referred on the second module, then passed at attempt 2
SECOND_COHORT_MARKS = [58, 64, 71, 52, 66, 74, 53, 61, 69, 55, 78, 63, 57, 45, 60, 67]
FAILED = 13  # Sean Gallagher failed the first module (45%) and will resit it


def _weekday(day: datetime.date) -> datetime.date:
    """Training days run Tuesday to Thursday: move forward to the next one."""
    while day.weekday() not in (1, 2, 3):
        day += datetime.timedelta(days=1)
    return day


def _days(cohort, plan) -> list[TrainingDay]:
    return TrainingDay.objects.bulk_create(
        TrainingDay(
            cohort=cohort,
            date=_weekday(cohort.intake_date + datetime.timedelta(weeks=weeks)),
            topic=topic,
            location=location,
        )
        for weeks, topic, location in plan
    )


def _register(days, enrolments, exceptions, today) -> list[Attendance]:
    return [
        Attendance(
            training_day=day,
            enrolment=enrolment,
            status=exceptions.get((d, t), PRESENT),
        )
        for d, day in enumerate(days)
        if day.date <= today
        for t, enrolment in enumerate(enrolments)
    ]


def seed(context, cohorts) -> None:
    if TrainingDay.objects.filter(cohort__in=[cohorts.first, cohorts.second]).exists():
        return  # already seeded
    today = context.today
    first_days = _days(cohorts.first, FIRST_COHORT_DAYS)
    second_days = _days(cohorts.second, SECOND_COHORT_DAYS)
    Attendance.objects.bulk_create(
        _register(first_days, cohorts.first_enrolments, FIRST_COHORT_EXCEPTIONS, today)
        + _register(second_days, cohorts.second_enrolments, SECOND_COHORT_EXCEPTIONS, today)
    )

    modules = list(Module.objects.filter(programme=context.programme).order_by("order", "title"))
    tutors = context.tutors
    results = []
    for t, enrolment in enumerate(cohorts.first_enrolments):
        tutor = tutors[t % len(tutors)]
        for m, module in enumerate(modules):
            on = cohorts.first.intake_date + datetime.timedelta(weeks=12 * (m + 1))
            mark = FIRST_COHORT_MARKS[(t + m) % len(FIRST_COHORT_MARKS)]
            attempt = 1
            if (t, m + 1) == REFERRED:
                results.append(
                    ModuleResult(
                        enrolment=enrolment,
                        module=module,
                        attempt=1,
                        outcome=ModuleResult.Outcome.REFERRED,
                        mark=38,
                        date=on,
                        recorded_by=tutor,
                    )
                )
                attempt, on, mark = 2, on + datetime.timedelta(weeks=6), 54
            results.append(
                ModuleResult(
                    enrolment=enrolment,
                    module=module,
                    attempt=attempt,
                    outcome=ModuleResult.Outcome.PASS,
                    mark=mark,
                    date=on,
                    recorded_by=tutor,
                )
            )
    first_module_on = cohorts.second.intake_date + datetime.timedelta(weeks=14)
    for t, enrolment in enumerate(cohorts.second_enrolments):
        results.append(
            ModuleResult(
                enrolment=enrolment,
                module=modules[0],
                attempt=1,
                outcome=ModuleResult.Outcome.FAIL if t == FAILED else ModuleResult.Outcome.PASS,
                mark=SECOND_COHORT_MARKS[t % len(SECOND_COHORT_MARKS)],
                date=min(first_module_on, today),
                recorded_by=tutors[t % len(tutors)],
            )
        )
    ModuleResult.objects.bulk_create(results)
