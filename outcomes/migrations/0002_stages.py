"""Seed the pathway's stages. Names and descriptions can be reworded later (admin or the
stages page); the codes are what the outcome calculations rely on."""

from django.db import migrations

STAGES = [
    ("support_worker", "Band 3 support worker", "Working as a band 3 healthcare support worker."),
    (
        "trainee_ap",
        "Trainee assistant practitioner",
        "On the assistant practitioner programme, enrolled on a cohort.",
    ),
    (
        "qualified_ap",
        "Qualified assistant practitioner (band 4)",
        "Qualified and working as a band 4 assistant practitioner.",
    ),
    (
        "bridging",
        "Bridging modules",
        "Taking bridging modules from assistant practitioner towards nursing.",
    ),
    ("pre_registration", "Pre-registration nursing", "On a pre-registration nursing course."),
    (
        "registered_nurse",
        "Registered nurse",
        "Registered with the Nursing and Midwifery Council.",
    ),
    ("left", "Left the trust", "No longer working for the trust."),
]


def seed(apps, schema_editor):
    Stage = apps.get_model("outcomes", "Stage")
    for order, (code, name, description) in enumerate(STAGES, start=1):
        Stage.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )


def unseed(apps, schema_editor):
    apps.get_model("outcomes", "Stage").objects.filter(moves__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
