"""Qualified trainees become assistant practitioners (issue 16): anyone whose enrolment is
qualified, and who has no current enrolment, gives up the trainee role for the assistant
practitioner role, as cohorts.services.cohorts.roles_on_qualifying does from now on."""

from django.db import migrations

CURRENT = ("active", "on_break")


def qualified_become_assistant_practitioners(apps, schema_editor):
    Enrolment = apps.get_model("cohorts", "Enrolment")
    Role = apps.get_model("pathway", "Role")
    qualified = set(Enrolment.objects.filter(status="qualified").values_list("trainee", flat=True))
    current = set(Enrolment.objects.filter(status__in=CURRENT).values_list("trainee", flat=True))
    people = qualified - current
    if not people:
        return
    Holds = apps.get_model("pathway", "User").roles.through
    ap, _ = Role.objects.get_or_create(code="assistant_practitioner")
    have = set(Holds.objects.filter(role=ap).values_list("user_id", flat=True))
    Holds.objects.bulk_create(Holds(role=ap, user_id=pk) for pk in sorted(people - have))
    Holds.objects.filter(role__code="trainee", user_id__in=people).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0003_cohort_history"),
        ("pathway", "0007_assistant_practitioner_role"),
    ]

    operations = [
        migrations.RunPython(qualified_become_assistant_practitioners, migrations.RunPython.noop)
    ]
