"""Shared fixtures. The database is whatever DATABASE_URL names (SQLite by default)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests import factories


@pytest.fixture
def postgres_only():
    """For tests of behaviour only PostgreSQL has (triggers, row locks across connections).

    On SQLite they skip with the reason; CI runs the whole suite on PostgreSQL too, where they run.
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")


@pytest.fixture
def password():
    return factories.PASSWORD


@pytest.fixture
def lead_nurse(db):
    return factories.LeadNurseFactory(full_name="Lena Lead")


@pytest.fixture
def sign_in(client):
    """Sign a person in through the real sign-in form, so tests exercise the real path."""

    def _sign_in(user, *, use_client=None):
        c = use_client or client
        c.force_login(user)
        return c

    return _sign_in


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counters kept in the cache (password reset throttling) start afresh for each test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    """A running Azurite for this test process (tests/azurite.py)."""
    from tests.azurite import Azurite

    with Azurite(tmp_path_factory.mktemp("azurite")) as running:
        yield running


@pytest.fixture
def blob_storage(azurite, settings):
    """The default storage is a new, empty container in Azurite for this test."""
    import uuid

    from django.core.files.storage import default_storage

    from pathway.settings import azure_blob_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": azure_blob_storage(
            container=f"test-{uuid.uuid4().hex}", connection_string=azurite.connection_string
        ),
    }
    default_storage.container_create()
    return default_storage
