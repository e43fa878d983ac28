"""Reads for the practice educator team: caseloads, what needs attention, support totals, and
the mentor workload view.

Query counts do not grow with the size of a caseload: the trainees' progress rows are the
cohort dashboards' own (cohorts.selectors.dashboards.trainee_rows: four queries, with on
track / at risk / behind from cohorts/progress.py); overdue reviews from
cohorts.selectors.reviews.reviews_due (one query); mentors with their numbers from one
annotated query; requests waiting long from one query.

Rules:
- a practice educator's trainees: current allocations of kind practice educator; their mentors:
  current MentorCaseload rows; the managers they may log support for: the current line
  managers of their trainees;
- needs attention: current trainees behind plan (cohorts/progress.py), reviews overdue (the
  "reviews due" rules), and sign-off requests still open after more than WAITING_LONG_DAYS
  days, made by their trainees or sent to their mentors;
- decisions: a mentor's assessments (achieved or not yet competent; revocations are not
  decisions), by the month of assessed_on, over the last six months including this one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from cohorts.models import CURRENT_STATUSES, Enrolment
from cohorts.progress import Rag
from cohorts.selectors import dashboards
from cohorts.selectors.reviews import DueStatus, ScheduleRow, reviews_due
from competencies.models import Assessment, SignOffRequest
from pathway import selectors as pathway_selectors
from pathway.models import Allocation, MentorPreparation, RoleCode, User
from pathway.preparation import PreparationStatus, preparation_status, update_due_on
from support.models import MentorCaseload, SupportKind, SupportLog

WAITING_LONG_DAYS = 7
WORKLOAD_MONTHS = 6


# Who is in a caseload -----------------------------------------------------------------------


def caseload_trainee_ids(educator: User, today: datetime.date | None = None) -> QuerySet:
    return (
        Allocation.objects.current(today)
        .filter(supporter=educator, kind=Allocation.Kind.PRACTICE_EDUCATOR)
        .values("trainee_id")
    )


def caseload_mentor_ids(educator: User, today: datetime.date | None = None) -> QuerySet:
    return MentorCaseload.objects.current(today).filter(educator=educator).values("mentor_id")


def caseload_people(educator: User, today: datetime.date | None = None) -> QuerySet[User]:
    """Everyone an educator may log support for: their trainees and mentors, and the current
    line managers of their trainees."""
    trainees = caseload_trainee_ids(educator, today)
    managers = (
        Allocation.objects.current(today)
        .filter(trainee_id__in=trainees, kind=Allocation.Kind.MANAGER)
        .values("supporter_id")
    )
    return User.objects.filter(
        Q(pk__in=trainees) | Q(pk__in=caseload_mentor_ids(educator, today)) | Q(pk__in=managers),
        is_active=True,
    ).order_by("full_name", "pk")


# Mentors and their workload ----------------------------------------------------------------


@dataclass
class MentorRow:
    mentor: User
    trainees: int
    open_requests: int
    oldest_request_at: datetime.datetime | None
    prepared_on: datetime.date | None
    last_update_on: datetime.date | None
    today: datetime.date
    decisions: dict[datetime.date, int] = field(default_factory=dict)

    @property
    def status(self) -> PreparationStatus:
        return preparation_status(self.prepared_on, self.last_update_on, self.today)

    @property
    def update_due_on(self) -> datetime.date | None:
        return update_due_on(self.prepared_on, self.last_update_on)

    @property
    def oldest_request_days(self) -> int | None:
        if self.oldest_request_at is None:
            return None
        return (self.today - timezone.localdate(self.oldest_request_at)).days

    @property
    def decisions_total(self) -> int:
        return sum(self.decisions.values())


def _months_back(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first, this month last."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def mentor_rows(
    mentors: QuerySet[User], *, today: datetime.date | None = None, with_decisions: bool = True
) -> list[MentorRow]:
    """Each mentor with trainees now, open requests and the oldest, preparation, and (with
    decisions) their decisions per month over the last six months: two queries."""
    today = today or timezone.localdate()
    trainees = (
        Allocation.objects.current(today)
        .filter(supporter=OuterRef("pk"), kind=Allocation.Kind.MENTOR)
        .order_by()
        .values("supporter")
        .annotate(n=Count("trainee", distinct=True))
        .values("n")
    )
    open_requests = SignOffRequest.objects.filter(
        mentor=OuterRef("pk"), status=SignOffRequest.Status.OPEN
    ).order_by()
    mentors = list(
        mentors.select_related("mentor_preparation")
        .annotate(
            n_trainees=Coalesce(Subquery(trainees[:1]), 0),
            n_open=Coalesce(
                Subquery(open_requests.values("mentor").annotate(n=Count("pk")).values("n")[:1]),
                0,
            ),
            oldest_open=Subquery(
                open_requests.values("mentor").annotate(m=Min("created_at")).values("m")[:1]
            ),
        )
        .order_by("full_name", "pk")
    )
    rows = []
    for mentor in mentors:
        preparation = getattr(mentor, "mentor_preparation", None)
        rows.append(
            MentorRow(
                mentor=mentor,
                trainees=mentor.n_trainees,
                open_requests=mentor.n_open,
                oldest_request_at=mentor.oldest_open,
                prepared_on=preparation.prepared_on if preparation else None,
                last_update_on=preparation.last_update_on if preparation else None,
                today=today,
            )
        )
    if with_decisions and rows:
        months = _months_back(today, WORKLOAD_MONTHS)
        for row in rows:
            row.decisions = dict.fromkeys(months, 0)
        by_pk = {row.mentor.pk: row for row in rows}
        decided = (
            Assessment.objects.filter(
                assessor_id__in=list(by_pk),
                assessed_on__gte=months[0],
                assessed_on__lte=today,
                outcome__in=[
                    Assessment.Outcome.ACHIEVED,
                    Assessment.Outcome.NOT_YET_COMPETENT,
                ],
            )
            .annotate(month=TruncMonth("assessed_on"))
            .order_by()
            .values("assessor_id", "month")
            .annotate(n=Count("pk"))
        )
        for item in decided:
            month = item["month"]
            if isinstance(month, datetime.datetime):
                month = month.date()
            by_pk[item["assessor_id"]].decisions[month] = item["n"]
    return rows


@dataclass
class MentorWorkload:
    today: datetime.date
    months: list[datetime.date]
    rows: list[MentorRow]

    @property
    def monthly_totals(self) -> list[tuple[datetime.date, int]]:
        return [(m, sum(r.decisions.get(m, 0) for r in self.rows)) for m in self.months]


def mentor_workload(*, today: datetime.date | None = None) -> MentorWorkload:
    """Every active mentor's workload: two queries, however many mentors."""
    today = today or timezone.localdate()
    mentors = User.objects.filter(roles__code=RoleCode.MENTOR, is_active=True)
    return MentorWorkload(
        today=today,
        months=_months_back(today, WORKLOAD_MONTHS),
        rows=mentor_rows(mentors, today=today),
    )


