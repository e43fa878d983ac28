"""Reads for the competency grid, achievement over time, the cohort comparison and the staff
view of one trainee.

Each read takes a fixed number of queries however many trainees, competencies or assessments
there are: rows come back in one values_list query each and are counted in Python.

Definitions (also on the pages):
- a cohort's trainees are its enrolments except those moved to a later cohort (deferred);
- a competency counts as achieved over time from the date of its first achieved assessment
  that has not been revoked (a revoked decision never counts, even before its revocation);
  the same competency achieved again later counts once;
- "by week N" means assessed before intake + N weeks;
- the plan is `cohorts.progress.planned_by` for each trainee (their own start date, the
  programme's milestones or a straight line to the cohort's planned end), held where it was
  on the day an enrolment ended.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from cohorts.models import (
    Attendance,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Milestone,
    ModuleResult,
    Review,
    TrainingDay,
)
from cohorts.progress import (
    Point,
    Rag,
    planned_by,
    predicted_completion,
    rag,
    worst,
)
from cohorts.selectors.training import attendance_percent
from competencies.models import (
    Assessment,
    Competency,
    CompetencyProgress,
    Domain,
    ProgressState,
)
from pathway.models import Allocation, Programme

WEEK = datetime.timedelta(weeks=1)

# The order the grid's per-competency counts are listed in.
SUMMARY_STATES = (
    ProgressState.ACHIEVED,
    ProgressState.AWAITING_SIGN_OFF,
    ProgressState.IN_PROGRESS,
    ProgressState.NOT_YET_COMPETENT,
    ProgressState.REASSESSMENT_DUE,
    ProgressState.NOT_STARTED,
)


def display_state(state: str, expires_on: datetime.date | None, today: datetime.date) -> str:
    """The stored state, or "reassessment due" once an achievement has expired."""
    if state == ProgressState.ACHIEVED and expires_on is not None and expires_on <= today:
        return ProgressState.REASSESSMENT_DUE
    return state


def milestones_for(programme_id: int) -> list[Point]:
    """The programme plan's milestones (none without a plan): one query."""
    return [
        Point(week, core, specific)
        for week, core, specific in Milestone.objects.filter(plan__programme_id=programme_id)
        .order_by("week")
        .values_list("week", "core_target", "specific_target")
    ]


@dataclass(frozen=True)
class Trainee:
    """What the plan needs to know about one enrolment."""

    record_id: int
    start_date: datetime.date
    end_date: datetime.date | None
    core_required: int = 0
    specific_required: int = 0


def _planned(
    trainee: Trainee, *, cohort: Cohort, milestones: list[Point], on: datetime.date
) -> tuple[float, float]:
    if trainee.end_date is not None:
        on = min(on, trainee.end_date)
    return planned_by(
        milestones=milestones,
        start=trainee.start_date,
        planned_end=cohort.planned_end_date,
        on=on,
        core_required=trainee.core_required,
        specific_required=trainee.specific_required,
    )


