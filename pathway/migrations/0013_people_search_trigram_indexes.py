"""Trigram indexes for searching people by part of their name, email address or employee
number (pathway.selectors.people_matching), on PostgreSQL only: with them a search of 20,000
people reads the few that match instead of every account (docs/performance.md).

Django's `icontains` on PostgreSQL is `UPPER(column::text) LIKE UPPER('%word%')`, so the
indexes are on that same expression, with pg_trgm's operator class (a trusted extension: the
database's owner may create it; a managed server may need it allowed first, e.g. Azure's
`azure.extensions` parameter). Where the extension cannot be created the migration says so and
goes on without the indexes: searching still works, only slower at national scale. On SQLite,
the embedded default, this migration does nothing."""

from django.db import DatabaseError, migrations, transaction

COLUMNS = ("full_name", "email", "employee_number")


def _index(column: str) -> str:
    return f"pathway_user_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        print(f"\n  pg_trgm is not available ({error}): people search runs without its indexes")
        return
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
    dependencies = [("pathway", "0012_user_by_name")]

    operations = [migrations.RunPython(create, drop)]
