"""Each enrolment's next review date for the reviews due list (cohorts/review_due.py), filled
for the trainees active in running cohorts: the last review, or the start when there is none,
plus the cohort's interval. Written against the historical models, as review_due_refresh
counts it, so that this migration keeps working whatever the app's code becomes."""

import datetime

from django.db import migrations, models
from django.db.models import DateField, Max, OuterRef, Subquery

BATCH = 1000


def fill(apps, schema_editor):
    Enrolment = apps.get_model("cohorts", "Enrolment")
    Review = apps.get_model("cohorts", "Review")
    last_review = Subquery(
        Review.objects.filter(enrolment=OuterRef("pk"))
        .order_by()
        .values("enrolment")
        .annotate(latest=Max("held_on"))
        .values("latest"),
        output_field=DateField(),
    )
    rows = (
        Enrolment.objects.filter(status="active", cohort__status="running")
        .annotate(last_review_on=last_review)
        .order_by("pk")
        .values_list("pk", "start_date", "cohort__review_interval_weeks", "last_review_on")
    )
    filled = [
        Enrolment(pk=pk, review_due_on=(last or start) + datetime.timedelta(weeks=weeks))
        for pk, start, weeks, last in rows
    ]
    Enrolment.objects.bulk_update(filled, ["review_due_on"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0006_trainingday_duration_hours")]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="review_due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="enrolment",
            index=models.Index(
                condition=models.Q(("review_due_on__isnull", False)),
                fields=["review_due_on"],
                name="enrolment_review_due",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
