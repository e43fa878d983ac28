"""Demo data for the apprenticeship route. Each module of this package with a `seed(context)`
runs, in the order of its ORDER (lower first; the standard and its KSBs come first, at 10), so
that each part of the route adds its own demo module beside the others."""

from __future__ import annotations

import importlib
import pkgutil


def _parts():
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
    ]
    return sorted(
        (m for m in modules if hasattr(m, "seed")),
        key=lambda m: (getattr(m, "ORDER", 50), m.__name__),
    )


def seed(context) -> None:
    for module in _parts():
        module.seed(context)
