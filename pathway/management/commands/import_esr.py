"""Import people from an ESR "staff in post" extract (CSV or XLSX), all or nothing.

    python manage.py import_esr PATH [--dry-run]

Creates or updates each person by employee number (pathway/esr.py). --dry-run reads and checks
the file and says what it would do, writing nothing. Runs as the system.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pathway import esr


class Command(BaseCommand):
    help = "Import people from an ESR staff-in-post extract (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The extract to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and say what would change"
        )

    def handle(self, *args, path, dry_run=False, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        try:
            if dry_run:
                preview = esr.esr_preview(actor=None, source=source)
                self.stdout.write(
                    f"Would add {len(preview.new)}, update {len(preview.updated)}, leave "
                    f"{len(preview.unchanged)} unchanged"
                )
                return
            result = esr.esr_import(actor=None, source=source)
        except esr.EsrImportError as exc:
            for line in exc.lines:
                self.stderr.write(line)
            count = len(exc.errors)
            raise CommandError(
                f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in {source.name}"
            ) from None
        self.stdout.write(result.summary)
