"""Reads for the off-the-job (OTJ) hours ledger: each apprentice's hours to date against the plan
and the standard's minimum, the ledger's lines, a cohort's hours and the funding at risk.

Where the hours come from (only what has happened: dated today or before, and on or after the
practical period's start):
- training days: each day the apprentice was marked present counts the day's length
  (cohorts.TrainingDay.duration_hours, 7.5 by default); absent and excused count nothing;
- module teaching: a module's teaching hours (pathway.Module.teaching_hours) count once, on the
  date of the apprentice's first result for it (any outcome: they were taught it). Pathway holds
  no teaching timetable, so a module being taught counts when it is assessed, not before;
- supervised practice the apprentice marked as off the job, with its hours, once the named
  supervisor confirmed it (competencies.PracticeEntry);
- progress reviews: PATHWAY_OTJ_HOURS_PER_REVIEW hours each, 0 unless a deployment sets it: the
  funding rules say progress reviews are not off-the-job training;
- hours the apprentice logged that their line manager confirmed (OtjEntry). Waiting and declined
  entries are listed but never counted.

The plan. The minimum is the standard's published figure (ApprenticeshipStandard
.minimum_otj_hours): under the 2025-26 funding rules it is a fixed number for the whole
apprenticeship, not a share of the duration. To tell early who is falling behind, the ledger
spreads it evenly over the practical period ("the minimum to date"): the share of the planned
days (practical period start to planned end) that have passed, not counting approved breaks in
learning. An approved break stops the clock from its first day to the day before the return
(to today while it is open) and moves the planned end later by the same number of days.
An apprentice is behind when they are still on the programme and their hours to date are below
the minimum to date. Projected: the hours to date continued at the same rate to the planned end.

Every read takes a fixed number of queries, however many apprentices (hours_for).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from apprenticeships.models import (
    Apprenticeship,
    BreakInLearning,
    BreakStatus,
    OtjEntry,
    OtjEntryStatus,
)
from cohorts.models import CURRENT_STATUSES, Attendance, Cohort, ModuleResult, Review
from competencies.models import PracticeEntry
from pathway.models import Allocation

ZERO = Decimal("0")
HUNDREDTH = Decimal("0.01")

# The share of a funding band that is the government's when the employer does not pay the levy
# (co-investment: the employer pays 5%). A levy payer's whole band comes from their levy funds.
NON_LEVY_GOVERNMENT_SHARE = Decimal("0.95")


def hours_per_review() -> Decimal:
    return Decimal(str(getattr(settings, "PATHWAY_OTJ_HOURS_PER_REVIEW", 0)))


class Source:
    TRAINING_DAY = "Training day"
    MODULE = "Module teaching"
    PRACTICE = "Supervised practice"
    REVIEW = "Progress review"
    LOGGED = "Logged by the apprentice"

    ORDER = (TRAINING_DAY, MODULE, PRACTICE, REVIEW, LOGGED)


def _round(value: Decimal) -> Decimal:
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


# The plan and its breaks ---------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    starts_on: datetime.date
    returns_on: datetime.date | None

    def days_until(self, day: datetime.date) -> int:
        """Days of the break before `day` (the clock stopped on them)."""
        end = min(self.returns_on, day) if self.returns_on else day
        return max((end - self.starts_on).days, 0)

    def length(self, today: datetime.date) -> int:
        """The whole break, or the days so far for an open one (up to and including today)."""
        return self.days_until(self.returns_on or today + datetime.timedelta(days=1))


@dataclass
class Plan:
    start: datetime.date
    planned_end: datetime.date  # as agreed at the start
    minimum_hours: int
    planned_hours: int
    today: datetime.date
    breaks: list[Break] = field(default_factory=list)

    @property
    def break_days(self) -> int:
        return sum(b.length(self.today) for b in self.breaks)

    @property
    def end(self) -> datetime.date:
        """The planned end, moved on by the approved breaks' days."""
        return self.planned_end + datetime.timedelta(days=self.break_days)

    @property
    def on_break(self) -> bool:
        return any(
            b.starts_on <= self.today and (b.returns_on is None or self.today < b.returns_on)
            for b in self.breaks
        )

    @property
    def planned_days(self) -> int:
        return max((self.planned_end - self.start).days, 1)

    @property
    def days_gone(self) -> int:
        """Days of the practical period that have passed, breaks not counted."""
        upto = min(self.today + datetime.timedelta(days=1), self.end)
        if upto <= self.start:
            return 0
        stopped = sum(b.days_until(upto) for b in self.breaks)
        return min(max((upto - self.start).days - stopped, 0), self.planned_days)

    @property
    def share_gone(self) -> Decimal:
        return Decimal(self.days_gone) / Decimal(self.planned_days)

    @property
    def minimum_to_date(self) -> Decimal:
        return _round(Decimal(self.minimum_hours) * self.share_gone)

    @property
    def planned_to_date(self) -> Decimal:
        return _round(Decimal(self.planned_hours) * self.share_gone)


