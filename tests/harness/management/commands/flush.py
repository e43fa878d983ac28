"""The test suite's `flush`: Django's, with the append-only tables' TRUNCATE refusal lifted for it.

pytest-django empties the database after each transactional test with `flush`, on PostgreSQL one
TRUNCATE of every table, and the append-only tables refuse TRUNCATE (pathway/db.py). Only here,
in the test settings, the flush switches their triggers off, empties the tables and switches the
triggers on again, all in one transaction, so no other session ever finds them off. Anywhere
else `flush` is Django's own, and PostgreSQL refuses it: sign-off records are never emptied.
"""

from django.core.management.commands import flush
from django.db import connections, transaction

from pathway.db import append_only_models


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(**options)
        tables = [connection.ops.quote_name(m._meta.db_table) for m in append_only_models()]
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            super().handle(**options)
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return None
