"""Build the demo programme. Safe to run twice: the second run finds everything in place."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from pathway.demo import DEMO_PASSWORD, DemoContext, today


class Command(BaseCommand):
    help = (
        "Seed a realistic demo programme (two cohorts, a framework, progress) and print sign-ins."
    )

    def handle(self, *args, **options):
        context = DemoContext(today=today())
        modules = []
        for app_config in apps.get_app_configs():
            try:
                modules.append(importlib.import_module(f"{app_config.name}.demo"))
            except ModuleNotFoundError as missing:
                if missing.name != f"{app_config.name}.demo":
                    raise
        # Demo people have made-up addresses: keep the emails the demo's actions would send
        # in memory rather than printing hundreds of them.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            # Each app may have a `demo` module with seed(context); they run in INSTALLED_APPS
            # order, so an app builds on the apps it depends on and the core imports none of
            # them. Then each may finish(context), once everything is in place.
            for module in modules:
                module.seed(context)
            for module in modules:
                if hasattr(module, "finish"):
                    module.finish(context)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with any of these:"))
        width = max(len(role) for role, _ in context.sign_ins)
        for role, email in context.sign_ins:
            self.stdout.write(f"  {role.ljust(width)}  {email}")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
