"""`manage.py rebuild_record_summaries`: recount every record's progress summary (ADR 0026)."""

from django.core.management.base import BaseCommand

from competencies.summaries import record_summaries_rebuild


class Command(BaseCommand):
    help = (
        "Recount each training record's progress summary from its progress rows: after data "
        "was loaded or changed other than through the services."
    )

    def handle(self, *args, **options):
        count = record_summaries_rebuild()
        self.stdout.write(f"Rebuilt {count} record summaries")
