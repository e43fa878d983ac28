"""Each record's progress counts (RecordSummary, ADR 0026): kept, rebuilt and read.

Kept: every service that changes a progress row's state or a sign-off request's (made,
withdrawn, decided) calls `record_summary_refresh` in its own transaction, which recounts that
record's rows in one UPDATE (about 130 rows, on the record's index): a recount rather than an
increment, so a summary is never off by a change a service made without knowing the row's
earlier state.

Read: `achieved_today` gives an expression for what a record has achieved on a day, exact
whatever the day: the stored count when nothing achieved has expired by then (the earliest
expiry date is after the day, or there is none), else the stored count less the rows that have
expired, counted from the record's progress rows. Achievements expire after years, so a page
over many trainees reads the summary alone for nearly all of them.

Rebuilt: `record_summaries_rebuild` (the command `rebuild_record_summaries`, the migration that
added them, the scale data's seed) recounts every record, or the given ones, in one grouped query.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.dispatch import Signal

from competencies.models import (
    CompetencyProgress,
    ProgressState,
    RecordSummary,
    SignOffRequest,
    TrainingRecord,
)

KINDS = (("core", True), ("specific", False))
BATCH = 2000

# Sent inside the transaction that recounted records' summaries, with `record_ids` (None for
# every record): the layers above keep numbers drawn from them (cohorts/counts_kept.py).
record_summaries_changed = Signal()


def _count(queryset: QuerySet) -> Subquery:
    """A correlated COUNT of `queryset` (filtered on an OuterRef): 0 when none match."""
    return Subquery(
        queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def _fresh_numbers() -> dict:
    """The summary's columns recounted from the progress rows of the record being updated."""
    numbers = {}
    for kind, is_core in KINDS:
        rows = CompetencyProgress.objects.filter(
            record_id=OuterRef("record_id"), competency__is_core=is_core
        )
        achieved = rows.filter(state=ProgressState.ACHIEVED)
        numbers[f"{kind}_required"] = _count(rows)
        numbers[f"{kind}_achieved"] = _count(achieved)
        numbers[f"{kind}_next_expiry"] = Subquery(
            achieved.order_by().annotate(v=Func("expires_on", function="MIN")).values("v")
        )
    waiting = SignOffRequest.objects.filter(
        record_id=OuterRef("record_id"), status=SignOffRequest.Status.OPEN
    )
    numbers["open_requests"] = _count(waiting)
    for name, function in (("oldest", "MIN"), ("newest", "MAX")):
        numbers[f"{name}_open_request_at"] = Subquery(
            waiting.order_by().annotate(v=Func("created_at", function=function)).values("v")
        )
    return numbers


def record_summary_refresh(record_id: int) -> None:
    """Recount one record's summary (one UPDATE; a rebuild of that record when it has none).
    Called by the services inside their transaction, after they change a progress row."""
    if not RecordSummary.objects.filter(record_id=record_id).update(**_fresh_numbers()):
        record_summaries_rebuild([record_id])
        return
    record_summaries_changed.send(RecordSummary, record_ids=[record_id])


@transaction.atomic
def record_summaries_rebuild(record_ids: Iterable[int] | None = None) -> int:
    """Recount the summaries of the given records (every record when None) from their progress
    rows, in one grouped query; returns how many summaries were written."""
    records = TrainingRecord.objects.all()
    if record_ids is not None:
        records = records.filter(pk__in=list(record_ids))
    ids = list(records.order_by("pk").values_list("pk", flat=True))
    summaries = {pk: RecordSummary(record_id=pk) for pk in ids}
    achieved = Q(state=ProgressState.ACHIEVED)
    grouped = (
        CompetencyProgress.objects.order_by()
        .values_list("record_id", "competency__is_core")
        .annotate(
            required=Count("pk"),
            achieved=Count("pk", filter=achieved),
            next_expiry=Min("expires_on", filter=achieved),
        )
    )
    if record_ids is not None:
        grouped = grouped.filter(record_id__in=ids)
    for record_id, is_core, required, achieved_n, next_expiry in grouped.iterator(chunk_size=BATCH):
        summary = summaries.get(record_id)
        if summary is None:  # a record made since the list above was read
            continue
        kind = "core" if is_core else "specific"
        setattr(summary, f"{kind}_required", required)
        setattr(summary, f"{kind}_achieved", achieved_n)
        setattr(summary, f"{kind}_next_expiry", next_expiry)
    waiting = (
        SignOffRequest.objects.filter(status=SignOffRequest.Status.OPEN)
        .order_by()
        .values_list("record_id")
        .annotate(n=Count("pk"), oldest=Min("created_at"), newest=Max("created_at"))
    )
    if record_ids is not None:
        waiting = waiting.filter(record_id__in=ids)
    for record_id, count, oldest, newest in waiting.iterator(chunk_size=BATCH):
        if record_id in summaries:
            summary = summaries[record_id]
            summary.open_requests = count
            summary.oldest_open_request_at, summary.newest_open_request_at = oldest, newest
    stale = RecordSummary.objects.all()
    if record_ids is not None:
        stale = stale.filter(record_id__in=ids)
    stale.delete()
    RecordSummary.objects.bulk_create(summaries.values(), batch_size=BATCH)
    record_summaries_changed.send(RecordSummary, record_ids=None if record_ids is None else ids)
    return len(summaries)


def achieved_today(kind: str, *, today, path: str = "record__summary", record: str = "record"):
    """An expression for the record's `kind` ("core" or "specific") competencies achieved and
    not expired on `today`, from a query reaching the summary by `path` and the record's id by
    `record`: exact on any day (see the module's docstring). 0 for a record with no summary."""
    is_core = dict(KINDS)[kind]
    stored = Coalesce(F(f"{path}__{kind}_achieved"), Value(0))
    expired = _count(
        CompetencyProgress.objects.filter(
            record_id=OuterRef(record),
            competency__is_core=is_core,
            state=ProgressState.ACHIEVED,
            expires_on__lte=today,
        )
    )
    return Case(
        When(**{f"{path}__{kind}_next_expiry__lte": today}, then=stored - expired),
        default=stored,
        output_field=IntegerField(),
    )


def required(kind: str, *, path: str = "record__summary"):
    """An expression for the record's `kind` competencies (0 for a record with no summary)."""
    return Coalesce(F(f"{path}__{kind}_required"), Value(0))


def waiting_since(before, *, path: str = "record__summary", record: str = "record"):
    """An expression for the record's sign-off requests still waiting that were made before
    `before`, from a query reaching the summary by `path` and the record's id by `record`:
    none when the oldest waiting was made since, all when the newest was made before, else a
    count of the record's requests."""
    made_before = _count(
        SignOffRequest.objects.filter(
            record_id=OuterRef(record),
            status=SignOffRequest.Status.OPEN,
            created_at__lt=before,
        )
    )
    return Case(
        When(**{f"{path}__newest_open_request_at__lt": before}, then=F(f"{path}__open_requests")),
        When(**{f"{path}__oldest_open_request_at__lt": before}, then=made_before),
        default=Value(0),
        output_field=IntegerField(),
    )


def waiting(*, path: str = "record__summary"):
    """An expression for the record's sign-off requests still waiting (0 with no summary)."""
    return Coalesce(F(f"{path}__open_requests"), Value(0))
