"""Trigram indexes for searching people by part of their name, email address or employee
number (pathway.selectors.people_matching), on PostgreSQL only: with them a search of 20,000
people reads the few that match instead of every account (docs/performance.md).

Django's `icontains` on PostgreSQL is `UPPER(column::text) LIKE UPPER('%word%')`, so the
indexes are on that same expression, with pg_trgm's operator class (a trusted extension: the
database's owner may create it). On SQLite, the embedded default, this migration does nothing."""

from django.db import migrations

COLUMNS = ("full_name", "email", "employee_number")


def _index(column: str) -> str:
    return f"pathway_user_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_index(column)} ON pathway_user "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index(column)}")


class Migration(migrations.Migration):
    dependencies = [("pathway", "0010_user_by_name")]

    operations = [migrations.RunPython(create, drop)]
