"""On PostgreSQL the sign-off records refuse TRUNCATE as well as UPDATE and DELETE.

Migration 0002's row trigger never sees TRUNCATE, so `TRUNCATE competencies_assessment` (or a
TRUNCATE ... CASCADE from a table that refers to it) emptied the table. From here the table's
triggers come from `pathway.db.AppendOnly`, the operation every append-only table uses: it
replaces 0002's function and row trigger (same names) and adds the TRUNCATE trigger.
"""

from django.db import migrations

from pathway.db import AppendOnly

# Reversing AppendOnly removes both triggers and the function: going back to 0004 puts 0002's
# function and row trigger back as they were.
TRIGGER_0002 = """
CREATE OR REPLACE FUNCTION competencies_assessment_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'competencies_assessment is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER competencies_assessment_append_only
    BEFORE UPDATE OR DELETE ON competencies_assessment
    FOR EACH ROW EXECUTE FUNCTION competencies_assessment_append_only();
"""


def put_back_trigger_0002(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_0002, params=None)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0008_ledger_triggers")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, put_back_trigger_0002),
        AppendOnly("assessment"),
    ]
