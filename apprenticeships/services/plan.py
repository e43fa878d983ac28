"""Writes for the three-party training plan. Each checks who is acting, in one transaction.

A plan is never edited: `training_plan_create` makes the next version (the first, or a change),
which all three parties sign again; earlier versions stay as they were, read-only. Signing is a
recorded confirmation by the signed-in person: who, when, which version and the SHA-256 of the
words they confirmed (no password is asked: it is not a sign-off of competence).
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apprenticeships.models import Apprenticeship, TrainingPlan, TrainingPlanSignature
from apprenticeships.rules_plan import plan_party
from apprenticeships.selectors.plan import REVIEW_GAP, standard_of
from pathway.models import User

# The words of a plan that its hash covers, in this order.
CONTENT_FIELDS = (
    "version",
    "programme_name",
    "standard_name",
    "practical_period_start",
    "planned_end_date",
    "planned_otj_hours",
    "provider_responsibilities",
    "employer_responsibilities",
    "apprentice_responsibilities",
    "review_dates",
    "change_reason",
)
TEXT_MAX = 5000


def plan_content(plan: TrainingPlan) -> dict:
    content = {}
    for name in CONTENT_FIELDS:
        value = getattr(plan, name)
        content[name] = value.isoformat() if isinstance(value, datetime.date) else value
    content["apprenticeship"] = plan.apprenticeship_id
    return content


def plan_hash(plan: TrainingPlan) -> str:
    canonical = json.dumps(plan_content(plan), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def review_dates(
    start: datetime.date, end: datetime.date, interval_weeks: int | None
) -> list[datetime.date]:
    """Review dates from the start to the planned end, at the cohort's interval but never more
    than 12 weeks apart."""
    step = min(datetime.timedelta(weeks=interval_weeks or 12), REVIEW_GAP)
    dates, day = [], start + step
    while day <= end:
        dates.append(day)
        day += step
    return dates


def _check_text(name: str, value: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({name: "Enter the responsibilities"})
    if len(value) > TEXT_MAX:
        raise ValidationError({name: f"Enter no more than {TEXT_MAX} characters"})
    return value


@transaction.atomic
def training_plan_create(
    *,
    actor: User,
    apprenticeship: Apprenticeship,
    practical_period_start: datetime.date,
    planned_end_date: datetime.date,
    planned_otj_hours: int,
    provider_responsibilities: str,
    employer_responsibilities: str,
    apprentice_responsibilities: str,
    change_reason: str = "",
) -> TrainingPlan:
    """The next version of the apprentice's plan (the lead nurse or the apprentice's tutor)."""
    if not actor.has_perm("apprenticeships.change_training_plan", apprenticeship):
        raise PermissionDenied("Only the lead nurse or the apprentice's tutor changes the plan")
    if planned_end_date <= practical_period_start:
        raise ValidationError(
            {"planned_end_date": "The planned end must be after the practical period start"}
        )
    if planned_otj_hours is None or planned_otj_hours < 0 or planned_otj_hours > 10000:
        raise ValidationError({"planned_otj_hours": "Enter hours from 0 to 10000"})
    # The apprenticeship's row locked: two changes at once make versions one after the other.
    Apprenticeship.objects.select_for_update().filter(pk=apprenticeship.pk).first()
    latest = apprenticeship.training_plans.aggregate(v=Max("version"))["v"] or 0
    reason = _check_text("change_reason", change_reason, required=False)
    if latest and not reason:
        raise ValidationError({"change_reason": "Enter what changed and why"})
    standard = standard_of(apprenticeship)
    cohort = apprenticeship.enrolment.cohort
    plan = TrainingPlan(
        apprenticeship=apprenticeship,
        version=latest + 1,
        programme_name=str(cohort.programme),
        standard_name=str(standard) if standard else "",
        practical_period_start=practical_period_start,
        planned_end_date=planned_end_date,
        planned_otj_hours=planned_otj_hours,
        provider_responsibilities=_check_text(
            "provider_responsibilities", provider_responsibilities
        ),
        employer_responsibilities=_check_text(
            "employer_responsibilities", employer_responsibilities
        ),
        apprentice_responsibilities=_check_text(
            "apprentice_responsibilities", apprentice_responsibilities
        ),
        review_dates=[
            d.isoformat()
            for d in review_dates(
                practical_period_start, planned_end_date, cohort.review_interval_weeks
            )
        ],
        change_reason=reason,
        created_by=actor,
        created_at=timezone.now(),
    )
    plan.content_hash = plan_hash(plan)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def training_plan_sign(*, actor: User, plan: TrainingPlan) -> TrainingPlanSignature:
    """The signed-in person confirms the current version as their party."""
    apprenticeship = plan.apprenticeship
    if not actor.has_perm("apprenticeships.sign_training_plan", apprenticeship):
        raise PermissionDenied("Only the apprentice, their employer and their tutor sign the plan")
    Apprenticeship.objects.select_for_update().filter(pk=apprenticeship.pk).first()
    latest = apprenticeship.training_plans.aggregate(v=Max("version"))["v"]
    if plan.version != latest:
        raise ValidationError(
            "This version has been replaced by a newer one: read and sign the newest version"
        )
    if plan_hash(plan) != plan.content_hash:
        raise ValidationError("This plan's words do not match its hash: it cannot be signed")
    party = plan_party(actor, apprenticeship)
    existing = plan.signatures.filter(party=party).select_related("person").first()
    if existing is not None:
        raise ValidationError(
            f"{existing.person_name} has already signed this version as the"
            f" {existing.get_party_display().lower()}"
        )
    return TrainingPlanSignature.objects.create(
        plan=plan,
        party=party,
        person=actor,
        person_name=actor.full_name,
        content_hash=plan.content_hash,
        signed_at=timezone.now(),
    )
