"""Reads for the lead nurse's dashboards: the programme overview and one cohort's trainees.

Every trainee's numbers come from two queries: progress counts grouped by record, and the rest
as correlated subqueries (COUNT, MAX, MIN) on the enrolments, read as plain values (no model
instances), with the trainees' current mentors joined in; plans come from one query of
milestones. So a page takes the same number of queries for a cohort of 2 or of 40 trainees,
and for 1 cohort or many.
Python then loops over the fetched rows only to apply cohorts/progress.py (plan, on track /
at risk / behind, predicted completion) and to filter and sort.

Rules the numbers follow:
- achieved: progress rows achieved and not expired on the day (ProgressQuerySet.currently_achieved);
  required: the rows on the trainee's record, split by competency.is_core;
- the plan: the programme plan's milestones, else a straight line from the cohort's intake to its
  planned end (docs/dashboards.md); RAG, predicted completion and review due dates are worked out
  for current trainees only (active or on a break): for someone who has withdrawn, completed or
  qualified they mean nothing;
- last review: the latest review on any enrolment of the trainee's record (a trainee who moved
  from an earlier cohort keeps their review history); next due: that review plus the cohort's
  review interval, else the enrolment's start plus the interval; overdue: due before today;
- attendance: present ÷ (present + absent) on this enrolment's training days; excused marks do
  not count either way; None when nobody has marked any;
- a sign-off request is waiting "more than 14 days" when it was made 15 or more days ago.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from cohorts import counts_kept
from cohorts.models import (
    CURRENT_STATUSES,
    Attendance,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Milestone,
)
from cohorts.progress import ORDER, Point, Rag, planned_by, predicted_completion, rag, worst
from cohorts.selectors import programme_counts
from competencies import summaries
from competencies.models import CompetencyProgress, ProgressState, SignOffRequest
from pathway.models import Allocation, RoleCode
from pathway.selectors import supported_trainee_ids

STALE_REQUEST_DAYS = 14

# Enrolment statuses shown on the dashboards, in this order. Deferred enrolments have moved to
# another cohort and are shown there.
SHOWN_STATUSES = [s for s in EnrolmentStatus if s != EnrolmentStatus.DEFERRED]
_STATUS_ORDER = {status.value: index for index, status in enumerate(EnrolmentStatus)}


# Rows ---------------------------------------------------------------------------------------


@dataclass
class Mentor:
    pk: int
    name: str


@dataclass
class TraineeRow:
    """One enrolment on a cohort dashboard, with everything the table and the exports show."""

    enrolment_pk: int
    cohort_pk: int
    trainee_pk: int
    trainee_name: str
    area_pk: int
    area_name: str
    status: str
    start_date: datetime.date
    core_achieved: int
    core_required: int
    specific_achieved: int
    specific_required: int
    last_achieved_on: datetime.date | None
    last_review: datetime.date | None
    present: int
    absent: int
    excused: int
    open_requests: int
    oldest_request_at: datetime.datetime | None
    stale_requests: int
    mentors: list[Mentor] = field(default_factory=list)
    cohort_name: str = ""
    # Worked out with cohorts/progress.py (current trainees only for the judgements):
    core_planned: float = 0.0
    specific_planned: float = 0.0
    core_rag: Rag | None = None
    specific_rag: Rag | None = None
    rag: Rag | None = None
    predicted_completion: datetime.date | None = None
    next_review_due: datetime.date | None = None
    oldest_request_days: int | None = None
    review_overdue: bool = False
    # Short notes other apps add to a trainee's row (see dashboard_addition_register), each
    # shown as a tag in the status cell: "Behind on off-the-job hours".
    notes: list[str] = field(default_factory=list)
    # Links to the trainee's pages in other apps that the viewer may open (trainee_links.py),
    # set for the rows shown: TraineeLinkGroup each.
    link_groups: list = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return EnrolmentStatus(self.status).label

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    @property
    def core_planned_whole(self) -> int:
        """The plan rounded down: a competency is achieved whole or not at all (as rag() does)."""
        return _whole(self.core_planned)

    @property
    def specific_planned_whole(self) -> int:
        return _whole(self.specific_planned)

    @property
    def core_share(self) -> float | None:
        return self.core_achieved / self.core_required if self.core_required else None

    @property
    def specific_share(self) -> float | None:
        return self.specific_achieved / self.specific_required if self.specific_required else None

    @property
    def core_percent(self) -> float | None:
        return None if self.core_share is None else 100 * self.core_share

    @property
    def specific_percent(self) -> float | None:
        return None if self.specific_share is None else 100 * self.specific_share

    @property
    def achieved(self) -> int:
        return self.core_achieved + self.specific_achieved

    @property
    def required(self) -> int:
        return self.core_required + self.specific_required

    @property
    def attendance_share(self) -> float | None:
        marked = self.present + self.absent
        return self.present / marked if marked else None

    @property
    def attendance_percent(self) -> float | None:
        share = self.attendance_share
        return None if share is None else 100 * share

    @property
    def mentor_names(self) -> str:
        return ", ".join(m.name for m in self.mentors)


def _whole(planned: float) -> int:
    return max(int(planned + 1e-9), 0)


def _count(queryset: QuerySet):
    """A correlated COUNT of `queryset` (already filtered on an OuterRef): 0 when none match.

    A bare COUNT, with no GROUP BY or LIMIT, always gives one row; it is also cheaper for Django
    to build and compile than values().annotate(Count())."""
    return Subquery(
        queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def _aggregate(queryset: QuerySet, function: str, field: str):
    """A correlated MAX or MIN of `field` over `queryset`: None when none match."""
    return Subquery(queryset.order_by().annotate(v=Func(field, function=function)).values("v"))


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment of `day` in the local time zone: "made before this day" is
    `created_at < start_of_day(day)` (the dashboards' stale requests, support's waiting ones)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@functools.cache
def _numbers_any_day() -> dict:
    """The correlated subqueries for an enrolment's review, attendance and open request
    numbers that do not depend on the day, by name. Built once: they are definitions, like a
    module's constants (a query copies an expression before it resolves it, so they are never
    changed); building them for every page cost about a millisecond."""
    attendance = Attendance.objects.filter(enrolment=OuterRef("pk"))
    requests = SignOffRequest.objects.filter(
        record=OuterRef("record"), status=SignOffRequest.Status.OPEN
    )
    return {
        # Kept on the enrolment (cohorts/review_due.py): looked up per trainee, it was the
        # largest part of the programme overview at 20,000 trainees (docs/performance.md).
        "last_review": F("record_last_review_on"),
        "present": _count(attendance.filter(status=Attendance.Status.PRESENT)),
        "absent": _count(attendance.filter(status=Attendance.Status.ABSENT)),
        "excused": _count(attendance.filter(status=Attendance.Status.EXCUSED)),
        "open_requests": _count(requests),
        "oldest_request_at": _aggregate(requests, "MIN", "created_at"),
    }


def _numbers(*, today: datetime.date) -> dict:
    """The correlated subqueries that give an enrolment's review, attendance and request
    numbers, by name. Progress numbers come from one grouped query instead (_progress_numbers):
    five correlated subqueries a row over a record's 130 or so progress rows cost far more
    (docs/performance.md)."""
    stale_before = start_of_day(today - datetime.timedelta(days=STALE_REQUEST_DAYS))
    return {
        **_numbers_any_day(),
        "stale_requests": _count(
            SignOffRequest.objects.filter(
                record=OuterRef("record"),
                status=SignOffRequest.Status.OPEN,
                created_at__lt=stale_before,
            )
        ),
    }


PROGRESS_NUMBERS = {
    "core_required": 0,
    "specific_required": 0,
    "core_achieved": 0,
    "specific_achieved": 0,
    "last_achieved_on": None,
}


def _progress_numbers(record_ids: set[int], *, today) -> dict[int, dict]:
    """Each record's five progress numbers from one query grouped by record and
    competency.is_core: required (rows on the record) and
    achieved (achieved and not expired today) for core and specific competencies, and the
    latest such achievement. No query when there are no records."""
    if not record_ids:
        return {}
    achieved = Q(state=ProgressState.ACHIEVED) & (
        Q(expires_on__isnull=True) | Q(expires_on__gt=today)
    )
    numbers: dict[int, dict] = {}
    for record_id, is_core, required, achieved_count, last_achieved_on in (
        CompetencyProgress.objects.filter(record_id__in=record_ids)
        .order_by()
        .values_list("record_id", "competency__is_core")
        .annotate(
            required=Count("pk"),
            achieved=Count("pk", filter=achieved),
            last_achieved_on=Max("achieved_on", filter=achieved),
        )
    ):
        record = numbers.setdefault(record_id, dict(PROGRESS_NUMBERS))
        kind = "core" if is_core else "specific"
        record[f"{kind}_required"] = required
        record[f"{kind}_achieved"] = achieved_count
        if last_achieved_on is not None and (
            record["last_achieved_on"] is None or last_achieved_on > record["last_achieved_on"]
        ):
            record["last_achieved_on"] = last_achieved_on
    return numbers


def milestones_by_programme(programme_ids: Iterable[int]) -> dict[int, list[Point]]:
    """Each programme's plan milestones (none when it has no plan), in one query."""
    points: dict[int, list[Point]] = defaultdict(list)
    for programme_id, week, core, specific in Milestone.objects.filter(
        plan__programme_id__in=set(programme_ids)
    ).values_list("plan__programme_id", "week", "core_target", "specific_target"):
        points[programme_id].append(Point(week, core, specific))
    return points


