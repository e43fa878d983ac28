from django.db import migrations

ROLE_CODES = [
    "trainee",
    "mentor",
    "tutor",
    "practice_educator",
    "lead_nurse",
    "manager",
    "administrator",
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("pathway", "Role")
    for code in ROLE_CODES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("pathway", "0001_initial")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
