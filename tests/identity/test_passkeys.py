"""Passkeys, end to end through Pathway's pages, with a software authenticator speaking
WebAuthn (tests/identity/authenticator.py): adding, signing in, signing a decision and a
revocation, and every refusal. The browser journeys (tests/e2e) use Chromium's own."""

from __future__ import annotations

import datetime
import json

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Enrolment
from competencies.integrity import verify_chains
from competencies.models import Assessment, SignOffRequest
from notifications.models import Kind, Notification
from pathway.identity.models import Passkey, PasskeyChallenge
from pathway.identity.services import programme_signature_methods_set
from pathway.identity.views import SIGNED_IN_AT_KEY
from pathway.models import SignatureMethod
from tests import factories
from tests.identity.authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def passkeys_on(settings):
    settings.PATHWAY_PASSKEYS = True
    settings.PATHWAY_BASE_URL = "http://testserver"


@pytest.fixture
def sign_off_world():
    record, mentor, (competency, other) = factories.enrolled_trainee(competencies=2)
    mentor.full_name = "Sarah Mitchell"
    mentor.registration_body, mentor.registration_number = "NMC", "12A3456B"
    mentor.save()
    sign_off_request = factories.ask_for_sign_off(record, competency, mentor)
    return record, mentor, competency, sign_off_request


