"""Rules the database itself keeps, written once for every table that needs them.

Append-only tables (docs/adr/0007-append-only-sign-off-records.md). A model whose rows are never
changed or removed says so with the class attribute `append_only = True`, refuses changes in its
own `save`/`delete` and queryset, and gets the database's refusal from a migration with
`AppendOnly("<model name>")`. On PostgreSQL that installs, for any client, not only Django:

- a row trigger refusing UPDATE and DELETE;
- a statement trigger refusing TRUNCATE, which row triggers never see, including a TRUNCATE that
  reaches the table through CASCADE from a table that refers to it.

SQLite has no TRUNCATE and no such triggers here: the operation does nothing there and the model
layer refuses. `append_only_trigger_problems()` says which marked tables lack either trigger:
tests/pathway/test_append_only_tables.py checks every marked model, the backup tests a restore.
"""

from __future__ import annotations

from django.apps import apps
from django.db.migrations.operations.base import Operation

# pg_trigger.tgtype bits (PostgreSQL's include/catalog/pg_trigger.h).
_ROW, _BEFORE, _DELETE, _UPDATE, _TRUNCATE = 1, 2, 8, 16, 32


def _names(table: str) -> dict[str, str]:
    return {
        "table": table,
        "function": f"{table}_append_only",
        "row_trigger": f"{table}_append_only",
        "truncate_trigger": f"{table}_append_only_truncate",
    }


def _install_sql(table: str, quote) -> list[str]:
    n = {key: quote(value) for key, value in _names(table).items()}
    return [
        f"""CREATE OR REPLACE FUNCTION {n["function"]}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS {n['row_trigger']} ON {n['table']}",
        f"CREATE TRIGGER {n['row_trigger']} BEFORE UPDATE OR DELETE ON {n['table']}"
        f" FOR EACH ROW EXECUTE FUNCTION {n['function']}()",
        f"DROP TRIGGER IF EXISTS {n['truncate_trigger']} ON {n['table']}",
        f"CREATE TRIGGER {n['truncate_trigger']} BEFORE TRUNCATE ON {n['table']}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {n['function']}()",
    ]


def _remove_sql(table: str, quote) -> list[str]:
    n = {key: quote(value) for key, value in _names(table).items()}
    return [
        f"DROP TRIGGER IF EXISTS {n['truncate_trigger']} ON {n['table']}",
        f"DROP TRIGGER IF EXISTS {n['row_trigger']} ON {n['table']}",
        f"DROP FUNCTION IF EXISTS {n['function']}()",
    ]


class AppendOnly(Operation):
    """Migration operation: the database refuses UPDATE, DELETE and TRUNCATE on a model's table.

    Reversible (the reverse removes both triggers and their function); nothing on SQLite.
    """

    reversible = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass  # the models themselves do not change

    def _run(self, statements_for, app_label, schema_editor, state):
        connection = schema_editor.connection
        model = state.apps.get_model(app_label, self.model_name)
        if connection.vendor != "postgresql" or not self.allow_migrate_model(
            connection.alias, model
        ):
            return
        for statement in statements_for(model._meta.db_table, schema_editor.quote_name):
            schema_editor.execute(statement, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(_install_sql, app_label, schema_editor, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(_remove_sql, app_label, schema_editor, from_state)

    def describe(self):
        return f"Refuse UPDATE, DELETE and TRUNCATE on {self.model_name} (PostgreSQL)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_append_only"


def append_only_models() -> list:
    """Every installed model marked `append_only = True`."""
    return [model for model in apps.get_models() if getattr(model, "append_only", False) is True]


def append_only_trigger_problems(connection) -> list[str]:
    """What is missing for each append-only model's table on this (PostgreSQL) database: an
    enabled BEFORE UPDATE OR DELETE row trigger and an enabled BEFORE TRUNCATE trigger, each
    calling a function that raises. Empty when all is in place (and always on SQLite)."""
    if connection.vendor != "postgresql":
        return []
    problems = []
    with connection.cursor() as cursor:
        for model in append_only_models():
            table = model._meta.db_table
            cursor.execute(
                """
                SELECT t.tgtype FROM pg_trigger t
                JOIN pg_class c ON c.oid = t.tgrelid
                JOIN pg_namespace s ON s.oid = c.relnamespace
                JOIN pg_proc p ON p.oid = t.tgfoid
                WHERE c.relname = %s AND s.nspname = current_schema()
                  AND NOT t.tgisinternal AND t.tgenabled IN ('O', 'A')
                  AND p.prosrc ILIKE '%%raise exception%%'
                """,
                [table],
            )
            kinds = [row[0] for row in cursor.fetchall()]
            row_refusal = _ROW | _BEFORE | _UPDATE | _DELETE
            if not any((kind & row_refusal) == row_refusal for kind in kinds):
                problems.append(f"{table}: no trigger refusing UPDATE and DELETE")
            if not any((kind & (_BEFORE | _TRUNCATE)) == _BEFORE | _TRUNCATE for kind in kinds):
                problems.append(f"{table}: no trigger refusing TRUNCATE")
    return problems
