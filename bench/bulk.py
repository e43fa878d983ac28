"""Fast inserts of many rows: COPY (text format) on PostgreSQL, executemany elsewhere.

Rows are plain tuples in the order of the named fields, primary key first; ids are handed out
here (from the table's current maximum) so that rows can refer to each other before they are
written. Model save(), signals and history are deliberately skipped: callers build values the
models' invariants allow (the seed's tests check them).
"""

from __future__ import annotations

import datetime
import io
import json

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


class Table:
    """Rows waiting to be written to one model's table."""

    def __init__(self, model: type[models.Model], fields: list[str]):
        self.model = model
        opts = model._meta
        named = [opts.get_field(name) for name in fields]
        # Columns the seeder does not name take the model's default, so that a field added
        # later (with a default) does not break the seeding's inserts.
        self.defaulted = [
            f
            for f in opts.concrete_fields
            if f is not opts.pk and f not in named and f.has_default()
        ]
        self.fields = [opts.pk, *named, *self.defaulted]
        self.columns = [f.column for f in self.fields]
        self.rows: list[tuple] = []
        self.next_id = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.converters = [_converter(f) for f in self.fields]

    def add(self, *values) -> int:
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values, *(f.get_default() for f in self.defaulted)))
        return pk

    def __len__(self) -> int:
        return len(self.rows)

    def flush(self) -> int:
        if not self.rows:
            return 0
        table = self.model._meta.db_table
        converted = [
            tuple(
                v if c is None or v is None else c(v)
                for c, v in zip(self.converters, row, strict=True)
            )
            for row in self.rows
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO(
                    "".join("\t".join(map(_pg_text, row)) + "\n" for row in converted)
                )
                columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
                cursor.cursor.copy_expert(
                    f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN", buffer
                )
            else:
                columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES ({marks})"
                for start in range(0, len(converted), 20_000):
                    cursor.executemany(sql, converted[start : start + 20_000])
        written = len(self.rows)
        self.rows = []
        return written


def _converter(field):
    """How one field's Python value becomes what the database driver is given."""
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v)
    if isinstance(field, models.DateTimeField):
        return lambda v: connection.ops.adapt_datetimefield_value(v)
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat()
    if isinstance(field, models.UUIDField):
        return lambda v: v.hex if connection.vendor != "postgresql" else str(v)
    if isinstance(field, models.BooleanField) and connection.vendor == "postgresql":
        return lambda v: "t" if v else "f"
    return None


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _pg_text(value) -> str:
    """A value in COPY's text format: \\N for NULL, backslash, tab and newlines escaped."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def reset_sequences(model_classes) -> None:
    """After explicit ids, PostgreSQL's sequences must move on past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
