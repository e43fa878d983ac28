"""Import a whole competency framework from a file, as a draft.

    python manage.py import_framework PATH [--format csv|xlsx|moodle] [--name NAME]
        [--new-version | --separate NEW_ID_NUMBER]

When a framework with the file's ID number exists and the file differs from it, say which the
file is: --new-version (its next version) or --separate NEW_ID_NUMBER (a framework of its own).
A file the same as the existing framework imports nothing.

Without --format: .xlsx is a Pathway spreadsheet; a CSV is Moodle's layout when its header is
Moodle's, else Pathway's. Runs as the system (no signed-in person).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competencies.interchange import (
    FORMATS,
    NEW_VERSION,
    SEPARATE,
    FrameworkExistsError,
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
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--new-version",
            action="store_true",
            help="The file is the next version of the framework with its ID number",
        )
        which.add_argument(
            "--separate",
            metavar="NEW_ID_NUMBER",
            help="The file is a framework of its own: give it this ID number",
        )

    def handle(
        self, *args, path, format=None, name=None, new_version=False, separate=None, **options
    ):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        if format is None:
            format = guess_format(source)
        try:
            framework = framework_import(
                actor=None,
                source=source,
                format=format,
                name=name,
                on_existing=NEW_VERSION if new_version else (SEPARATE if separate else None),
                new_code=separate,
            )
        except FrameworkImportError as exc:
            for line in exc.lines:
                self.stderr.write(line)
            if isinstance(exc, FrameworkExistsError):
                self.stderr.write("Run again with --new-version or --separate NEW_ID_NUMBER")
            count = len(exc.errors)
            raise CommandError(
                f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in {source.name}"
            ) from None
        self.stdout.write(import_summary(framework))
