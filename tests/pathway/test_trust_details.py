"""The smaller points of the second trust review (issue point 11), each failing before its fix:
signed-in pages were cacheable, reset links trusted the Host header and were not throttled,
invisible control characters were stored in names, and refusals logged whole tracebacks."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from cohorts.models import Cohort
from pathway.logs import RefusalsOnOneLine
from pathway.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_signed_in_pages_are_never_stored_by_the_browser(client):
    person = factories.TraineeFactory()
    client.force_login(person)
    response = client.get(reverse("pathway:account"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_reset_link_is_built_from_the_configured_address_not_the_host_header(client, settings):
    settings.ALLOWED_HOSTS = ["pathway.trust.nhs.uk", "evil.example"]
    settings.PATHWAY_BASE_URL = "https://pathway.trust.nhs.uk"
    factories.TraineeFactory(email="sam@trust.nhs.uk")
    client.post(reverse("password_reset"), {"email": "sam@trust.nhs.uk"}, HTTP_HOST="evil.example")
    (message,) = mail.outbox
    assert "https://pathway.trust.nhs.uk/password-reset/" in message.body
    assert "evil.example" not in message.body


def test_reset_requests_for_one_address_are_throttled(client):
    factories.TraineeFactory(email="sam@trust.nhs.uk")
    for _ in range(6):
        response = client.post(reverse("password_reset"), {"email": "sam@trust.nhs.uk"})
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    "typed",
    ["Tom\u202eyelraB", "Tom\u200b Barley", "\u2066Tom Barley\u2069", "Tom\x07 Barley\ufeff"],
)
def test_invisible_characters_never_reach_a_stored_name(typed):
    person = factories.TraineeFactory(full_name=typed)
    stored = User.objects.get(pk=person.pk).full_name
    assert all(c.isprintable() for c in stored)
    assert "\u202e" not in stored and "\u200b" not in stored
    cohort = factories.CohortFactory(name=f"{typed} cohort")
    assert "\u202e" not in Cohort.objects.get(pk=cohort.pk).name


def test_a_refused_request_is_one_line_in_the_log(client, caplog):
    client.force_login(factories.TraineeFactory())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("pathway:people")).status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    # Django attaches the PermissionDenied to the record; the console handler's filter (it
    # sees the record first) has taken it off, so the log shows one line.
    assert record.exc_info is None
    assert logging.Formatter().format(record) == "Forbidden (Permission denied): /people/"
    assert "refusals_on_one_line" in settings.LOGGING["handlers"]["console"]["filters"]


def test_the_filter_keeps_tracebacks_of_real_failures():
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        failure = logging.LogRecord("django.request", 40, "x", 1, "Server error", (), error)
        refusal = logging.LogRecord("django.request", 30, "x", 1, "Forbidden", (), error)
    failure.exc_info = (RuntimeError, failure.exc_info, failure.exc_info.__traceback__)
    refusal.exc_info = failure.exc_info
    failure.status_code, refusal.status_code = 500, 403
    assert RefusalsOnOneLine().filter(failure) and RefusalsOnOneLine().filter(refusal)
    assert "Traceback" in logging.Formatter().format(failure)
    assert "Traceback" not in logging.Formatter().format(refusal)
