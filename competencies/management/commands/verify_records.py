"""Check the sign-off ledger (ADR 0007) and exit non-zero on any problem.

    python manage.py verify_records [--checkpoints FILE]

Recomputes every trainee's chain of sign-off records, compares where each chain ends with its
head and with the latest checkpoint (and with an exported copy of the checkpoint log, when
given), and checks that every achieved competency rests on a standing achieved decision.
docs/operations.md says what each problem means and what to do.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competencies.checkpoints import UnreadableExport, when
from competencies.integrity import LedgerReport, verify_ledger


def write_report(command: BaseCommand, report: LedgerReport) -> None:
    for item in report.breaks:
        command.stdout.write(
            f"BROKEN: {item.trainee_name} (person {item.trainee_id}),"
            f" record {item.assessment_id} at position {item.sequence}: {item.problem}"
        )
    for problem in report.problems:
        command.stdout.write(f"PROBLEM: {problem}")
    for note in report.notes:
        command.stdout.write(f"NOTE: {note}")


class Command(BaseCommand):
    help = (
        "Check every trainee's chain of sign-off records against its head and the latest "
        "checkpoint, and progress against decisions; report any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            type=Path,
            help="An exported copy of the checkpoint log (export_checkpoints) to compare with",
        )

    def handle(self, *args, checkpoints=None, **options):
        checkpoints = Path(checkpoints) if checkpoints else None
        try:
            report = verify_ledger(exported=checkpoints)
        except UnreadableExport as error:
            raise CommandError(str(error)) from error
        write_report(self, report)
        if not report.ok:
            raise CommandError(
                f"{report.count} problem(s) in {report.records} sign-off records:"
                " docs/operations.md says what each means and what to do"
            )
        against = (
            f" They extend checkpoint {report.checkpoint.number}"
            f" of {when(report.checkpoint.created_at)}."
            if report.checkpoint
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"All {report.records} sign-off records verified: no breaks,"
                f" in {report.chains} chain{'s' if report.chains != 1 else ''}.{against}"
            )
        )
