"""Signing a decision by signing in again to the NHS account (prompt=login, max_age=0), with
the real test provider: the decision waits in the session, the fresh ID token is checked by
the signature service, and only for the very decision it was asked for."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from competencies.integrity import verify_chains
from competencies.models import Assessment, SignOffRequest
from pathway.identity.signing import PENDING_KEY, PendingSignature
from pathway.models import SignatureMethod
from pathway.signatures import Signature, signature_verify
from tests import factories
from tests.identity.test_sso import sign_in

pytestmark = pytest.mark.django_db

FEEDBACK = "Confident with the NEWS2 escalation; keep practising handover"


@pytest.fixture
def world(client, sso, provider_browser):
    record, mentor, (competency, other) = factories.enrolled_trainee(competencies=2)
    mentor.full_name, mentor.email = "Sarah Mitchell", "sarah.mitchell@nhs.net"
    mentor.save()
    sign_off_request = factories.ask_for_sign_off(record, competency, mentor)
    assert sign_in(client, provider_browser, "sarah").status_code == 302  # linked, signed in
    return record, mentor, competency, sign_off_request


def decision(competency):
    return {
        "outcome": "achieved",
        "method": competency.assessment_methods[0],
        **factories.date_fields("assessed_on", timezone.localdate()),
        "feedback": FEEDBACK,
    }


def start_signing(client, sign_off_request, competency):
    return client.post(
        reverse("competencies:sign_off_with", args=[sign_off_request.pk, "nhs-account"]),
        {**decision(competency), "sign_with": "sso"},
    )


def come_back(client, browser, started, account):
    """Sign in again at the provider; Pathway's page that posts the kept decision back."""
    back = browser.visit(started["Location"], account=account)
    page = client.get(back)
    assert page.status_code == 200
    action = re.search(r'<form method="post" action="([^"]+)" data-auto-submit', page.text)
    token = re.search(r'name="signature_resume" value="([^"]+)"', page.text)
    return action.group(1), token.group(1)


def failures(person) -> int:
    return sum(
        AccessAttempt.objects.filter(username=person.email).values_list(
            "failures_since_start", flat=True
        )
    )


def test_signing_with_a_fresh_nhs_sign_in(client, world, provider_browser):
    record, mentor, competency, sign_off_request = world
    page = client.get(reverse("competencies:sign_off", args=[sign_off_request.pk]))
    assert b"Sign with your NHS account" in page.content
    started = start_signing(client, sign_off_request, competency)
    assert started.status_code == 302
    query = parse_qs(urlsplit(started["Location"]).query)
    assert query["prompt"] == ["login"]
    assert query["max_age"] == ["0"]
    assert query["login_hint"] == [mentor.email]
    # The decision waits in the session, not in the address.
    assert "NEWS2" not in started["Location"]
    assert any(
        entry["data"]["feedback"] == [FEEDBACK] for entry in client.session[PENDING_KEY].values()
    )
    pages_before = len(provider_browser.pages)
    action, token = come_back(client, provider_browser, started, "sarah")
    # prompt=login: the provider asked for the account again, though it had a session.
    assert any("/interaction/" in url for url in provider_browser.pages[pages_before:])
    assert action == reverse("competencies:sign_off", args=[sign_off_request.pk])
    signed = client.post(action, {"signature_resume": token})
    assert signed.status_code == 302
    assessment = Assessment.objects.get(request=sign_off_request)
    assert assessment.signature_method == SignatureMethod.SSO
    assert assessment.signature_credential == "sarah"
    assert assessment.feedback == FEEDBACK
    assert verify_chains()[1] == []
    # Used once: the kept decision is gone.
    assert token not in client.session.get(PENDING_KEY, {})


def test_signing_in_again_as_someone_else_signs_nothing(client, world, provider_browser):
    record, mentor, competency, sign_off_request = world
    factories.TraineeFactory(email="tom.barker@nhs.net")
    started = start_signing(client, sign_off_request, competency)
    action, token = come_back(client, provider_browser, started, "tom")
    answer = client.post(action, {"signature_resume": token})
    assert answer.status_code == 200
    assert b"different NHS account" in answer.content
    assert FEEDBACK.encode() in answer.content  # the decision is shown again, as it was
    assert not Assessment.objects.exists()
    assert failures(mentor) == 1


def test_cancelling_at_the_provider_keeps_the_decision_and_counts_nothing(
    client, world, provider_browser
):
    record, mentor, competency, sign_off_request = world
    started = start_signing(client, sign_off_request, competency)
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    page = client.get(reverse("identity:sso_callback") + f"?error=access_denied&state={state}")
    token = re.search(r'name="signature_resume" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        reverse("competencies:sign_off", args=[sign_off_request.pk]), {"signature_resume": token}
    )
    assert b"You cancelled signing in to your NHS account" in answer.content
    assert FEEDBACK.encode() in answer.content
    assert not Assessment.objects.exists()
    assert failures(mentor) == 0


def test_an_old_sign_in_is_not_enough(client, world, provider_browser, faulty):
    record, mentor, competency, sign_off_request = world
    faulty.rewrite = lambda claims: {**claims, "auth_time": int(time.time()) - 600}
    started = start_signing(client, sign_off_request, competency)
    action, token = come_back(client, provider_browser, started, "sarah")
    answer = client.post(action, {"signature_resume": token})
    assert b"not recent enough" in answer.content
    assert not Assessment.objects.exists()
    assert failures(mentor) == 1


def test_the_kept_decision_signs_only_its_own_request(client, world, provider_browser):
    record, mentor, competency, sign_off_request = world
    other = record.progress.exclude(competency=competency).get().competency
    other_request = factories.ask_for_sign_off(record, other, mentor)
    started = start_signing(client, sign_off_request, competency)
    action, token = come_back(client, provider_browser, started, "sarah")
    answer = client.post(
        reverse("competencies:sign_off", args=[other_request.pk]), {"signature_resume": token}
    )
    assert answer.status_code == 200
    assert not Assessment.objects.exists()
    other_request.refresh_from_db()
    assert other_request.status == SignOffRequest.Status.OPEN


def test_a_fresh_sign_in_for_another_statement_is_refused(world):
    record, mentor, competency, sign_off_request = world
    pending = PendingSignature(
        token="t",
        person_id=mentor.pk,
        statement="sign-off|another decision",
        data={},
        return_to="/",
        started=time.time(),
        nonce="n",
        id_token="x.y.z",
    )
    with pytest.raises(ValidationError) as refused:
        signature_verify(
            signer=mentor, signature=Signature.with_sso(pending), statement="sign-off|this one"
        )
    assert "not the one you confirmed" in refused.value.message_dict["signature"][0]


def test_someone_without_a_linked_nhs_account_is_not_offered_it(client, sso, password):
    record, mentor, (competency,) = factories.enrolled_trainee(competencies=1)
    sign_off_request = factories.ask_for_sign_off(record, competency, mentor)
    client.force_login(mentor)
    page = client.get(reverse("competencies:sign_off", args=[sign_off_request.pk]))
    assert b"Sign with your NHS account" not in page.content
    assert b"Sign and save" in page.content