def _required_counts(record_ids) -> dict[int, tuple[int, int]]:
    """Core and specific competencies on each record: one grouped query."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        CompetencyProgress.objects.filter(record_id__in=record_ids)
        .order_by()
        .values_list("record_id", "competency__is_core")
        .annotate(n=Count("pk"))
    )
    for record_id, is_core, n in rows:
        counts[record_id][0 if is_core else 1] += n
    return {record_id: (core, specific) for record_id, (core, specific) in counts.items()}


def _first_achievements(record_ids) -> dict[tuple[int, int], datetime.date]:
    """When each (record, competency) was first achieved, ignoring revoked decisions."""
    first: dict[tuple[int, int], datetime.date] = {}
    rows = (
        Assessment.objects.filter(
            record_id__in=record_ids,
            outcome=Assessment.Outcome.ACHIEVED,
            revoked_by__isnull=True,
        )
        .order_by()
        .values_list("record_id", "competency_id", "assessed_on")
    )
    for record_id, competency_id, assessed_on in rows:
        key = (record_id, competency_id)
        if key not in first or assessed_on < first[key]:
            first[key] = assessed_on
    return first


def _cohort_trainees(enrolments) -> list[Trainee]:
    """Trainees with the numbers of competencies they must achieve."""
    required = _required_counts([e[0] for e in enrolments])
    return [
        Trainee(record_id, start, end, *required.get(record_id, (0, 0)))
        for record_id, start, end in enrolments
    ]


# The competency grid ------------------------------------------------------------------------


@dataclass
class DomainColumns:
    domain: Domain
    competencies: list[Competency]

    @property
    def span(self) -> int:
        return len(self.competencies)


@dataclass
class GridRow:
    enrolment: Enrolment
    states: list[str | None]  # one per column; None: not on this trainee's record


@dataclass
class CompetencySummary:
    competency: Competency
    applicable: int = 0
    counts: dict = field(default_factory=lambda: {state: 0 for state in SUMMARY_STATES})
    expected: float = 0.0  # how many trainees the plan expects to have achieved it by now

    @property
    def achieved(self) -> int:
        return self.counts[ProgressState.ACHIEVED]

    @property
    def awaiting_sign_off(self) -> int:
        return self.counts[ProgressState.AWAITING_SIGN_OFF]

    @property
    def in_progress(self) -> int:
        return self.counts[ProgressState.IN_PROGRESS]

    @property
    def not_yet_competent(self) -> int:
        return self.counts[ProgressState.NOT_YET_COMPETENT]

    @property
    def reassessment_due(self) -> int:
        return self.counts[ProgressState.REASSESSMENT_DUE]

    @property
    def not_started(self) -> int:
        return self.counts[ProgressState.NOT_STARTED]

    @property
    def shortfall(self) -> float:
        """How many fewer trainees have achieved it than the plan expects (negative: ahead)."""
        return self.expected - self.achieved

    @property
    def achieved_share(self) -> float:
        return self.achieved / self.applicable if self.applicable else 1.0


@dataclass
class CompetencyGrid:
    cohort: Cohort
    today: datetime.date
    domains: list[DomainColumns]
    competencies: list[Competency]
    rows: list[GridRow]
    summaries: list[CompetencySummary]  # in column order

    def stuck(self, limit: int = 10) -> list[CompetencySummary]:
        """The competencies furthest behind the plan: the biggest shortfall first, then the
        smallest share achieved, then the most trainees not yet competent."""
        ranked = sorted(
            (s for s in self.summaries if s.applicable),
            key=lambda s: (-round(s.shortfall, 6), s.achieved_share, -s.not_yet_competent),
        )
        return ranked[:limit]


def grid_trainee_count(cohort) -> int:
    """How many trainees the cohort's competency grid has a row for."""
    return Enrolment.objects.filter(cohort=cohort).exclude(status=EnrolmentStatus.DEFERRED).count()


def competency_grid(cohort: Cohort, *, today: datetime.date | None = None) -> CompetencyGrid:
    """The cohort's trainees against the competencies that apply to any of them: four queries
    (enrolments, progress rows, competencies, milestones)."""
    today = today or timezone.localdate()
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status=EnrolmentStatus.DEFERRED)
        .select_related("trainee", "record__clinical_area")
        .order_by("trainee__full_name", "pk")
    )
    if not enrolments:
        return CompetencyGrid(cohort, today, [], [], [], [])
    states = _states_by_record([e.record_id for e in enrolments], today=today)
    competencies = list(
        Competency.objects.filter(pk__in={c for on_record in states.values() for c in on_record})
        .select_related("domain")
        .order_by("domain__order", "domain_id", "order", "pk")
    )
    milestones = milestones_for(cohort.programme_id)
    summaries = [CompetencySummary(c) for c in competencies]
    rows = [
        _grid_row(
            enrolment,
            states.get(enrolment.record_id, {}),
            summaries,
            cohort=cohort,
            milestones=milestones,
            today=today,
        )
        for enrolment in enrolments
    ]
    return CompetencyGrid(
        cohort, today, _domain_columns(competencies), competencies, rows, summaries
    )


