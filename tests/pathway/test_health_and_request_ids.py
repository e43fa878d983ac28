"""The platform's probes (/healthz, /readyz) and the request id on every log line (issue #18)."""

from __future__ import annotations

import io
import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from pathway.requestids import RequestIdFilter

pytestmark = pytest.mark.django_db


def test_alive_answers_without_the_database_a_session_or_a_known_host(
    client, django_assert_num_queries
):
    # A platform probes a container by its own address: not one of ALLOWED_HOSTS.
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "sessionid" not in response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_ready_checks_database_storage_and_cache(client):
    response = client.get("/readyz", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "cache": "ok"},
    }


def test_ready_is_unavailable_when_files_cannot_be_written(client, settings, tmp_path):
    # Storage whose folder would sit under a plain file: every write fails for real.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "media")},
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"] == {"database": "ok", "storage": "failed", "cache": "ok"}


def test_probes_refuse_writes(client):
    response = client.post("/readyz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_every_response_carries_a_request_id(client):
    made = client.get("/sign-in/")
    assert len(made["X-Request-ID"]) == 32
    assert client.get("/sign-in/")["X-Request-ID"] != made["X-Request-ID"]

    offered = client.get("/sign-in/", HTTP_X_REQUEST_ID="lb-7f3a9c01-2")
    assert offered["X-Request-ID"] == "lb-7f3a9c01-2"
    # Anything else (too short, or could forge log lines) is replaced by our own.
    for bad in ("x", "a b c d e f g h", "abc\ndef-123456"):
        replaced = client.get("/sign-in/", HTTP_X_REQUEST_ID=bad)
        assert replaced["X-Request-ID"] != bad
        assert len(replaced["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_id(client, settings, tmp_path):
    """The JSON formatter as settings configure it, on a log line written during a request."""
    options = dict(settings.LOGGING["formatters"]["json"])
    options.pop("()")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter(**options))
    health_log = logging.getLogger("pathway.health")
    health_log.addHandler(handler)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "media")},
        },
    }
    try:
        client.get("/readyz", HTTP_X_REQUEST_ID="probe-0001-abcd")
    finally:
        health_log.removeHandler(handler)
    line = json.loads(stream.getvalue().splitlines()[0])
    assert line["request_id"] == "probe-0001-abcd"
    assert line["level"] == "WARNING"
    assert line["logger"] == "pathway.health"
    assert line["message"].startswith("readiness check storage failed")
    assert "time" in line


def test_django_logs_a_refused_request_with_its_id(client, caplog):
    """django.request writes its line after the middleware chain has returned."""
    seen = []
    handler = logging.Handler()
    handler.addFilter(RequestIdFilter())
    handler.emit = lambda record: seen.append((record.getMessage(), record.request_id))
    logging.getLogger("django.request").addHandler(handler)
    try:
        client.get("/no-such-page/", HTTP_X_REQUEST_ID="refused-0001")
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    assert ("Not Found: /no-such-page/", "refused-0001") in seen
    # Once the response is finished, log lines belong to no request.
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "later", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_log_lines_outside_a_request_have_a_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


@pytest.mark.postgres
def test_postgresql_connections_run_without_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only; runs in CI's PostgreSQL pass")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_a_shared_redis_cache_is_checked_by_ready(client, settings):
    """With PATHWAY_CACHE_URL's backend (Redis, which runs on every machine here), /readyz checks
    the shared cache for real, and says so when it cannot be reached."""
    from django.core.cache import caches

    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": "pathway-test",
    }
    settings.CACHES = {"default": redis_cache}
    assert client.get("/readyz").json()["checks"]["cache"] == "ok"
    caches["default"].close()
    # Nothing listens on port 9 (discard): a refused connection, at once.
    settings.CACHES = {"default": {**redis_cache, "LOCATION": "redis://127.0.0.1:9/0"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failed"
