"""What this deployment offers for signing in and signing, read from settings when asked (so a
test, or an operator's change of environment and restart, is seen without anything cached)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from pathway.models import SignatureMethod


@dataclass(frozen=True)
class OIDCSettings:
    issuer: str
    discovery_url: str
    client_id: str
    client_secret: str
    private_key_pem: str
    private_key_id: str
    scopes: str
    email_claim: str
    email_verified_claim: str
    employee_number_claim: str
    name_claim: str
    end_session: bool
    clock_skew: int
    reauth_max_age: int
    timeout: int

    @property
    def token_endpoint_auth_method(self) -> str:
        return "private_key_jwt" if self.private_key_pem else "client_secret_basic"


def oidc_settings() -> OIDCSettings | None:
    """Single sign-on's settings, or None when it is off (no issuer or no client id)."""
    issuer = (settings.PATHWAY_OIDC_ISSUER or "").strip().rstrip("/")
    client_id = (settings.PATHWAY_OIDC_CLIENT_ID or "").strip()
    if not issuer or not client_id:
        return None
    key_file = (getattr(settings, "PATHWAY_OIDC_PRIVATE_KEY_FILE", "") or "").strip()
    return OIDCSettings(
        issuer=settings.PATHWAY_OIDC_ISSUER.strip(),
        discovery_url=(settings.PATHWAY_OIDC_DISCOVERY_URL or "").strip()
        or f"{issuer}/.well-known/openid-configuration",
        client_id=client_id,
        client_secret=settings.PATHWAY_OIDC_CLIENT_SECRET or "",
        private_key_pem=Path(key_file).read_text() if key_file else "",
        private_key_id=settings.PATHWAY_OIDC_PRIVATE_KEY_ID or "",
        scopes=settings.PATHWAY_OIDC_SCOPES or "openid",
        email_claim=settings.PATHWAY_OIDC_EMAIL_CLAIM or "",
        email_verified_claim=settings.PATHWAY_OIDC_EMAIL_VERIFIED_CLAIM or "",
        employee_number_claim=settings.PATHWAY_OIDC_EMPLOYEE_NUMBER_CLAIM or "",
        name_claim=settings.PATHWAY_OIDC_NAME_CLAIM or "",
        end_session=bool(settings.PATHWAY_OIDC_END_SESSION),
        clock_skew=max(0, int(settings.PATHWAY_OIDC_CLOCK_SKEW_SECONDS)),
        reauth_max_age=max(0, int(settings.PATHWAY_OIDC_REAUTH_MAX_AGE_SECONDS)),
        timeout=max(1, int(settings.PATHWAY_OIDC_TIMEOUT_SECONDS)),
    )


def sso_enabled() -> bool:
    return oidc_settings() is not None


def passkeys_enabled() -> bool:
    return bool(settings.PATHWAY_PASSKEYS)


def local_passwords_enabled() -> bool:
    return bool(settings.PATHWAY_LOCAL_PASSWORDS)


def is_break_glass(person) -> bool:
    """A break-glass account keeps its password when local passwords are off: a superuser,
    made at the command line for when single sign-on itself is down."""
    return bool(person is not None and person.is_superuser)


def may_use_password(person) -> bool:
    return local_passwords_enabled() or is_break_glass(person)


def site_origin() -> str:
    """Pathway's origin as browsers see it (passkeys are bound to it)."""
    parts = urlsplit(settings.PATHWAY_BASE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def passkey_rp_id() -> str:
    """The WebAuthn relying party id: the site's host name, unless set."""
    return (settings.PATHWAY_PASSKEY_RP_ID or "").strip() or (
        urlsplit(settings.PATHWAY_BASE_URL).hostname or "localhost"
    )


def callback_url() -> str:
    return settings.PATHWAY_BASE_URL.rstrip("/") + "/sign-in/nhs/callback/"


def post_logout_url() -> str:
    return settings.PATHWAY_BASE_URL.rstrip("/") + "/sign-in/"


METHOD_NAMES = {
    SignatureMethod.PASSWORD: "your password",
    SignatureMethod.PASSKEY: "a passkey",
    SignatureMethod.SSO: "signing in again with your NHS account",
}


def methods_named(methods) -> str:
    """'a passkey or signing in again with your NHS account', in SignatureMethod's order."""
    names = [METHOD_NAMES[m] for m in SignatureMethod.values if m in set(methods)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def offered_methods() -> frozenset[str]:
    """The ways of signing this deployment offers at all (before any programme's rule)."""
    offered = set()
    if local_passwords_enabled():
        offered.add(SignatureMethod.PASSWORD)
    if passkeys_enabled():
        offered.add(SignatureMethod.PASSKEY)
    if sso_enabled():
        offered.add(SignatureMethod.SSO)
    return frozenset(offered)
