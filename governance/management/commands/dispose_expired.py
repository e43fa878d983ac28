"""Dispose of what is past its retention period (docs/retention.md), as the nightly task does.

    python manage.py dispose_expired

For a server without a task queue, from cron; running it twice has one effect.
"""

from django.core.management.base import BaseCommand

from governance.services import retention_dispose


class Command(BaseCommand):
    help = "Dispose of records past their retention period; list training records for review."

    def handle(self, *args, **options):
        entries = retention_dispose(actor=None)
        for entry in entries:
            self.stdout.write(entry.sentence())
        if not entries:
            self.stdout.write("Nothing was past its retention period.")
