"""Build the demo programme. Safe to run twice: the second run finds everything in place."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from pathway.demo import DEMO_PASSWORD, DemoContext, today


class Command(BaseCommand):
    help = (
        "Seed a realistic demo programme (two cohorts, a framework, progress) and print sign-ins."
    )

    def handle(self, *args, **options):
        context = DemoContext(today=today())
        with transaction.atomic():
            # Each app may have a `demo` module with seed(context); they run in INSTALLED_APPS
            # order, so an app builds on the apps it depends on and the core imports none of them.
            for app_config in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{app_config.name}.demo")
                except ModuleNotFoundError as missing:
                    if missing.name != f"{app_config.name}.demo":
                        raise
                    continue
                module.seed(context)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with any of these:"))
        width = max(len(role) for role, _ in context.sign_ins)
        for role, email in context.sign_ins:
            self.stdout.write(f"  {role.ljust(width)}  {email}")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
