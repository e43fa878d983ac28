"""Reads for the three-party training plan and the progress reviews' agreement and gaps.

Review gaps: an apprentice's progress reviews should be no more than 12 weeks apart (the
apprenticeship funding rules ask for regular reviews, at least every 12 weeks). A review held
more than 12 weeks after the one before (or after the practical period start, for the first)
is flagged, and so is an apprentice whose last review (or start) is more than 12 weeks ago now.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from apprenticeships import rules_plan  # noqa: F401  (registers the permissions)
from apprenticeships.models import (
    Apprenticeship,
    PlanParty,
    TrainingPlan,
    TrainingPlanSignature,
)
from cohorts.models import Cohort, Enrolment, EnrolmentStatus, Review
from cohorts.selectors import reviews as review_selectors
from pathway.models import Allocation, RoleCode

REVIEW_GAP = datetime.timedelta(weeks=12)
PARTIES = list(PlanParty)


def apprenticeships_with_people() -> QuerySet[Apprenticeship]:
    return Apprenticeship.objects.select_related(
        "enrolment__trainee",
        "enrolment__cohort__programme__apprenticeship__standard",
        "enrolment__record",
    )


def apprenticeship_by_pk(pk) -> Apprenticeship:
    return apprenticeships_with_people().get(pk=pk)


def enrolments_of(pks) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(pk__in=pks)


def cohort_by_pk(pk) -> Cohort:
    return Cohort.objects.select_related("programme").get(pk=pk)


def standard_of(apprenticeship: Apprenticeship):
    programme = apprenticeship.enrolment.cohort.programme
    link = getattr(programme, "apprenticeship", None)
    return link.standard if link is not None else None


def _with_signatures(plans: QuerySet[TrainingPlan]) -> QuerySet[TrainingPlan]:
    return plans.select_related("created_by").prefetch_related(
        Prefetch("signatures", queryset=TrainingPlanSignature.objects.order_by("signed_at", "id"))
    )


def plan_versions(apprenticeship: Apprenticeship) -> list[TrainingPlan]:
    """Every version, newest first, each with `.parties` (party, signature or None)."""
    plans = list(_with_signatures(apprenticeship.training_plans.all()).order_by("-version"))
    for plan in plans:
        _attach_parties(plan)
    return plans


def _attach_parties(plan: TrainingPlan) -> None:
    by_party = {s.party: s for s in plan.signatures.all()}
    plan.parties = [(party, by_party.get(party)) for party in PARTIES]
    plan.fully_signed = all(by_party.get(party) for party in PARTIES)
    plan.waiting_for = [party.label for party in PARTIES if party not in by_party]


def plan_by_pk(pk) -> TrainingPlan:
    plan = _with_signatures(
        TrainingPlan.objects.select_related("apprenticeship__enrolment__trainee")
    ).get(pk=pk)
    _attach_parties(plan)
    return plan


@dataclass
class ReviewRow:
    review: Review
    gap_days: int
    too_long_after_last: bool
    agreed_by_all: bool
    waiting_for: list[str] = field(default_factory=list)


@dataclass
class ReviewFlags:
    rows: list[ReviewRow]
    last_on: datetime.date | None
    next_due: datetime.date
    overdue_now: bool

    @property
    def any_gap(self) -> bool:
        return any(row.too_long_after_last for row in self.rows)

    @property
    def flagged(self) -> bool:
        return self.overdue_now or self.any_gap


def review_gaps(
    held: list[datetime.date], *, start: datetime.date, today: datetime.date, active: bool
) -> tuple[list[bool], bool]:
    """For review dates in order: whether each came more than 12 weeks after the one before
    (the first: after `start`); and whether the next is overdue today (active enrolments)."""
    flags, previous = [], start
    for day in held:
        flags.append(day - previous > REVIEW_GAP)
        previous = max(previous, day)
    return flags, active and today - previous > REVIEW_GAP


def review_flags(apprenticeship: Apprenticeship, *, today: datetime.date | None = None):
    """The enrolment's reviews, oldest first, with their agreement and their gaps."""
    today = today or timezone.localdate()
    reviews = sorted(
        review_selectors.enrolment_reviews(apprenticeship.enrolment),
        key=lambda r: (r.held_on, r.pk),
    )
    start = apprenticeship.practical_period_start
    flags, overdue = review_gaps(
        [r.held_on for r in reviews],
        start=start,
        today=today,
        active=apprenticeship.enrolment.status == EnrolmentStatus.ACTIVE,
    )
    rows, previous = [], start
    for review, flag in zip(reviews, flags, strict=True):
        waiting = [p.label for p in review.parties if not p.confirmed]
        rows.append(
            ReviewRow(
                review=review,
                gap_days=(review.held_on - previous).days,
                too_long_after_last=flag,
                agreed_by_all=not waiting,
                waiting_for=waiting,
            )
        )
        previous = max(previous, review.held_on)
    last = reviews[-1].held_on if reviews else None
    return ReviewFlags(
        rows=rows, last_on=last, next_due=(last or start) + REVIEW_GAP, overdue_now=overdue
    )


