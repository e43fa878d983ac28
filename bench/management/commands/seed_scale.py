"""`manage.py seed_scale --trainees N`: the data set the benchmark runs on (bench/scale.py)."""

from django.core.management.base import BaseCommand, CommandError

from bench.scale import ScaleDataError, existing_size, seed_scale


class Command(BaseCommand):
    help = "Build a large synthetic programme (cohorts, records, sign-offs) with bulk inserts."

    def add_arguments(self, parser):
        parser.add_argument("--trainees", type=int, default=2000, help="how many trainees")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args, trainees, seed, **options):
        size = existing_size()
        if size is not None:
            if size == trainees:
                self.stdout.write(f"Scale data for {size} trainees is already here")
                return
            raise CommandError(
                f"This database already holds scale data for {size} trainees: "
                "use another database (DATABASE_URL) for another size"
            )
        try:
            seed_scale(trainees, seed=seed, out=self.stdout.write)
        except ScaleDataError as error:
            raise CommandError(str(error)) from error
