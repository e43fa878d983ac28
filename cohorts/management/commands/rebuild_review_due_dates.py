"""`manage.py rebuild_review_due_dates`: recount every enrolment's next review date."""

from django.core.management.base import BaseCommand

from cohorts.review_due import review_due_refresh


class Command(BaseCommand):
    help = (
        "Recount each enrolment's next review date (the reviews due list's) from its reviews, "
        "status and cohort: after data was loaded or changed other than through the services."
    )

    def handle(self, *args, **options):
        dates = review_due_refresh()
        due = sum(1 for day in dates.values() if day is not None)
        self.stdout.write(f"Recounted {len(dates)} enrolments: {due} with a review to come")
