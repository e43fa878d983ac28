"""Fixtures for identity tests: a real OpenID provider for the session, Pathway configured to
use it, and a faulty provider in front of it for the faults a real one will not make."""

from __future__ import annotations

import pytest

from tests.identity.faults import FaultyProvider
from tests.identity.provider import ProviderBrowser, start_provider

TESTSERVER = "http://testserver"


@pytest.fixture(scope="session")
def oidc_provider():
    running = start_provider(redirect_bases=[TESTSERVER])
    yield running
    running.stop()


def configure(settings, values: dict) -> None:
    for name, value in values.items():
        setattr(settings, name, value)


@pytest.fixture
def sso(settings, oidc_provider):
    """Pathway with single sign-on against the test provider, and passkeys on."""
    configure(settings, oidc_provider.settings(base_url=TESTSERVER))
    settings.PATHWAY_PASSKEYS = True
    return oidc_provider


@pytest.fixture
def faulty(sso, settings):
    proxy = FaultyProvider(sso)
    settings.PATHWAY_OIDC_DISCOVERY_URL = proxy.discovery_url
    yield proxy
    proxy.stop()


@pytest.fixture
def provider_browser():
    return ProviderBrowser(TESTSERVER)
