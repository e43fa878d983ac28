"""`manage.py bench`: the page benchmark (bench/runner.py); seeds the scale data if missing."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench import runner
from bench.load_plan import write_plan
from bench.scale import existing_size, seed_scale


class Command(BaseCommand):
    help = "Measure the main pages: queries, median and 95th percentile time, and the SQL floor."

    def add_arguments(self, parser):
        parser.add_argument("--trainees", type=int, default=2000, help="scale data size")
        parser.add_argument(
            "--requests", type=int, default=30, help="timed requests a page (at least 20)"
        )
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "var" / "bench" / "report.json")
        )
        parser.add_argument(
            "--beside",
            metavar="PATH",
            help="another size's report (by default report-2000.json beside --output, when "
            "measuring another size): print each page beside it, with the ratio of the medians",
        )
        parser.add_argument(
            "--load-plan",
            metavar="PATH",
            help="only write the load test's plan (bench/load_plan.py) to PATH, measure nothing",
        )

    def handle(self, *args, trainees, requests, output, load_plan, beside, **options):
        size = existing_size()
        if size is None:
            self.stdout.write(f"No scale data here: seeding {trainees} trainees first")
            seed_scale(trainees, out=self.stdout.write)
        elif size != trainees:
            raise CommandError(
                f"This database holds scale data for {size} trainees, not {trainees}: "
                "use another database (DATABASE_URL) for another size"
            )
        if load_plan:
            plan = write_plan(Path(load_plan))
            self.stdout.write(
                f"Load plan: {len(plan['trainees'])} trainees, {len(plan['mentors'])} mentors "
                f"and the lead nurse, written to {load_plan}"
            )
            return
        if requests < 1:
            raise CommandError("Give at least one request a page")
        results = runner.run(requests=requests, out=self.stdout.write)
        runner.write_report(results, Path(output))
        # Each size's latest report is kept too, for the next run of another size to stand by.
        by_size = Path(output).with_name(f"report-{trainees}.json")
        runner.write_report(results, by_size)
        self.stdout.write("")
        self.stdout.write(runner.table(results))
        self.stdout.write(f"\nWritten to {output} and {by_size}")
        other = Path(beside) if beside else by_size.with_name("report-2000.json")
        if other.exists() and other != by_size:
            self.stdout.write(f"\nBeside {other}:\n")
            self.stdout.write(runner.beside(results, runner.read_report(other)))