def _current_mentors(today: datetime.date) -> FilteredRelation:
    """An enrolment's trainee's mentor allocations in force today, as Allocation.objects.current
    picks them, for a join: each mentor a row of its own."""
    allocation = "trainee__supported_by__"
    return FilteredRelation(
        "trainee__supported_by",
        condition=Q(
            **{f"{allocation}kind": Allocation.Kind.MENTOR, f"{allocation}start_date__lte": today}
        )
        & (
            Q(**{f"{allocation}end_date__isnull": True})
            | Q(**{f"{allocation}end_date__gte": today})
        ),
    )


# The enrolment columns a row needs, as values() names them.
_ROW_VALUES = (
    "pk",
    "cohort_id",
    "trainee_id",
    "record_id",
    "status",
    "start_date",
    "trainee__full_name",
    "record__clinical_area_id",
    "record__clinical_area__name",
)
_MENTOR_VALUES = (
    "mentor__supporter_id",
    "mentor__supporter__full_name",
    "mentor__supporter__is_active",
)


def _enrolment_numbers(
    enrolments: QuerySet, *, today: datetime.date, mentors: bool = False
) -> list[dict]:
    """Each enrolment's columns and numbers as plain values (no model instances): two queries,
    the enrolments with their correlated numbers, then the progress numbers grouped by record.

    With mentors, each value also has "mentors": the trainee's current mentors (active people
    only) by name, joined in the first query (a row for each mentor) rather than a third."""
    fields, order = _ROW_VALUES, ("trainee__full_name", "pk")
    if mentors:
        enrolments = enrolments.alias(mentor=_current_mentors(today))
        fields += _MENTOR_VALUES
        order += ("mentor__supporter__full_name", "mentor__pk")
    query = enrolments.order_by(*order).values(*fields)
    values: list[dict] = []
    for v in query.annotate(**_numbers(today=today)):
        if mentors:
            mentor_pk, name, active = (v.pop(field) for field in _MENTOR_VALUES)
            if values and values[-1]["pk"] == v["pk"]:
                v = values[-1]  # the same enrolment: another mentor
            else:
                v["mentors"] = []
                values.append(v)
            if mentor_pk is not None and active:
                v["mentors"].append(Mentor(mentor_pk, name))
        else:
            values.append(v)
    progress = _progress_numbers({v["record_id"] for v in values}, today=today)
    for v in values:
        v.update(progress.get(v["record_id"], PROGRESS_NUMBERS))
    return values


