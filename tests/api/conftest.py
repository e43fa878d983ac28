"""Fixtures for the integration API: clients made through the real service, their tokens."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from api import services
from api.scopes import Scope

ALL_SCOPES = list(Scope.values)


@pytest.fixture
def make_client(db):
    """make_client(scopes=[...], name=...) -> (ApiClient, token)."""
    count = iter(range(1, 1000))

    def make(scopes=ALL_SCOPES, name=None, kind="other"):
        return services.api_client_create(
            actor=None,
            name=name or f"Client {next(count)}",
            kind=kind,
            scopes=list(scopes),
            expires_on=timezone.localdate() + datetime.timedelta(days=30),
        )

    return make


@pytest.fixture
def bearer():
    def headers(token):
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def api_get(client, bearer):
    def get(path, token, **params):
        return client.get(f"/api/v1{path}", params, headers=bearer(token))

    return get
