"""The cohort list's order as an index (running, planned, finished; each the latest intake
first): a page of the list reads its own rows, however many cohorts there are."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0007_enrolment_review_due_on")]

    operations = [
        migrations.AddIndex(
            model_name="cohort",
            index=models.Index(
                models.Case(
                    models.When(status="running", then=models.Value(0)),
                    models.When(status="planned", then=models.Value(1)),
                    models.When(status="finished", then=models.Value(2)),
                    default=models.Value(3),
                ),
                models.OrderBy(models.F("intake_date"), descending=True),
                models.F("name"),
                name="cohort_list_order",
            ),
        ),
    ]
