"""Backup and restore, done as docs/operations.md tells an operator, into fresh, separate databases.

The source is the demo programme (`seed_demo`) topped up so that every table a backup carries has
rows (tests/backup_data.py), in a SQLite file of its own. Each method is run with `manage.py` and
the database's own tools in subprocesses, with DATABASE_URL naming the database, as an operator
runs them:

- the portable backup (`dumpdata`, then `migrate` and `loaddata` into an empty database):
  SQLite to SQLite, SQLite to PostgreSQL (the documented way to move), PostgreSQL to PostgreSQL;
- the database's own backup: SQLite's online backup of the file, and `pg_dump`/`pg_restore`.

After each restore every table (every model, its history tables and its many-to-many tables) holds
the same rows as the source, `verify_records` finds every sign-off chain whole, and on PostgreSQL
the append-only triggers are in place and new rows can be added (the sequences follow the ids).

Which pass runs what: restores into SQLite run in the SQLite pass; restores into PostgreSQL in
the PostgreSQL pass, on the suite's own server; the move from SQLite to PostgreSQL in both, in the
SQLite pass on the server CI runs beside it (PATHWAY_TEST_POSTGRES_URL, else CI_POSTGRES_URL, else
postgres://postgres@127.0.0.1:5432) when one answers. The databases made here are named
backup_restore_<random> and dropped afterwards.

The source is made once for the module; with pytest-xdist, `--dist loadgroup` keeps the module on
one worker so that it is not made twice.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg2
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models.signals import m2m_changed, post_save, pre_save
from psycopg2 import sql

from pathway.db import append_only_trigger_problems
from pathway.history import AuditHistory

pytestmark = pytest.mark.xdist_group("backup_restore")

ROOT = Path(settings.BASE_DIR)
OPERATIONS = ROOT / "docs" / "operations.md"

# The command lines docs/operations.md gives; test_the_documented_commands_are_the_tested_ones
# keeps the two in step.
BACKUP_EXCLUDES = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "cohorts.RunningCohortCounts",
]
DUMPDATA = ["dumpdata", "--natural-foreign", "--indent=0"] + [
    f"--exclude={label}" for label in BACKUP_EXCLUDES
]
SQLITE_BACKUP = "import sqlite3; sqlite3.connect('{source}').backup(sqlite3.connect('{target}'))"
# Not in the backup, by design: content types and permissions are rebuilt by `migrate` (rows
# that point at them are dumped by natural key), and sessions, the admin's log and sign-in
# lockouts are not worth carrying over (everyone signs in again after a restore); the
# overview's kept numbers are counted again (ADR 0028), and a dump taken while people work could
# carry numbers that no longer match the rows dumped after them.
NOT_BACKED_UP = {"contenttypes", "sessions", "admin", "axes"}
NOT_BACKED_UP_MODELS = {"auth.permission", "cohorts.runningcohortcounts"}


def _backed_up_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in NOT_BACKED_UP
        and model._meta.label_lower not in NOT_BACKED_UP_MODELS
    ]


def test_every_receiver_loaddata_sets_off_leaves_the_restore_alone():
    """`loaddata` sends pre_save and post_save (raw) for each row, then m2m_changed as it sets
    the row's many-to-many fields. A receiver that writes in reply breaks the restore or adds rows
    the backup never had: each must be an AuditHistory's or wrapped in skips_fixture_loads."""
    offending = set()
    for model in _backed_up_models():
        for name, signal in (
            ("pre_save", pre_save),
            ("post_save", post_save),
            ("m2m_changed", m2m_changed),
        ):
            sync, asynchronous = signal._live_receivers(model)
            for receiver in [*sync, *asynchronous]:
                while isinstance(receiver, functools.partial):
                    receiver = receiver.func
                if isinstance(getattr(receiver, "__self__", None), AuditHistory):
                    continue
                if getattr(receiver, "skips_fixture_loads", False) is True:
                    continue
                offending.add(
                    f"{name} of {model._meta.label}: {receiver.__module__}.{receiver.__qualname__}"
                )
    assert not offending, sorted(offending)


# Running things as an operator would ---------------------------------------------------------