def _states_by_record(record_ids: list[int], *, today: datetime.date) -> dict[int, dict[int, str]]:
    """Each record's competencies and the state shown for each today: one query."""
    states: dict[int, dict[int, str]] = defaultdict(dict)
    for record_id, competency_id, state, expires_on in (
        CompetencyProgress.objects.filter(record_id__in=record_ids)
        .order_by()
        .values_list("record_id", "competency_id", "state", "expires_on")
    ):
        states[record_id][competency_id] = display_state(state, expires_on, today)
    return states


def _domain_columns(competencies: list[Competency]) -> list[DomainColumns]:
    """The competencies (in column order) grouped under their domains' headings."""
    domains: list[DomainColumns] = []
    for competency in competencies:
        if not domains or domains[-1].domain.pk != competency.domain_id:
            domains.append(DomainColumns(competency.domain, []))
        domains[-1].competencies.append(competency)
    return domains


def _planned_shares(
    enrolment: Enrolment, on_record: dict[int, str], competencies, *, cohort, milestones, today
) -> tuple[float, float]:
    """The share of the trainee's core and of their specific competencies the plan expects
    achieved by today (0 where they have none of a kind)."""
    core = sum(1 for c in competencies if c.is_core and c.pk in on_record)
    specific = sum(1 for c in competencies if not c.is_core and c.pk in on_record)
    trainee = Trainee(enrolment.record_id, enrolment.start_date, enrolment.end_date, core, specific)
    planned_core, planned_specific = _planned(
        trainee, cohort=cohort, milestones=milestones, on=today
    )
    return (
        planned_core / core if core else 0.0,
        planned_specific / specific if specific else 0.0,
    )


def _grid_row(
    enrolment: Enrolment,
    on_record: dict[int, str],
    summaries: list[CompetencySummary],
    *,
    cohort: Cohort,
    milestones,
    today: datetime.date,
) -> GridRow:
    """One trainee's row of states, counting each state into its competency's summary (with
    the share of a trainee the plan expects to have achieved it)."""
    competencies = [summary.competency for summary in summaries]
    share_core, share_specific = _planned_shares(
        enrolment, on_record, competencies, cohort=cohort, milestones=milestones, today=today
    )
    row_states = []
    for summary in summaries:
        competency = summary.competency
        state = on_record.get(competency.pk)
        row_states.append(state)
        if state is None:
            continue
        summary.applicable += 1
        summary.counts[state] = summary.counts.get(state, 0) + 1
        summary.expected += share_core if competency.is_core else share_specific
    return GridRow(enrolment, row_states)


def grid_table(grid: CompetencyGrid) -> list[list[str]]:
    """The grid as plain text rows for a spreadsheet: a header row, then one row per trainee
    with the state's name in each cell ("Not applicable" when it is not on their record)."""
    labels = dict(ProgressState.choices)
    header = ["Trainee", "Employee number", "Clinical area", "Status"] + [
        c.code for c in grid.competencies
    ]
    rows = [header]
    for row in grid.rows:
        enrolment = row.enrolment
        rows.append(
            [
                enrolment.trainee.full_name,
                enrolment.trainee.employee_number,
                enrolment.record.clinical_area.name,
                enrolment.get_status_display(),
            ]
            + [
                labels.get(state, "Not applicable") if state else "Not applicable"
                for state in row.states
            ]
        )
    return rows


# Achievement over time ----------------------------------------------------------------------


@dataclass(frozen=True)
class WeekPoint:
    week: int
    up_to: datetime.date  # the last day counted
    achieved: int
    planned: float


