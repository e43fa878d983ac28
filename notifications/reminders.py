"""Reminders that `manage.py send_reminders` sends once a day.

Any app may have a `reminders` module with `due(today)` yielding Reminder objects; the command
collects them from every installed app (so this module imports none of them) and sends each
through notify() with its key, which makes a reminder go out once however often the command
runs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from pathway.app_modules import each_app_module


@dataclass(frozen=True)
class Reminder:
    recipient: object
    kind: str
    subject: str
    body: str
    url: str
    key: str


def collect(today: datetime.date) -> Iterator[Reminder]:
    for module in each_app_module("reminders"):
        due = getattr(module, "due", None)
        if due is not None:
            yield from due(today)
