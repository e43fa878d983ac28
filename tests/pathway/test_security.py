"""Sign-in throttling, idle timeout, security headers and the Content Security Policy."""

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pathway.inline_assets import policy_hashes
from pathway.middleware import SEEN_KEY, TOUCH_EVERY_SECONDS
from tests import factories

pytestmark = pytest.mark.django_db


def _fail(client, email, times):
    for _ in range(times):
        client.post(reverse("login"), {"username": email, "password": "wrong"})


def test_account_locks_after_repeated_failures_and_an_administrator_can_unlock(client, password):
    person = factories.TraineeFactory(email="sam@trust.nhs.uk")
    _fail(client, "sam@trust.nhs.uk", settings.AXES_FAILURE_LIMIT)
    response = client.post(reverse("login"), {"username": "sam@trust.nhs.uk", "password": password})
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session

    call_command("axes_reset_username", "sam@trust.nhs.uk")
    response = client.post(reverse("login"), {"username": "sam@trust.nhs.uk", "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_one_locked_account_does_not_lock_the_ward_computer(client, password):
    factories.TraineeFactory(email="sam@trust.nhs.uk")
    colleague = factories.MentorFactory(email="kim@trust.nhs.uk")
    _fail(client, "sam@trust.nhs.uk", settings.AXES_FAILURE_LIMIT)
    response = client.post(reverse("login"), {"username": "kim@trust.nhs.uk", "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_fewer_failures_do_not_lock(client, password):
    factories.TraineeFactory(email="sam@trust.nhs.uk")
    _fail(client, "sam@trust.nhs.uk", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(reverse("login"), {"username": "sam@trust.nhs.uk", "password": password})
    assert response.status_code == 302


def test_idle_session_timeout_is_thirty_minutes_and_renewed_by_activity(client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(factories.TraineeFactory())
    session = client.session
    session[SEEN_KEY] = int(time.time()) - TOUCH_EVERY_SECONDS  # last seen a minute ago
    session.save()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(seconds=60))
    client.get(reverse("pathway:account"))
    expiry = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expiry > timezone.now() + datetime.timedelta(minutes=29)


def test_activity_within_the_minute_does_not_write_the_session(client):
    client.force_login(factories.TraineeFactory())
    client.get(reverse("pathway:account"))  # marks the session as seen now
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("pathway:account"))
    writes = [q["sql"] for q in queries if "django_session" in q["sql"]]
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("SELECT"), writes


def test_an_expired_session_signs_the_person_out(client):
    client.force_login(factories.TraineeFactory())
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("pathway:account"))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_security_headers_and_a_strict_content_security_policy(client, settings):
    settings.PATHWAY_INLINE_ASSETS = True  # as production serves pages
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    # Our own files, and the few texts each page carries inline by their hashes
    # (pathway/inline_assets.py): nothing else inline, whatever was injected.
    for directive in ("script-src", "style-src"):
        assert directives[directive] == " ".join(["'self'", *policy_hashes()[directive]])
    assert "unsafe-inline" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_page_template_has_inline_script():
    # CSP refuses inline scripts (but for the hashed file {% inline_script %} puts in), so none
    # may be written in our templates.
    import re
    from pathlib import Path

    offenders = []
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{template.name}: {match.group(0)}")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{template.name}: inline event handler")
    assert offenders == []
