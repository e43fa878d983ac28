"""Schemathesis against the API's own OpenAPI description: every operation fuzzed with a
client holding every scope; no answer may be a server error, and every answer (refusals
included) must match the description."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.views.endpoints import api
from pathway.models import Module
from tests import factories


@pytest.fixture
def world(db, make_client):
    """Something for the reads to find and the writes to touch."""
    cohort = factories.CohortFactory()
    enrolment = factories.enrol(cohort)
    Module.objects.create(programme=cohort.programme, title="Module one", credits=20, order=1)
    return enrolment


# The description as the API serves it (/api/v1/openapi.json is the same document), sent to
# the application in process: the test's database transaction is the one the API uses.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()


@pytest.fixture
def keep_connection():
    """As Django's test client does: a request's end must not close the database connection,
    which holds the test's transaction (on PostgreSQL closing it would end the test)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation(case, keep_connection, world, make_client):
    _client, token = make_client()
    case.call_and_validate(
        # identity: the in-process client does not undo the gzip a browser asks for.
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
        checks=[not_a_server_error, response_schema_conformance],
    )
