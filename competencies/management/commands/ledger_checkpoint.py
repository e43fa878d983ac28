"""Seal a checkpoint of where every chain of sign-off records ends (ADR 0007).

    python manage.py ledger_checkpoint [--checkpoints FILE]

Verifies the whole ledger first (as verify_records does) and writes nothing if it finds a
problem. Writes nothing either when no chain changed since the last checkpoint, so it is safe to
run daily from cron and after every deploy. --checkpoints FILE: also verify against an exported
copy of the log.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from competencies.checkpoints import UnreadableExport, database_log, when
from competencies.management.commands.verify_records import write_report
from competencies.services.ledger import LedgerNotSound, checkpoint_write


class Command(BaseCommand):
    help = "Verify the sign-off ledger and seal a checkpoint of every chain's end."

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            type=Path,
            help="An exported copy of the checkpoint log to verify against first",
        )

    def handle(self, *args, checkpoints=None, **options):
        checkpoints = Path(checkpoints) if checkpoints else None
        try:
            checkpoint = checkpoint_write(actor=None, exported=checkpoints)
        except LedgerNotSound as refusal:
            write_report(self, refusal.report)
            raise CommandError(
                f"{refusal.report.count} problem(s) in the sign-off records: no checkpoint"
                " written. docs/operations.md says what each means and what to do."
            ) from refusal
        except UnreadableExport as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if checkpoint is None:
            last = database_log()[-1]
            self.stdout.write(
                f"No chain has changed since checkpoint {last.number}"
                f" ({when(last.created_at)}): nothing written."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint {checkpoint.number} written: {_count(checkpoint.chains, 'chain')},"
                f" {_count(checkpoint.records, 'record')}, {len(checkpoint.changes)} changed since"
                " the last"
                f" (digest {checkpoint.digest[:12]}…, key '{checkpoint.key_id}')."
            )
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"
