"""On PostgreSQL, the database itself keeps the checkpoint log append-only and chain heads
moving forward only, for any client (ADR 0007). SQLite has no such triggers here; the models
refuse there (LedgerCheckpoint.save/delete and its queryset, ChainHead.delete and its queryset).

Written like 0002 (plain SQL, PostgreSQL only, reversible). It may later use the shared
migration operation for append-only tables (pathway/db.py) once that exists.

The checkpoint log refuses UPDATE, DELETE and TRUNCATE. TRUNCATE is refused only while the log
holds a checkpoint: truncating an empty log loses nothing, and Django's flush (run after every
test that commits, and by `manage.py flush`) truncates every table. Chain heads are updated by
the sign-off service, one step forward at a time, so only DELETE and an UPDATE that does not
lengthen the chain are refused; TRUNCATE is left to flush, and a head lost that way is reported
by verify_records.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION competencies_ledgercheckpoint_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'competencies_ledgercheckpoint is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER competencies_ledgercheckpoint_append_only
    BEFORE UPDATE OR DELETE ON competencies_ledgercheckpoint
    FOR EACH ROW EXECUTE FUNCTION competencies_ledgercheckpoint_append_only();

CREATE OR REPLACE FUNCTION competencies_ledgercheckpoint_no_truncate() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM competencies_ledgercheckpoint) THEN
        RAISE EXCEPTION 'competencies_ledgercheckpoint is append-only: TRUNCATE refused'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER competencies_ledgercheckpoint_no_truncate
    BEFORE TRUNCATE ON competencies_ledgercheckpoint
    FOR EACH STATEMENT EXECUTE FUNCTION competencies_ledgercheckpoint_no_truncate();

CREATE OR REPLACE FUNCTION competencies_chainhead_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'competencies_chainhead: DELETE refused, a chain head is never removed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.trainee_id <> OLD.trainee_id OR NEW.length <= OLD.length THEN
        RAISE EXCEPTION 'competencies_chainhead: UPDATE refused, a chain head only moves forward'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER competencies_chainhead_forward_only
    BEFORE UPDATE OR DELETE ON competencies_chainhead
    FOR EACH ROW EXECUTE FUNCTION competencies_chainhead_forward_only();
"""

DROP = """
DROP TRIGGER IF EXISTS competencies_chainhead_forward_only ON competencies_chainhead;
DROP FUNCTION IF EXISTS competencies_chainhead_forward_only();
DROP TRIGGER IF EXISTS competencies_ledgercheckpoint_no_truncate ON competencies_ledgercheckpoint;
DROP FUNCTION IF EXISTS competencies_ledgercheckpoint_no_truncate();
DROP TRIGGER IF EXISTS competencies_ledgercheckpoint_append_only ON competencies_ledgercheckpoint;
DROP FUNCTION IF EXISTS competencies_ledgercheckpoint_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0007_build_chain_heads")]

    operations = [migrations.RunPython(forwards, backwards)]
