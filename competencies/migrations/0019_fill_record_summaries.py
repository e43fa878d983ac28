"""Data migration: count each existing record's progress into its new summary (ADR 0026).

The same counts as competencies.summaries.record_summaries_rebuild, written here against the
historical models so that this migration keeps working whatever the app's code becomes."""

from django.db import migrations
from django.db.models import Count, Min, Q

BATCH = 2000


def fill(apps, schema_editor):
    TrainingRecord = apps.get_model("competencies", "TrainingRecord")
    CompetencyProgress = apps.get_model("competencies", "CompetencyProgress")
    RecordSummary = apps.get_model("competencies", "RecordSummary")
    summaries = {
        pk: RecordSummary(record_id=pk)
        for pk in TrainingRecord.objects.order_by("pk").values_list("pk", flat=True)
    }
    achieved = Q(state="achieved")
    grouped = (
        CompetencyProgress.objects.order_by()
        .values_list("record_id", "competency__is_core")
        .annotate(
            required=Count("pk"),
            achieved=Count("pk", filter=achieved),
            next_expiry=Min("expires_on", filter=achieved),
        )
    )
    for record_id, is_core, required, achieved_n, next_expiry in grouped.iterator(chunk_size=BATCH):
        kind = "core" if is_core else "specific"
        summary = summaries[record_id]
        setattr(summary, f"{kind}_required", required)
        setattr(summary, f"{kind}_achieved", achieved_n)
        setattr(summary, f"{kind}_next_expiry", next_expiry)
    RecordSummary.objects.all().delete()
    RecordSummary.objects.bulk_create(summaries.values(), batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0018_record_summaries")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
