"""Export a whole competency framework to a file.

    python manage.py export_framework CODE_OR_ID [--version N] [--format csv|xlsx|moodle]
                                      [--output PATH]

CODE_OR_ID is the framework's ID number (its latest version unless --version says which) or
its database id. Without --output, CSV layouts go to standard output.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competencies.interchange import FORMATS, FrameworkExportError, framework_export
from competencies.models import Framework


class Command(BaseCommand):
    help = "Export a competency framework as Pathway CSV or XLSX, or as Moodle CSV."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version means the framework's version here: it replaces Django's --version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("framework", metavar="CODE_OR_ID", help="ID number or database id")
        parser.add_argument(
            "--version",
            dest="framework_version",
            type=int,
            metavar="N",
            help="Which version (default: the latest)",
        )
        parser.add_argument("--format", choices=FORMATS, help="Default: from --output, else csv")
        parser.add_argument("--output", metavar="PATH", help="Write here instead of stdout")

    def handle(self, *args, framework, framework_version=None, format=None, output=None, **_):
        chosen = self._find(framework, framework_version)
        if format is None:
            format = "xlsx" if output and Path(output).suffix.lower() == ".xlsx" else "csv"
        if format == "xlsx" and not output:
            raise CommandError("An XLSX export is binary: give --output PATH")
        try:
            data = framework_export(framework=chosen, format=format)
        except FrameworkExportError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if output:
            Path(output).write_bytes(data)
            self.stdout.write(f'Exported "{chosen.name}" (version {chosen.version}) to {output}')
        else:
            self.stdout.write(data.decode("utf-8-sig"), ending="")

    def _find(self, code_or_id: str, version: int | None) -> Framework:
        versions = Framework.objects.filter(code=code_or_id).order_by("-version")
        if version is not None:
            versions = versions.filter(version=version)
        found = versions.first()
        if found is None and code_or_id.isdecimal():
            found = Framework.objects.filter(pk=int(code_or_id)).first()
            if found is not None and version is not None and found.version != version:
                raise CommandError(
                    f"Framework {code_or_id} is version {found.version}, not version {version}"
                )
        if found is None:
            wanted = f" version {version}" if version is not None else ""
            raise CommandError(f"No framework with ID number or id '{code_or_id}'{wanted}")
        return found
