"""Import a whole competency framework from a file, as a draft.

    python manage.py import_framework PATH [--format csv|xlsx|moodle] [--name NAME]

Without --format: .xlsx is a Pathway spreadsheet; a CSV is Moodle's layout when its header is
Moodle's, else Pathway's. Runs as the system (no signed-in person).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competencies.interchange import (
    FORMATS,
    FrameworkImportError,
    framework_import,
    guess_format,
    import_summary,
)


class Command(BaseCommand):
    help = "Import a competency framework (Pathway CSV or XLSX, or Moodle CSV) as a draft."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to import")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="Layout of the file; guessed from the file when left out",
        )
        parser.add_argument("--name", help="Name the framework this instead of the file's name")

    def handle(self, *args, path, format=None, name=None, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        if format is None:
            format = guess_format(source)
        try:
            framework = framework_import(actor=None, source=source, format=format, name=name)
        except FrameworkImportError as exc:
            for line in exc.lines:
                self.stderr.write(line)
            count = len(exc.errors)
            raise CommandError(
                f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in {source.name}"
            ) from None
        self.stdout.write(import_summary(framework))
