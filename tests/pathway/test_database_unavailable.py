"""When the database cannot be reached, people see "Pathway is briefly unavailable" (503) in
the NHS.UK layout, never the page for a bug (500) and never a traceback.

The database is made unreachable for real: a separate Python process runs Pathway with
DATABASE_URL pointing at a port on this machine where nothing listens, and makes requests
with Django's test client. Nothing of Django or of the driver is replaced.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path

from pathway import urls as project_urls

BASE_DIR = Path(__file__).resolve().parents[2]

REQUESTS_WITHOUT_A_DATABASE = """
import json
import django

django.setup()
from django.conf import settings
from django.test import Client

client = Client(raise_request_exception=False)
# A session cookie, as a signed-in person's browser sends: reading it needs the database.
client.cookies[settings.SESSION_COOKIE_NAME] = "k" * 32
pages = {
    "signed-in page": client.get("/progress/"),
    "sign-in form sent": client.post(
        "/sign-in/", {"username": "nurse@example.nhs.uk", "password": "a-password-1"}
    ),
    "sign-off sent": client.post("/mentor/requests/1/", {"outcome": "achieved"}),
}
print(json.dumps({
    name: {
        "status": response.status_code,
        "html": response.content.decode(),
        "retry_after": response.get("Retry-After"),
    }
    for name, response in pages.items()
}))
"""


def _closed_port() -> int:
    """A port on this machine with nothing listening on it (the kernel's choice, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def pages_without_a_database():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pathway.settings_test",
        "DATABASE_URL": f"postgres://pathway@127.0.0.1:{_closed_port()}/pathway",
        "DJANGO_DEBUG": "false",
        "DJANGO_CONN_MAX_AGE": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", REQUESTS_WITHOUT_A_DATABASE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {"pages": json.loads(done.stdout.strip().splitlines()[-1]), "log": done.stderr}


@pytest.mark.parametrize("page", ["signed-in page", "sign-in form sent", "sign-off sent"])
def test_an_unreachable_database_gives_the_clear_503_page(pages_without_a_database, page):
    response = pages_without_a_database["pages"][page]
    html = response["html"]
    assert response["status"] == 503
    assert "Pathway is briefly unavailable, try again in a minute" in html
    assert 'class="nhsuk-header"' in html and "/assets/nhsuk/nhsuk-frontend.min.css" in html
    assert response["retry_after"] == "60"
    for detail in ("Traceback", "OperationalError", "connection", "127.0.0.1", "postgres"):
        assert detail not in html
    assert "Sorry, there is a problem with the service" not in html


def test_the_log_says_why_on_one_line_per_request(pages_without_a_database):
    log = pages_without_a_database["log"]
    # Each line: time, level, logger and [request id] (settings.LOGGING), then the message.
    lines = [
        line[line.index("Service Unavailable: ") :]
        for line in log.splitlines()
        if "Service Unavailable: " in line
    ]
    assert len(lines) == 3  # one a request: the database is not tried again on the way out
    assert lines[0].startswith("Service Unavailable: /progress/ (OperationalError: connection")
    assert "Connection refused" in lines[0]
    assert "Traceback" not in log


def _query_fault(request):
    # An OperationalError on a working connection is a fault in the query, not an outage.
    raise OperationalError("no such function: pathway_missing")


urlpatterns = [*project_urls.urlpatterns, path("query-fault/", _query_fault)]
handler500 = project_urls.handler500


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_database_error_while_the_database_is_up_is_still_a_500():
    client = Client(raise_request_exception=False)
    response = client.get("/query-fault/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "briefly unavailable" not in html and "pathway_missing" not in html
