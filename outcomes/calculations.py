"""Outcomes of a cohort, worked out from plain facts about its trainees.

Pure functions on dataclasses, dates and numbers (no database), so they are tested on known
data and the selectors only gather facts. The rules (also in the ADR and on the dashboard):

- started: everyone enrolled on the cohort, except those who moved to a later cohort (they
  count in the cohort they moved to; their training started on their first enrolment);
- completion rate: (completed + qualified) ÷ started; withdrawal rate: withdrawn ÷ started;
  None when nobody started;
- time to qualify: days from the first day of training to qualifying, for each qualifier:
  median, shortest and longest (None with no qualifiers);
- still in the trust N months after qualifying (N = 6, 12, 24): among the qualifiers whose
  qualifying day plus N months is on or before today ("eligible"), those whose latest move
  from qualifying up to that day is not "left the trust". Moving on to nursing counts as
  staying. With nobody eligible the figure is "not yet" (None), never 0%;
- moved to another clinical area: qualifiers with a move, on or after qualifying, to a clinical
  area other than the one they qualified in;
- progression into nursing: qualifiers with a move, on or after qualifying, to bridging modules
  or further; to pre-registration nursing or further; to registered nurse.
"""

from __future__ import annotations

import calendar
import datetime
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cohorts.models import EnrolmentStatus
from outcomes.models import NURSING_STAGES, PATHWAY_ORDER, StageCode

RETENTION_MONTHS = (6, 12, 24)
_RANK = {code.value: index for index, code in enumerate(PATHWAY_ORDER)}


@dataclass(frozen=True)
class Move:
    stage: str  # a StageCode value
    on: datetime.date
    area_id: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class Trainee:
    """One enrolment on a cohort, reduced to the facts the outcomes need."""

    person_id: int
    status: str  # an EnrolmentStatus value
    started_on: datetime.date
    qualified_on: datetime.date | None = None
    withdrawn_on: datetime.date | None = None
    withdrawal_reason: str = ""
    area_id: int | None = None  # the clinical area they trained (and qualified) in
    moves: tuple[Move, ...] = ()  # the person's recorded moves, any date


@dataclass(frozen=True)
class Retention:
    months: int
    qualified: int
    eligible: int
    retained: int

    @property
    def not_yet(self) -> bool:
        return self.eligible == 0

    @property
    def rate(self) -> float | None:
        return self.retained / self.eligible if self.eligible else None

    @property
    def waiting(self) -> int:
        """Qualifiers who have not reached this point yet."""
        return self.qualified - self.eligible


@dataclass(frozen=True)
class Withdrawal:
    on: datetime.date | None
    reason: str