# The cohort's list of apprentices ----------------------------------------------------------


@dataclass
class ApprenticeRow:
    apprenticeship: Apprenticeship
    plan_version: int | None
    plan_signatures: int
    review_gap: bool
    review_overdue: bool
    gateway_items_done: int
    gateway_items: int
    gateway_signatures: int

    @property
    def plan_signed(self) -> bool:
        return self.plan_version is not None and self.plan_signatures >= len(PARTIES)

    @property
    def gateway_declared(self) -> bool:
        return self.gateway_signatures >= len(PARTIES)

    @property
    def review_flagged(self) -> bool:
        return self.review_gap or self.review_overdue


def cohort_apprentices(cohort: Cohort, *, today: datetime.date | None = None):
    """Every apprentice of the cohort with their plan, review and gateway status: three
    queries however many apprentices (the apprenticeships with counts, their reviews' dates,
    and the gateway requirements' standard comes with the first)."""
    from apprenticeships.selectors.gateway import requirements_for

    today = today or timezone.localdate()
    latest = TrainingPlan.objects.filter(apprenticeship=OuterRef("pk")).order_by("-version")
    signatures = (
        TrainingPlanSignature.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    latest_signed = latest.annotate(n=Subquery(signatures)).values("n")[:1]
    apprenticeships = (
        apprenticeships_with_people()
        .filter(enrolment__cohort=cohort)
        .exclude(enrolment__status=EnrolmentStatus.DEFERRED)
        .annotate(
            plan_version=Subquery(latest.values("version")[:1]),
            plan_signatures=Subquery(latest_signed),
            evidenced=Count("gateway_evidence", distinct=True),
            declared=Count("gateway_signatures", distinct=True),
        )
        .order_by("enrolment__trainee__full_name", "pk")
    )
    apprenticeships = list(apprenticeships)
    held: dict[int, list[datetime.date]] = {}
    for enrolment_id, day in (
        Review.objects.filter(enrolment__in=[a.enrolment_id for a in apprenticeships])
        .order_by("held_on", "pk")
        .values_list("enrolment_id", "held_on")
    ):
        held.setdefault(enrolment_id, []).append(day)
    rows = []
    for apprenticeship in apprenticeships:
        gaps, overdue = review_gaps(
            held.get(apprenticeship.enrolment_id, []),
            start=apprenticeship.practical_period_start,
            today=today,
            active=apprenticeship.enrolment.status == EnrolmentStatus.ACTIVE,
        )
        requirements = requirements_for(standard_of(apprenticeship))
        rows.append(
            ApprenticeRow(
                apprenticeship=apprenticeship,
                plan_version=apprenticeship.plan_version,
                plan_signatures=apprenticeship.plan_signatures or 0,
                review_gap=any(gaps),
                review_overdue=overdue,
                gateway_items_done=min(apprenticeship.evidenced, len(requirements)),
                gateway_items=len(requirements),
                gateway_signatures=apprenticeship.declared,
            )
        )
    return rows


def cohorts_with_apprentices() -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(enrolments__apprenticeship__isnull=False)
        .select_related("programme")
        .annotate(apprentices=Count("enrolments__apprenticeship", distinct=True))
        .order_by("-intake_date", "name")
    )


def plans_to_sign(person, today: datetime.date) -> list[tuple[TrainingPlan, PlanParty]]:
    """The newest plan version of each apprentice this person signs for and has not signed:
    their own (as the apprentice), those they tutor today (the training provider) and those
    they line-manage today (the employer). A query for each of those roles the person holds."""
    newest = TrainingPlan.objects.filter(apprenticeship=OuterRef("apprenticeship")).order_by(
        "-version"
    )
    plans = TrainingPlan.objects.filter(pk=Subquery(newest.values("pk")[:1])).select_related(
        "apprenticeship__enrolment__trainee"
    )
    current = Allocation.objects.current(today).filter(supporter=person)
    wanted = [
        (PlanParty.APPRENTICE, Q(apprenticeship__enrolment__trainee=person)),
        (
            PlanParty.PROVIDER,
            Q(
                apprenticeship__enrolment__trainee__in=current.filter(
                    kind=Allocation.Kind.TUTOR
                ).values("trainee")
            ),
        ),
        (
            PlanParty.EMPLOYER,
            Q(
                apprenticeship__enrolment__trainee__in=current.filter(
                    kind=Allocation.Kind.MANAGER
                ).values("trainee")
            ),
        ),
    ]
    roles = {
        PlanParty.APPRENTICE: RoleCode.TRAINEE,
        PlanParty.PROVIDER: RoleCode.TUTOR,
        PlanParty.EMPLOYER: RoleCode.MANAGER,
    }
    found = []
    for party, condition in wanted:
        if not person.has_role(roles[party]):
            continue  # no query for a party this person cannot be
        unsigned = (
            plans.filter(condition, apprenticeship__enrolment__status=EnrolmentStatus.ACTIVE)
            .exclude(signatures__party=party)
            .order_by("apprenticeship__enrolment__trainee__full_name", "pk")
        )
        found.extend((plan, party) for plan in unsigned)
    return found
