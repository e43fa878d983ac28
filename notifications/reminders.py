"""Reminders that `manage.py send_reminders` sends once a day.

Any app may have a `reminders` module with `due(today)` yielding Reminder objects; the command
collects them from every installed app (so this module imports none of them) and sends each
through notify() with its key, which makes a reminder go out once however often the command
runs.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Reminder:
    recipient: object
    kind: str
    subject: str
    body: str
    url: str
    key: str


def collect(today: datetime.date) -> Iterator[Reminder]:
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.reminders"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            if missing.name != module_name:
                raise
            continue
        due = getattr(module, "due", None)
        if due is not None:
            yield from due(today)