# Hours ---------------------------------------------------------------------------------------


@dataclass
class Hours:
    """One apprentice's off-the-job hours and plan."""

    apprenticeship: Apprenticeship
    plan: Plan
    by_source: dict[str, Decimal]
    waiting_hours: Decimal = ZERO
    waiting_entries: int = 0

    @property
    def enrolment(self):
        return self.apprenticeship.enrolment

    @property
    def actual(self) -> Decimal:
        return sum(self.by_source.values(), ZERO)

    @property
    def is_current(self) -> bool:
        return self.enrolment.status in CURRENT_STATUSES

    @property
    def shortfall(self) -> Decimal:
        """Hours below the minimum to date (0 when on or above it)."""
        return max(self.plan.minimum_to_date - self.actual, ZERO)

    @property
    def behind(self) -> bool:
        return self.is_current and self.actual < self.plan.minimum_to_date

    @property
    def projected(self) -> Decimal | None:
        """The hours to date at the same rate to the planned end; None before any day passed."""
        if not self.plan.days_gone:
            return None
        return _round(self.actual * Decimal(self.plan.planned_days) / self.plan.days_gone)

    @property
    def remaining_to_minimum(self) -> Decimal:
        return max(Decimal(self.plan.minimum_hours) - self.actual, ZERO)

    @property
    def funding_band(self) -> int:
        return self.apprenticeship.enrolment.cohort.programme.apprenticeship.standard.funding_band

    @property
    def funding_at_risk(self) -> Decimal:
        """Estimated: for an apprentice behind, the funding band's share paid from public
        funds (all of it for a levy payer, 95% otherwise); 0 for anyone else."""
        if not self.behind:
            return ZERO
        share = Decimal(1) if self.apprenticeship.levy_funded else NON_LEVY_GOVERNMENT_SHARE
        return _round(Decimal(self.funding_band) * share)


def _apprenticeships(queryset) -> list[Apprenticeship]:
    return list(
        queryset.select_related(
            "enrolment__trainee",
            "enrolment__cohort__programme__apprenticeship__standard",
        ).order_by("enrolment__trainee__full_name", "pk")
    )


def _grouped(rows: Iterable[dict], key: str = "key", value: str = "hours") -> dict:
    return {row[key]: row[value] or ZERO for row in rows}


def _in_period(prefix: str, date_field: str, today: datetime.date) -> Q:
    """A dated thing on or after its apprenticeship's practical period start, and not later
    than today. `prefix` leads from the thing to the apprenticeship."""
    return Q(
        **{
            f"{date_field}__lte": today,
            f"{date_field}__gte": F(f"{prefix}practical_period_start"),
        }
    )


def _training_day_hours(ids, today) -> dict:
    prefix = "enrolment__apprenticeship__"
    rows = (
        Attendance.objects.filter(
            _in_period(prefix, "training_day__date", today),
            enrolment__apprenticeship__in=ids,
            status=Attendance.Status.PRESENT,
        )
        .values(key=F("enrolment__apprenticeship"))
        .annotate(hours=Sum("training_day__duration_hours"))
    )
    return _grouped(rows)


def _module_hours(ids, starts: dict, today) -> dict:
    """A module counts once, at the first result the apprentice has for it."""
    rows = (
        ModuleResult.objects.filter(enrolment__apprenticeship__in=ids, date__lte=today)
        .values("module_id", key=F("enrolment__apprenticeship"))
        .annotate(first=Min("date"), hours=Max("module__teaching_hours"))
    )
    hours: dict = defaultdict(lambda: ZERO)
    for row in rows:
        if row["first"] >= starts[row["key"]]:
            hours[row["key"]] += row["hours"] or ZERO
    return dict(hours)


