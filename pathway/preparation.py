"""Whether a mentor's preparation is in date. Pure functions on dates (see MentorPreparation).

- not prepared: no date of preparation;
- the annual update is due 12 months after the later of preparation and the last update;
- update overdue: that day has passed (the preparation is out of date);
- update due soon: it falls today or within the next 30 days;
- prepared: otherwise.
Allocating a trainee to a mentor who is not prepared, or whose update is overdue on the
allocation's start date, needs the person allocating to confirm they understand.
"""

from __future__ import annotations

import calendar
import datetime
from enum import StrEnum

DUE_SOON_DAYS = 30
UPDATE_EVERY_MONTHS = 12


class PreparationStatus(StrEnum):
    PREPARED = "prepared"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NOT_PREPARED = "not_prepared"

    @property
    def label(self) -> str:
        return {
            "prepared": "Prepared",
            "due_soon": "Update due soon",
            "overdue": "Update overdue",
            "not_prepared": "Not prepared",
        }[self.value]

    @property
    def needs_confirmation(self) -> bool:
        return self in (PreparationStatus.OVERDUE, PreparationStatus.NOT_PREPARED)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when it has no such day (29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def update_due_on(
    prepared_on: datetime.date | None, last_update_on: datetime.date | None
) -> datetime.date | None:
    """When the next annual update is due; None when the mentor was never prepared."""
    if prepared_on is None:
        return None
    latest = max(prepared_on, last_update_on or prepared_on)
    try:
        return add_months(latest, UPDATE_EVERY_MONTHS)
    except ValueError:  # beyond the year 9999: never due in practice
        return datetime.date.max


def preparation_status(
    prepared_on: datetime.date | None,
    last_update_on: datetime.date | None,
    today: datetime.date,
) -> PreparationStatus:
    due = update_due_on(prepared_on, last_update_on)
    if due is None:
        return PreparationStatus.NOT_PREPARED
    if due < today:
        return PreparationStatus.OVERDUE
    if due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return PreparationStatus.DUE_SOON
    return PreparationStatus.PREPARED


def confirmation_message(name: str, status: PreparationStatus) -> str:
    if status == PreparationStatus.NOT_PREPARED:
        return f"{name} has no mentor preparation in the mentor register"
    return f"{name}'s annual mentor update is out of date (more than 12 months ago)"
