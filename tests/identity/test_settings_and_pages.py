"""Local passwords turned off, a programme's ways of signing, the audit history and the admin
site's view of passkeys, the system checks, and the session of a single sign-on."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from competencies import services
from competencies.models import Assessment
from pathway.identity.models import Passkey
from pathway.identity.services import programme_signature_methods_set
from pathway.models import SignatureMethod
from pathway.signatures import Signature, signature_verify
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_local_passwords(settings):
    settings.PATHWAY_LOCAL_PASSWORDS = False
    settings.PATHWAY_OIDC_ISSUER = "https://login.example.nhs.uk"
    settings.PATHWAY_OIDC_CLIENT_ID = "pathway"


def test_without_local_passwords_only_break_glass_accounts_sign_in_with_one(
    client, no_local_passwords, password
):
    mentor = factories.MentorFactory()
    refused = client.post(reverse("login"), {"username": mentor.email, "password": password})
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    admin = factories.AdministratorFactory()
    page = client.get(reverse("identity:break_glass"))
    assert b"Only emergency administrator accounts" in page.content
    allowed = client.post(
        reverse("identity:break_glass"), {"username": admin.email, "password": password}
    )
    assert allowed.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_without_local_passwords_nobody_else_resets_or_signs_with_one(
    client, no_local_passwords, password
):
    record, mentor, (competency,) = factories.enrolled_trainee(competencies=1)
    client.post(reverse("password_reset"), {"email": mentor.email})
    assert mail.outbox == []
    sign_off_request = factories.ask_for_sign_off(record, competency, mentor)
    with pytest.raises(ValidationError) as refused:
        services.sign_off_request_decide(
            actor=mentor,
            sign_off_request=sign_off_request,
            signature=Signature.with_password(password),
            outcome="achieved",
            method=competency.assessment_methods[0],
            assessed_on=timezone.localdate(),
        )
    assert "does not use passwords" in refused.value.message_dict["signature"][0]
    assert not Assessment.objects.exists()
    client.force_login(mentor)
    page = client.get(reverse("competencies:sign_off", args=[sign_off_request.pk]))
    assert b'name="password"' not in page.content
    assert b"Change your password" not in client.get(reverse("pathway:account")).content


def test_a_refused_method_names_what_the_programme_allows(password):
    mentor = factories.MentorFactory()
    with pytest.raises(ValidationError) as refused:
        signature_verify(
            signer=mentor,
            signature=Signature.with_password(password),
            allowed=frozenset({SignatureMethod.PASSKEY, SignatureMethod.SSO}),
        )
    assert refused.value.message_dict["signature"] == [
        "This programme's records are signed with a passkey or signing in again with your NHS "
        "account"
    ]


def test_the_lead_nurse_sets_a_programmes_ways_of_signing(client, settings):
    settings.PATHWAY_PASSKEYS = True
    lead = factories.LeadNurseFactory()
    programme = factories.ProgrammeFactory()
    client.force_login(lead)
    url = reverse("identity:programme_signing", args=[programme.pk])
    page = client.get(url).content.decode()
    assert len(re.findall(r"<input[^>]* checked", page)) == 3  # no rule: every way allowed
    answer = client.post(url, {"methods": ["passkey"]})
    assert answer.status_code == 302
    programme.refresh_from_db()
    assert programme.signature_methods == ["passkey"]
    assert programme.allowed_signature_methods == {"passkey"}
    # All of them is no rule at all.
    client.post(url, {"methods": ["passkey", "sso", "password"]})
    programme.refresh_from_db()
    assert programme.signature_methods == []
    assert programme.allowed_signature_methods is None
    nothing = client.post(url, {})
    assert b"Select at least one way of signing" in nothing.content
    # Single sign-on is not configured here: asking for it alone would stop all signing.
    settings.PATHWAY_OIDC_ISSUER = ""
    with pytest.raises(ValidationError, match="nobody could sign"):
        programme_signature_methods_set(actor=lead, programme=programme, methods=["sso"])


def test_passkey_changes_are_in_the_audit_history(client, settings):
    lead = factories.LeadNurseFactory()
    mentor = factories.MentorFactory(full_name="Mo Mentor")
    Passkey.objects.create(person=mentor, name="Phone", credential_id="cGhvbmU", public_key=b"0")
    client.force_login(lead)
    page = client.get(reverse("cohorts:audit_log") + "?kind=passkey").content.decode()
    assert "Passkey Phone of Mo Mentor" in page


def test_an_administrator_sees_copied_passkeys(client):
    admin = factories.AdministratorFactory()
    mentor = factories.MentorFactory(full_name="Mo Mentor")
    Passkey.objects.create(
        person=mentor,
        name="Phone",
        credential_id="cGhvbmU",
        public_key=b"0",
        cloned_at=timezone.now(),
    )
    client.force_login(admin)
    page = client.get(reverse("admin:pathway_passkey_changelist") + "?copied=yes")
    assert page.status_code == 200
    assert b"Mo Mentor" in page.content


def test_the_system_checks_catch_a_configuration_that_locks_people_out(settings):
    settings.PATHWAY_LOCAL_PASSWORDS = False
    settings.PATHWAY_OIDC_ISSUER = ""
    assert "pathway.E006" in {problem.id for problem in run_checks()}
    settings.PATHWAY_OIDC_ISSUER = "https://login.example.nhs.uk"
    settings.PATHWAY_OIDC_CLIENT_ID = "pathway"
    settings.PATHWAY_OIDC_CLIENT_SECRET = ""
    ids = {problem.id for problem in run_checks()}
    assert "pathway.E004" in ids and "pathway.E006" not in ids


def test_by_default_there_is_no_single_sign_on_and_no_passkeys():
    # `make run` without a provider: the sign-in page is the password form alone.
    assert django_settings.PATHWAY_OIDC_ISSUER == ""
    assert django_settings.PATHWAY_PASSKEYS is False
    assert django_settings.PATHWAY_LOCAL_PASSWORDS is True
    form_action = django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]
    assert form_action == ["'self'"]
