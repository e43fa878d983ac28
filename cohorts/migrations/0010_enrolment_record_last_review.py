"""Each enrolment's record's last review, in any of the record's enrolments, for the dashboards
(cohorts/review_due.py keeps it). Written against the historical models, as review_due_refresh
counts it, so that this migration keeps working whatever the app's code becomes."""

from django.db import migrations, models
from django.db.models import DateField, Max, OuterRef, Subquery

BATCH = 1000


def fill(apps, schema_editor):
    Enrolment = apps.get_model("cohorts", "Enrolment")
    Review = apps.get_model("cohorts", "Review")
    record_last = Subquery(
        Review.objects.filter(enrolment__record=OuterRef("record"))
        .order_by()
        .values("enrolment__record")
        .annotate(latest=Max("held_on"))
        .values("latest"),
        output_field=DateField(),
    )
    rows = (
        Enrolment.objects.annotate(last=record_last)
        .filter(last__isnull=False)
        .order_by("pk")
        .values_list("pk", "last")
    )
    filled = [Enrolment(pk=pk, record_last_review_on=last) for pk, last in rows]
    Enrolment.objects.bulk_update(filled, ["record_last_review_on"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0009_enrolment_summary")]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="record_last_review_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
