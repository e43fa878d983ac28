"""The programme overview's numbers for each running cohort, kept between views
(RunningCohortCounts; ADR 0028).

Counting a running cohort means judging each of its trainees against the day's plan
(programme_counts). The overview did that for every running trainee on every view: the one
page that grew with the programme (docs/performance.md). The numbers are now kept for each
cohort with what they were counted from, and counted again only when that has moved:

- the day (the plan, expiries and requests waiting more than 14 days all move with it);
- the cohort's plan that day (its milestones, dates, review interval: compared as a key, so
  no service has to remember them);
- the cohort's `version`, raised after any committed change to its trainees' numbers by the
  two places every such change already passes: a record's summary recounted
  (competencies.summaries, through its signal) and an enrolment's review dates recounted
  (cohorts/review_due.py: reviews, enrolments made, moved or changed, cohorts changed).

The version is raised after the commit, in a statement of its own, so a sign-off never holds
a lock on the cohort's row while it works. A view that counted from data older than a change
kept the version before that change, so its numbers are counted again on the next view. What
a view shows may lag a change by the moment between its commit and the raise that follows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F

from cohorts.models import Cohort, Enrolment, RunningCohortCounts
from cohorts.progress import Point
from cohorts.selectors.programme_counts import (
    COUNTED_STATUSES,
    PROGRESS_FIELDS,
    RunningCounts,
    plan_rows,
    running_counts,
)

# Part of what numbers were counted from: changed whenever what is kept changes shape, so that
# numbers kept by an earlier release are counted again rather than misread.
SHAPE = "2"


def counts_stale(cohort_ids: Iterable[int] | None) -> None:
    """Once the current transaction commits, count these cohorts again (every one when None)
    the next time the overview is viewed."""
    ids = None if cohort_ids is None else sorted(set(cohort_ids))

    def raise_versions():
        kept = RunningCohortCounts.objects.all()
        if ids is not None:
            kept = kept.filter(cohort_id__in=ids)
        kept.update(version=F("version") + 1)

    if ids != []:
        transaction.on_commit(raise_versions, robust=True)


def counts_stale_for_records(record_ids: Iterable[int] | None) -> None:
    """counts_stale for the cohorts these records are enrolled in (every one when None)."""
    if record_ids is None:
        counts_stale(None)
        return
    counts_stale(
        Enrolment.objects.filter(record_id__in=list(record_ids)).values_list("cohort_id", flat=True)
    )


def on_record_summaries_changed(sender, *, record_ids, **kwargs) -> None:
    counts_stale_for_records(record_ids)


def _numbers(counts: RunningCounts) -> dict:
    return {"by_status": counts.by_status, **counts.progress()}


def _counts(numbers: dict, behind_list: str) -> RunningCounts:
    by_status = {status: numbers["by_status"].get(status, 0) for status in COUNTED_STATUSES}
    return RunningCounts(
        **{name: numbers[name] for name in PROGRESS_FIELDS},
        by_status=by_status,
        behind_list=behind_list,
    )


def running_counts_kept(
    running: list[Cohort],
    trainees: Callable[[list[Cohort]], tuple[str, tuple]],
    *,
    milestones: dict[int, list[Point]],
    today: datetime.date,
) -> dict[int, RunningCounts]:
    """programme_counts.running_counts for these running cohorts, from the kept numbers where
    they still hold; the others are counted (`trainees` gives the SQL of their trainees'
    numbers) and kept. One query when every cohort's numbers hold."""
    if not running:
        return {}
    plans = {row[0]: f"{SHAPE} {row[1:]!r}" for row in plan_rows(running, milestones, today)}
    # Plain values, not instances: read for every running cohort on every view.
    kept = {
        row[0]: row[1:]
        for row in RunningCohortCounts.objects.filter(
            cohort_id__in=[c.pk for c in running]
        ).values_list(
            "cohort_id",
            "version",
            "counted_version",
            "counted_on",
            "counted_plan",
            "numbers",
            "behind_list",
        )
    }
    counts, stale = {}, []
    for cohort in running:
        version, counted_version, counted_on, counted_plan, numbers, behind_list = kept.get(
            cohort.pk, (None,) * 6
        )
        if (
            numbers is not None
            and counted_on == today
            and counted_version == version
            and counted_plan == plans[cohort.pk]
        ):
            counts[cohort.pk] = _counts(numbers, behind_list)
        else:
            stale.append(cohort)
    if stale:
        versions = {pk: row[0] for pk, row in kept.items()}
        counts.update(_count_and_keep(stale, versions, trainees, plans, milestones, today))
    return counts


def _count_and_keep(
    stale, versions, trainees, plans, milestones, today
) -> dict[int, RunningCounts]:
    missing = [RunningCohortCounts(cohort=c) for c in stale if c.pk not in versions]
    if missing:
        # Made before counting, so that a change committed while counting raises its version.
        RunningCohortCounts.objects.bulk_create(missing, ignore_conflicts=True)
        versions = dict(
            RunningCohortCounts.objects.filter(cohort__in=stale).values_list("cohort_id", "version")
        )
    counted = running_counts(stale, trainees(stale), milestones=milestones, today=today)
    counts = {c.pk: counted.get(c.pk) or RunningCounts() for c in stale}
    # Written as an upsert of rows that are all there already: one cheap statement (an UPDATE
    # of many rows builds a CASE per field and row), and `version` is never written here.
    RunningCohortCounts.objects.bulk_create(
        [
            RunningCohortCounts(
                cohort_id=c.pk,
                counted_version=versions[c.pk],
                counted_on=today,
                counted_plan=plans[c.pk],
                numbers=_numbers(counts[c.pk]),
                behind_list=counts[c.pk].behind_list,
            )
            for c in stale
        ],
        update_conflicts=True,
        unique_fields=["cohort"],
        update_fields=["counted_version", "counted_on", "counted_plan", "numbers", "behind_list"],
    )
    return counts
