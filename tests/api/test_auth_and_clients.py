"""Tokens, scopes, expiry, revocation and the rate limit; the administrator's pages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from api.models import ApiClient
from api.scopes import Scope
from api.tokens import token_hash
from tests import factories

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _is_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


def test_only_a_hash_of_the_token_is_stored_and_it_works(make_client, api_get):
    client, token = make_client([Scope.READ_PEOPLE])
    stored = ApiClient.objects.get(pk=client.pk)
    assert token not in {stored.token_hash, stored.token_prefix}
    assert stored.token_hash == token_hash(token)
    assert token.startswith(f"pw_{stored.token_prefix}_")
    assert api_get("/people", token).status_code == 200
    assert ApiClient.objects.get(pk=client.pk).last_used_at is not None


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer pw_0123456789_wrongsecret"],
)
def test_no_or_an_unknown_token_is_401_problem(client, authorization, make_client):
    make_client()
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/api/v1/people", headers=headers)
    _is_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_right_prefix_with_a_wrong_secret_is_refused(make_client, api_get):
    _client, token = make_client()
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    _is_problem(api_get("/people", forged), 401)


def test_an_expired_or_revoked_token_is_401(make_client, api_get):
    expired, expired_token = make_client()
    ApiClient.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    _is_problem(api_get("/people", expired_token), 401)
    revoked, revoked_token = make_client()
    ApiClient.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    _is_problem(api_get("/people", revoked_token), 401)


def test_a_missing_scope_is_403_naming_it(make_client, api_get):
    _client, token = make_client([Scope.READ_EVENTS])
    body = _is_problem(api_get("/people", token), 403)
    assert "read_people" in body["detail"]


def test_the_rate_limit_is_per_client(make_client, api_get, settings):
    settings.PATHWAY_API_RATE = "3/minute"
    _one, first = make_client()
    _two, second = make_client()
    answers = [api_get("/events", first).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = api_get("/events", first)
    _is_problem(refused, 429)
    assert int(refused["Retry-After"]) >= 1
    assert api_get("/events", second).status_code == 200


# The administrator's pages -----------------------------------------------------------------


def test_the_administrator_creates_a_client_and_sees_the_token_once(client):
    admin = factories.AdministratorFactory()
    client.force_login(admin)
    expires = timezone.localdate() + datetime.timedelta(days=90)
    response = client.post(
        "/api-clients/new/",
        {
            "name": "ESR staff feed",
            "kind": "esr",
            "scopes": ["read_people", "write_people"],
            **factories.date_fields("expires_on", expires),
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    created = ApiClient.objects.get(name="ESR staff feed")
    assert created.created_by == admin and created.scopes == ["read_people", "write_people"]
    token = response.context["token"]
    assert token in response.content.decode()
    assert created.token_hash == token_hash(token)
    # Never again: neither the list nor the client's page shows it.
    for page in ("/api-clients/", f"/api-clients/{created.pk}/"):
        shown = client.get(page)
        assert shown.status_code == 200 and token not in shown.content.decode()
        assert "ESR staff feed" in shown.content.decode()


def test_bad_input_on_the_create_page_is_shown_and_kept(client):
    client.force_login(factories.AdministratorFactory())
    response = client.post(
        "/api-clients/new/",
        {
            "name": "Rostering",
            "kind": "rostering",
            "scopes": [],
            **factories.date_fields("expires_on", datetime.date(2001, 1, 1)),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "nhsuk-error-summary" in page and 'value="Rostering"' in page
    assert not ApiClient.objects.exists()


def test_revoking_stops_the_token(client, make_client, bearer):
    admin = factories.AdministratorFactory()
    created, token = make_client(name="University of Leeds", kind="university")
    client.force_login(admin)
    assert client.get(f"/api-clients/{created.pk}/revoke/").status_code == 200
    response = client.post(f"/api-clients/{created.pk}/revoke/", {})
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.revoked_at is not None and created.revoked_by == admin
    client.logout()
    assert client.get("/api/v1/people", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "role_factory",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.PracticeEducatorFactory,
        factories.ManagerFactory,
        factories.LeadNurseFactory,
    ],
)
def test_everyone_but_the_administrator_is_refused(client, role_factory, make_client):
    created, _token = make_client()
    client.force_login(role_factory())
    for url in (
        "/api-clients/",
        "/api-clients/new/",
        f"/api-clients/{created.pk}/",
        f"/api-clients/{created.pk}/revoke/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/api-clients/{created.pk}/revoke/", {}).status_code == 403
    assert client.post("/api-clients/new/", {"name": "x"}).status_code == 403
    created.refresh_from_db()
    assert created.revoked_at is None and ApiClient.objects.count() == 1


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/api-clients/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_the_documentation_page_and_description_are_served_under_our_csp(client):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "cdn." not in page and "<script>" not in page
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/module-results" in schema["paths"]