@dataclass(frozen=True)
class Outcomes:
    started: int = 0
    still_training: int = 0
    completed: int = 0  # finished the course, not qualified yet
    qualified: int = 0
    withdrawn: int = 0
    days_to_qualify: tuple[int, ...] = ()
    withdrawals: tuple[Withdrawal, ...] = ()
    retention: tuple[Retention, ...] = ()
    moved_area: int = 0
    left: int = 0
    reached: dict[str, int] = field(default_factory=dict)

    @property
    def completion_rate(self) -> float | None:
        return share(self.completed + self.qualified, self.started)

    @property
    def withdrawal_rate(self) -> float | None:
        return share(self.withdrawn, self.started)

    @property
    def median_days_to_qualify(self) -> float | None:
        return statistics.median(self.days_to_qualify) if self.days_to_qualify else None

    @property
    def shortest_days_to_qualify(self) -> int | None:
        return min(self.days_to_qualify, default=None)

    @property
    def longest_days_to_qualify(self) -> int | None:
        return max(self.days_to_qualify, default=None)

    def retention_at(self, months: int) -> Retention | None:
        return next((r for r in self.retention if r.months == months), None)

    @property
    def bridging(self) -> int:
        return self.reached.get(StageCode.BRIDGING, 0)

    @property
    def pre_registration(self) -> int:
        return self.reached.get(StageCode.PRE_REGISTRATION, 0)

    @property
    def registered(self) -> int:
        return self.reached.get(StageCode.REGISTERED, 0)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later; the month's last day when it is shorter
    (31 August + 6 months = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _after_qualifying(trainee: Trainee) -> list[Move]:
    if trainee.qualified_on is None:
        return []
    return sorted((m for m in trainee.moves if m.on >= trainee.qualified_on), key=lambda m: m.on)


def in_trust_on(trainee: Trainee, day: datetime.date) -> bool:
    """Still working for the trust on a day after qualifying: the latest move from qualifying
    up to that day (if any) is not leaving. Someone who left and came back counts as in."""
    latest = None
    for move in _after_qualifying(trainee):
        if move.on <= day:
            latest = move
    return latest is None or latest.stage != StageCode.LEFT


def moved_area(trainee: Trainee) -> bool:
    return any(
        m.area_id is not None and m.area_id != trainee.area_id and m.stage != StageCode.LEFT
        for m in _after_qualifying(trainee)
    )


def reached(trainee: Trainee, stage: str) -> bool:
    """Got to `stage` or further along the pathway after qualifying."""
    target = _RANK[stage]
    return any(_RANK.get(m.stage, -1) >= target for m in _after_qualifying(trainee))


def left(trainee: Trainee, today: datetime.date) -> bool:
    return trainee.qualified_on is not None and not in_trust_on(trainee, today)


def retention(qualifiers: Sequence[Trainee], months: int, today: datetime.date) -> Retention:
    eligible = [t for t in qualifiers if add_months(t.qualified_on, months) <= today]
    retained = sum(1 for t in eligible if in_trust_on(t, add_months(t.qualified_on, months)))
    return Retention(
        months=months, qualified=len(qualifiers), eligible=len(eligible), retained=retained
    )


def cohort_outcomes(trainees: Iterable[Trainee], *, today: datetime.date) -> Outcomes:
    counted = [t for t in trainees if t.status != EnrolmentStatus.DEFERRED]
    by_status = _count_by_status(counted)
    qualifiers = [
        t for t in counted if t.status == EnrolmentStatus.QUALIFIED and t.qualified_on is not None
    ]
    withdrawn = [t for t in counted if t.status == EnrolmentStatus.WITHDRAWN]
    return Outcomes(
        started=len(counted),
        still_training=by_status[EnrolmentStatus.ACTIVE] + by_status[EnrolmentStatus.ON_BREAK],
        completed=by_status[EnrolmentStatus.COMPLETED],
        qualified=by_status[EnrolmentStatus.QUALIFIED],
        withdrawn=len(withdrawn),
        days_to_qualify=tuple(sorted((t.qualified_on - t.started_on).days for t in qualifiers)),
        withdrawals=_withdrawals(withdrawn),
        retention=tuple(retention(qualifiers, months, today) for months in RETENTION_MONTHS),
        moved_area=sum(1 for t in qualifiers if moved_area(t)),
        left=sum(1 for t in qualifiers if left(t, today)),
        reached=_reached_counts(qualifiers),
    )


def _count_by_status(trainees: Iterable[Trainee]) -> dict[EnrolmentStatus, int]:
    by_status = {status: 0 for status in EnrolmentStatus}
    for trainee in trainees:
        by_status[EnrolmentStatus(trainee.status)] += 1
    return by_status


def _withdrawals(withdrawn: Iterable[Trainee]) -> tuple[Withdrawal, ...]:
    """Each withdrawal's date and reason, earliest first (undated ones before any)."""
    return tuple(
        sorted(
            (Withdrawal(t.withdrawn_on, t.withdrawal_reason) for t in withdrawn),
            key=lambda w: (w.on or datetime.date.min, w.reason),
        )
    )


def _reached_counts(qualifiers: Sequence[Trainee]) -> dict[str, int]:
    """For each step towards nursing, how many qualifiers got that far or further."""
    return {
        stage.value: sum(1 for t in qualifiers if reached(t, stage)) for stage in NURSING_STAGES
    }
