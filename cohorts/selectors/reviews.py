"""Reads for progress reviews: who is due a review, and one trainee's reviews.

The schedule for a whole cohort (or for every trainee a person supports) is one query: the date
of each enrolment's last review is annotated with a subquery (Max of held_on), and the next due
date and its status are worked out in Python from that row, by the pure functions below.

Rules:
- next review due = last review + the cohort's review interval, or, with no review yet, the
  enrolment's start + the interval;
- overdue: the next review was due before today; due soon: due today or within 14 days;
  not due: later than that;
- only active enrolments are flagged: a trainee on a break keeps a next due date but is not
  flagged; a withdrawn, completed, qualified or deferred enrolment has no next review.

The reviews due list (everyone's, or a supporter's) reads the same date kept on each enrolment
by the services (Enrolment.review_due_on, cohorts/review_due.py), set only while the trainee is
active in a running cohort: a page of it costs the same however many trainees are running.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import DateField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from cohorts.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Review,
    ReviewAction,
    ReviewConfirmation,
)
from pathway.models import Allocation, RoleCode, User
from pathway.rules import is_current_mentor_of, is_current_tutor_of

DUE_SOON_DAYS = 14

# Supporters who take part in reviews and see the "reviews due" list for their trainees.
REVIEWING_KINDS = (
    Allocation.Kind.MENTOR,
    Allocation.Kind.TUTOR,
    Allocation.Kind.PRACTICE_EDUCATOR,
)


class DueStatus(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_DUE = "not_due"
    ON_BREAK = "on_break"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return {
            "overdue": "Overdue",
            "due_soon": "Due soon",
            "not_due": "Not due",
            "on_break": "On a break",
            "ended": "No further reviews",
        }[self.value]

    @property
    def is_flagged(self) -> bool:
        return self in (DueStatus.OVERDUE, DueStatus.DUE_SOON)


def review_due_status(next_due: datetime.date, today: datetime.date) -> DueStatus:
    """Overdue when the review was due before today; due soon when due today or within 14 days
    (both ends included); otherwise not due."""
    if next_due < today:
        return DueStatus.OVERDUE
    if next_due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return DueStatus.DUE_SOON
    return DueStatus.NOT_DUE


def next_review_due(
    *, last_review_on: datetime.date | None, start: datetime.date, interval_weeks: int
) -> datetime.date:
    return (last_review_on or start) + datetime.timedelta(weeks=interval_weeks)


def schedule_status(
    *, enrolment_status: str, next_due: datetime.date, today: datetime.date
) -> DueStatus:
    if enrolment_status == EnrolmentStatus.ACTIVE:
        return review_due_status(next_due, today)
    if enrolment_status == EnrolmentStatus.ON_BREAK:
        return DueStatus.ON_BREAK
    return DueStatus.ENDED


@dataclass(frozen=True)
class ScheduleRow:
    enrolment: Enrolment
    last_review_on: datetime.date | None
    next_due: datetime.date | None  # None when the enrolment has ended
    status: DueStatus
    today: datetime.date

    @property
    def is_flagged(self) -> bool:
        return self.status.is_flagged

    @property
    def days_from_today(self) -> int | None:
        """Days until the next review (negative when overdue); None when there is none."""
        return None if self.next_due is None else (self.next_due - self.today).days

    @property
    def days_overdue(self) -> int:
        days = self.days_from_today
        return 0 if days is None else max(-days, 0)


def latest_review(of: str, outer: str) -> Subquery:
    """The date of the latest review whose `of` is the outer row's `outer` (None before the
    first): one value per outer row, on the reviews' index."""
    return Subquery(
        Review.objects.filter(**{of: OuterRef(outer)})
        .order_by()
        .values(of)
        .annotate(latest=Max("held_on"))
        .values("latest"),
        output_field=DateField(),
    )


def last_review_subquery() -> Subquery:
    """The date of the enrolment's latest review (None before the first), on its index."""
    return latest_review("enrolment", "pk")