def _judge(row: TraineeRow, *, cohort: Cohort, milestones, today) -> TraineeRow:
    """Work out the plan, RAG, predicted completion and review dates of a row."""
    row.core_planned, row.specific_planned = planned_by(
        milestones=milestones,
        start=cohort.intake_date,
        planned_end=cohort.planned_end_date,
        on=today,
        core_required=row.core_required,
        specific_required=row.specific_required,
    )
    if row.oldest_request_at is not None:
        row.oldest_request_days = (today - timezone.localdate(row.oldest_request_at)).days
    if row.is_current:
        row.core_rag = rag(row.core_achieved, row.core_planned)
        row.specific_rag = rag(row.specific_achieved, row.specific_planned)
        row.rag = worst(row.core_rag, row.specific_rag)
        row.predicted_completion = predicted_completion(
            start=row.start_date,
            on=today,
            achieved=row.achieved,
            required=row.required,
            last_achieved_on=row.last_achieved_on,
            planned_end=cohort.planned_end_date,
        )
        interval = datetime.timedelta(weeks=cohort.review_interval_weeks)
        row.next_review_due = (row.last_review or row.start_date) + interval
        row.review_overdue = row.next_review_due < today
    return row


def _row_from_values(v: dict, *, cohort: Cohort, milestones, today) -> TraineeRow:
    """A row from one of _enrolment_numbers' values (no mentors unless they were asked for)."""
    row = TraineeRow(
        enrolment_pk=v["pk"],
        cohort_pk=v["cohort_id"],
        trainee_pk=v["trainee_id"],
        trainee_name=v["trainee__full_name"],
        area_pk=v["record__clinical_area_id"],
        area_name=v["record__clinical_area__name"],
        status=v["status"],
        start_date=v["start_date"],
        core_achieved=v["core_achieved"],
        core_required=v["core_required"],
        specific_achieved=v["specific_achieved"],
        specific_required=v["specific_required"],
        last_achieved_on=v["last_achieved_on"],
        last_review=v["last_review"],
        present=v["present"],
        absent=v["absent"],
        excused=v["excused"],
        open_requests=v["open_requests"],
        oldest_request_at=v["oldest_request_at"],
        stale_requests=v["stale_requests"],
        mentors=v.get("mentors", []),
        cohort_name=cohort.name,
    )
    return _judge(row, cohort=cohort, milestones=milestones, today=today)


