"""Parts of the permission matrix, one module per app (see common.py)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache


@cache
def parts() -> tuple:
    """Every part module in this package, in a stable order."""
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if info.name != "common")
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in names)