def _with_last_review(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return enrolments.select_related("trainee", "cohort").annotate(
        last_review_on=last_review_subquery()
    )


def _row(enrolment: Enrolment, today: datetime.date) -> ScheduleRow:
    next_due = next_review_due(
        last_review_on=enrolment.last_review_on,
        start=enrolment.start_date,
        interval_weeks=enrolment.cohort.review_interval_weeks,
    )
    status = schedule_status(enrolment_status=enrolment.status, next_due=next_due, today=today)
    return ScheduleRow(
        enrolment=enrolment,
        last_review_on=enrolment.last_review_on,
        next_due=None if status == DueStatus.ENDED else next_due,
        status=status,
        today=today,
    )


def review_schedule(
    cohort_or_enrolments: Cohort | QuerySet[Enrolment], *, today: datetime.date | None = None
) -> list[ScheduleRow]:
    """Each enrolment's last review, next review due and its status, in one query."""
    today = today or timezone.localdate()
    if isinstance(cohort_or_enrolments, Cohort):
        enrolments = Enrolment.objects.filter(cohort=cohort_or_enrolments)
    else:
        enrolments = cohort_or_enrolments
    rows = _with_last_review(enrolments.order_by("trainee__full_name", "pk"))
    return [_row(enrolment, today) for enrolment in rows]


def enrolment_schedule(enrolment: Enrolment, *, today: datetime.date | None = None) -> ScheduleRow:
    """One enrolment's last review, next review due and its status."""
    return review_schedule(Enrolment.objects.filter(pk=enrolment.pk), today=today)[0]


class DueRows:
    """Rows of the reviews due list, most urgent first, read from each enrolment's stored
    review due date (Enrolment.review_due_on, on its own index): its count is one query, a
    page (a slice) another, and iterating reads them all once. Nothing reads the trainees who
    are not due, however many are running."""

    def __init__(self, enrolments: QuerySet[Enrolment], today: datetime.date):
        self._enrolments, self._today = enrolments, today
        self._count: int | None = None
        self._all: list[ScheduleRow] | None = None

    def count(self) -> int:
        if self._all is not None:
            return len(self._all)
        if self._count is None:
            self._count = self._enrolments.order_by().count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if self._all is not None or not isinstance(index, slice):
            return list(self)[index]
        return [self._row(enrolment) for enrolment in self._rows()[index]]

    def __iter__(self):
        if self._all is None:
            self._all = [self._row(enrolment) for enrolment in self._rows()]
        return iter(self._all)

    def _rows(self) -> QuerySet[Enrolment]:
        # Overdue before due soon is the date's own order; the last review is read only for
        # the rows drawn.
        return (
            self._enrolments.select_related("trainee", "cohort")
            .annotate(last_review_on=last_review_subquery())
            .order_by("review_due_on", "trainee__full_name", "pk")
        )

    def _row(self, enrolment: Enrolment) -> ScheduleRow:
        return ScheduleRow(
            enrolment=enrolment,
            last_review_on=enrolment.last_review_on,
            next_due=enrolment.review_due_on,
            status=review_due_status(enrolment.review_due_on, self._today),
            today=self._today,
        )


def reviews_due(*, supporter: User | None = None, today: datetime.date | None = None) -> DueRows:
    """Overdue and due-soon reviews of active trainees in running cohorts, most urgent first.

    With a supporter: only the trainees they support today as mentor, tutor or practice
    educator. Without: everyone (the lead nurse's view).

    Judged from each enrolment's stored next review date (cohorts/review_due.py keeps it, as
    next_review_due counts it, and only for active trainees of running cohorts): those due by
    the end of the "due soon" window are a range of its index, in the order drawn.
    """
    today = today or timezone.localdate()
    enrolments = Enrolment.objects.filter(
        review_due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
    )
    if supporter is not None:
        enrolments = enrolments.filter(
            trainee_id__in=Allocation.objects.current(today)
            .filter(supporter=supporter, kind__in=REVIEWING_KINDS)
            .values("trainee_id")
        )
    return DueRows(enrolments, today)


PARTIES = [
    ReviewConfirmation.Party.TRAINEE,
    ReviewConfirmation.Party.MENTOR,
    ReviewConfirmation.Party.TUTOR,
]


@dataclass(frozen=True)
class PartyConfirmation:
    party: ReviewConfirmation.Party
    confirmation: ReviewConfirmation | None

    @property
    def label(self) -> str:
        return self.party.label

    @property
    def confirmed(self) -> bool:
        return self.confirmation is not None


def party_confirmations(review: Review) -> list[PartyConfirmation]:
    """Trainee, mentor and tutor, each with their confirmation or None (uses the prefetch)."""
    by_party = {c.party: c for c in review.confirmations.all()}
    return [PartyConfirmation(party, by_party.get(party)) for party in PARTIES]


def _reviews(enrolment_filter: Q) -> QuerySet[Review]:
    return (
        Review.objects.filter(enrolment_filter)
        .select_related("recorded_by", "enrolment__trainee", "enrolment__cohort")
        .prefetch_related(
            Prefetch("actions", queryset=ReviewAction.objects.select_related("owner")),
            Prefetch(
                "confirmations",
                queryset=ReviewConfirmation.objects.select_related("person").order_by(
                    "confirmed_at", "id"
                ),
            ),
        )
        .order_by("-held_on", "-id")
    )


def enrolment_reviews(enrolment: Enrolment) -> list[Review]:
    """One trainee's reviews in this enrolment, newest first, with actions and confirmations.

    Each review gets `.parties`: trainee, mentor and tutor with their confirmation or None.
    """
    reviews = list(_reviews(Q(enrolment=enrolment)))
    for review in reviews:
        review.parties = party_confirmations(review)
    return reviews


def review_by_pk(pk: int) -> Review:
    return Review.objects.select_related(
        "enrolment__trainee", "enrolment__cohort", "enrolment__record"
    ).get(pk=pk)


def review_action_by_pk(pk: int) -> ReviewAction:
    return ReviewAction.objects.select_related(
        "review__enrolment__trainee", "review__enrolment__cohort"
    ).get(pk=pk)


def review_with_details(pk: int) -> Review:
    review = _reviews(Q(pk=pk)).get()
    review.parties = party_confirmations(review)
    return review


def confirming_party(user: User, enrolment: Enrolment) -> ReviewConfirmation.Party | None:
    """Who this person confirms a review as, for this trainee: the trainee themself, a current
    mentor or the current tutor. None for anybody else."""
    if not user.is_authenticated:
        return None
    if enrolment.trainee_id == user.pk:
        return ReviewConfirmation.Party.TRAINEE
    if is_current_mentor_of(user, enrolment.trainee):
        return ReviewConfirmation.Party.MENTOR
    if is_current_tutor_of(user, enrolment.trainee):
        return ReviewConfirmation.Party.TUTOR
    return None


def action_owner_choices(enrolment: Enrolment, *, today: datetime.date | None = None) -> list:
    """Who can own an agreed action: the trainee, their current supporters and the programme's
    lead nurse. A list of (user, how they relate to the trainee), trainee first."""
    today = today or timezone.localdate()
    allocations = (
        Allocation.objects.current(today)
        .filter(trainee_id=enrolment.trainee_id, supporter__is_active=True)
        .select_related("supporter")
        .order_by("supporter__full_name", "kind")
    )
    owners: dict[int, tuple[User, list[str]]] = {
        enrolment.trainee_id: (enrolment.trainee, ["trainee"])
    }
    for allocation in allocations:
        entry = owners.setdefault(allocation.supporter_id, (allocation.supporter, []))
        entry[1].append(allocation.get_kind_display().lower())
    lead = _programme_lead(enrolment)
    if lead is not None:
        owners.setdefault(lead.pk, (lead, []))[1].append("lead nurse")
    return [(user, ", ".join(roles)) for user, roles in owners.values()]


def _programme_lead(enrolment: Enrolment) -> User | None:
    lead = (
        User.objects.filter(
            led_programmes__cohorts=enrolment.cohort_id,
            roles__code=RoleCode.LEAD_NURSE,
            is_active=True,
        )
        .order_by("pk")
        .first()
    )
    return lead
