"""Things to do on the apprenticeship route (pathway/things_to_do.py): each part of the route
adds a `todo_<part>` module beside this one with `for_person(person, today)`, and this collects
them, in name order."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path


def _parts():
    folder = Path(__file__).parent
    names = sorted(
        info.name for info in pkgutil.iter_modules([str(folder)]) if info.name.startswith("todo_")
    )
    return [importlib.import_module(f"apprenticeships.{name}") for name in names]


def for_person(person, today):
    for module in _parts():
        yield from module.for_person(person, today)
