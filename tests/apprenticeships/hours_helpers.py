"""Helpers for the off-the-job hours tests (tests/factories.py is shared: ours live here)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from apprenticeships.models import Apprenticeship, ApprenticeshipProgramme
from cohorts.models import Cohort, Enrolment
from competencies.models import ApprenticeshipStandard
from pathway.models import Allocation, User
from tests import factories

WEEK = datetime.timedelta(weeks=1)


def standard(**fields) -> ApprenticeshipStandard:
    values = {
        "reference": "ST0215",
        "title": "Assistant practitioner (health)",
        "level": 5,
        "version": "1.1",
        "typical_duration_months": 18,
        "minimum_otj_hours": 364,
        "funding_band": 15000,
    }
    values.update(fields)
    found, _ = ApprenticeshipStandard.objects.get_or_create(
        reference=values.pop("reference"), version=values.pop("version"), defaults=values
    )
    return found


def make_apprenticeship_programme(programme, **standard_fields) -> ApprenticeshipProgramme:
    found, _ = ApprenticeshipProgramme.objects.get_or_create(
        programme=programme, defaults={"standard": standard(**standard_fields)}
    )
    return found


def apprenticeship_for(
    enrolment: Enrolment,
    *,
    start: datetime.date | None = None,
    days: int = 364,
    planned_hours: int = 400,
    levy_funded: bool = True,
) -> Apprenticeship:
    start = start or enrolment.cohort.intake_date
    return Apprenticeship.objects.create(
        enrolment=enrolment,
        practical_period_start=start,
        planned_end_date=start + datetime.timedelta(days=days),
        planned_otj_hours=planned_hours,
        levy_funded=levy_funded,
    )


@dataclass
class HoursWorld:
    cohort: Cohort
    enrolment: Enrolment
    apprenticeship: Apprenticeship
    apprentice: User
    manager: User
    tutor: User
    educator: User
    mentor: User
    lead: User


def apprentice(cohort: Cohort, *, manager=None, tutor=None, educator=None, mentor=None, **terms):
    """Enrol a new apprentice on the cohort with a line manager (and other supporters)."""
    enrolment = factories.enrol(cohort, tutor=tutor, educator=educator, mentor=mentor)
    if manager is not None:
        factories.AllocationFactory(
            trainee=enrolment.trainee,
            supporter=manager,
            kind=Allocation.Kind.MANAGER,
            start_date=cohort.intake_date,
        )
    return enrolment, apprenticeship_for(enrolment, **terms)


def hours_world(*, weeks_in: int = 20, **terms) -> HoursWorld:
    """A running apprenticeship cohort that started `weeks_in` weeks ago, with one apprentice,
    their line manager, tutor, practice educator and mentor, and a lead nurse."""
    programme = factories.ProgrammeFactory()
    make_apprenticeship_programme(programme)
    framework, area = factories.published_framework_with(core=2)
    cohort = factories.CohortFactory(
        programme=programme,
        framework=framework,
        intake_date=timezone.localdate() - weeks_in * WEEK,
    )
    cohort.clinical_areas.set([area])
    manager = factories.ManagerFactory()
    tutor = factories.TutorFactory()
    educator = factories.PracticeEducatorFactory()
    mentor = factories.MentorFactory()
    enrolment, apprenticeship = apprentice(
        cohort, manager=manager, tutor=tutor, educator=educator, mentor=mentor, **terms
    )
    return HoursWorld(
        cohort=cohort,
        enrolment=enrolment,
        apprenticeship=apprenticeship,
        apprentice=enrolment.trainee,
        manager=manager,
        tutor=tutor,
        educator=educator,
        mentor=mentor,
        lead=factories.LeadNurseFactory(),
    )
