"""What each person has to do next, for the "Things to do" panel on their home page.

Any app may have a `todo` module with `for_person(person, today)` yielding Todo items; this
collects them from every installed app in INSTALLED_APPS order (so pathway imports none of
them, as notifications does with reminders). Each item is a sentence with a link, most urgent
first within its app.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from pathway.app_modules import each_app_module


@dataclass(frozen=True)
class Todo:
    text: str
    url: str
    urgent: bool = False


def things_to_do(person, today: datetime.date | None = None) -> list[Todo]:
    if not person.is_authenticated:
        return []
    today = today or timezone.localdate()
    items: list[Todo] = []
    for module in each_app_module("todo"):
        items.extend(module.for_person(person, today))
    return sorted(items, key=lambda item: not item.urgent)
