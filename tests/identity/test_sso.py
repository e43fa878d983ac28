"""Single sign-on against a real OpenID provider (oidc-provider, tests/identity/provider.mjs):
the whole authorisation code flow, with the Django test client for Pathway and `requests` for
the browser's visits to the provider, following every redirect for real."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from notifications.models import Kind, Notification
from pathway.identity.models import ExternalIdentity
from pathway.identity.views import ID_TOKEN_KEY
from pathway.models import RoleCode, User
from tests import factories

pytestmark = pytest.mark.django_db


def sign_in(client, browser, account, *, start=None):
    """Start at Pathway, sign in at the provider as `account`, come back: Pathway's answer."""
    started = client.get(start or reverse("identity:sso_start"))
    assert started.status_code == 302, started
    back = browser.visit(started["Location"], account=account)
    assert back.startswith(reverse("identity:sso_callback")), back
    return client.get(back)


def signed_in_as(client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


@pytest.fixture
def sarah(db):
    mentor = factories.MentorFactory(
        full_name="Sarah Mitchell",
        email="sarah.mitchell@nhs.net",
        registration_body="NMC",
        registration_number="12A3456B",
    )
    return mentor


def test_first_sign_in_links_by_verified_email_and_later_ones_by_subject(
    client, sso, provider_browser, sarah, settings
):
    answer = sign_in(client, provider_browser, "sarah")
    assert answer.status_code == 302
    assert signed_in_as(client) == sarah
    link = ExternalIdentity.objects.get(person=sarah)
    assert (link.issuer, link.subject, link.linked_by) == (sso.issuer, "sarah", "email")
    assert link.history.count() == 1  # in the audit history
    assert Notification.objects.filter(recipient=sarah, kind=Kind.SIGN_IN_CHANGED).exists()
    # Roles come from Pathway only.
    assert sarah.role_codes == {RoleCode.MENTOR}
    assert client.session[ID_TOKEN_KEY]
    # The same idle timeout as any other sign-in.
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert client.session.get_expire_at_browser_close()

    # Her address changes in Pathway: the link is by subject now, so she is still herself.
    User.objects.filter(pk=sarah.pk).update(email="s.mitchell@trust.nhs.uk")
    client.logout()
    assert sign_in(client, provider_browser, "sarah").status_code == 302
    assert signed_in_as(client) == sarah
    assert ExternalIdentity.objects.count() == 1


def test_the_request_uses_pkce_state_and_nonce_and_the_callback_works_once(
    client, sso, provider_browser, sarah
):
    started = client.get(reverse("identity:sso_start"))
    query = parse_qs(urlsplit(started["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://testserver/sign-in/nhs/callback/"]
    back = provider_browser.visit(started["Location"], account="sarah")
    assert client.get(back).status_code == 302
    assert signed_in_as(client) == sarah
    # The same callback again (a replay): the sign-in it belonged to is used up.
    client.logout()
    replay = client.get(back)
    assert replay.status_code == 400
    assert b"expired or was already used" in replay.content
    assert signed_in_as(client) is None


def test_linked_by_employee_number_when_the_provider_gives_one(
    client, sso, provider_browser, settings
):
    nina = factories.TraineeFactory(full_name="Nina Number", employee_number="E2002")
    assert sign_in(client, provider_browser, "numbered").status_code == 302
    assert signed_in_as(client) == nina
    assert ExternalIdentity.objects.get(person=nina).linked_by == "employee_number"


def test_private_key_jwt_client_authentication_as_cis2_asks(
    client, sso, provider_browser, settings, sarah
):
    for name, value in sso.private_key_settings(base_url="http://testserver").items():
        setattr(settings, name, value)
    assert sign_in(client, provider_browser, "sarah").status_code == 302
    assert signed_in_as(client) == sarah


def test_someone_pathway_does_not_know_is_told_and_nothing_is_made(client, sso, provider_browser):
    people = User.objects.count()
    answer = sign_in(client, provider_browser, "stranger")
    assert answer.status_code == 403
    assert b"Your lead nurse needs to add you to Pathway" in answer.content
    assert User.objects.count() == people
    assert not ExternalIdentity.objects.exists()
    assert signed_in_as(client) is None


def test_an_unverified_email_links_nobody(client, sso, provider_browser):
    factories.TraineeFactory(email="pat.quinn@nhs.net")
    answer = sign_in(client, provider_browser, "unverified")
    assert answer.status_code == 403
    assert b"Your lead nurse needs to add you to Pathway" in answer.content
    assert not ExternalIdentity.objects.exists()
    assert signed_in_as(client) is None


def test_the_deployment_may_make_people_without_roles(client, sso, provider_browser, settings):
    settings.PATHWAY_SSO_CREATE_PEOPLE = True
    assert sign_in(client, provider_browser, "stranger").status_code == 302
    person = signed_in_as(client)
    assert person.email == "sam.stranger@nhs.net"
    assert person.full_name == "Sam Stranger"
    assert person.role_codes == frozenset()
    assert not person.has_usable_password()
    assert ExternalIdentity.objects.get(person=person).linked_by == "created"


def test_sign_out_ends_the_providers_session_too(client, sso, provider_browser, sarah):
    sign_in(client, provider_browser, "sarah")
    id_token = client.session[ID_TOKEN_KEY]
    answer = client.post(reverse("logout"))
    assert signed_in_as(client) is None
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert answer["Location"].startswith(f"{sso.issuer}/session/end")
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/sign-in/"]
    # The provider accepts it, signs out, and sends the browser back to Pathway's sign-in.
    assert provider_browser.visit(answer["Location"]) == "/sign-in/"
    # Signing in again asks for the account again: the provider's session ended.
    started = client.get(reverse("identity:sso_start"))
    assert provider_browser.asks_to_sign_in(started["Location"])


def test_sign_out_without_single_sign_on_goes_to_the_sign_in_page(client, sso, sarah):
    client.force_login(sarah)
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_failed_callbacks_show_a_clear_page_and_create_nothing(client, sso):
    people = User.objects.count()
    for query in ("", "?state=made-up&code=abc", "?error=access_denied&state=x"):
        answer = client.get(reverse("identity:sso_callback") + query)
        assert answer.status_code == 400, query
        assert b"You are not signed in" in answer.content
    started = client.get(reverse("identity:sso_start"))
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    cancelled = client.get(reverse("identity:sso_callback") + f"?error=access_denied&state={state}")
    assert cancelled.status_code == 400
    assert b"You cancelled signing in" in cancelled.content
    assert User.objects.count() == people
    assert not ExternalIdentity.objects.exists()


def test_a_provider_that_cannot_be_reached_is_a_clear_page(client, settings, sso):
    settings.PATHWAY_OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    answer = client.get(reverse("identity:sso_start"))
    assert answer.status_code == 503
    assert b"cannot reach the NHS sign-in service" in answer.content


def test_without_an_issuer_there_is_no_single_sign_on(client, settings):
    settings.PATHWAY_OIDC_ISSUER = ""
    assert client.get(reverse("identity:sso_start")).status_code == 404
    assert client.get(reverse("identity:sso_callback")).status_code == 404
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your NHS account" not in page
    assert "Sign in with a passkey" not in page
    assert 'name="password"' in page


def test_the_sign_in_page_offers_what_is_configured(client, sso, settings):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your NHS account" in page
    assert "Sign in with a passkey" in page
    assert 'name="password"' in page
    settings.PATHWAY_LOCAL_PASSWORDS = False
    settings.PATHWAY_PASSKEYS = False
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your NHS account" in page
    assert "Sign in with a passkey" not in page
    assert 'name="password"' not in page
    assert reverse("identity:break_glass") in page


def test_locked_accounts_cannot_sign_in_with_their_nhs_account(
    client, sso, provider_browser, sarah, settings
):
    sign_in(client, provider_browser, "sarah")  # linked
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": sarah.email, "password": "wrong"})
    answer = sign_in(client, provider_browser, "sarah")
    assert answer.status_code == 429
    assert signed_in_as(client) is None
    assert AccessAttempt.objects.filter(username=sarah.email).exists()