def register(client, person, authenticator=None, name="My phone"):
    authenticator = authenticator or SoftAuthenticator()
    client.force_login(person)
    options = client.post(reverse("identity:passkey_add_options")).json()
    answer = client.post(
        reverse("identity:passkey_add"),
        {"name": name, "passkey_response": authenticator.create(options)},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return authenticator


def decision(competency, **changes):
    return {
        "outcome": "achieved",
        "method": competency.assessment_methods[0],
        **factories.date_fields("assessed_on", timezone.localdate()),
        "feedback": "",
        **changes,
    }


def sign_with_passkey(client, sign_off_request, authenticator, data, *, answer_for=None):
    """Ask for the challenge for `answer_for` (the decision the passkey is shown), answer it,
    and post `data` with the answer, as static/js/identity.js does."""
    options_url = reverse("competencies:sign_off_with", args=[sign_off_request.pk, "passkey"])
    challenge = client.post(options_url, {**(answer_for or data), "sign_with": "passkey"})
    assert challenge.status_code == 200, challenge.content
    response = authenticator.get(challenge.json()["options"])
    return client.post(
        reverse("competencies:sign_off", args=[sign_off_request.pk]),
        {**data, "sign_with": "passkey", "passkey_response": response},
    ), response


def failures(person) -> int:
    return sum(
        AccessAttempt.objects.filter(username=person.email).values_list(
            "failures_since_start", flat=True
        )
    )


def test_adding_a_passkey_keeps_its_key_tells_the_person_and_is_audited(client):
    mentor = factories.MentorFactory()
    authenticator = register(client, mentor, name="Ward 7 computer")
    passkey = Passkey.objects.get(person=mentor)
    assert passkey.name == "Ward 7 computer"
    assert passkey.credential_id == authenticator.id
    assert passkey.transports == ["internal"]
    assert passkey.history.get().history_type == "+"
    notice = Notification.objects.get(recipient=mentor, kind=Kind.SIGN_IN_CHANGED)
    assert "Ward 7 computer" in notice.body
    page = client.get(reverse("identity:passkeys")).content.decode()
    assert "Ward 7 computer" in page
    assert not PasskeyChallenge.objects.exists()  # used up


def test_a_registration_needs_user_verification_and_its_own_challenge(client):
    mentor = factories.MentorFactory()
    client.force_login(mentor)
    authenticator = SoftAuthenticator()
    authenticator.user_verified = False
    options = client.post(reverse("identity:passkey_add_options")).json()
    answer = client.post(
        reverse("identity:passkey_add"),
        {"name": "Phone", "passkey_response": authenticator.create(options)},
    )
    assert answer.status_code == 200
    assert b"did not confirm it was you" in answer.content
    # A made-up challenge: nothing was asked for it.
    authenticator.user_verified = True
    made_up = {**options, "challenge": "bm90LWFza2Vk"}
    answer = client.post(
        reverse("identity:passkey_add"),
        {"name": "Phone", "passkey_response": authenticator.create(made_up)},
    )
    assert b"expired or was already used" in answer.content
    assert not Passkey.objects.exists()


def test_adding_a_passkey_needs_a_recent_sign_in(client):
    mentor = factories.MentorFactory()
    client.force_login(mentor)
    session = client.session
    session[SIGNED_IN_AT_KEY] = int(timezone.now().timestamp()) - 3600
    session.save()
    page = client.get(reverse("identity:passkey_add"))
    assert b"Sign in again to add a passkey" in page.content
    assert client.post(reverse("identity:passkey_add_options")).status_code == 403


def test_signing_in_with_a_passkey_is_one_touch(client):
    mentor = factories.MentorFactory()
    authenticator = register(client, mentor)
    client.logout()
    options = client.post(reverse("identity:passkey_sign_in_options")).json()
    assert options["allowCredentials"] == []  # discoverable: the passkey says who
    assert options["userVerification"] == "required"
    answer = client.post(
        reverse("identity:passkey_sign_in"), {"passkey_response": authenticator.get(options)}
    )
    assert answer.status_code == 302
    assert client.session["_auth_user_id"] == str(mentor.pk)
    assert Passkey.objects.get().sign_count == 1


def test_a_wrong_passkey_sign_in_counts_against_its_owner(client, settings):
    mentor = factories.MentorFactory()
    authenticator = register(client, mentor)
    client.logout()
    authenticator.user_verified = False
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        options = client.post(reverse("identity:passkey_sign_in_options")).json()
        answer = client.post(
            reverse("identity:passkey_sign_in"), {"passkey_response": authenticator.get(options)}
        )
        assert answer.status_code == 200
        assert b"did not confirm it was you" in answer.content
    assert failures(mentor) == settings.AXES_FAILURE_LIMIT - 1
    options = client.post(reverse("identity:passkey_sign_in_options")).json()
    locked = client.post(
        reverse("identity:passkey_sign_in"), {"passkey_response": authenticator.get(options)}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_signing_off_with_a_passkey_records_and_chains_how(client, sign_off_world):
    record, mentor, competency, sign_off_request = sign_off_world
    authenticator = register(client, mentor)
    page = client.get(reverse("competencies:sign_off", args=[sign_off_request.pk]))
    assert b"Sign with your passkey" in page.content
    answer, _ = sign_with_passkey(client, sign_off_request, authenticator, decision(competency))
    assert answer.status_code == 302
    assessment = Assessment.objects.get(request=sign_off_request)
    assert assessment.signature_method == SignatureMethod.PASSKEY
    assert assessment.signature_credential == authenticator.id
    assert assessment.record_hash == assessment.compute_hash()
    assert verify_chains()[1] == []
    shown = client.get(
        reverse("competencies:competency_detail", args=[record.pk, competency.pk])
    ).content.decode()
    assert "Signed with a passkey by Sarah Mitchell, NMC 12A3456B, " in shown


def test_a_passkey_signature_works_once(client, sign_off_world):
    record, mentor, competency, sign_off_request = sign_off_world
    authenticator = register(client, mentor)
    other = record.progress.exclude(competency=competency).get().competency
    second_request = factories.ask_for_sign_off(record, other, mentor)
    _, response = sign_with_passkey(client, sign_off_request, authenticator, decision(competency))
    replay = client.post(
        reverse("competencies:sign_off", args=[second_request.pk]),
        {**decision(other), "passkey_response": response},
    )
    assert replay.status_code == 200
    assert b"expired or was already used" in replay.content
    second_request.refresh_from_db()
    assert second_request.status == SignOffRequest.Status.OPEN
    assert failures(mentor) == 1


def test_a_passkey_signs_only_the_decision_it_was_shown(client, sign_off_world):
    record, mentor, competency, sign_off_request = sign_off_world
    authenticator = register(client, mentor)
    answer, _ = sign_with_passkey(
        client,
        sign_off_request,
        authenticator,
        decision(competency, outcome="not_yet_competent", feedback="Practise more"),
        answer_for=decision(competency),
    )
    assert answer.status_code == 200
    assert b"The decision changed after your passkey was asked to sign it" in answer.content
    assert not Assessment.objects.exists()


def test_a_passkey_that_did_not_verify_the_user_is_refused(client, sign_off_world):
    record, mentor, competency, sign_off_request = sign_off_world
    authenticator = register(client, mentor)
    authenticator.user_verified = False
    answer, _ = sign_with_passkey(client, sign_off_request, authenticator, decision(competency))
    assert answer.status_code == 200
    assert b"did not confirm it was you" in answer.content
    assert not Assessment.objects.exists()
    assert failures(mentor) == 1


def test_a_passkey_whose_counter_goes_back_is_refused_reported_and_switched_off(
    client, sign_off_world, caplog, django_capture_on_commit_callbacks
):
    record, mentor, competency, sign_off_request = sign_off_world
    authenticator = register(client, mentor)
    client.logout()
    for _ in range(3):  # used three times: the counter is at 3
        options = client.post(reverse("identity:passkey_sign_in_options")).json()
        client.post(
            reverse("identity:passkey_sign_in"), {"passkey_response": authenticator.get(options)}
        )
    mail.outbox.clear()
    authenticator.sign_count = 1  # a copy made earlier, now used elsewhere
    with caplog.at_level("WARNING"), django_capture_on_commit_callbacks(execute=True):
        answer, _ = sign_with_passkey(client, sign_off_request, authenticator, decision(competency))
    assert answer.status_code == 200
    assert b"its use count went backwards" in answer.content
    assert not Assessment.objects.exists()
    passkey = Passkey.objects.get()
    assert passkey.cloned_at is not None
    assert "counter went backwards" in passkey.history.first().history_change_reason
    assert any("sign count went from 3 to 2" in line for line in caplog.messages)
    assert Notification.objects.filter(
        recipient=mentor, kind=Kind.SIGN_IN_CHANGED, subject__contains="refused"
    ).exists()
    assert any("refused" in message.subject for message in mail.outbox)
    # Switched off: even a good answer now is refused, and it is no longer offered.
    authenticator.sign_count = 10
    page = client.get(reverse("competencies:sign_off", args=[sign_off_request.pk]))
    assert b"Sign with your passkey" not in page.content
    assert b"Switched off" in client.get(reverse("identity:passkeys")).content


def test_someone_elses_passkey_cannot_sign(client, sign_off_world):
    record, mentor, competency, sign_off_request = sign_off_world
    register(client, mentor)
    colleague = factories.MentorFactory()
    theirs = register(client, colleague)
    client.force_login(mentor)
    options_url = reverse("competencies:sign_off_with", args=[sign_off_request.pk, "passkey"])
    options = client.post(options_url, {**decision(competency), "sign_with": "passkey"}).json()
    answer = client.post(
        reverse("competencies:sign_off", args=[sign_off_request.pk]),
        {**decision(competency), "passkey_response": theirs.get(options["options"])},
    )
    assert b"That passkey is not one of yours" in answer.content
    assert not Assessment.objects.exists()


def test_an_old_challenge_is_refused(client, sign_off_world):
    record, mentor, competency, sign_off_request = sign_off_world
    authenticator = register(client, mentor)
    options_url = reverse("competencies:sign_off_with", args=[sign_off_request.pk, "passkey"])
    options = client.post(options_url, {**decision(competency), "sign_with": "passkey"}).json()
    PasskeyChallenge.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    answer = client.post(
        reverse("competencies:sign_off", args=[sign_off_request.pk]),
        {**decision(competency), "passkey_response": authenticator.get(options["options"])},
    )
    assert b"expired or was already used" in answer.content
    assert not Assessment.objects.exists()


def test_an_incomplete_decision_gets_no_challenge(client, sign_off_world):
    record, mentor, competency, sign_off_request = sign_off_world
    register(client, mentor)
    options_url = reverse("competencies:sign_off_with", args=[sign_off_request.pk, "passkey"])
    answer = client.post(options_url, {"sign_with": "passkey"})
    assert answer.status_code == 400
    assert not PasskeyChallenge.objects.exists()
    # The script then posts the form to the page, which says what is missing.
    page = client.post(
        reverse("competencies:sign_off", args=[sign_off_request.pk]), {"sign_with": "passkey"}
    )
    assert b"Select the outcome" in page.content
    assert b"Enter your password" not in page.content


def test_revoking_with_a_passkey(client, sign_off_world):
    record, mentor, competency, sign_off_request = sign_off_world
    authenticator = register(client, mentor)
    sign_with_passkey(client, sign_off_request, authenticator, decision(competency))
    decided = Assessment.objects.get()
    page = client.get(reverse("competencies:revoke", args=[decided.pk])).content.decode()
    assert "Signed with a passkey by Sarah Mitchell" in page
    assert "Revoke with your passkey" in page
    options_url = reverse("competencies:revoke_with", args=[decided.pk, "passkey"])
    options = client.post(options_url, {"reason": "Wrong trainee", "sign_with": "passkey"}).json()
    answer = client.post(
        reverse("competencies:revoke", args=[decided.pk]),
        {"reason": "Wrong trainee", "passkey_response": authenticator.get(options["options"])},
    )
    assert answer.status_code == 302
    revocation = Assessment.objects.get(revokes=decided)
    assert revocation.signature_method == SignatureMethod.PASSKEY
    assert verify_chains()[1] == []


def test_a_programme_can_ask_for_passkeys_only(client, sign_off_world, password):
    record, mentor, competency, sign_off_request = sign_off_world
    cohort = factories.CohortFactory(framework=record.framework)
    Enrolment.objects.create(
        cohort=cohort, trainee=record.trainee, record=record, start_date=cohort.intake_date
    )
    programme_signature_methods_set(
        actor=None,
        programme=cohort.programme,
        methods=[SignatureMethod.PASSKEY, SignatureMethod.SSO],
    )
    client.force_login(mentor)
    page = client.get(reverse("competencies:sign_off", args=[sign_off_request.pk]))
    assert b'name="password"' not in page.content
    assert b"Add a passkey" in page.content or b"add a passkey" in page.content
    refused = client.post(
        reverse("competencies:sign_off", args=[sign_off_request.pk]),
        {**decision(competency), "password": password},
    )
    assert refused.status_code == 200
    assert (
        b"records are signed with a passkey or signing in again with your NHS account"
        in refused.content
    )
    assert not Assessment.objects.exists()
    authenticator = register(client, mentor)
    answer, _ = sign_with_passkey(client, sign_off_request, authenticator, decision(competency))
    assert answer.status_code == 302


def test_renaming_and_removing_tell_the_person_and_only_the_owner_can(client):
    mentor = factories.MentorFactory()
    register(client, mentor, name="Phone")
    passkey = Passkey.objects.get()
    answer = client.post(
        reverse("identity:passkey_rename", args=[passkey.pk]), {"name": "Old phone"}
    )
    assert answer.status_code == 302
    passkey.refresh_from_db()
    assert passkey.name == "Old phone"
    other = factories.MentorFactory()
    client.force_login(other)
    assert client.get(reverse("identity:passkey_rename", args=[passkey.pk])).status_code == 404
    assert client.post(reverse("identity:passkey_remove", args=[passkey.pk])).status_code == 404
    client.force_login(mentor)
    answer = client.post(reverse("identity:passkey_remove", args=[passkey.pk]))
    assert answer.status_code == 302
    assert not Passkey.objects.exists()
    assert [h.history_type for h in Passkey.history.order_by("history_id")] == ["+", "~", "-"]
    subjects = list(
        Notification.objects.filter(recipient=mentor, kind=Kind.SIGN_IN_CHANGED)
        .order_by("pk")
        .values_list("subject", flat=True)
    )
    assert subjects == [
        "A passkey was added to your Pathway account",
        "A passkey on your Pathway account was renamed",
        "A passkey was removed from your Pathway account",
    ]


def test_passkey_names_are_checked(client):
    mentor = factories.MentorFactory()
    register(client, mentor, name="Phone")
    options = client.post(reverse("identity:passkey_add_options")).json()
    answer = client.post(
        reverse("identity:passkey_add"),
        {"name": " phone ", "passkey_response": SoftAuthenticator().create(options)},
    )
    assert b"You already have a passkey with this name" in answer.content
    assert Passkey.objects.count() == 1


def test_without_passkeys_turned_on_there_are_none(client, settings):
    settings.PATHWAY_PASSKEYS = False
    client.force_login(factories.MentorFactory())
    assert client.get(reverse("identity:passkeys")).status_code == 404
    assert client.post(reverse("identity:passkey_sign_in_options")).status_code == 404
    assert b"passkey" not in client.get(reverse("pathway:account")).content.lower()


def test_the_options_are_json_for_the_browser(client):
    mentor = factories.MentorFactory()
    client.force_login(mentor)
    options = client.post(reverse("identity:passkey_add_options")).json()
    assert options["rp"] == {"id": "testserver", "name": "Pathway"}
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["user"]["name"] == mentor.email
    assert mentor.email not in json.dumps(options["user"]["id"])
