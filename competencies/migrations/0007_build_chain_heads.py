"""A head for every chain of sign-off records that exists already (ADR 0007).

From now on the sign-off service writes each head with its record. The SQL is a copy of
competencies.services.ledger.BUILD_MISSING_HEADS: standard SQL, the same on both databases.
"""

from django.db import migrations

BUILD_MISSING_HEADS = """
INSERT INTO competencies_chainhead (trainee_id, length, last_hash, updated_at)
SELECT a.trainee_id, a.sequence, a.record_hash, a.created_at
FROM competencies_assessment a
WHERE a.sequence = (
    SELECT MAX(b.sequence) FROM competencies_assessment b WHERE b.trainee_id = a.trainee_id
)
AND NOT EXISTS (SELECT 1 FROM competencies_chainhead h WHERE h.trainee_id = a.trainee_id)
"""


def build_heads(apps, schema_editor):
    schema_editor.execute(BUILD_MISSING_HEADS, params=None)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0006_ledger_heads_and_checkpoints")]

    # Backwards: nothing to undo here; 0006 backwards drops the table.
    operations = [migrations.RunPython(build_heads, migrations.RunPython.noop)]
