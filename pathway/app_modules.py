"""Modules of one name in every installed app, found without importing the apps by name: how
lower layers collect from higher ones (reminders, things to do) without depending on them."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps


def each_app_module(name: str) -> Iterator[ModuleType]:
    """`<app>.<name>` for each installed app that has one, in INSTALLED_APPS order."""
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.{name}"
        try:
            yield importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            if missing.name != module_name:
                raise
