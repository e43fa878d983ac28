"""The programme overview's progress numbers for every running cohort, counted by the database.

The overview judges every current trainee of every running cohort (on track, at risk or behind,
a review overdue) by the rules of cohorts/progress.py. Fetching a row per trainee to judge it in
Python made the page grow with the programme: at 20,000 trainees, 2,240 rows fetched and judged
for a page that shows a few numbers per cohort (docs/performance.md). Here the same rules are
SQL: each running cohort's plan for today is worked out once in Python (progress.plan_line) and
handed to the database as a row of a VALUES list; the trainees' numbers are the overview's own
query (their records' summaries, ADR 0026); the database returns a few counts per cohort, and
which of its trainees are behind. cohorts/counts_kept.py keeps them until something they were
counted from moves. tests/cohorts/test_programme_counts.py holds the SQL to the Python judgement
on both databases.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from django.db import connection

from cohorts.models import CURRENT_STATUSES, Cohort, EnrolmentStatus
from cohorts.progress import AT_RISK_SHARE, ORDER, PLANNED_MARGIN, Point, Rag, plan_line

# Stands for "no cap" (math.inf in progress.PlanLine), which SQL cannot be given: no plan asks
# for anywhere near this many competencies.
NO_CAP = 1e9

_RAG_CODE = {rag: ORDER[rag] for rag in Rag}


# The statuses counted, in the trainee query's `status` column (those moved to a later cohort
# are not shown: they are counted there).
COUNTED_STATUSES = [s.value for s in EnrolmentStatus if s != EnrolmentStatus.DEFERRED]


@dataclass
class ProgressNumbers:
    """A cohort's current trainees' progress numbers, as the overview and a cohort's
    dashboard show them (dashboards.Summary and RunningCounts add the counts by status)."""

    on_track: int = 0
    at_risk: int = 0
    behind: int = 0
    overdue_reviews: int = 0
    open_requests: int = 0
    stale_requests: int = 0
    achieved: int = 0

    def progress(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in PROGRESS_FIELDS}


PROGRESS_FIELDS = tuple(f.name for f in fields(ProgressNumbers))


@dataclass
class RunningCounts(ProgressNumbers):
    """A running cohort's trainees by status, and its current trainees' progress numbers."""

    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED_STATUSES, 0))
    # The current trainees judged behind, as behind_text writes them: kept as text, read only
    # for the few cohorts whose trainees behind the overview names.
    behind_list: str = ""

    @property
    def behind_trainees(self) -> list[tuple[int, int, int]]:
        """(enrolment, achieved, required) of each current trainee behind, by enrolment."""
        return _entries(self.behind_list)


def _entries(text: str | None) -> list[tuple[int, int, int]]:
    return [tuple(int(n) for n in entry.split(":")) for entry in (text or "").split(",") if entry]


def behind_text(entries) -> str:
    """(enrolment, achieved, required) entries as "enrolment:achieved:required", by enrolment,
    comma-separated."""
    return ",".join(":".join(str(n) for n in entry) for entry in sorted(entries))


@dataclass
class BehindRow:
    """A current trainee judged behind the plan, as the programme overview lists them."""

    enrolment_pk: int
    trainee_name: str
    cohort_name: str
    area_name: str
    achieved: int
    required: int


def plan_rows(
    running: Iterable[Cohort], milestones: dict[int, list[Point]], today: datetime.date
) -> list[tuple]:
    """Each running cohort's plan on the day and the day before which a last review (or a
    start, with none) makes a review overdue."""
    rows = []
    for cohort in running:
        line = plan_line(
            milestones=milestones.get(cohort.programme_id, []),
            start=cohort.intake_date,
            planned_end=cohort.planned_end_date,
            on=today,
        )
        due_before = today - datetime.timedelta(weeks=cohort.review_interval_weeks)
        rows.append(
            (
                cohort.pk,
                min(line.core_cap, NO_CAP),
                min(line.specific_cap, NO_CAP),
                line.share,
                due_before,
            )
        )
    return rows


def _vendor(postgresql: str, sqlite: str) -> str:
    return postgresql if connection.vendor == "postgresql" else sqlite


def _rag_sql(achieved: str, whole: str) -> str:
    """progress.rag on a measure: behind below AT_RISK_SHARE of the planned whole number, at
    risk below it, else on track (a plan asking for nothing is always met)."""
    return (
        f"CASE WHEN {achieved} < {whole} THEN (CASE WHEN {achieved} < %s * {whole} "
        f"THEN {_RAG_CODE[Rag.BEHIND]} ELSE {_RAG_CODE[Rag.AT_RISK]} END) "
        f"ELSE {_RAG_CODE[Rag.ON_TRACK]} END"
    )


def _judged(trainees_sql: str, trainees_params: tuple, plans: list[tuple]) -> tuple[str, list]:
    """WITH clauses ending in `judged`: one row per trainee of the planned cohorts with their
    cohort, status, whether current, enrolment, achieved, required, RAG code, whether a review
    is overdue and their requests waiting (all and those waiting more than 14 days).
    `trainees_sql` gives the columns of the `trainee` clause below (dashboards._OVERVIEW_VALUES).
    """
    real = "CAST(%s AS DOUBLE PRECISION)"
    current = ", ".join("%s" for _ in CURRENT_STATUSES)
    values = ", ".join(f"(%s, {real}, {real}, {real}, %s)" for _ in plans)
    least, greatest = _vendor("LEAST", "MIN"), _vendor("GREATEST", "MAX")
    # Computed once: inlined, PostgreSQL would run each trainee's subqueries once per use.
    materialized = _vendor("MATERIALIZED", "")
    whole = f"FLOOR({least}(p.{{kind}}_cap, p.share * t.{{kind}}_required) + {real})"
    sql = f"""
