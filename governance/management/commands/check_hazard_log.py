"""Check the clinical safety hazard log: `manage.py check_hazard_log [--path FILE]`.

Fails (exit status 1) naming each problem: a rating that does not follow the matrix, a repeated
id, a hazard without a tested control, a named test that no longer exists."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance import hazard_log


class Command(BaseCommand):
    help = "Check the clinical safety hazard log (docs/clinical-safety/hazard-log.toml)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=None, help="another hazard log file")

    def handle(self, *args, path=None, **options):
        path = path or hazard_log.default_path()
        try:
            log = hazard_log.parse(path.read_text(encoding="utf-8"))
        except (OSError, hazard_log.HazardLogError) as error:
            raise CommandError(str(error)) from error
        found = hazard_log.problems(log)
        if found:
            raise CommandError("\n".join(["The hazard log has problems:", *found]))
        tests = len({t for h in log.hazards for c in h.controls for t in c.tests})
        self.stdout.write(
            f"{len(log.hazards)} hazards; every control names tests, and all {tests} exist."
        )