@dataclass
class AchievementOverTime:
    cohort: Cohort
    today: datetime.date
    trainees: int
    required: int
    points: list[WeekPoint]

    @property
    def latest(self) -> WeekPoint | None:
        return self.points[-1] if self.points else None


def achievement_over_time(
    cohort: Cohort, *, today: datetime.date | None = None
) -> AchievementOverTime:
    """Cumulative competencies achieved across the cohort at the end of each week since intake
    (up to today, or the planned end if that came first and nothing was achieved after it),
    against the plan. Four queries."""
    today = today or timezone.localdate()
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status=EnrolmentStatus.DEFERRED)
        .order_by("pk")
        .values_list("record_id", "start_date", "end_date")
    )
    if not enrolments or today < cohort.intake_date:
        return AchievementOverTime(cohort, today, len(enrolments), 0, [])
    trainees = _cohort_trainees(enrolments)
    record_ids = [t.record_id for t in trainees]
    achieved_on = sorted(_first_achievements(record_ids).values())
    milestones = milestones_for(cohort.programme_id)

    last_day = min(today, max([cohort.planned_end_date, *achieved_on[-1:]]))
    last_week = cohort.week_on(last_day)
    points = []
    index = 0
    for week in range(0, last_week + 1):
        before = min(cohort.intake_date + week * WEEK, last_day + datetime.timedelta(days=1))
        while index < len(achieved_on) and achieved_on[index] < before:
            index += 1
        planned = sum(
            sum(_planned(t, cohort=cohort, milestones=milestones, on=before)) for t in trainees
        )
        points.append(WeekPoint(week, before - datetime.timedelta(days=1), index, planned))
    required = sum(t.core_required + t.specific_required for t in trainees)
    return AchievementOverTime(cohort, today, len(trainees), required, points)


# Comparing cohorts --------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortAtWeek:
    cohort: Cohort
    week: int
    trainees: int
    achieved: int  # competencies achieved by the cohort's trainees by week N
    planned: float  # what the plan asks of them all by week N
    current_week: int  # the week the cohort is in today

    @property
    def reached(self) -> bool:
        """Whether the cohort has finished week N (if not, its numbers are so far)."""
        return self.current_week > self.week

    @property
    def average(self) -> float | None:
        return round(self.achieved / self.trainees, 2) if self.trainees else None

    @property
    def planned_average(self) -> float | None:
        return round(self.planned / self.trainees, 2) if self.trainees else None


@dataclass
class CohortComparison:
    programme: Programme
    week: int
    today: datetime.date
    cohorts: list[CohortAtWeek]


def comparison_programmes():
    """Programmes that have cohorts, by name."""
    return Programme.objects.filter(cohorts__isnull=False).distinct().order_by("name")


def default_programme() -> Programme | None:
    """The programme of the newest running cohort, else the first with cohorts."""
    newest = (
        Cohort.objects.filter(status=Cohort.Status.RUNNING)
        .select_related("programme")
        .order_by("-intake_date", "pk")
        .first()
    )
    return newest.programme if newest else comparison_programmes().first()


def default_comparison_week(programme: Programme, *, today: datetime.date | None = None) -> int:
    """The week the programme's newest running cohort is in today (else the programme length)."""
    today = today or timezone.localdate()
    newest = (
        programme.cohorts.filter(status=Cohort.Status.RUNNING, intake_date__lte=today)
        .order_by("-intake_date", "pk")
        .first()
    )
    if newest is None:
        return max(programme.duration_weeks, 1)
    return max(newest.week_on(today), 1)