def trainee_rows(
    enrolments: QuerySet[Enrolment],
    *,
    today: datetime.date | None = None,
    cohorts: Iterable[Cohort] | None = None,
    mentors: bool = True,
) -> list[TraineeRow]:
    """The dashboards' row for each of `enrolments`, in one cohort or many, ordered by trainee
    name: its numbers, its trainee's current mentors, the plan, RAG, predicted completion and
    review dates (the rules at the top of this module), and its cohort's name.

    The one way a TraineeRow is built: the cohort dashboard, its exports, the programme overview
    and other apps' pages (a practice educator's caseload) all call this.

    Four queries however many enrolments: the enrolments with their numbers (and mentors, joined
    in), their progress numbers grouped by record, their cohorts, and the plans' milestones.
    A caller that holds the enrolments' cohorts already passes them as `cohorts`, which saves
    the third; mentors=False leaves the mentors out (the overview shows none).
    """
    today = today or timezone.localdate()
    values = _enrolment_numbers(enrolments, today=today, mentors=mentors)
    if cohorts is None:
        cohorts = Cohort.objects.filter(pk__in={v["cohort_id"] for v in values})
    by_pk = {cohort.pk: cohort for cohort in cohorts}
    milestones = milestones_by_programme(cohort.programme_id for cohort in by_pk.values())
    return [
        _row_from_values(
            v,
            cohort=by_pk[v["cohort_id"]],
            milestones=milestones[by_pk[v["cohort_id"]].programme_id],
            today=today,
        )
        for v in values
    ]


def _fetch_rows(cohort: Cohort, *, today: datetime.date) -> list[TraineeRow]:
    """Every enrolment of the cohort but the deferred ones: three queries in all (the
    enrolments with their numbers and mentors, their progress numbers, the plan)."""
    return trainee_rows(
        Enrolment.objects.filter(cohort=cohort).exclude(status=EnrolmentStatus.DEFERRED),
        today=today,
        cohorts=[cohort],
    )


# Filters and sorting ------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    area: int | None = None
    mentor: int | None = None
    status: str | None = None
    rag: str | None = None

    def keep(self, row: TraineeRow) -> bool:
        return (
            (self.area is None or row.area_pk == self.area)
            and (self.mentor is None or any(m.pk == self.mentor for m in row.mentors))
            and (not self.status or row.status == self.status)
            and (not self.rag or row.rag == self.rag)
        )

    @property
    def active(self) -> bool:
        return any(value not in (None, "") for value in vars(self).values())


def _rag_key(value: Rag | None):
    return None if value is None else ORDER[value]


# Column key → the value it sorts by. Empty values (None) always go last.
SORT_KEYS = {
    "name": lambda r: r.trainee_name.casefold(),
    "area": lambda r: r.area_name.casefold(),
    "status": lambda r: _STATUS_ORDER[r.status],
    "core": lambda r: r.core_share,
    "specific": lambda r: r.specific_share,
    "rag": lambda r: _rag_key(r.rag),
    "predicted": lambda r: r.predicted_completion,
    "last_review": lambda r: r.last_review,
    "next_due": lambda r: r.next_review_due,
    "attendance": lambda r: r.attendance_share,
}
DEFAULT_SORT = "name"


