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
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import DateField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
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


def _with_last_review(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    last_review = (
        Review.objects.filter(enrolment=OuterRef("pk"))
        .order_by()
        .values("enrolment")
        .annotate(latest=Max("held_on"))
        .values("latest")
    )
    return enrolments.select_related("trainee", "cohort").annotate(
        last_review_on=Subquery(last_review, output_field=DateField())
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


_STATUS_ORDER = {DueStatus.OVERDUE: 0, DueStatus.DUE_SOON: 1}


class FlaggedRows(Sequence):
    """Rows of the reviews due list, in order, whose enrolments are read only for the rows
    asked for: a page of the list (or all of it, iterated) is one query, however long the list.
    Built from the plain values that decided which rows are flagged and their order."""

    def __init__(
        self, keys: list[tuple[int, datetime.date | None, datetime.date, DueStatus]], today
    ):
        self._keys, self._today = keys, today

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : (index + 1) or None][0] if index < 0 else self[index : index + 1][0]
        chosen = self._keys[index]
        if not chosen:
            return []
        enrolments = Enrolment.objects.select_related("trainee", "cohort").in_bulk(
            [pk for pk, *_ in chosen]
        )
        rows = []
        for pk, last_review_on, next_due, status in chosen:
            enrolment = enrolments[pk]
            enrolment.last_review_on = last_review_on
            rows.append(
                ScheduleRow(
                    enrolment=enrolment,
                    last_review_on=last_review_on,
                    next_due=next_due,
                    status=status,
                    today=self._today,
                )
            )
        return rows

    def __iter__(self):
        return iter(self[:])


def reviews_due(
    *, supporter: User | None = None, today: datetime.date | None = None
) -> FlaggedRows:
    """Overdue and due-soon reviews of active trainees in running cohorts, most urgent first.

    With a supporter: only the trainees they support today as mentor, tutor or practice
    educator. Without: everyone (the lead nurse's view).

    Which are flagged and their order come from one query of plain values (no model
    instances) that reads only those due within the window, after one for the review
    intervals of the running cohorts; the rows' enrolments are read for the rows used
    (FlaggedRows): the lead nurse's page of 50 costs the same however many are running.
    """
    today = today or timezone.localdate()
    enrolments = Enrolment.objects.filter(
        cohort__status=Cohort.Status.RUNNING, status=EnrolmentStatus.ACTIVE
    )
    if supporter is not None:
        enrolments = enrolments.filter(
            trainee_id__in=Allocation.objects.current(today)
            .filter(supporter=supporter, kind__in=REVIEWING_KINDS)
            .values("trainee_id")
        )
    # Only those due by the end of the "due soon" window are read: next due = (last review or
    # start) + the cohort's interval in whole weeks, so for each interval the running cohorts
    # use, "due by then" is a bound on that date, which the database applies.
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    due_by_then = Q(pk__in=[])
    for weeks in set(
        Cohort.objects.filter(status=Cohort.Status.RUNNING).values_list(
            "review_interval_weeks", flat=True
        )
    ):
        due_by_then |= Q(
            cohort__review_interval_weeks=weeks,
            anchor__lte=soon - datetime.timedelta(weeks=weeks),
        )
    keys = []
    for pk, start, interval, name, last_review_on in (
        _with_last_review(enrolments)
        .alias(anchor=Coalesce("last_review_on", "start_date"))
        .filter(due_by_then)
        .order_by()
        .values_list(
            "pk",
            "start_date",
            "cohort__review_interval_weeks",
            "trainee__full_name",
            "last_review_on",
        )
    ):
        next_due = next_review_due(
            last_review_on=last_review_on, start=start, interval_weeks=interval
        )
        status = review_due_status(next_due, today)
        if status.is_flagged:
            keys.append((_STATUS_ORDER[status], next_due, name, pk, last_review_on, status))
    keys.sort(key=lambda key: key[:4])
    return FlaggedRows(
        [
            (pk, last_review_on, next_due, status)
            for _, next_due, _, pk, last_review_on, status in keys
        ],
        today,
    )


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