# A caseload and what needs attention ----------------------------------------------------------


@dataclass
class WaitingRequest:
    request: SignOffRequest
    days: int


@dataclass
class Caseload:
    educator: User
    today: datetime.date
    trainee_rows: list[dashboards.TraineeRow]
    mentors: list[MentorRow]
    overdue_reviews: list[ScheduleRow]
    waiting: list[WaitingRequest]
    recent_logs: list[SupportLog]

    @property
    def behind(self) -> list:
        return [r for r in self.trainee_rows if r.rag == Rag.BEHIND]

    @property
    def needs_attention(self) -> bool:
        return bool(self.behind or self.overdue_reviews or self.waiting)


def educator_caseload(educator: User, *, today: datetime.date | None = None) -> Caseload:
    """An educator's trainees with their progress, their mentors with their numbers, and what
    needs attention. The same number of queries for any caseload size."""
    today = today or timezone.localdate()
    trainee_ids = caseload_trainee_ids(educator, today)
    enrolments = Enrolment.objects.filter(trainee_id__in=trainee_ids, status__in=CURRENT_STATUSES)
    rows = dashboards.trainee_rows(enrolments, today=today)
    mentors = mentor_rows(
        User.objects.filter(pk__in=caseload_mentor_ids(educator, today)),
        today=today,
        with_decisions=False,
    )
    overdue = [
        r for r in reviews_due(supporter=educator, today=today) if r.status == DueStatus.OVERDUE
    ]
    return Caseload(
        educator=educator,
        today=today,
        trainee_rows=rows,
        mentors=mentors,
        overdue_reviews=overdue,
        waiting=waiting_requests(educator, today=today),
        recent_logs=list(SupportLog.objects.filter(educator=educator).select_related("person")[:5]),
    )


