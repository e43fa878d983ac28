"""Send the day's reminders. Safe to run from cron every day, or twice: each reminder carries
a key, and a key already sent to that person is not sent again."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.services import reminders_send


class Command(BaseCommand):
    help = "Send reminders (reviews due, questionnaires closing, competencies expiring) once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="Act as if today were this date (YYYY-MM-DD); for catching up."
        )

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as bad:
            raise CommandError(f"--date must be YYYY-MM-DD: {bad}") from bad
        sent, skipped = reminders_send(today=today)
        self.stdout.write(f"Reminders for {today:%d %B %Y}: {sent} sent, {skipped} already sent.")
