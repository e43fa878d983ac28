from django.core.management.base import BaseCommand, CommandError

from competencies.integrity import verify_chains


class Command(BaseCommand):
    help = "Recompute every trainee's chain of sign-off records and report any break."

    def handle(self, *args, **options):
        checked, breaks = verify_chains()
        for item in breaks:
            self.stdout.write(
                f"BROKEN: {item.trainee_name} (person {item.trainee_id}),"
                f" record {item.assessment_id} at position {item.sequence}: {item.problem}"
            )
        if breaks:
            raise CommandError(f"{len(breaks)} problem(s) in {checked} sign-off records")
        self.stdout.write(self.style.SUCCESS(f"All {checked} sign-off records verified: no breaks"))
