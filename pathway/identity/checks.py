"""System checks for signing in: a configuration that would lock people out, or leak, is
reported by `manage.py check` (and `check --deploy`) before anyone meets it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


def _loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in {"localhost", "127.0.0.1", "::1"}


@register(Tags.security)
def single_sign_on_configured(app_configs, **kwargs):
    problems = []
    issuer = settings.PATHWAY_OIDC_ISSUER
    key_file = settings.PATHWAY_OIDC_PRIVATE_KEY_FILE
    if issuer and not settings.PATHWAY_OIDC_CLIENT_ID:
        problems.append(
            Error(
                "PATHWAY_OIDC_ISSUER is set without PATHWAY_OIDC_CLIENT_ID: single sign-on is off.",
                hint="Set the client id the provider gave Pathway (docs/identity.md).",
                id="pathway.E003",
            )
        )
    if issuer and not (settings.PATHWAY_OIDC_CLIENT_SECRET or key_file):
        problems.append(
            Error(
                "Single sign-on has neither a client secret nor a private key.",
                hint="Set PATHWAY_OIDC_CLIENT_SECRET, or PATHWAY_OIDC_PRIVATE_KEY_FILE for "
                "private_key_jwt (CIS2).",
                id="pathway.E004",
            )
        )
    if key_file and not Path(key_file).is_file():
        problems.append(
            Error(
                f"PATHWAY_OIDC_PRIVATE_KEY_FILE ({key_file}) is not a file Pathway can read.",
                id="pathway.E005",
            )
        )
    if not settings.PATHWAY_LOCAL_PASSWORDS and not issuer:
        problems.append(
            Error(
                "Local passwords are off and single sign-on is not configured: only "
                "superusers could sign in.",
                hint="Set PATHWAY_OIDC_ISSUER (and its client), or PATHWAY_LOCAL_PASSWORDS=true.",
                id="pathway.E006",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def identity_over_https(app_configs, **kwargs):
    problems = []
    issuer = settings.PATHWAY_OIDC_ISSUER
    if issuer and not issuer.startswith("https://") and not _loopback(issuer):
        problems.append(
            Warning(
                "PATHWAY_OIDC_ISSUER does not use HTTPS.",
                hint="An NHS provider's issuer is an https:// address.",
                id="pathway.W003",
            )
        )
    base = settings.PATHWAY_BASE_URL
    if settings.PATHWAY_PASSKEYS and not base.startswith("https://") and not _loopback(base):
        problems.append(
            Warning(
                "Passkeys are on but PATHWAY_BASE_URL is not HTTPS: browsers will refuse them.",
                id="pathway.W004",
            )
        )
    return problems
