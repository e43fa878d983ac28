"""On PostgreSQL, the database itself refuses to change or delete an assessment record.

SQLite has no such trigger here; the model layer refuses there (Assessment.save/delete and its
queryset). The trigger is plain SQL so the rule holds for any client, not only Django.
"""

from django.db import migrations

CREATE = """
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

DROP = """
DROP TRIGGER IF EXISTS competencies_assessment_append_only ON competencies_assessment;
DROP FUNCTION IF EXISTS competencies_assessment_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
