"""One lockout per account, whatever proves identity (trust issue, points 1 and 2).

Each test here failed before the fix: the lockout counted attempts per address as typed, and
the signing and change-password forms checked passwords without counting them at all.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from competencies import services
from competencies.models import Assessment, SignOffRequest
from notifications.models import Kind, Notification
from pathway.signatures import AccountLocked, Signature, signature_verify
from tests import factories

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def _sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_every_spelling_of_an_address_counts_against_one_account(client, password):
    factories.TraineeFactory(email="sam.jones@trust.nhs.uk")
    spellings = ["Sam.Jones@trust.nhs.uk", "sAM.jones@TRUST.nhs.uk", " sam.jones@trust.nhs.uk "]
    for attempt in range(LIMIT):
        _sign_in(client, spellings[attempt % len(spellings)], "wrong")
    for spelling in ["sam.jones@trust.nhs.uk", "SAM.JONES@TRUST.NHS.UK"]:
        response = _sign_in(client, spelling, password)
        assert response.status_code == 429, spelling
        assert "_auth_user_id" not in client.session


def test_signing_in_with_another_spelling_does_not_clear_the_lock(client, password):
    factories.TraineeFactory(email="sam@trust.nhs.uk")
    for _ in range(LIMIT):
        _sign_in(client, "SAM@trust.nhs.uk", "wrong")
    assert _sign_in(client, "Sam@Trust.nhs.uk", password).status_code == 429
    assert _sign_in(client, "sam@trust.nhs.uk", password).status_code == 429


def _open_request():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    return factories.ask_for_sign_off(record, competency, mentor), mentor, competency


def test_a_wrong_signature_is_refused_on_the_signature_field_and_writes_nothing():
    sign_off_request, mentor, competency = _open_request()
    with pytest.raises(ValidationError) as refused:
        services.sign_off_request_decide(
            actor=mentor,
            sign_off_request=sign_off_request,
            signature=Signature.with_password("not-my-password"),
            outcome="achieved",
            method=competency.assessment_methods[0],
            assessed_on=timezone.localdate(),
        )
    assert refused.value.message_dict == {"signature": ["The password is not correct"]}
    assert not Assessment.objects.exists()
    sign_off_request.refresh_from_db()
    assert sign_off_request.status == SignOffRequest.Status.OPEN


def test_a_missing_signature_is_refused_whoever_calls_the_service():
    sign_off_request, mentor, competency = _open_request()
    for signature in (None, Signature.with_password("")):
        with pytest.raises(ValidationError) as refused:
            services.sign_off_request_decide(
                actor=mentor,
                sign_off_request=sign_off_request,
                signature=signature,
                outcome="achieved",
                method=competency.assessment_methods[0],
                assessed_on=timezone.localdate(),
            )
        assert "signature" in refused.value.message_dict
    assert not Assessment.objects.exists()


def test_a_revocation_needs_the_signature_too():
    sign_off_request, mentor, competency = _open_request()
    decision = services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=sign_off_request,
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as refused:
        services.assessment_revoke(
            actor=mentor,
            assessment=decision,
            reason="Wrong trainee",
            signature=Signature.with_password("guess"),
        )
    assert "signature" in refused.value.message_dict
    assert Assessment.objects.count() == 1


def test_the_record_keeps_how_it_was_signed():
    sign_off_request, mentor, competency = _open_request()
    decision = services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=sign_off_request,
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )
    decision.refresh_from_db()
    assert decision.signature_method == "password"
    assert decision.hash_version == 2
    assert decision.record_hash == decision.compute_hash()


def test_guessing_the_signing_password_locks_the_account_ends_the_session_and_tells_them(
    client, password, django_capture_on_commit_callbacks
):
    sign_off_request, mentor, competency = _open_request()
    client.force_login(mentor)
    url = reverse("competencies:sign_off", args=[sign_off_request.pk])
    data = factories.sign_off_data(competency, "wrong-guess")
    for _ in range(LIMIT - 1):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "The password is not correct" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    # Signed out here, and the right password is refused now.
    assert client.get(url).status_code == 302
    assert client.post(url, factories.sign_off_data(competency, password)).status_code == 302
    assert not Assessment.objects.exists()
    assert _sign_in(client, mentor.email, password).status_code == 429
    # The holder is told, by email whatever their choices.
    notice = Notification.objects.get(recipient=mentor, kind=Kind.ACCOUNT_LOCKED)
    assert "locked" in notice.subject
    assert [m.to for m in mail.outbox if "locked" in m.subject] == [[mentor.email]]


def test_locking_ends_the_accounts_other_sessions(client, password):
    sign_off_request, mentor, competency = _open_request()
    other_computer = type(client)()
    other_computer.force_login(mentor)
    assert other_computer.get(reverse("competencies:my_trainees")).status_code == 200
    for _ in range(LIMIT):
        _sign_in(client, mentor.email, "wrong")
    response = other_computer.get(reverse("competencies:my_trainees"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_in_and_signing_failures_share_one_count(client, password):
    sign_off_request, mentor, competency = _open_request()
    for _ in range(LIMIT - 1):
        _sign_in(client, mentor.email.upper(), "wrong")
    with pytest.raises(AccountLocked):
        signature_verify(signer=mentor, signature=Signature.with_password("wrong again"))
    assert _sign_in(client, mentor.email, password).status_code == 429


def test_guessing_on_the_change_password_form_counts_too(client, password):
    person = factories.TraineeFactory()
    client.force_login(person)
    url = reverse("pathway:password_change")
    form = {"old_password": "guess", "new_password1": "a-new-long-pw-1", "new_password2": "x"}
    for _ in range(LIMIT - 1):
        response = client.post(url, form)
        assert response.status_code == 200
        assert "old password was entered incorrectly" in response.content.decode()
    response = client.post(url, form)
    assert response.status_code == 429
    assert _sign_in(client, person.email, password).status_code == 429
    person.refresh_from_db()
    assert person.check_password(password)