def _env(url: str, media: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PGDATABASE"}}
    env.update(
        DATABASE_URL=url,
        DJANGO_SECRET_KEY="backup-restore-test-key-" + "k" * 40,
        DJANGO_DEBUG="false",
        PATHWAY_MEDIA_ROOT=str(media),
    )
    return env


class Running:
    """A command started in the background; `finished()` waits and fails the test if it failed."""

    def __init__(self, command: list[str], *, url: str, media: Path):
        self.command, self.url = command, url
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_env(url, media),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finished(self) -> str:
        out, err = self.process.communicate(timeout=300)
        if self.process.returncode != 0:
            pytest.fail(
                f"`{' '.join(self.command)}` failed (exit {self.process.returncode}) on "
                f"{self.url}:\n{out[-3000:]}\n{err[-3000:]}"
            )
        return out


def run(command: list[str], *, url: str, media: Path) -> str:
    return Running(command, url=url, media=media).finished()


def manage(url: str, media: Path, *args: str) -> str:
    return run([sys.executable, "manage.py", *args], url=url, media=media)


def start_manage(url: str, media: Path, *args: str) -> Running:
    return Running([sys.executable, "manage.py", *args], url=url, media=media)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# Reading a database from here: the same models, through a connection of its own ---------------


@contextmanager
def opened(url: str):
    alias = f"restore_{uuid.uuid4().hex[:8]}"
    # configure_settings fills in Django's defaults; it insists on a "default" entry to fill too.
    configured = connections.configure_settings({"default": {}, alias: dj_database_url.parse(url)})
    connections.settings[alias] = configured[alias]
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def _columns(model) -> list[str]:
    """Each column, with links to permissions (rebuilt by `migrate`, so their ids may differ from
    the source's) followed to the permission's natural key."""
    columns = []
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model._meta.label_lower == "auth.permission":
            columns += [
                f"{field.name}__content_type__app_label",
                f"{field.name}__content_type__model",
                f"{field.name}__codename",
            ]
        else:
            columns.append(field.attname)
    return columns


def _as_bytes(row: tuple) -> tuple:
    # PostgreSQL gives binary columns as memoryviews, which compare by identity in a tuple.
    return tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)


def table_rows(alias: str) -> dict[str, list[tuple]]:
    """Every row of every table the backup carries, as the models read them."""
    rows = {}
    for model in _backed_up_models():
        queryset = model._base_manager.using(alias)
        columns = _columns(model)
        if model._meta.auto_created:
            # A many-to-many table: `loaddata` adds its pairs afresh, so its ids are not kept.
            columns.remove(model._meta.pk.attname)
            rows[model._meta.label] = sorted(map(_as_bytes, queryset.values_list(*columns)))
        else:
            rows[model._meta.label] = [
                _as_bytes(row) for row in queryset.order_by("pk").values_list(*columns)
            ]
    return rows


def to_the_millisecond(rows: dict) -> dict:
    """The portable backup keeps times to the millisecond (Django writes JSON times so); the
    sign-off hash is worked out on times to the millisecond for that reason."""

    def cut(value):
        if isinstance(value, datetime.datetime | datetime.time):
            return value.replace(microsecond=value.microsecond // 1000 * 1000)
        return value

    return {label: [tuple(map(cut, row)) for row in table] for label, table in rows.items()}


def assert_same_rows(restored: dict, source: dict, *, portable: bool) -> None:
    if portable:
        restored, source = to_the_millisecond(restored), to_the_millisecond(source)
    assert restored.keys() == source.keys()
    different = [label for label in source if restored[label] != source[label]]
    assert not different, "\n".join(
        f"{label}: {len(source[label])} rows in the source, {len(restored[label])} restored; "
        f"first difference: {_first_difference(source[label], restored[label])}"
        for label in different
    )


def _first_difference(source: list, restored: list):
    for before, after in zip(source, restored, strict=False):
        if before != after:
            return f"{before!r} became {after!r}"
    longer, where = (source, "source") if len(source) > len(restored) else (restored, "restore")
    return f"{longer[min(len(source), len(restored))]!r} only in the {where}"


def assert_chains_verified(url: str, media: Path, sign_offs: int) -> None:
    out = manage(url, media, "verify_records")
    assert f"All {sign_offs} sign-off records verified: no breaks" in out


# PostgreSQL ---------------------------------------------------------------------------------


def postgres_server() -> str | None:
    """The server to restore into: the suite's own in the PostgreSQL pass, else the one CI runs
    beside the SQLite pass, if it answers."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.postgresql":
        credentials = default["USER"] + (f":{default['PASSWORD']}" if default["PASSWORD"] else "")
        return (
            f"postgres://{credentials}@{default['HOST'] or 'localhost'}:{default['PORT'] or 5432}"
        )
    url = (
        os.environ.get("PATHWAY_TEST_POSTGRES_URL")
        or os.environ.get("CI_POSTGRES_URL")  # what .ci/run uses for its PostgreSQL pass
        or "postgres://postgres@127.0.0.1:5432"
    )
    try:
        psycopg2.connect(f"{url}/postgres", connect_timeout=3).close()
    except psycopg2.OperationalError:
        return None
    return url


class PostgresDatabases:
    """Fresh databases on one server, each dropped at the end."""

    def __init__(self, server: str):
        self.server = server
        self.names: list[str] = []

    def _admin(self, statement):
        connection = psycopg2.connect(f"{self.server}/postgres", connect_timeout=10)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def create(self, *, template: str | None = None) -> str:
        name = f"backup_restore_{uuid.uuid4().hex[:12]}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        self._admin(statement)
        self.names.append(name)
        return name

    def url(self, name: str) -> str:
        return f"{self.server}/{name}"

    def drop_all(self) -> None:
        for name in reversed(self.names):
            self._admin(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def assert_ready_for_new_rows(alias: str) -> None:
    """After a restore the first new sign-off, history row or anything else gets a fresh id: each
    table's id sequence has moved past the ids restored."""
    behind = []
    with connections[alias].cursor() as cursor:
        for model in _backed_up_models():
            pk = model._meta.pk
            if not pk.get_internal_type().endswith("AutoField"):
                continue
            table = model._meta.db_table
            cursor.execute(
                sql.SQL("SELECT pg_get_serial_sequence(%s, %s), (SELECT max({}) FROM {})").format(
                    sql.Identifier(pk.column), sql.Identifier(table)
                ),
                [table, pk.column],
            )
            sequence, highest = cursor.fetchone()
            if highest is None:
                continue
            cursor.execute("SELECT pg_sequence_last_value(%s)", [sequence])
            (last,) = cursor.fetchone()
            if last is None or last < highest:
                behind.append(f"{table}: next id from {last}, highest id {highest}")
    assert not behind, behind


# The databases: the source (the demo programme, topped up, in a SQLite file of its own), and
# fresh ones to restore into ----------------------------------------------------------------


@dataclass
class Source:
    path: Path
    url: str
    empty: Path  # a migrated, empty SQLite file: copied to make each fresh SQLite database
    backup: Path  # the portable backup of the source, as dumpdata wrote it
    media: Path
    rows: dict
    sign_offs: int


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    path = tmp_path_factory.mktemp("backup")
    (path / "media").mkdir()
    return path


@pytest.fixture(scope="module")
def postgres_databases():
    """Fresh PostgreSQL databases for this module (dropped at its end), or None: no server."""
    server = postgres_server()
    if server is None:
        yield None
        return
    databases = PostgresDatabases(server)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="module")