def _practice_hours(ids, today) -> dict:
    prefix = "record__enrolments__apprenticeship__"
    rows = (
        PracticeEntry.objects.filter(
            _in_period(prefix, "practised_on", today),
            record__enrolments__apprenticeship__in=ids,
            off_the_job=True,
            confirmed_at__isnull=False,
        )
        .values(key=F("record__enrolments__apprenticeship"))
        .annotate(hours=Sum("otj_hours"))
    )
    return _grouped(rows)


def _review_hours(ids, today) -> dict:
    allowance = hours_per_review()
    if not allowance:
        return {}
    rows = (
        Review.objects.filter(
            _in_period("enrolment__apprenticeship__", "held_on", today),
            enrolment__apprenticeship__in=ids,
        )
        .values(key=F("enrolment__apprenticeship"))
        .annotate(count=Count("pk"))
    )
    return {row["key"]: allowance * row["count"] for row in rows}


def _logged_hours(ids, today) -> tuple[dict, dict]:
    """Confirmed hours; and the waiting ones (hours, entries), which do not count."""
    rows = (
        OtjEntry.objects.filter(
            _in_period("apprenticeship__", "on", today),
            apprenticeship__in=ids,
        )
        .values(key=F("apprenticeship"))
        .annotate(
            confirmed=Sum("hours", filter=Q(status=OtjEntryStatus.CONFIRMED)),
            waiting=Sum("hours", filter=Q(status=OtjEntryStatus.WAITING)),
            waiting_count=Count("pk", filter=Q(status=OtjEntryStatus.WAITING)),
        )
    )
    confirmed, waiting = {}, {}
    for row in rows:
        confirmed[row["key"]] = row["confirmed"] or ZERO
        waiting[row["key"]] = (row["waiting"] or ZERO, row["waiting_count"])
    return confirmed, waiting


def _breaks(ids) -> dict[int, list[Break]]:
    found: dict[int, list[Break]] = defaultdict(list)
    for row in BreakInLearning.objects.filter(
        apprenticeship__in=ids, status=BreakStatus.APPROVED
    ).values("apprenticeship_id", "starts_on", "returns_on"):
        found[row["apprenticeship_id"]].append(Break(row["starts_on"], row["returns_on"]))
    return found


def hours_for(
    apprenticeships: list[Apprenticeship], *, today: datetime.date | None = None
) -> list[Hours]:
    """The hours of each apprenticeship given (fetched with _apprenticeships' relations):
    six queries at most, however many there are."""
    today = today or timezone.localdate()
    ids = [a.pk for a in apprenticeships]
    if not ids:
        return []
    starts = {a.pk: a.practical_period_start for a in apprenticeships}
    sources = {
        Source.TRAINING_DAY: _training_day_hours(ids, today),
        Source.MODULE: _module_hours(ids, starts, today),
        Source.PRACTICE: _practice_hours(ids, today),
        Source.REVIEW: _review_hours(ids, today),
    }
    sources[Source.LOGGED], waiting = _logged_hours(ids, today)
    breaks = _breaks(ids)
    result = []
    for a in apprenticeships:
        standard = a.enrolment.cohort.programme.apprenticeship.standard
        plan = Plan(
            start=a.practical_period_start,
            planned_end=a.planned_end_date,
            minimum_hours=standard.minimum_otj_hours,
            planned_hours=a.planned_otj_hours,
            today=today,
            breaks=sorted(breaks.get(a.pk, []), key=lambda b: b.starts_on),
        )
        waiting_hours, waiting_count = waiting.get(a.pk, (ZERO, 0))
        result.append(
            Hours(
                apprenticeship=a,
                plan=plan,
                by_source={name: sources[name].get(a.pk, ZERO) for name in Source.ORDER},
                waiting_hours=waiting_hours,
                waiting_entries=waiting_count,
            )
        )
    return result


def hours_of(apprenticeship: Apprenticeship, *, today: datetime.date | None = None) -> Hours:
    """One apprenticeship's hours (the gateway's hours item shows them beside its evidence)."""
    fetched = _apprenticeships(Apprenticeship.objects.filter(pk=apprenticeship.pk))
    return hours_for(fetched, today=today)[0]


# One apprentice: the page and its export --------------------------------------------------------


def apprenticeship_by_pk(pk) -> Apprenticeship:
    found = _apprenticeships(Apprenticeship.objects.filter(pk=pk))
    if not found:
        raise Apprenticeship.DoesNotExist
    return found[0]


