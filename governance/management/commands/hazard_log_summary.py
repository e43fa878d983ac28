"""Print the hazard log's summary table, or write it into the safety case report:
`manage.py hazard_log_summary [--write]`. A test fails when the report's copy is out of date."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance import hazard_log

REPORT = Path("docs") / "clinical-safety" / "safety-case-report.md"


class Command(BaseCommand):
    help = "Print the hazard log's summary table, or --write it into the safety case report."

    def add_arguments(self, parser):
        parser.add_argument(
            "--write", action="store_true", help="update docs/clinical-safety/safety-case-report.md"
        )

    def handle(self, *args, write=False, **options):
        log = hazard_log.load()
        if not write:
            self.stdout.write(hazard_log.summary_markdown(log))
            return
        report = Path(settings.BASE_DIR) / REPORT
        try:
            report.write_text(hazard_log.with_summary(report.read_text(encoding="utf-8"), log))
        except (OSError, hazard_log.HazardLogError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Wrote the summary of {len(log.hazards)} hazards into {REPORT}")