def cohort_comparison(
    programme: Programme, *, week: int | None = None, today: datetime.date | None = None
) -> CohortComparison:
    """For each cohort of the programme that has started, the average competencies achieved per
    trainee by week N (achieved before intake + N weeks) and what the plan asked by then.
    Five queries."""
    today = today or timezone.localdate()
    if week is None:
        week = default_comparison_week(programme, today=today)
    cohorts = list(programme.cohorts.filter(intake_date__lte=today).order_by("intake_date", "pk"))
    by_cohort: dict[int, list[tuple]] = defaultdict(list)
    for cohort_id, record_id, start, end in (
        Enrolment.objects.filter(cohort__in=[c.pk for c in cohorts])
        .exclude(status=EnrolmentStatus.DEFERRED)
        .order_by("pk")
        .values_list("cohort_id", "record_id", "start_date", "end_date")
    ):
        by_cohort[cohort_id].append((record_id, start, end))
    record_ids = [r for rows in by_cohort.values() for r, _, _ in rows]
    required = _required_counts(record_ids) if record_ids else {}
    first = _first_achievements(record_ids) if record_ids else {}
    achieved_on: dict[int, list[datetime.date]] = defaultdict(list)
    for (record_id, _), day in first.items():
        achieved_on[record_id].append(day)
    milestones = milestones_for(programme.pk)

    rows = []
    for cohort in cohorts:
        before = cohort.intake_date + week * WEEK
        trainees = [
            Trainee(record_id, start, end, *required.get(record_id, (0, 0)))
            for record_id, start, end in by_cohort.get(cohort.pk, [])
        ]
        achieved = sum(
            1 for t in trainees for day in achieved_on.get(t.record_id, []) if day < before
        )
        planned = sum(
            sum(_planned(t, cohort=cohort, milestones=milestones, on=before)) for t in trainees
        )
        rows.append(
            CohortAtWeek(cohort, week, len(trainees), achieved, planned, cohort.week_on(today))
        )
    return CohortComparison(programme, week, today, rows)


# One trainee, for staff ---------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    achieved: int
    required: int
    planned: float
    rag: Rag


@dataclass
class AttendanceDay:
    day: TrainingDay
    status: str | None  # None: no mark


@dataclass
class TraineeOverview:
    enrolment: Enrolment
    today: datetime.date
    enrolments: list[Enrolment]  # all of the trainee's enrolments, earliest first
    changes: list[EnrolmentStatusChange]
    current_allocations: list[Allocation]
    past_allocations: list[Allocation]
    core: Measure
    specific: Measure
    overall: Rag
    awaiting_sign_off: int
    not_yet_competent: int
    reassessment_due: int
    predicted_completion: datetime.date | None
    reviews: list[Review]
    days: list[AttendanceDay]
    upcoming_days: int
    present: int
    absent: int
    excused: int
    results: list[ModuleResult]

    @property
    def attendance_percent(self) -> int | None:
        return attendance_percent(self.present, self.absent)

    @property
    def moved_from(self) -> Enrolment | None:
        return next((e for e in self.enrolments if e.moved_to_id == self.enrolment.pk), None)