WITH plan (cohort_id, core_cap, specific_cap, share, reviews_due_before) AS (VALUES {values}),
trainee (cohort_id, status, start_date, enrolment_id, core_required, specific_required,
         core_achieved, specific_achieved, last_review, open_requests, stale_requests)
  AS {materialized} ({trainees_sql}),
planned AS (
  SELECT t.cohort_id, t.status, t.enrolment_id, t.core_achieved, t.specific_achieved,
         t.open_requests, t.stale_requests,
         CASE WHEN t.status IN ({current}) THEN 1 ELSE 0 END AS is_current,
         t.core_required + t.specific_required AS required,
         {whole.format(kind="core")} AS core_whole,
         {whole.format(kind="specific")} AS specific_whole,
         CASE WHEN COALESCE(t.last_review, t.start_date) < p.reviews_due_before THEN 1 ELSE 0 END
           AS overdue
  FROM trainee t JOIN plan p ON p.cohort_id = t.cohort_id
),
judged AS (
  SELECT cohort_id, status, is_current, enrolment_id,
         core_achieved + specific_achieved AS achieved, required, open_requests, stale_requests,
         overdue, {greatest}({_rag_sql("core_achieved", "core_whole")},
                             {_rag_sql("specific_achieved", "specific_whole")}) AS rag
  FROM planned
)"""
    params = [value for row in plans for value in row]
    params += [*trainees_params, *(s.value for s in CURRENT_STATUSES)]
    params += [PLANNED_MARGIN, PLANNED_MARGIN, AT_RISK_SHARE, AT_RISK_SHARE]
    return sql, params


def running_counts_sql(
    running: list[Cohort],
    trainees: tuple[str, tuple],
    *,
    milestones: dict[int, list[Point]],
    today: datetime.date,
) -> tuple[str, list]:
    """The SQL and parameters of running_counts (the benchmark times it as the page's floor)."""
    plans = plan_rows(running, milestones, today)
    with_sql, params = _judged(*trainees, plans)
    by_status = ", ".join("SUM(CASE WHEN status = %s THEN 1 ELSE 0 END)" for _ in COUNTED_STATUSES)
    rag_sums = ", ".join(
        f"SUM(CASE WHEN is_current = 1 AND rag = {_RAG_CODE[rag]} THEN 1 ELSE 0 END)"
        for rag in (Rag.ON_TRACK, Rag.AT_RISK, Rag.BEHIND)
    )
    current_sums = ", ".join(
        f"SUM(is_current * {column})"
        for column in ("overdue", "open_requests", "stale_requests", "achieved")
    )
    behind = f"is_current = 1 AND rag = {_RAG_CODE[Rag.BEHIND]}"
    text = "CAST({} AS VARCHAR(20))"
    behind_entry = " || ':' || ".join(
        text.format(column) for column in ("enrolment_id", "achieved", "required")
    )
    behind_list = _vendor(
        f"STRING_AGG(CASE WHEN {behind} THEN {behind_entry} END, ',')",
        f"GROUP_CONCAT(CASE WHEN {behind} THEN {behind_entry} END, ',')",
    )
    sql = f"""{with_sql}
SELECT cohort_id, {by_status}, {rag_sums}, {current_sums}, {behind_list}
FROM judged GROUP BY cohort_id"""
    return sql, [*params, *COUNTED_STATUSES]


def running_counts(
    running: list[Cohort],
    trainees: tuple[str, tuple],
    *,
    milestones: dict[int, list[Point]],
    today: datetime.date,
) -> dict[int, RunningCounts]:
    """Each running cohort's trainees by status, and its current trainees on track, at risk and
    behind, reviews overdue, requests waiting and competencies achieved: one query. `trainees`
    is the SQL and parameters of the overview's query of their numbers (see _judged)."""
    if not running:
        return {}
    counts = {}
    statuses = len(COUNTED_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute(*running_counts_sql(running, trainees, milestones=milestones, today=today))
        for cohort_id, *numbers, behind in cursor:
            numbers = [int(n or 0) for n in numbers]
            counts[cohort_id] = RunningCounts(
                *numbers[statuses:],
                by_status=dict(zip(COUNTED_STATUSES, numbers[:statuses], strict=True)),
                behind_list=behind_text(_entries(behind)),
            )
    return counts