def migrating_postgres(postgres_databases, workdir):
    """A fresh PostgreSQL database, migrated in the background while the source is seeded."""
    if postgres_databases is None:
        yield None
        return
    url = postgres_databases.url(postgres_databases.create())
    migrating = start_manage(url, workdir / "media", "migrate", "--no-input", "--verbosity=0")
    yield url, migrating
    if migrating.process.poll() is None:  # the source could not be made: nothing waited for it
        migrating.process.kill()
        migrating.process.communicate()


@pytest.fixture(scope="module")
def source(workdir, migrating_postgres, django_db_blocker) -> Source:
    media = workdir / "media"
    empty = workdir / "empty.sqlite3"
    manage(sqlite_url(empty), media, "migrate", "--no-input", "--verbosity=0")
    path = workdir / "source.sqlite3"
    shutil.copy(empty, path)
    url = sqlite_url(path)
    manage(url, media, "seed_demo")
    manage(
        url, media, "shell", "--verbosity=0", "-c", "from tests.backup_data import top_up; top_up()"
    )
    backup = workdir / "pathway-backup.json"
    manage(url, media, *DUMPDATA, f"--output={backup}")
    with django_db_blocker.unblock(), opened(url) as alias:
        rows = table_rows(alias)
    return Source(
        path=path,
        url=url,
        empty=empty,
        backup=backup,
        media=media,
        rows=rows,
        sign_offs=len(rows["competencies.Assessment"]),
    )


def test_the_source_has_rows_in_every_table_the_backup_carries(source):
    empty = sorted(label for label, rows in source.rows.items() if not rows)
    assert not empty, f"add rows for these to tests/backup_data.py: {empty}"
    assert source.sign_offs > 0
    assert source.rows["roledesign.HistoricalJobDescription_clinical_areas"]
    assert source.rows["pathway.HistoricalUser_roles"]


def test_the_documented_commands_are_the_tested_ones():
    text = OPERATIONS.read_text()
    dumpdata = re.search(r"manage\.py dumpdata ([^`]*?)--output=", text, re.S)
    assert dumpdata, "docs/operations.md no longer shows the dumpdata command"
    assert dumpdata.group(1).replace("\\\n", " ").split() == DUMPDATA[1:]
    for command in (
        "manage.py migrate",
        "manage.py loaddata pathway-backup.json",
        "manage.py verify_records",
        "pg_dump --format=custom",
        "pg_restore --no-owner --exit-on-error --dbname=",
        SQLITE_BACKUP.format(source="var/pathway.sqlite3", target="pathway-backup.sqlite3"),
    ):
        assert command in text, f"docs/operations.md no longer says {command}"