def trainee_overview(
    enrolment: Enrolment, *, today: datetime.date | None = None, reviews: int = 5
) -> TraineeOverview:
    """Everything staff see about one trainee on one page, in nine queries however much there
    is. `enrolment` should come with its cohort, trainee and record (select_related)."""
    today = today or timezone.localdate()
    trainee_id = enrolment.trainee_id
    cohort = enrolment.cohort
    enrolments = list(
        Enrolment.objects.filter(trainee_id=trainee_id)
        .select_related("cohort")
        .order_by("start_date", "pk")
    )
    changes = list(
        EnrolmentStatusChange.objects.filter(enrolment__trainee_id=trainee_id)
        .select_related("enrolment__cohort", "changed_by")
        .order_by("on", "created_at", "pk")
    )
    allocations = list(
        Allocation.objects.filter(trainee_id=trainee_id)
        .select_related("supporter")
        .order_by("kind", "-start_date", "pk")
    )
    currently_achieved = Q(state=ProgressState.ACHIEVED) & (
        Q(expires_on__isnull=True) | Q(expires_on__gt=today)
    )
    counts = CompetencyProgress.objects.filter(record_id=enrolment.record_id).aggregate(
        core_required=Count("pk", filter=Q(competency__is_core=True)),
        specific_required=Count("pk", filter=Q(competency__is_core=False)),
        core_achieved=Count("pk", filter=currently_achieved & Q(competency__is_core=True)),
        specific_achieved=Count("pk", filter=currently_achieved & Q(competency__is_core=False)),
        awaiting=Count("pk", filter=Q(state=ProgressState.AWAITING_SIGN_OFF)),
        not_yet_competent=Count("pk", filter=Q(state=ProgressState.NOT_YET_COMPETENT)),
        reassessment_due=Count("pk", filter=Q(state=ProgressState.ACHIEVED, expires_on__lte=today)),
        last_achieved_on=Max("achieved_on"),
    )
    milestones = milestones_for(cohort.programme_id)
    trainee = Trainee(
        enrolment.record_id,
        enrolment.start_date,
        enrolment.end_date,
        counts["core_required"],
        counts["specific_required"],
    )
    planned_core, planned_specific = _planned(
        trainee, cohort=cohort, milestones=milestones, on=today
    )
    core = Measure(
        counts["core_achieved"],
        counts["core_required"],
        planned_core,
        rag(counts["core_achieved"], planned_core),
    )
    specific = Measure(
        counts["specific_achieved"],
        counts["specific_required"],
        planned_specific,
        rag(counts["specific_achieved"], planned_specific),
    )
    recent_reviews = list(
        Review.objects.filter(enrolment__trainee_id=trainee_id)
        .select_related("enrolment__cohort", "recorded_by")
        .order_by("-held_on", "-pk")[:reviews]
    )
    training_days = list(TrainingDay.objects.filter(cohort_id=cohort.pk).order_by("date", "pk"))
    marks = dict(
        Attendance.objects.filter(enrolment=enrolment)
        .order_by()
        .values_list("training_day_id", "status")
    )
    days = [AttendanceDay(day, marks.get(day.pk)) for day in training_days if day.date <= today]
    tally = {status: 0 for status in Attendance.Status.values}
    for status in marks.values():
        tally[status] = tally.get(status, 0) + 1
    results = list(
        ModuleResult.objects.filter(enrolment__trainee_id=trainee_id)
        .select_related("module", "enrolment__cohort")
        .order_by("module__order", "module__title", "attempt", "pk")
    )
    return TraineeOverview(
        enrolment=enrolment,
        today=today,
        enrolments=enrolments,
        changes=changes,
        current_allocations=[a for a in allocations if a.is_current(today)],
        past_allocations=[a for a in allocations if not a.is_current(today)],
        core=core,
        specific=specific,
        overall=worst(core.rag, specific.rag),
        awaiting_sign_off=counts["awaiting"],
        not_yet_competent=counts["not_yet_competent"],
        reassessment_due=counts["reassessment_due"],
        predicted_completion=predicted_completion(
            start=enrolment.start_date,
            on=today,
            achieved=core.achieved + specific.achieved,
            required=core.required + specific.required,
            last_achieved_on=counts["last_achieved_on"],
            planned_end=enrolment.cohort.planned_end_date,
        ),
        reviews=recent_reviews,
        days=days,
        upcoming_days=sum(1 for day in training_days if day.date > today),
        present=tally[Attendance.Status.PRESENT],
        absent=tally[Attendance.Status.ABSENT],
        excused=tally[Attendance.Status.EXCUSED],
        results=results,
    )


def latest_enrolment_for(trainee):
    """The trainee's current enrolment, else their most recent one."""
    from cohorts.models import CURRENT_STATUSES, Enrolment

    enrolments = Enrolment.objects.filter(trainee=trainee)
    return (
        enrolments.filter(status__in=CURRENT_STATUSES).first()
        or enrolments.order_by("-start_date").first()
    )