def filter_and_sort(
    rows: Iterable[TraineeRow],
    *,
    filters: Filters | None = None,
    sort: str = DEFAULT_SORT,
    descending: bool = False,
) -> list[TraineeRow]:
    """The rows the filters keep, sorted by a column (then by name); empty values last."""
    filters = filters or Filters()
    kept = sorted((r for r in rows if filters.keep(r)), key=SORT_KEYS["name"])
    key = SORT_KEYS.get(sort, SORT_KEYS[DEFAULT_SORT])
    present = sorted((r for r in kept if key(r) is not None), key=key, reverse=descending)
    return present + [r for r in kept if key(r) is None]


# The cohort dashboard -----------------------------------------------------------------------


@dataclass
class Summary(programme_counts.ProgressNumbers):
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def current(self) -> int:
        return sum(self.by_status.get(s, 0) for s in CURRENT_STATUSES)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for every status shown, in the usual order."""
        return [(s.value, s.label, self.by_status.get(s.value, 0)) for s in SHOWN_STATUSES]


def summarise(rows: Iterable[TraineeRow]) -> Summary:
    """Counts over rows; RAG, reviews, requests and achievements of current trainees only."""
    summary = Summary(by_status={s.value: 0 for s in SHOWN_STATUSES})
    for row in rows:
        summary.by_status[row.status] = summary.by_status.get(row.status, 0) + 1
        if not row.is_current:
            continue
        if row.rag is not None:
            setattr(summary, row.rag.value, getattr(summary, row.rag.value) + 1)
        summary.overdue_reviews += row.review_overdue
        summary.open_requests += row.open_requests
        summary.stale_requests += row.stale_requests
        summary.achieved += row.achieved
    return summary


@dataclass
class CohortDashboard:
    cohort: Cohort
    today: datetime.date
    all_rows: list[TraineeRow]
    summary: Summary
    # (label, address) of pages other apps add for this cohort (see dashboard_addition_register)
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def week(self) -> int | None:
        """The programme week today falls in; None before the intake."""
        return self.cohort.week_on(self.today) if self.today >= self.cohort.intake_date else None

    @property
    def area_choices(self) -> list[tuple[int, str]]:
        areas = {row.area_pk: row.area_name for row in self.all_rows}
        return sorted(areas.items(), key=lambda item: item[1].casefold())

    @property
    def mentor_choices(self) -> list[tuple[int, str]]:
        mentors = {m.pk: m.name for row in self.all_rows for m in row.mentors}
        return sorted(mentors.items(), key=lambda item: item[1].casefold())

    def select(
        self, filters: Filters | None = None, sort: str = DEFAULT_SORT, descending: bool = False
    ) -> list[TraineeRow]:
        return filter_and_sort(self.all_rows, filters=filters, sort=sort, descending=descending)


def trainees_openable_by(viewer) -> frozenset[int] | None:
    """The trainees (ids) whose overview this person may open (cohorts.view_enrolment: whoever
    may read the record), None for everyone (the lead nurse). The same allocation query as the
    rules (pathway.selectors.counting_allocations), so a dashboard never links to a trainee
    its viewer is then refused."""
    if viewer.has_role(RoleCode.LEAD_NURSE):
        return None
    return frozenset(supported_trainee_ids(viewer).values_list("trainee_id", flat=True)) | {
        viewer.pk
    }


def cohort_for_dashboard(pk: int) -> Cohort:
    return Cohort.objects.select_related("programme").get(pk=pk)


# Apps above cohorts add to a cohort dashboard without cohorts knowing them: each registers (in
# its AppConfig.ready) a function given the dashboard, which may append to a row's notes (tags
# in its status cell) and to the dashboard's links. It must read the whole cohort in a fixed
# number of queries, never one per row (apprenticeships: who is behind on off-the-job hours).
DashboardAddition = Callable[["CohortDashboard"], None]
_ADDITIONS: list[DashboardAddition] = []


def dashboard_addition_register(function: DashboardAddition) -> DashboardAddition:
    if function not in _ADDITIONS:
        _ADDITIONS.append(function)
    return function


def cohort_dashboard(cohort: Cohort, *, today: datetime.date | None = None) -> CohortDashboard:
    """Every trainee row of the cohort and its summary counts: three queries, and those of the
    registered additions."""
    today = today or timezone.localdate()
    rows = _fetch_rows(cohort, today=today)
    dashboard = CohortDashboard(cohort=cohort, today=today, all_rows=rows, summary=summarise(rows))
    for addition in _ADDITIONS:
        addition(dashboard)
    return dashboard


def cohort_rows(
    cohort: Cohort,
    *,
    today: datetime.date | None = None,
    filters: Filters | None = None,
    sort: str = DEFAULT_SORT,
    descending: bool = False,
) -> list[TraineeRow]:
    """One row per enrolment (deferred ones excluded), filtered and sorted: three queries."""
    today = today or timezone.localdate()
    return filter_and_sort(
        _fetch_rows(cohort, today=today), filters=filters, sort=sort, descending=descending
    )


# The programme overview ---------------------------------------------------------------------


@dataclass
class CohortOverview:
    cohort: Cohort
    summary: Summary
    today: datetime.date

    @property
    def size(self) -> int:
        """Trainees in the cohort, whatever their status (those who moved away excluded)."""
        return self.summary.total

    @property
    def week(self) -> int | None:
        return self.cohort.week_on(self.today) if self.today >= self.cohort.intake_date else None


# The overview page names this many of the trainees behind, and shows the most recently
# finished cohorts up to FINISHED_SHOWN (the cohort list has them all): what it draws stays the
# same size however long the programme's history.
BEHIND_SHOWN = 30
FINISHED_SHOWN = 10
# The running cohorts' tables show this many a page, in order of intake; the totals above them
# count every running cohort.
RUNNING_PER_PAGE = 10


# A current trainee judged behind the plan, as the programme overview lists them.
BehindTrainee = programme_counts.BehindRow


@dataclass
class ProgrammeOverview:
    today: datetime.date
    running: list[CohortOverview]
    planned: list[CohortOverview]
    finished: list[CohortOverview]
    # How many current trainees are judged behind, and the first BEHIND_SHOWN of them by cohort
    # and name (the lead nurse's first thing to do; each cohort's dashboard lists all its own).
    behind_count: int = 0
    behind_shown: list[BehindTrainee] = field(default_factory=list)

    @property
    def behind_more(self) -> int:
        return max(self.behind_count - len(self.behind_shown), 0)

    @property
    def totals(self) -> Summary:
        total = Summary(by_status={s.value: 0 for s in SHOWN_STATUSES})
        for item in self.running:
            s = item.summary
            for status, count in s.by_status.items():
                total.by_status[status] += count
            for name in programme_counts.PROGRESS_FIELDS:
                setattr(total, name, getattr(total, name) + getattr(s, name))
        return total


# The overview's numbers for each trainee of a running cohort, read from the record's summary
# (competencies/summaries.py, ADR 0026) joined on the enrolment: the model fields, then the
# annotations in the order annotated (the order of the SQL's columns; programme_counts reads
# them by position).
_OVERVIEW_VALUES = (
    "cohort_id",
    "status",
    "start_date",
    "pk",
    "core_required",
    "specific_required",
    "core_achieved",
    "specific_achieved",
    "last_review",
    "open_requests",
    "stale_requests",
)


def overview_numbers_sql(cohorts: list[Cohort], *, today: datetime.date) -> tuple[str, tuple]:
    """The SQL and parameters of a query of every trainee of these cohorts (those moved to a
    later cohort excluded) with _OVERVIEW_VALUES, for programme_counts to judge and count. The
    last review is looked up for current trainees only, the requests waiting more than 14 days
    only where the oldest has."""
    stale_before = start_of_day(today - datetime.timedelta(days=STALE_REQUEST_DAYS))
    return (
        Enrolment.objects.filter(cohort__in=cohorts, status__in=SHOWN_STATUSES)
        .order_by()
        .annotate(
            core_required=summaries.required("core", path="summary"),
            specific_required=summaries.required("specific", path="summary"),
            core_achieved=summaries.achieved_today("core", today=today, path="summary"),
            specific_achieved=summaries.achieved_today("specific", today=today, path="summary"),
            last_review=Case(
                When(status__in=CURRENT_STATUSES, then=_numbers_any_day()["last_review"]),
                default=None,
                output_field=DateField(),
            ),
            open_requests=summaries.waiting(path="summary"),
            stale_requests=summaries.waiting_since(stale_before, path="summary"),
        )
        .values_list(*_OVERVIEW_VALUES)
        .query.sql_with_params()
    )


def _status_counts_outside(status: str):
    """Each status's count for a cohort not running (a running cohort's come with its other
    numbers from programme_counts): a subquery per shown cohort, on the cohort's index."""
    return Case(
        When(status=Cohort.Status.RUNNING, then=Value(None)),
        default=_count(Enrolment.objects.filter(cohort=OuterRef("pk"), status=status)),
        output_field=IntegerField(),
    )


