"""Demo: signed training plans for the second cohort's apprentices, and one apprentice's
end-point assessment gateway part-way through (issue 19, parts 5 and 6).

Call after the enrolments have their Apprenticeship rows:

    from apprenticeships.demo.plan import seed_plans
    seed_plans(cohorts.second_enrolments, lead=context.people["lead"], today=context.today)

Everything goes through the services, as the people themselves would act: the apprentice's
tutor writes the plan (the lead nurse when there is none), then the apprentice, their line
manager (or the lead nurse, for the employer) and their tutor sign it. Enrolments without an
apprenticeship, or already with a plan, are left alone, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from apprenticeships.models import Apprenticeship
from apprenticeships.rules_plan import plan_party
from apprenticeships.services import gateway as gateway_services
from apprenticeships.services import plan as plan_services
from cohorts.models import Enrolment, EnrolmentStatus
from pathway.models import Allocation

PROVIDER = (
    "Teach the Foundation degree modules and assess them; a named tutor for each apprentice; "
    "a progress review with the apprentice and employer at least every 12 weeks."
)
EMPLOYER = (
    "Release the apprentice for off-the-job training within paid hours; a prepared mentor in "
    "practice; supervised practice for every competency; the line manager takes part in reviews."
)
APPRENTICE = (
    "Attend teaching and training days; log off-the-job hours and supervised practice; keep "
    "the portfolio up to date; take part in every progress review."
)
# The items of the part-way apprentice's gateway evidenced, with their references.
PART_WAY = {
    "care_certificate": "Care Certificate, trust learning record CC-2024-117",
    "english": "GCSE English language, grade 5 (certificate seen)",
    "maths": "Functional skills maths level 2, certificate FS-88213",
}


def _supporter(trainee, kind: str, today: datetime.date):
    allocation = (
        Allocation.objects.current(today)
        .filter(trainee=trainee, kind=kind, supporter__is_active=True)
        .select_related("supporter")
        .order_by("pk")
        .first()
    )
    return allocation.supporter if allocation else None


def _sign_all(plan, apprenticeship, people) -> None:
    for person in people:
        if person is None:
            continue
        party = plan_party(person, apprenticeship)
        if party is not None and not plan.signatures.filter(party=party).exists():
            plan_services.training_plan_sign(actor=person, plan=plan)


def seed_plans(enrolments, *, lead, today: datetime.date | None = None) -> int:
    """Plans for each enrolment's apprenticeship, signed by all three parties; the first
    active apprentice's gateway has its first three items evidenced. Returns the plans made."""
    today = today or timezone.localdate()
    made, part_way = 0, None
    for enrolment in enrolments:
        apprenticeship = Apprenticeship.objects.filter(enrolment=enrolment).first()
        if apprenticeship is None or apprenticeship.training_plans.exists():
            continue
        apprenticeship = Apprenticeship.objects.select_related(
            "enrolment__trainee", "enrolment__cohort__programme"
        ).get(pk=apprenticeship.pk)
        trainee = enrolment.trainee
        tutor = _supporter(trainee, Allocation.Kind.TUTOR, today)
        manager = _supporter(trainee, Allocation.Kind.MANAGER, today) or lead
        plan = plan_services.training_plan_create(
            actor=tutor or lead,
            apprenticeship=apprenticeship,
            practical_period_start=apprenticeship.practical_period_start,
            planned_end_date=apprenticeship.planned_end_date,
            planned_otj_hours=apprenticeship.planned_otj_hours,
            provider_responsibilities=PROVIDER,
            employer_responsibilities=EMPLOYER,
            apprentice_responsibilities=APPRENTICE,
        )
        _sign_all(plan, apprenticeship, [trainee, manager, tutor])
        made += 1
        if part_way is None and enrolment.status == EnrolmentStatus.ACTIVE:
            part_way = (apprenticeship, tutor or lead)
    if part_way is not None:
        apprenticeship, actor = part_way
        for code, reference in PART_WAY.items():
            gateway_services.gateway_evidence_record(
                actor=actor, apprenticeship=apprenticeship, code=code, reference=reference
            )
    return made


def seed_all(context) -> int:
    """Plans for every demo enrolment that is an apprenticeship (the second cohort's)."""
    enrolments = Enrolment.objects.filter(apprenticeship__isnull=False).order_by("pk")
    return seed_plans(enrolments, lead=context.people["lead"], today=context.today)
