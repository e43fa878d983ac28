"""Reads for training days, the attendance register, attendance rates and module results.

Attendance % is present ÷ (present + absent), rounded to a whole percentage. Days marked
excused are left out of both sides (an agreed absence neither helps nor counts against the
trainee), and so are days with no mark yet (planned days, registers not taken). With no present
or absent mark at all there is no percentage: None, shown as "No marks yet", never 0%.

Each page's reads take a fixed number of queries however many trainees or days there are:
counts are annotations, a register's marks are a subquery.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from cohorts.models import (
    CURRENT_STATUSES,
    Attendance,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    ModuleResult,
    TrainingDay,
)
from pathway.models import Module

PRESENT, ABSENT, EXCUSED = (
    Attendance.Status.PRESENT,
    Attendance.Status.ABSENT,
    Attendance.Status.EXCUSED,
)


def attendance_percent(present: int, absent: int) -> int | None:
    """Present ÷ (present + absent) as a whole percentage; None when nothing counts yet.

    Excused days are not passed in: they are left out on purpose (see the module docstring).
    """
    counted = present + absent
    if not counted:
        return None
    return round(100 * present / counted)


def _counts(prefix: str = "") -> dict:
    """Present / absent / excused counts of the attendance reached through `prefix`."""
    relation = f"{prefix}attendance"
    return {
        name: Count(relation, filter=Q(**{f"{relation}__status": status}))
        for name, status in (("present", PRESENT), ("absent", ABSENT), ("excused", EXCUSED))
    }


# Training days ---------------------------------------------------------------------------


def training_day_by_pk(pk: int) -> TrainingDay:
    """The day with its cohort and `marked`: how many marks its register has."""
    return (
        TrainingDay.objects.select_related("cohort__programme")
        .annotate(marked=Count("attendance"))
        .get(pk=pk)
    )


def training_days_for(cohort: Cohort) -> QuerySet[TrainingDay]:
    """The cohort's days in date order, each with `present`, `absent`, `excused` and `marked`
    (how many marks the register has): one query."""
    return (
        TrainingDay.objects.filter(cohort=cohort)
        .annotate(**_counts(), marked=Count("attendance"))
        .order_by("date", "id")
    )


# The register ----------------------------------------------------------------------------


def on_cohort_on(day: datetime.date) -> Q:
    """Enrolments on their cohort on a day: started by then, and either still current (active
    or on a break) or ended on or after it (withdrawn, completed, qualified or moved later)."""
    return Q(start_date__lte=day) & (Q(status__in=CURRENT_STATUSES) | Q(end_date__gte=day))


def register_enrolments(training_day: TrainingDay) -> QuerySet[Enrolment]:
    """Who is on a day's register: the cohort's enrolments on the cohort that day, and anyone
    already marked for it (so a register once taken never loses a row)."""
    marked = Attendance.objects.filter(training_day=training_day, enrolment=OuterRef("pk"))
    return (
        Enrolment.objects.filter(cohort_id=training_day.cohort_id)
        .filter(on_cohort_on(training_day.date) | Q(Exists(marked)))
        .select_related("trainee")
        .order_by("trainee__full_name", "pk")
    )


def register_for(training_day: TrainingDay) -> list[Enrolment]:
    """The register's rows, each enrolment with `mark` (its status that day, or None): one
    query."""
    mark = Attendance.objects.filter(training_day=training_day, enrolment=OuterRef("pk"))
    return list(
        register_enrolments(training_day).annotate(mark=Subquery(mark.values("status")[:1]))
    )


# One trainee, and a cohort's trainees ----------------------------------------------------


@dataclass(frozen=True)
class AttendanceSummary:
    present: int = 0
    absent: int = 0
    excused: int = 0

    @property
    def marked(self) -> int:
        return self.present + self.absent + self.excused

    @property
    def percent(self) -> int | None:
        return attendance_percent(self.present, self.absent)


def attendance_summary(enrolment: Enrolment) -> AttendanceSummary:
    """A trainee's attendance on their cohort's training days: one query."""
    totals = Attendance.objects.filter(enrolment=enrolment).aggregate(
        present=Count("pk", filter=Q(status=PRESENT)),
        absent=Count("pk", filter=Q(status=ABSENT)),
        excused=Count("pk", filter=Q(status=EXCUSED)),
    )
    return AttendanceSummary(**totals)


@dataclass(frozen=True)
class TraineeAttendance:
    enrolment: Enrolment
    summary: AttendanceSummary


def attendance_by_trainee(cohort: Cohort) -> list[TraineeAttendance]:
    """Each trainee of the cohort with their attendance: one query. Trainees moved to a later
    cohort before any register was taken are left out."""
    rows = (
        Enrolment.objects.filter(cohort=cohort)
        .annotate(**_counts())
        .filter(
            ~Q(status=EnrolmentStatus.DEFERRED)
            | Q(present__gt=0)
            | Q(absent__gt=0)
            | Q(excused__gt=0)
        )
        .select_related("trainee")
        .order_by("trainee__full_name", "pk")
    )
    return [
        TraineeAttendance(row, AttendanceSummary(row.present, row.absent, row.excused))
        for row in rows
    ]


# Module results --------------------------------------------------------------------------


def modules_for(enrolment: Enrolment) -> QuerySet[Module]:
    """The modules of the enrolment's programme, in course order."""
    return Module.objects.filter(programme_id=enrolment.cohort.programme_id).order_by(
        "order", "title"
    )


def module_results_for(enrolment: Enrolment) -> QuerySet[ModuleResult]:
    """The trainee's results, module by module in course order, attempts in order."""
    return (
        ModuleResult.objects.filter(enrolment=enrolment)
        .select_related("module", "recorded_by")
        .order_by("module__order", "module__title", "attempt")
    )
