"""Stages not started whose earlier stages are not completed become "cannot start yet" (the rule
of roledesign.models.STAGE_DEPENDENCIES, copied here as it was when this migration was made)."""

from django.db import migrations

NEEDS = {1: (), 2: (1,), 3: (2,), 4: (3,), 5: (3,), 6: (4, 5), 7: (6,)}


def forwards(apps, schema_editor):
    Stage = apps.get_model("roledesign", "Stage")
    statuses = {}
    for project_id, kind, status in Stage.objects.values_list("project_id", "kind", "status"):
        statuses.setdefault(project_id, {})[kind] = status
    for project_id, by_kind in statuses.items():
        for kind in sorted(by_kind):
            blocked = any(by_kind.get(needed) != "completed" for needed in NEEDS.get(kind, ()))
            if by_kind[kind] == "not_started" and blocked:
                new = "cannot_start"
            elif by_kind[kind] == "cannot_start" and not blocked:
                new = "not_started"
            else:
                continue
            Stage.objects.filter(project_id=project_id, kind=kind).update(status=new)
            by_kind[kind] = new


class Migration(migrations.Migration):
    dependencies = [("roledesign", "0002_job_description_history")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
