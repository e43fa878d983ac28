"""ID tokens a real provider will not send on request, through Pathway's real callback: each
is refused with a clear page, nothing is made or linked, and the person is not signed in. A
refusal that can be put down to an account (the provider's own signature, the issuer right, a
subject Pathway links) counts towards its lockout; a forgery does not.

The faulty provider (tests/identity/faults.py) re-signs the real provider's tokens."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from joserfc.jwk import RSAKey

from pathway.identity.models import ExternalIdentity
from pathway.models import User
from tests import factories
from tests.identity.test_sso import sign_in, signed_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def sarah(db):
    return factories.MentorFactory(full_name="Sarah Mitchell", email="sarah.mitchell@nhs.net")


def failures(person) -> int:
    return sum(
        AccessAttempt.objects.filter(username=person.email).values_list(
            "failures_since_start", flat=True
        )
    )


def refused(client, browser, account="sarah"):
    people = User.objects.count()
    answer = sign_in(client, browser, account)
    assert answer.status_code == 400, answer.status_code
    assert b"You are not signed in" in answer.content
    assert signed_in_as(client) is None
    assert User.objects.count() == people
    return answer


def change(**claims):
    return lambda original: {**original, **claims}


def test_the_faulty_provider_passes_good_tokens_through(client, faulty, provider_browser, sarah):
    faulty.rewrite = change()  # re-signed with the provider's own key, nothing changed
    assert sign_in(client, provider_browser, "sarah").status_code == 302
    assert signed_in_as(client) == sarah


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(change(aud="another-service"), id="wrong audience"),
        pytest.param(change(aud=["pathway", "another-service"]), id="audience shared, no azp"),
        pytest.param(
            lambda c: {**c, "exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
            id="expired",
        ),
        pytest.param(change(nonce="the-nonce-of-another-sign-in"), id="replayed nonce"),
        pytest.param(lambda c: {k: v for k, v in c.items() if k != "nonce"}, id="no nonce"),
        pytest.param(change(iat=int(time.time()) + 3600), id="issued in the future"),
    ],
)
def test_a_token_the_provider_signed_but_wrong_is_refused_and_counted(
    client, faulty, provider_browser, sarah, fault
):
    sign_in(client, provider_browser, "sarah")  # linked to her
    client.logout()
    faulty.rewrite = fault
    refused(client, provider_browser)
    assert failures(sarah) == 1
    assert ExternalIdentity.objects.count() == 1


def test_the_clock_may_differ_by_the_allowed_skew(client, faulty, provider_browser, sarah):
    faulty.rewrite = change(iat=int(time.time()) + 30, exp=int(time.time()) + 600)
    assert sign_in(client, provider_browser, "sarah").status_code == 302
    assert signed_in_as(client) == sarah


def test_a_token_for_someone_unlinked_is_refused_and_links_nobody(
    client, faulty, provider_browser, sarah
):
    faulty.rewrite = change(aud="another-service")
    refused(client, provider_browser)
    assert not ExternalIdentity.objects.exists()
    assert failures(sarah) == 0  # nobody is linked to that subject yet


def test_a_forged_signature_is_refused_and_not_counted(client, faulty, provider_browser, sarah):
    sign_in(client, provider_browser, "sarah")
    client.logout()
    # Another key, claiming the provider's key id: the signature does not verify.
    forger = RSAKey.generate_key(2048, parameters={"kid": faulty.provider.signing_key.kid})
    faulty.signing_key = forger
    faulty.rewrite = change()
    refused(client, provider_browser)
    assert failures(sarah) == 0


def test_a_key_the_provider_does_not_publish_is_refused_after_one_fresh_look(
    client, faulty, provider_browser, sarah
):
    assert sign_in(client, provider_browser, "sarah").status_code == 302
    client.logout()
    reads = faulty.key_set_reads
    faulty.signing_key = RSAKey.generate_key(2048, parameters={"kid": "not-published"})
    faulty.rewrite = change()
    refused(client, provider_browser)
    assert faulty.key_set_reads == reads + 1  # fetched again once, then refused


def test_a_rotated_key_is_fetched_once_and_accepted(client, faulty, provider_browser, sarah):
    assert sign_in(client, provider_browser, "sarah").status_code == 302  # keys now kept
    client.logout()
    reads = faulty.key_set_reads
    new_key = RSAKey.generate_key(2048, parameters={"kid": "provider-2"})
    faulty.extra_keys.append(new_key)
    faulty.signing_key = new_key
    faulty.rewrite = change()
    assert sign_in(client, provider_browser, "sarah").status_code == 302
    assert signed_in_as(client) == sarah
    assert faulty.key_set_reads == reads + 1
    client.logout()
    assert sign_in(client, provider_browser, "sarah").status_code == 302
    assert faulty.key_set_reads == reads + 1  # kept since


def test_repeated_bad_tokens_lock_the_account(client, faulty, provider_browser, sarah, settings):
    sign_in(client, provider_browser, "sarah")
    client.logout()
    faulty.rewrite = change(aud="another-service")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        refused(client, provider_browser)
    locked = sign_in(client, provider_browser, "sarah")
    assert locked.status_code == 429
    faulty.rewrite = None
    assert sign_in(client, provider_browser, "sarah").status_code == 429
    assert signed_in_as(client) is None


def test_an_answer_from_another_issuer_is_refused(client, sso, provider_browser, sarah):
    started = client.get(reverse("identity:sso_start"))
    back = provider_browser.visit(started["Location"], account="sarah")
    assert "iss=" in back  # the provider names itself in its answer (RFC 9207)
    answer = client.get(back.replace("iss=", "iss=https%3A%2F%2Fevil.example%2F&was="))
    assert answer.status_code == 400
    assert signed_in_as(client) is None
