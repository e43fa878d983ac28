"""The programme plan, the two demo cohorts and their enrolments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cohorts.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Milestone,
    ProgrammePlan,
)
from cohorts.services.cohorts import roles_on_qualifying
from competencies.models import Framework, TrainingRecord

# Planned achievement by week: a gentle start, then steady progress to all 17 core and all 5
# critical-care specific competencies by week 48 (four weeks before the planned end).
MILESTONES = [(12, 3, 0), (24, 8, 2), (36, 13, 4), (48, 17, 5)]


@dataclass
class DemoCohorts:
    first: Cohort
    second: Cohort
    first_enrolments: list[Enrolment]
    second_enrolments: list[Enrolment]


def seed(context) -> DemoCohorts | None:
    framework = Framework.objects.get(code="ap-critical-care", version=1)
    plan, _ = ProgrammePlan.objects.get_or_create(
        programme=context.programme, defaults={"framework": framework}
    )
    for week, core, specific in MILESTONES:
        Milestone.objects.get_or_create(
            plan=plan, week=week, defaults={"core_target": core, "specific_target": specific}
        )
    if Cohort.objects.filter(programme=context.programme).exists():
        return None
    critical_care = context.areas["critical-care"]
    first = Cohort.objects.create(
        programme=context.programme,
        name="Cohort 1",
        intake_date=context.cohort_one_start,
        planned_end_date=context.cohort_one_end,
        status=Cohort.Status.FINISHED,
        framework=framework,
    )
    second = Cohort.objects.create(
        programme=context.programme,
        name="Cohort 2",
        intake_date=context.cohort_two_start,
        planned_end_date=context.cohort_two_start.replace(year=context.cohort_two_start.year + 1),
        status=Cohort.Status.RUNNING,
        framework=framework,
    )
    third = Cohort.objects.create(
        programme=context.programme,
        name="Cohort 3",
        intake_date=second.intake_date + datetime.timedelta(weeks=52),
        planned_end_date=second.planned_end_date + datetime.timedelta(weeks=52),
        status=Cohort.Status.PLANNED,
        framework=framework,
    )
    third.clinical_areas.set([critical_care, context.areas["emergency-department"]])
    first.clinical_areas.set([critical_care])
    second.clinical_areas.set([critical_care])

    first_enrolments = []
    for trainee in context.cohort_one:
        record = TrainingRecord.objects.get(trainee=trainee, framework=framework)
        enrolment = Enrolment.objects.create(
            cohort=first,
            trainee=trainee,
            record=record,
            start_date=first.intake_date,
            end_date=first.planned_end_date,
            status=EnrolmentStatus.QUALIFIED,
        )
        _history(
            enrolment,
            [
                ("", EnrolmentStatus.ACTIVE, first.intake_date, "Enrolled"),
                (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED, first.planned_end_date, ""),
                (
                    EnrolmentStatus.COMPLETED,
                    EnrolmentStatus.QUALIFIED,
                    first.planned_end_date,
                    "All competencies signed off and modules passed",
                ),
            ],
            context.people["lead"],
        )
        first_enrolments.append(enrolment)
        roles_on_qualifying(trainee)

    second_enrolments = []
    for index, trainee in enumerate(context.cohort_two):
        record = TrainingRecord.objects.get(trainee=trainee, is_active=True)
        status, reason = EnrolmentStatus.ACTIVE, ""
        if index == 14:
            status, reason = EnrolmentStatus.ON_BREAK, "Maternity leave; returning next spring"
        enrolment = Enrolment.objects.create(
            cohort=second,
            trainee=trainee,
            record=record,
            start_date=second.intake_date,
            status=status,
            status_reason=reason,
        )
        steps = [("", EnrolmentStatus.ACTIVE, second.intake_date, "Enrolled")]
        if status == EnrolmentStatus.ON_BREAK:
            steps.append((EnrolmentStatus.ACTIVE, status, context.today.replace(day=1), reason))
        _history(enrolment, steps, context.people["lead"])
        second_enrolments.append(enrolment)
    return DemoCohorts(first, second, first_enrolments, second_enrolments)


def _history(enrolment, steps, actor):
    EnrolmentStatusChange.objects.bulk_create(
        EnrolmentStatusChange(
            enrolment=enrolment,
            from_status=from_status,
            to_status=to_status,
            on=on,
            reason=reason,
            changed_by=actor,
        )
        for from_status, to_status, on, reason in steps
    )