def apprenticeship_of_trainee(user) -> Apprenticeship | None:
    """The apprenticeship of the person's current enrolment, if any."""
    found = _apprenticeships(
        Apprenticeship.objects.filter(
            enrolment__trainee=user, enrolment__status__in=CURRENT_STATUSES
        )
    )
    return found[0] if found else None


@dataclass
class Line:
    on: datetime.date
    source: str
    description: str
    hours: Decimal
    counted: bool = True
    note: str = ""
    entry: OtjEntry | None = None


@dataclass
class Ledger:
    hours: Hours
    lines: list[Line]
    entries: list[OtjEntry]
    breaks: list[BreakInLearning]

    @property
    def counted_lines(self) -> list[Line]:
        return [line for line in self.lines if line.counted]

    @property
    def source_totals(self) -> list[tuple[str, Decimal]]:
        return [(name, self.hours.by_source[name]) for name in Source.ORDER]


def _lines_of_training_days(a: Apprenticeship, today) -> list[Line]:
    marks = (
        Attendance.objects.filter(
            _in_period("enrolment__apprenticeship__", "training_day__date", today),
            enrolment__apprenticeship=a,
            status=Attendance.Status.PRESENT,
        )
        .values("training_day__date", "training_day__topic", "training_day__duration_hours")
        .order_by("training_day__date")
    )
    return [
        Line(
            m["training_day__date"],
            Source.TRAINING_DAY,
            m["training_day__topic"],
            m["training_day__duration_hours"],
        )
        for m in marks
    ]


def _lines_of_modules(a: Apprenticeship, today) -> list[Line]:
    rows = (
        ModuleResult.objects.filter(enrolment__apprenticeship=a, date__lte=today)
        .values("module__title", "module__teaching_hours")
        .annotate(first=Min("date"))
        .order_by("first")
    )
    return [
        Line(r["first"], Source.MODULE, r["module__title"], r["module__teaching_hours"])
        for r in rows
        if r["first"] >= a.practical_period_start and r["module__teaching_hours"]
    ]


def _lines_of_practice(a: Apprenticeship, today) -> list[Line]:
    entries = PracticeEntry.objects.filter(
        _in_period("record__enrolments__apprenticeship__", "practised_on", today),
        record__enrolments__apprenticeship=a,
        off_the_job=True,
    ).values("practised_on", "supervisor_name", "activity", "otj_hours", "confirmed_at")
    return [
        Line(
            e["practised_on"],
            Source.PRACTICE,
            f"Supervised by {e['supervisor_name']}"
            + (f": {e['activity'][:120]}" if e["activity"] else ""),
            e["otj_hours"],
            counted=e["confirmed_at"] is not None,
            note="" if e["confirmed_at"] else "Not confirmed by the supervisor yet",
        )
        for e in entries
    ]


def _lines_of_reviews(a: Apprenticeship, today) -> list[Line]:
    allowance = hours_per_review()
    if not allowance:
        return []
    dates = Review.objects.filter(
        _in_period("enrolment__apprenticeship__", "held_on", today), enrolment__apprenticeship=a
    ).values_list("held_on", flat=True)
    return [Line(day, Source.REVIEW, "Progress review", allowance) for day in dates]


def _lines_of_entries(entries: list[OtjEntry], a: Apprenticeship, today) -> list[Line]:
    lines = []
    for entry in entries:
        if entry.on > today or entry.on < a.practical_period_start:
            continue
        counted = entry.status == OtjEntryStatus.CONFIRMED
        note = "" if counted else entry.get_status_display()
        if entry.status == OtjEntryStatus.DECLINED:
            note = f"Declined: {entry.decline_reason}"
        lines.append(
            Line(
                entry.on,
                Source.LOGGED,
                f"{entry.get_activity_display()}: {entry.description[:200]}",
                entry.hours,
                counted=counted,
                note=note,
                entry=entry,
            )
        )
    return lines