def waiting_requests(educator: User, *, today: datetime.date | None = None) -> list[WaitingRequest]:
    """Open sign-off requests made more than WAITING_LONG_DAYS days ago by the educator's
    trainees or sent to their mentors, oldest first (one query)."""
    today = today or timezone.localdate()
    before = dashboards.start_of_day(today - datetime.timedelta(days=WAITING_LONG_DAYS))
    requests = (
        SignOffRequest.objects.filter(
            Q(record__trainee_id__in=caseload_trainee_ids(educator, today))
            | Q(mentor_id__in=caseload_mentor_ids(educator, today)),
            status=SignOffRequest.Status.OPEN,
            created_at__lt=before,
        )
        .select_related("record__trainee", "mentor", "competency")
        .order_by("created_at", "pk")
    )
    return [
        WaitingRequest(request=r, days=(today - timezone.localdate(r.created_at)).days)
        for r in requests
    ]


# Educators, for the lead nurse ------------------------------------------------------------------


@dataclass
class EducatorRow:
    educator: User
    trainees: int
    mentors: int
    minutes_this_month: int


def educator_list(*, today: datetime.date | None = None) -> list[EducatorRow]:
    """Every active practice educator with their caseload sizes and this month's support time:
    one query."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    trainees = (
        Allocation.objects.current(today)
        .filter(supporter=OuterRef("pk"), kind=Allocation.Kind.PRACTICE_EDUCATOR)
        .order_by()
        .values("supporter")
        .annotate(n=Count("trainee", distinct=True))
        .values("n")
    )
    mentors = (
        MentorCaseload.objects.current(today)
        .filter(educator=OuterRef("pk"))
        .order_by()
        .values("educator")
        .annotate(n=Count("mentor", distinct=True))
        .values("n")
    )
    minutes = (
        SupportLog.objects.filter(educator=OuterRef("pk"), on__gte=month_start, on__lte=today)
        .order_by()
        .values("educator")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    educators = (
        User.objects.filter(roles__code=RoleCode.PRACTICE_EDUCATOR, is_active=True)
        .annotate(
            n_trainees=Coalesce(Subquery(trainees[:1]), 0),
            n_mentors=Coalesce(Subquery(mentors[:1]), 0),
            month_minutes=Coalesce(Subquery(minutes[:1]), 0),
        )
        .order_by("full_name", "pk")
    )
    return [EducatorRow(e, e.n_trainees, e.n_mentors, e.month_minutes) for e in educators]


# Support totals ---------------------------------------------------------------------------------


@dataclass
class MonthTotals:
    month: datetime.date
    by_kind: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def cells(self) -> list[int]:
        return [self.by_kind.get(kind, 0) for kind in SupportKind.values]


@dataclass
class SupportTotals:
    months: list[MonthTotals]

    @property
    def kinds(self) -> list[tuple[str, str]]:
        return list(SupportKind.choices)

    @property
    def by_kind(self) -> list[int]:
        return [sum(m.by_kind.get(kind, 0) for m in self.months) for kind in SupportKind.values]

    @property
    def total(self) -> int:
        return sum(m.total for m in self.months)


def support_totals(educator: User) -> SupportTotals:
    """Minutes of support by month (newest first) and kind, for one educator: one query."""
    grouped: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for item in (
        SupportLog.objects.filter(educator=educator)
        .annotate(month=TruncMonth("on"))
        .order_by()
        .values("month", "kind")
        .annotate(total=Sum("minutes"))
    ):
        month = item["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        grouped[month][item["kind"]] = item["total"]
    return SupportTotals(months=[MonthTotals(m, grouped[m]) for m in sorted(grouped, reverse=True)])


def support_logs(educator: User) -> QuerySet[SupportLog]:
    return SupportLog.objects.filter(educator=educator).select_related("person")


# One person, for the access functions and edit forms ----------------------------------------


def person_with_role(pk, role: str) -> User:
    """The person with this id who holds this role (User.DoesNotExist otherwise)."""
    return (
        User.objects.select_related("mentor_preparation")
        .filter(roles__code=role)
        .distinct()
        .get(pk=pk)
    )


def mentor_entry(mentor: User):
    """The mentor register's entry for one mentor."""
    return pathway_selectors.mentor_register(mentors=User.objects.filter(pk=mentor.pk))[0]


def mentor_preparation_of(mentor: User) -> MentorPreparation:
    """The mentor's preparation entry as it is, or a blank one not yet saved (so that an edit
    form drawn before anyone recorded it still has a version to compare)."""
    return MentorPreparation.objects.filter(mentor=mentor).first() or MentorPreparation(
        mentor=mentor
    )
