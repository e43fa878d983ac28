"""Demo off-the-job hours for an apprenticeship cohort (the demo's second cohort, ST0215).

Call it once the cohort's programme is an apprenticeship (an ApprenticeshipProgramme naming
its standard) and its training days, attendance and module results are seeded:

    from apprenticeships.demo.hours import seed_hours
    seed_hours(cohorts.second, lead=context.people["lead"], today=context.today)

An enrolment without apprenticeship terms gets them (practical period from the enrolment's
start for the standard's typical duration, planned hours the standard's minimum). Then each
apprentice gets hours they logged (most confirmed by their line manager, some waiting, one
declined), practice marked as off the job, and the modules their teaching hours, so that the
ledger, the cohort dashboard's tags and the funding at risk have something to show: about a
third of the cohort is behind. The apprentice on a break has an approved break in learning,
recorded by their tutor and approved by the lead nurse. Running it twice adds nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from apprenticeships.models import (
    Apprenticeship,
    ApprenticeshipProgramme,
    BreakInLearning,
    BreakStatus,
    OtjActivity,
    OtjEntry,
    OtjEntryStatus,
)
from apprenticeships.selectors import hours as selectors
from cohorts.models import Cohort, EnrolmentStatus
from competencies.models import PracticeEntry
from pathway.models import Allocation, Module

DAY = datetime.timedelta(days=1)

# (activity, what was done) for the hours apprentices log.
ACTIVITIES = [
    (OtjActivity.THEORY, "University online lecture on cardiovascular physiology"),
    (OtjActivity.SHADOWING, "Shadowed the critical care outreach team for a shift"),
    (OtjActivity.ASSIGNMENT, "Wrote the reflective essay for the first module"),
    (OtjActivity.MENTORING, "Mentoring session with my practice assessor on care planning"),
    (OtjActivity.INDUSTRY_VISIT, "Visited the regional burns unit"),
    (OtjActivity.PRACTICAL, "Simulation training on tracheostomy emergencies"),
]


def _terms(enrolment, standard, cohort: Cohort) -> Apprenticeship:
    found = Apprenticeship.objects.filter(enrolment=enrolment).first()
    if found:
        return found
    start = enrolment.start_date
    months = standard.typical_duration_months
    return Apprenticeship.objects.create(
        enrolment=enrolment,
        practical_period_start=start,
        planned_end_date=start + datetime.timedelta(days=round(months * 30.44)),
        planned_otj_hours=standard.minimum_otj_hours,
    )


def _supporter(trainee, kind, fallback):
    allocation = (
        Allocation.objects.filter(trainee=trainee, kind=kind).select_related("supporter").first()
    )
    return allocation.supporter if allocation else fallback


def _entries(apprenticeship, index, manager, so_far: Decimal, target: Decimal, today):
    """Weekly entries since the start, enough to bring the apprentice's confirmed hours to
    `target`; then two more waiting for the line manager, and for every fourth apprentice one
    declined."""
    start = apprenticeship.practical_period_start
    days = [start + datetime.timedelta(weeks=w, days=index % 5) for w in range(1, 200)]
    days = [day for day in days if day < today]
    if not days:
        return []
    need = max(target - so_far, Decimal(0))
    each = min(max((need / len(days) * 2).quantize(Decimal("1")) / 2, Decimal("0.5")), Decimal(7))
    entries = []
    for n, on in enumerate(days):
        activity, text = ACTIVITIES[(index + n) % len(ACTIVITIES)]
        waiting = n >= len(days) - 2
        declined = n == 1 and index % 4 == 0
        confirmed = not waiting and not declined
        if confirmed and need <= 0:
            continue
        entries.append(
            OtjEntry(
                apprenticeship=apprenticeship,
                on=on,
                hours=each,
                activity=activity,
                description=text,
                logged_by=apprenticeship.enrolment.trainee,
                status=OtjEntryStatus.WAITING
                if waiting
                else OtjEntryStatus.DECLINED
                if declined
                else OtjEntryStatus.CONFIRMED,
                decline_reason="This was your normal shift on the unit" if declined else "",
                decided_by=None if waiting else manager,
                decided_at=None if waiting else timezone.now(),
            )
        )
        if confirmed:
            need -= each
    return entries


def seed_hours(cohort: Cohort, *, lead, today: datetime.date | None = None) -> int:
    """Off-the-job hours for the cohort's apprentices; returns how many entries were made."""
    today = today or timezone.localdate()
    link = ApprenticeshipProgramme.objects.filter(programme=cohort.programme).first()
    if link is None:
        return 0
    standard = link.standard
    Module.objects.filter(programme=cohort.programme, teaching_hours=0).update(teaching_hours=45)
    made = []
    enrolments = cohort.enrolments.exclude(status=EnrolmentStatus.DEFERRED).select_related(
        "trainee"
    )
    for index, enrolment in enumerate(enrolments.order_by("trainee__full_name")):
        apprenticeship = _terms(enrolment, standard, cohort)
        if apprenticeship.otj_entries.exists():
            continue
        trainee = enrolment.trainee
        manager = _supporter(trainee, Allocation.Kind.MANAGER, lead)
        tutor = _supporter(trainee, Allocation.Kind.TUTOR, lead)
        behind = index % 3 == 1
        # Confirmed practice with a supervisor counts as off the job for some of it.
        practice = PracticeEntry.objects.filter(
            record=enrolment.record, confirmed_at__isnull=False, off_the_job=False
        ).order_by("practised_on")
        for entry in practice[: 2 if behind else 5]:
            entry.off_the_job, entry.otj_hours = True, Decimal("2")
            entry.save(update_fields=["off_the_job", "otj_hours"])
        (hours,) = selectors.hours_for(
            [selectors.apprenticeship_by_pk(apprenticeship.pk)], today=today
        )
        # On track: a little ahead of the minimum to date; behind: about 60% of it.
        share = Decimal("0.6") if behind else Decimal("1.1")
        target = hours.plan.minimum_to_date * share
        made.extend(_entries(apprenticeship, index, manager, hours.actual, target, today))
        if enrolment.status == EnrolmentStatus.ON_BREAK and tutor != lead:
            starts = today.replace(day=1)
            BreakInLearning.objects.create(
                apprenticeship=apprenticeship,
                starts_on=starts,
                returns_on=starts + datetime.timedelta(weeks=26),
                reason=enrolment.status_reason or "Parental leave",
                recorded_by=tutor,
                status=BreakStatus.APPROVED,
                decided_by=lead,
                decided_at=timezone.now(),
            )
    OtjEntry.objects.bulk_create(made)
    return len(made)