# SQLite --------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_pass():
    """Restores into SQLite do not depend on the suite's own database: they run once, in the
    SQLite pass, to keep CI's time (the PostgreSQL pass restores into PostgreSQL)."""
    if connections["default"].vendor != "sqlite":
        pytest.skip("a restore into SQLite: the SQLite pass runs it")


def test_portable_backup_restores_into_a_fresh_sqlite_database(
    sqlite_pass, source, workdir, django_db_blocker
):
    # A copy of a file `migrate` made empty: the same as migrating a new file, and quicker.
    target = workdir / "restored.sqlite3"
    shutil.copy(source.empty, target)
    url = sqlite_url(target)
    manage(url, source.media, "loaddata", str(source.backup))
    with django_db_blocker.unblock(), opened(url) as alias:
        assert_same_rows(table_rows(alias), source.rows, portable=True)
    assert_chains_verified(url, source.media, source.sign_offs)


def test_sqlite_online_backup_restores_as_a_copy_of_the_file(
    sqlite_pass, source, workdir, django_db_blocker
):
    copy = workdir / "pathway-backup.sqlite3"
    run(
        [sys.executable, "-c", SQLITE_BACKUP.format(source=source.path, target=copy)],
        url=source.url,
        media=source.media,
    )
    restored = workdir / "restored-from-copy.sqlite3"
    shutil.copy(copy, restored)
    url = sqlite_url(restored)
    assert "No migrations to apply" in manage(url, source.media, "migrate", "--no-input")
    with django_db_blocker.unblock(), opened(url) as alias:
        assert_same_rows(table_rows(alias), source.rows, portable=False)
    assert_chains_verified(url, source.media, source.sign_offs)


# PostgreSQL ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moved_to_postgres(source, postgres_databases, migrating_postgres):
    """The SQLite backup loaded into a fresh, migrated PostgreSQL database: how a trust moves.
    Also a migrated, empty database to copy for each later fresh one (`migrate` takes a while)."""
    if postgres_databases is None:
        pytest.skip(
            "no PostgreSQL answers at PATHWAY_TEST_POSTGRES_URL or CI_POSTGRES_URL "
            "(default 127.0.0.1:5432); "
            "CI's PostgreSQL pass runs this"
        )
    url, migrating = migrating_postgres
    migrating.finished()
    empty = postgres_databases.create(template=url.rsplit("/", 1)[1])
    manage(url, source.media, "loaddata", str(source.backup))
    return url, empty


def test_portable_backup_moves_from_sqlite_to_a_fresh_postgresql_database(
    source, moved_to_postgres, django_db_blocker
):
    url, _ = moved_to_postgres
    with django_db_blocker.unblock(), opened(url) as alias:
        assert_same_rows(table_rows(alias), source.rows, portable=True)
        assert append_only_trigger_problems(connections[alias]) == []
        assert_ready_for_new_rows(alias)
    assert_chains_verified(url, source.media, source.sign_offs)


def test_portable_backup_restores_into_a_fresh_postgresql_database(
    postgres_only, source, postgres_databases, moved_to_postgres, workdir, django_db_blocker
):
    source_url, empty = moved_to_postgres
    backup = workdir / "pathway-backup-from-postgres.json"
    manage(source_url, source.media, *DUMPDATA, f"--output={backup}")
    url = postgres_databases.url(postgres_databases.create(template=empty))
    manage(url, source.media, "loaddata", str(backup))
    with django_db_blocker.unblock(), opened(url) as alias:
        assert_same_rows(table_rows(alias), source.rows, portable=True)
        assert append_only_trigger_problems(connections[alias]) == []
        assert_ready_for_new_rows(alias)
    assert_chains_verified(url, source.media, source.sign_offs)


def test_pg_dump_restores_into_a_fresh_postgresql_database(
    postgres_only, source, postgres_databases, moved_to_postgres, workdir, django_db_blocker
):
    source_url, _ = moved_to_postgres
    dump = workdir / "pathway.dump"
    run(
        ["pg_dump", "--format=custom", f"--file={dump}", source_url],
        url=source_url,
        media=source.media,
    )
    url = postgres_databases.url(postgres_databases.create())
    run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={url}", str(dump)],
        url=url,
        media=source.media,
    )
    with django_db_blocker.unblock(), opened(source_url) as dumped, opened(url) as alias:
        assert_same_rows(table_rows(alias), table_rows(dumped), portable=False)
        assert append_only_trigger_problems(connections[alias]) == []
        assert_ready_for_new_rows(alias)
    assert_chains_verified(url, source.media, source.sign_offs)
    # Nothing is left to migrate: the schema came whole with the dump.
    assert "No migrations to apply" in manage(url, source.media, "migrate", "--no-input")
