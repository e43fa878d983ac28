"""Export the checkpoint log as JSON lines, to keep a copy outside the database (ADR 0007).

    python manage.py export_checkpoints --output FILE

Replaces FILE in one step. Refuses if FILE holds checkpoints the database's log does not (the
database may have been rolled back or restored from an older backup): the old copy is the
evidence of what was lost, so move it aside and run verify_records --checkpoints with it first.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competencies.checkpoints import UnreadableExport, database_log, read_export, write_export


class Command(BaseCommand):
    help = "Export the sign-off ledger's checkpoint log as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="FILE", type=Path, required=True)

    def handle(self, *args, output, **options):
        output = Path(output)
        log = database_log()
        if output.exists():
            try:
                kept = read_export(output)
            except UnreadableExport as error:
                raise CommandError(f"{error}: not replacing it") from error
            ours = {checkpoint.number: checkpoint.mac for checkpoint in log}
            foreign = [c.number for c in kept if ours.get(c.number) != c.mac]
            if foreign:
                raise CommandError(
                    f"{output} holds checkpoint {foreign[0]}, which the database's log does not"
                    " hold as it is there: the database may have been rolled back. Not replacing"
                    f" it. Run verify_records --checkpoints {output}, then move the file aside."
                )
        if not output.parent.is_dir():
            raise CommandError(f"There is no folder {output.parent}")
        write_export(output, log)
        self.stdout.write(f"{len(log)} checkpoint(s) written to {output}")
