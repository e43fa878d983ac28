"""How far a trainee should be by now, whether they are on track, and when they will finish.

Pure functions on plain numbers and dates, so dashboards can apply them to aggregated rows.

Thresholds (also in docs/dashboards.md):
- on track: achieved at least what the plan asks for today (or the plan asks for nothing yet);
- at risk: achieved at least 75% of what the plan asks for today;
- behind: less than 75%.
A trainee's overall status is the worse of their core and specific statuses.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

AT_RISK_SHARE = 0.75
PLANNED_MARGIN = 1e-9


class Rag(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"

    @property
    def label(self) -> str:
        return {"on_track": "On track", "at_risk": "At risk", "behind": "Behind"}[self.value]


ORDER = {Rag.ON_TRACK: 0, Rag.AT_RISK: 1, Rag.BEHIND: 2}


@dataclass(frozen=True)
class Point:
    """A planned milestone: by `week`, `core` core and `specific` specific achieved."""

    week: int
    core: int
    specific: int


def weeks_between(start: datetime.date, day: datetime.date) -> float:
    return max((day - start).days, 0) / 7


@dataclass(frozen=True)
class PlanLine:
    """What the plan asks of any trainee of a cohort on one day, whatever they must achieve:
    min(cap, share * required) for core and for specific. With milestones the cap is the
    milestones' figure and the share 1; without, no cap and the share of the course gone by.
    The dashboards judge with it in Python and, for a whole programme at once, in SQL."""

    core_cap: float
    specific_cap: float
    share: float

    def planned(self, *, core_required: int, specific_required: int) -> tuple[float, float]:
        return (
            min(self.core_cap, self.share * core_required),
            min(self.specific_cap, self.share * specific_required),
        )


def plan_line(
    *,
    milestones: Sequence[Point],
    start: datetime.date,
    planned_end: datetime.date,
    on: datetime.date,
) -> PlanLine:
    """With milestones: a straight line between them (from nothing at week 0), held level after
    the last. Without: a straight line from nothing at the start to everything at the planned
    end."""
    week = weeks_between(start, on)
    if not milestones:
        total_weeks = max(weeks_between(start, planned_end), 1 / 7)
        return PlanLine(math.inf, math.inf, min(week / total_weeks, 1.0))
    points = [Point(0, 0, 0), *sorted(milestones, key=lambda p: p.week)]
    core, specific = points[-1].core, points[-1].specific
    for before, after in zip(points, points[1:], strict=False):
        if week <= after.week:
            share = (week - before.week) / (after.week - before.week)
            core = before.core + share * (after.core - before.core)
            specific = before.specific + share * (after.specific - before.specific)
            break
    return PlanLine(core, specific, 1.0)


def planned_by(
    *,
    milestones: Sequence[Point],
    start: datetime.date,
    planned_end: datetime.date,
    on: datetime.date,
    core_required: int,
    specific_required: int,
) -> tuple[float, float]:
    """Planned core and specific achievements on a day (plan_line), never more than the
    trainee actually has to achieve."""
    line = plan_line(milestones=milestones, start=start, planned_end=planned_end, on=on)
    return line.planned(core_required=core_required, specific_required=specific_required)


def planned_whole(planned: float) -> int:
    # A competency is achieved whole or not at all; the margin absorbs floating-point error.
    return math.floor(planned + PLANNED_MARGIN)


def rag(achieved: int, planned: float) -> Rag:
    """On track, at risk or behind, for one measure. Boundaries are inclusive of the better
    status: exactly the planned number is on track; exactly 75% of it is at risk."""
    whole = planned_whole(planned)
    if whole <= 0 or achieved >= whole:
        return Rag.ON_TRACK
    if achieved >= AT_RISK_SHARE * whole:
        return Rag.AT_RISK
    return Rag.BEHIND


def worst(*statuses: Rag) -> Rag:
    return max(statuses, key=ORDER.__getitem__)


def predicted_completion(
    *,
    start: datetime.date,
    on: datetime.date,
    achieved: int,
    required: int,
    last_achieved_on: datetime.date | None = None,
    planned_end: datetime.date | None = None,
) -> datetime.date | None:
    """When the trainee will have achieved everything, at their rate of sign-off so far.

    Finished: the day of the last achievement. Nothing achieved yet: None (no rate to go on).
    None too when the rate so far points past the programme's plausible end (its planned
    length again after the planned end): a handful of early sign-offs would otherwise predict
    a one-year course ending in ten years' time, which is noise, not a forecast.
    """
    if required <= 0 or achieved >= required:
        return last_achieved_on or on
    days = (on - start).days
    if achieved <= 0 or days <= 0:
        return None
    rate = achieved / days
    predicted = on + datetime.timedelta(days=math.ceil((required - achieved) / rate))
    if planned_end is not None and predicted > planned_end + (planned_end - start):
        return None
    return predicted