def ledger(apprenticeship: Apprenticeship, *, today: datetime.date | None = None) -> Ledger:
    """The apprentice's hours and every line behind them, newest first: a fixed number of
    queries however long the ledger."""
    today = today or timezone.localdate()
    (hours,) = hours_for([apprenticeship], today=today)
    entries = list(
        OtjEntry.objects.filter(apprenticeship=apprenticeship).select_related(
            "decided_by", "logged_by"
        )
    )
    for entry in entries:  # the permission checks on each read the apprentice from here
        entry.apprenticeship = apprenticeship
    lines = [
        *_lines_of_training_days(apprenticeship, today),
        *_lines_of_modules(apprenticeship, today),
        *_lines_of_practice(apprenticeship, today),
        *_lines_of_reviews(apprenticeship, today),
        *_lines_of_entries(entries, apprenticeship, today),
    ]
    lines.sort(key=lambda line: line.on, reverse=True)
    breaks = list(
        BreakInLearning.objects.filter(apprenticeship=apprenticeship).select_related(
            "recorded_by", "decided_by"
        )
    )
    for a_break in breaks:
        a_break.apprenticeship = apprenticeship
    return Ledger(hours=hours, lines=lines, entries=entries, breaks=breaks)


def entry_by_pk(pk) -> OtjEntry:
    return OtjEntry.objects.select_related("apprenticeship__enrolment__trainee", "logged_by").get(
        pk=pk
    )


def break_by_pk(pk) -> BreakInLearning:
    return BreakInLearning.objects.select_related(
        "apprenticeship__enrolment__trainee", "recorded_by"
    ).get(pk=pk)


# A line manager's entries to confirm -----------------------------------------------------------


def entries_to_confirm(manager) -> list[OtjEntry]:
    """Waiting entries of the apprentices this person is the line manager of today."""
    managed = Allocation.objects.current().filter(supporter=manager, kind=Allocation.Kind.MANAGER)
    return list(
        OtjEntry.objects.filter(
            status=OtjEntryStatus.WAITING,
            apprenticeship__enrolment__trainee__in=managed.values("trainee"),
            apprenticeship__enrolment__status__in=CURRENT_STATUSES,
        )
        .exclude(logged_by=manager)
        .select_related("apprenticeship__enrolment__trainee")
        .order_by("on", "pk")
    )


def breaks_to_approve(viewer) -> list[BreakInLearning]:
    """Breaks waiting for approval that this person did not record."""
    return list(
        BreakInLearning.objects.filter(status=BreakStatus.WAITING)
        .exclude(recorded_by=viewer)
        .select_related("apprenticeship__enrolment__trainee", "recorded_by")
        .order_by("recorded_at", "pk")
    )


# A cohort, and the funding at risk -------------------------------------------------------------


def cohort_hours(cohort: Cohort, *, today: datetime.date | None = None) -> list[Hours]:
    """Every apprentice of the cohort (those who moved to another cohort left out)."""
    return hours_for(
        _apprenticeships(
            Apprenticeship.objects.filter(enrolment__cohort=cohort).exclude(
                enrolment__status="deferred"
            )
        ),
        today=today,
    )


def behind_enrolment_ids(cohort: Cohort, *, today: datetime.date) -> set[int]:
    """The enrolments of the cohort whose apprentice is behind on hours (the dashboard's tags)."""
    return {h.enrolment.pk for h in cohort_hours(cohort, today=today) if h.behind}


@dataclass
class CohortRisk:
    cohort: Cohort
    apprentices: int
    behind: int
    shortfall: Decimal
    at_risk: Decimal


def funding_at_risk(*, today: datetime.date | None = None) -> list[CohortRisk]:
    """Each apprenticeship cohort (running or planned first, then by intake) with how many of
    its current apprentices are behind and the funding estimated at risk: a fixed number of
    queries for all the cohorts."""
    today = today or timezone.localdate()
    everyone = hours_for(
        _apprenticeships(Apprenticeship.objects.filter(enrolment__status__in=CURRENT_STATUSES)),
        today=today,
    )
    by_cohort: dict[int, list[Hours]] = defaultdict(list)
    cohorts: dict[int, Cohort] = {}
    for h in everyone:
        cohort = h.enrolment.cohort
        cohorts[cohort.pk] = cohort
        by_cohort[cohort.pk].append(h)
    risks = [
        CohortRisk(
            cohort=cohorts[pk],
            apprentices=len(rows),
            behind=sum(1 for h in rows if h.behind),
            shortfall=sum((h.shortfall for h in rows if h.behind), ZERO),
            at_risk=sum((h.funding_at_risk for h in rows), ZERO),
        )
        for pk, rows in by_cohort.items()
    ]
    risks.sort(key=lambda r: (-r.at_risk, r.cohort.intake_date, r.cohort.name))
    return risks


def cohort_by_pk(pk) -> Cohort:
    return Cohort.objects.select_related("programme").get(pk=pk)