def _first_behind(
    running: list[CohortOverview], counts: dict[int, programme_counts.RunningCounts]
) -> list[BehindTrainee]:
    """The first BEHIND_SHOWN of the trainees behind, by cohort and name, with their names: one
    query of the enrolments the count found behind in the first cohorts by name holding
    BEHIND_SHOWN of them; none when nobody is behind."""
    numbers: dict[int, tuple[int, int]] = {}
    for item in sorted(running, key=lambda item: item.cohort.name):
        if len(numbers) >= BEHIND_SHOWN:
            break
        for enrolment_pk, achieved, required in counts[item.cohort.pk].behind_trainees:
            numbers[enrolment_pk] = (achieved, required)
    if not numbers:
        return []
    named = (
        Enrolment.objects.filter(pk__in=numbers)
        .order_by("cohort__name", "trainee__full_name", "pk")
        .values_list("pk", "trainee__full_name", "cohort__name", "record__clinical_area__name")
    )
    return [
        BehindTrainee(pk, name, cohort, area or "", *numbers[pk])
        for pk, name, cohort, area in named[:BEHIND_SHOWN]
    ]


def programme_overview(
    *, today: datetime.date | None = None, finished: int | None = None
) -> ProgrammeOverview:
    """Every running and planned cohort, and the finished ones (the `finished` most recently
    finished when given): running ones with the progress of their current trainees.

    Four queries however many cohorts and trainees, while the running cohorts' kept numbers
    hold (cohorts/counts_kept.py): the cohorts with the counts by status of those not running,
    the plans' milestones, the kept numbers, and the names of the first trainees behind (none
    when nobody is). A cohort whose numbers moved is counted again from its trainees' records'
    summaries (ADR 0026), in one query for all of them, and the numbers kept.
    """
    today = today or timezone.localdate()
    cohorts = Cohort.objects.select_related("programme")
    if finished is not None:
        latest = Cohort.objects.filter(status=Cohort.Status.FINISHED).order_by(
            "-planned_end_date", "-pk"
        )
        cohorts = cohorts.filter(
            ~Q(status=Cohort.Status.FINISHED) | Q(pk__in=latest.values("pk")[:finished])
        )
    cohorts = list(
        cohorts.annotate(
            **{f"n_{status.value}": _status_counts_outside(status) for status in SHOWN_STATUSES}
        ).order_by("intake_date", "name")
    )
    running = [c for c in cohorts if c.status == Cohort.Status.RUNNING]
    milestones = milestones_by_programme(c.programme_id for c in running) if running else {}
    counts = counts_kept.running_counts_kept(
        running,
        functools.partial(overview_numbers_sql, today=today),
        milestones=milestones,
        today=today,
    )
    grouped: dict[str, list[CohortOverview]] = defaultdict(list)
    for cohort in cohorts:
        if cohort.status == Cohort.Status.RUNNING:
            numbers = counts.setdefault(cohort.pk, programme_counts.RunningCounts())
            summary = Summary(by_status=numbers.by_status, **numbers.progress())
        else:
            summary = Summary(
                by_status={s.value: getattr(cohort, f"n_{s.value}") for s in SHOWN_STATUSES}
            )
        grouped[cohort.status].append(CohortOverview(cohort=cohort, summary=summary, today=today))
    running_overviews = grouped[Cohort.Status.RUNNING]
    behind_count = sum(item.summary.behind for item in running_overviews)
    return ProgrammeOverview(
        today=today,
        behind_count=behind_count,
        behind_shown=_first_behind(running_overviews, counts) if behind_count else [],
        running=running_overviews,
        planned=grouped[Cohort.Status.PLANNED],
        # The most recently finished first.
        finished=sorted(
            grouped[Cohort.Status.FINISHED], key=lambda o: o.cohort.planned_end_date, reverse=True
        ),
    )
