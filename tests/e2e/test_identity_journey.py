"""A mentor signs in with her NHS account (a real OpenID provider, run for these tests), adds a
passkey, and signs a trainee's competency off with it; the record says how it was signed and
its chain verifies. Then the passkey signs her in with one touch, a failed fingerprint is
refused, and a passkey whose counter goes back (a copy) is refused and switched off.

Passkeys come from Chromium's DevTools virtual authenticator (CTAP2, internal transport,
resident keys, user verification). Every new page is checked with axe at desktop width and at
390 px."""

from __future__ import annotations

import base64

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from competencies.models import Assessment
from pathway.identity.models import Passkey
from pathway.models import SignatureMethod
from tests import factories
from tests.identity.provider import start_provider

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def provider(live_server):
    running = start_provider(redirect_bases=[live_server.url])
    yield running
    running.stop()


@pytest.fixture
def identity_on(settings, provider, live_server):
    for name, value in provider.settings(base_url=live_server.url).items():
        setattr(settings, name, value)
    settings.PATHWAY_PASSKEYS = True
    return provider


@pytest.fixture
def authenticator(page):
    """Chromium's virtual authenticator, as a phone's or a ward computer's built-in one."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable", {"enableUI": False})
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    class Virtual:
        id = added["authenticatorId"]

        def credentials(self):
            return devtools.send("WebAuthn.getCredentials", {"authenticatorId": self.id})[
                "credentials"
            ]

        def user_verified(self, verified: bool):
            devtools.send(
                "WebAuthn.setUserVerified", {"authenticatorId": self.id, "isUserVerified": verified}
            )

        def set_sign_count(self, count: int):
            """Put the credential back with a lower counter: what a copy of it would send."""
            (credential,) = self.credentials()
            devtools.send(
                "WebAuthn.removeCredential",
                {"authenticatorId": self.id, "credentialId": credential["credentialId"]},
            )
            devtools.send(
                "WebAuthn.addCredential",
                {"authenticatorId": self.id, "credential": {**credential, "signCount": count}},
            )

    return Virtual()


@pytest.fixture
def world():
    record, mentor, competencies = factories.enrolled_trainee(competencies=3)
    record.trainee.full_name = "Tom Barker"
    record.trainee.save()
    mentor.full_name = "Sarah Mitchell"
    mentor.email = "sarah.mitchell@nhs.net"
    mentor.registration_body, mentor.registration_number = "NMC", "12A3456B"
    mentor.save()
    requests = [factories.ask_for_sign_off(record, c, mentor) for c in competencies]
    return record, mentor, competencies, requests


def both_widths(page, visit, name):
    """axe (and a screenshot) at desktop width and on a phone."""
    visit(name)
    page.set_viewport_size(PHONE)
    visit(f"{name}-390")
    page.set_viewport_size(DESKTOP)


def decide_achieved(page):
    page.get_by_label("Achieved: competent to practise this unsupervised").check()
    page.locator("input[name=method]").first.check()


def as_url_id(cdp_id: str) -> str:
    return base64.urlsafe_b64encode(base64.b64decode(cdp_id)).rstrip(b"=").decode()


def test_sso_sign_in_passkey_and_signing_off_with_it(
    page, live_server, visit, identity_on, authenticator, world
):
    record, mentor, (first, second, third), requests = world
    # Signing in with the NHS account, at the provider's own page.
    page.goto(f"{live_server.url}/sign-in/")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
    both_widths(page, visit, "identity-sign-in")
    page.get_by_role("button", name="Sign in with your NHS account").click()
    page.locator("input[name=login]").fill("sarah")
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    expect(page.get_by_role("heading", name="My trainees")).to_be_visible()

    # Adding a passkey on the account page.
    page.goto(f"{live_server.url}/account/")
    both_widths(page, visit, "identity-account")
    page.get_by_role("link", name="Your passkeys").click()
    both_widths(page, visit, "identity-passkeys-none")
    page.get_by_role("button", name="Add a passkey").click()
    both_widths(page, visit, "identity-passkey-add")
    page.get_by_label("Name for this passkey").fill("Ward 7 computer")
    page.get_by_role("button", name="Create passkey").click()
    expect(page.get_by_text("Passkey added: Ward 7 computer")).to_be_visible()
    both_widths(page, visit, "identity-passkeys")
    (credential,) = authenticator.credentials()
    assert Passkey.objects.get(person=mentor).credential_id == as_url_id(credential["credentialId"])

    # Signing off with it.
    page.goto(f"{live_server.url}/mentor/requests/{requests[0].pk}/")
    both_widths(page, visit, "identity-sign-off-choices")
    decide_achieved(page)
    page.get_by_role("button", name="Sign with your passkey").click()
    expect(page.get_by_text(f"Signed: {first.code} achieved for Tom Barker")).to_be_visible()
    assessment = Assessment.objects.get(request=requests[0])
    assert assessment.signature_method == SignatureMethod.PASSKEY
    assert assessment.signature_credential == as_url_id(credential["credentialId"])
    page.goto(f"{live_server.url}/records/{record.pk}/competencies/{first.pk}/")
    expect(
        page.get_by_text("Signed with a passkey by Sarah Mitchell, NMC 12A3456B")
    ).to_be_visible()
    both_widths(page, visit, "identity-competency-signed-with-passkey")
    call_command("verify_records")  # raises when a chain is broken

    # The revocation page says how the decision was signed, and offers the passkey.
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/revoke/")
    expect(page.get_by_text("Signed with a passkey by Sarah Mitchell")).to_be_visible()
    expect(page.get_by_role("button", name="Revoke with your passkey")).to_be_visible()
    both_widths(page, visit, "identity-revoke-choices")

    # Signing out ends the NHS session too; the passkey signs her back in with one touch.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_role("heading", name="Sign in to Pathway")).to_be_visible()
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("heading", name="My trainees")).to_be_visible()

    # A fingerprint that does not match: nothing is signed.
    authenticator.user_verified(False)
    page.goto(f"{live_server.url}/mentor/requests/{requests[1].pk}/")
    decide_achieved(page)
    page.get_by_role("button", name="Sign with your passkey").click()
    expect(
        page.get_by_text("Your passkey did not sign").or_(page.get_by_text("did not confirm"))
    ).to_be_visible()
    assert not Assessment.objects.filter(request=requests[1]).exists()
    authenticator.user_verified(True)

    # A copy of the passkey (its counter behind the one Pathway has seen): refused, switched off.
    authenticator.set_sign_count(1)
    page.goto(f"{live_server.url}/mentor/requests/{requests[1].pk}/")
    decide_achieved(page)
    page.get_by_role("button", name="Sign with your passkey").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_text("its use count went backwards")).to_be_visible()
    assert not Assessment.objects.filter(request=requests[1]).exists()
    assert Passkey.objects.get(person=mentor).cloned_at is not None


def test_the_other_new_pages_pass_axe_at_both_widths(
    page, live_server, visit, identity_on, world, settings
):
    record, mentor, competencies, requests = world
    lead = factories.LeadNurseFactory()
    programme = factories.ProgrammeFactory(name="Assistant practitioner 2027")
    page.goto(f"{live_server.url}/sign-in/nhs/callback/")
    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    both_widths(page, visit, "identity-sso-failed")
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("button", name="Sign in with your NHS account").click()
    page.locator("input[name=login]").fill("stranger")
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    expect(page.get_by_role("heading", name="Your lead nurse needs to add you")).to_be_visible()
    both_widths(page, visit, "identity-sso-unknown")

    settings.PATHWAY_LOCAL_PASSWORDS = False
    page.goto(f"{live_server.url}/sign-in/")
    both_widths(page, visit, "identity-sign-in-without-passwords")
    page.get_by_role("link", name="Emergency administrator sign-in").click()
    both_widths(page, visit, "identity-break-glass")
    settings.PATHWAY_LOCAL_PASSWORDS = True

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(lead.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(f"{live_server.url}/programmes/{programme.pk}/signing/")
    both_widths(page, visit, "identity-programme-signing")
    page.get_by_label("With their Pathway password").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Ways of signing saved")).to_be_visible()
    programme.refresh_from_db()
    assert set(programme.signature_methods) == {"passkey", "sso"}

    Passkey.objects.create(person=lead, name="Phone", credential_id="cGhvbmU", public_key=b"\0")
    passkey = Passkey.objects.get(person=lead)
    page.goto(f"{live_server.url}/account/passkeys/{passkey.pk}/rename/")
    both_widths(page, visit, "identity-passkey-rename")
    page.goto(f"{live_server.url}/account/passkeys/{passkey.pk}/remove/")
    both_widths(page, visit, "identity-passkey-remove")
