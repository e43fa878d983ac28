"""On PostgreSQL a sign-off record takes one change: a recorded redaction (ADR 0007).

The row trigger from 0009 refused every UPDATE. It now lets an UPDATE through only when every
column but the personal ones (feedback, assessor_name, assessor_registration) is unchanged, and
each personal column that changes becomes the tombstone '[redacted]' while a redaction of that
field of that record exists (competencies_redaction, written first in the same transaction).
DELETE is refused as before; the TRUNCATE trigger from 0009 is untouched. The function still
raises, so `append_only_trigger_problems` still finds the refusal.
"""

from django.db import migrations


CREATE = """
CREATE OR REPLACE FUNCTION competencies_assessment_redact_only() RETURNS trigger AS $$
DECLARE
    personal CONSTANT text[] := ARRAY['feedback', 'assessor_name', 'assessor_registration'];
    name text;
    allowed boolean := TG_OP = 'UPDATE';
BEGIN
    IF allowed THEN
        allowed := (to_jsonb(NEW) - personal) = (to_jsonb(OLD) - personal);
    END IF;
    IF allowed THEN
        FOREACH name IN ARRAY personal LOOP
            IF (to_jsonb(NEW) -> name) IS DISTINCT FROM (to_jsonb(OLD) -> name) THEN
                allowed := allowed AND (to_jsonb(NEW) ->> name) = '[redacted]' AND EXISTS (
                    SELECT 1 FROM competencies_redaction r
                    WHERE r.assessment_id = OLD.id AND r.field = name
                );
            END IF;
        END LOOP;
    END IF;
    IF allowed THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused (only a recorded redaction may change it)',
        TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS competencies_assessment_append_only ON competencies_assessment;
CREATE TRIGGER competencies_assessment_append_only
    BEFORE UPDATE OR DELETE ON competencies_assessment
    FOR EACH ROW EXECUTE FUNCTION competencies_assessment_redact_only();
"""

# Back to 0009's row trigger: the function it calls still exists (the TRUNCATE trigger uses it).
DROP = """
DROP TRIGGER IF EXISTS competencies_assessment_append_only ON competencies_assessment;
CREATE TRIGGER competencies_assessment_append_only
    BEFORE UPDATE OR DELETE ON competencies_assessment
    FOR EACH ROW EXECUTE FUNCTION competencies_assessment_append_only();
DROP FUNCTION IF EXISTS competencies_assessment_redact_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0014_sign_off_redactions")]

    operations = [migrations.RunPython(forwards, backwards)]
