"""OpenID Connect, as a relying party: the authorisation code flow with PKCE, checked ID tokens,
and signing out at the provider (docs/adr/0022-identity-sso-and-passkeys.md).

Authlib runs the OAuth 2.0 parts (the authorisation address with its PKCE challenge, the code
exchange with client_secret_basic or private_key_jwt); joserfc checks the ID token: its
signature against the provider's published keys (fetched from discovery, and fetched again
once when a token names a key Pathway has not seen: the provider rotated its keys), then its
issuer, audience, expiry, nonce and, when signing a record, how recently the person signed in.

The state of each sign-in under way (its state, nonce and PKCE verifier) is kept in the
Django session, never in the browser's address: the callback takes it out, so it works once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet, RSAKey
from joserfc.jws import extract_compact

from pathway.identity.config import OIDCSettings, callback_url, oidc_settings

logger = logging.getLogger(__name__)

# How long the provider's discovery document and keys are kept before being read again.
METADATA_SECONDS = 3600
# A sign-in started but not finished within this time is refused (and forgotten).
STATE_SECONDS = 600
# At most this many sign-ins under way in one session (each tab that starts one adds one).
STATES_KEPT = 5
STATES_KEY = "pathway.identity.oidc_states"
# Asymmetric algorithms only: never "none", never a MAC keyed with the client secret.
SIGNING_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"}


class OIDCError(Exception):
    """Single sign-on did not work. `message` is for the person; the log has the reason."""

    def __init__(self, reason: str, message: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.message = message or (
            "Pathway could not confirm your sign-in with your NHS account. Try again, and if it "
            "keeps happening tell your trust's IT service desk."
        )


class ProviderUnavailable(OIDCError):
    def __init__(self, reason: str):
        super().__init__(
            reason,
            "Pathway cannot reach the NHS sign-in service just now. Try again in a few minutes.",
        )


class TokenRefused(OIDCError):
    """The ID token failed a check. `claims` are set when its signature and issuer were
    good, so the failure can be counted against the person it names."""

    def __init__(self, reason: str, claims: dict | None = None):
        super().__init__(reason)
        self.claims = claims


# The provider's published metadata and keys ---------------------------------------------------


def _cache_key(kind: str, url: str) -> str:
    return f"pathway:oidc:{kind}:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def _get_json(url: str, timeout: int) -> dict:
    try:
        response = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as failure:
        raise ProviderUnavailable(f"could not read {url}: {failure}") from failure
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url} is not a JSON object")
    return document


def metadata(config: OIDCSettings | None = None) -> dict:
    """The provider's discovery document, checked to be for the configured issuer."""
    config = config or _required()
    key = _cache_key("discovery", config.discovery_url)
    document = cache.get(key)
    if document is None:
        document = _get_json(config.discovery_url, config.timeout)
        if document.get("issuer") != config.issuer:
            raise ProviderUnavailable(
                f"discovery names issuer {document.get('issuer')!r}, not {config.issuer!r}"
            )
        for needed in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(needed), str):
                raise ProviderUnavailable(f"discovery has no {needed}")
        cache.set(key, document, METADATA_SECONDS)
    return document


def _key_set(config: OIDCSettings, *, refresh: bool = False) -> KeySet:
    uri = metadata(config)["jwks_uri"]
    key = _cache_key("jwks", uri)
    published = None if refresh else cache.get(key)
    if published is None:
        published = _get_json(uri, config.timeout)
        cache.set(key, published, METADATA_SECONDS)
    try:
        return KeySet.import_key_set(published)
    except (JoseError, ValueError, TypeError, KeyError) as broken:
        raise ProviderUnavailable(f"the provider's keys could not be read: {broken}") from broken


def _required() -> OIDCSettings:
    config = oidc_settings()
    if config is None:
        raise OIDCError("single sign-on is not configured")
    return config


# Starting a sign-in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingSignIn:
    """One sign-in under way, as kept in the session between leaving and coming back."""

    state: str
    nonce: str
    code_verifier: str
    purpose: str
    started: float
    extra: dict

    def as_session(self) -> dict:
        return {
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
            "purpose": self.purpose,
            "started": self.started,
            "extra": self.extra,
        }


def authorisation_url(
    session,
    *,
    purpose: str,
    extra: dict | None = None,
    prompt: str | None = None,
    max_age: int | None = None,
    login_hint: str | None = None,
) -> str:
    """Remember a new sign-in in the session and return the provider's address to send the
    person to: code flow, PKCE S256, a fresh state and nonce."""
    config = _required()
    endpoint = metadata(config)["authorization_endpoint"]
    pending = PendingSignIn(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        purpose=purpose,
        started=time.time(),
        extra=extra or {},
    )
    states = {
        state: entry
        for state, entry in (session.get(STATES_KEY) or {}).items()
        if time.time() - entry.get("started", 0) < STATE_SECONDS
    }
    states[pending.state] = pending.as_session()
    session[STATES_KEY] = dict(sorted(states.items(), key=lambda i: i[1]["started"])[-STATES_KEPT:])
    params = {"nonce": pending.nonce}
    if prompt:
        params["prompt"] = prompt
    if max_age is not None:
        params["max_age"] = str(max_age)
    if login_hint:
        params["login_hint"] = login_hint
    client = OAuth2Session(
        config.client_id,
        scope=config.scopes,
        redirect_uri=callback_url(),
        code_challenge_method="S256",
    )
    url, _state = client.create_authorization_url(
        endpoint, state=pending.state, code_verifier=pending.code_verifier, **params
    )
    return url


def pending_take(session, state: str | None) -> PendingSignIn | None:
    """The sign-in this callback finishes, taken out of the session (so it works once), or
    None when there is none for this state or it is too old."""
    states = dict(session.get(STATES_KEY) or {})
    entry = states.pop(state, None) if isinstance(state, str) else None
    session[STATES_KEY] = states
    if not isinstance(entry, dict) or time.time() - entry.get("started", 0) >= STATE_SECONDS:
        return None
    return PendingSignIn(
        state=state,
        nonce=entry["nonce"],
        code_verifier=entry["code_verifier"],
        purpose=entry["purpose"],
        started=entry["started"],
        extra=entry.get("extra") or {},
    )


# Finishing it ---------------------------------------------------------------------------------


def _token_client(config: OIDCSettings, token_endpoint: str) -> OAuth2Session:
    if config.private_key_pem:
        key = RSAKey.import_key(config.private_key_pem)
        client = OAuth2Session(
            config.client_id,
            key,
            token_endpoint_auth_method="private_key_jwt",
            redirect_uri=callback_url(),
        )
        headers = {"kid": config.private_key_id} if config.private_key_id else None
        client.register_client_auth_method(PrivateKeyJWT(token_endpoint, headers=headers))
        return client
    return OAuth2Session(
        config.client_id,
        config.client_secret,
        token_endpoint_auth_method="client_secret_basic",
        redirect_uri=callback_url(),
    )


def code_exchange(code: str, pending: PendingSignIn) -> dict:
    """Swap the authorisation code for tokens at the token endpoint (with the PKCE
    verifier). Returns the token response; its id_token is not yet checked."""
    config = _required()
    token_endpoint = metadata(config)["token_endpoint"]
    client = _token_client(config, token_endpoint)
    try:
        tokens = client.fetch_token(
            token_endpoint,
            grant_type="authorization_code",
            code=code,
            code_verifier=pending.code_verifier,
            timeout=config.timeout,
        )
    except requests.RequestException as failure:
        raise ProviderUnavailable(f"token endpoint: {failure}") from failure
    except Exception as refused:  # noqa: BLE001 - Authlib's OAuthError and malformed answers
        raise OIDCError(f"token endpoint refused the code: {refused}") from refused
    finally:
        client.close()
    if not isinstance(tokens.get("id_token"), str):
        raise OIDCError("the token response has no id_token")
    return dict(tokens)


def _header(id_token: str) -> dict:
    try:
        return dict(extract_compact(id_token.encode()).headers())
    except (JoseError, ValueError, TypeError) as broken:
        raise TokenRefused(f"not a signed JWT: {broken}") from broken


def _algorithms(config: OIDCSettings) -> list[str]:
    advertised = metadata(config).get("id_token_signing_alg_values_supported") or ["RS256"]
    return sorted(SIGNING_ALGORITHMS.intersection(advertised)) or ["RS256"]


def id_token_verify(id_token: str, *, nonce: str, max_age: int | None = None) -> dict:
    """Check an ID token and return its claims. Refuses (TokenRefused) a bad signature, a
    key the provider does not publish, another issuer or audience, an expired or future
    token, a nonce other than this sign-in's, and (with max_age) a sign-in older than that.
    The clock may differ from the provider's by PATHWAY_OIDC_CLOCK_SKEW_SECONDS."""
    config = _required()
    if not isinstance(id_token, str) or not id_token or len(id_token) > 20_000:
        raise TokenRefused("no usable ID token")
    kid = _header(id_token).get("kid")
    keys = _key_set(config)
    if kid is not None and not any(key.kid == kid for key in keys):
        keys = _key_set(config, refresh=True)  # the provider has rotated its keys: once
    try:
        token = jwt.decode(id_token, keys, algorithms=_algorithms(config))
    except BadSignatureError as bad:
        raise TokenRefused("bad signature") from bad
    except (JoseError, ValueError, TypeError) as unreadable:
        raise TokenRefused(f"unreadable or unknown key: {unreadable}") from unreadable
    claims = dict(token.claims)
    if claims.get("iss") != config.issuer:
        raise TokenRefused(f"issuer {claims.get('iss')!r}")
    registry = jwt.JWTClaimsRegistry(
        leeway=config.clock_skew,
        iss={"essential": True, "value": config.issuer},
        sub={"essential": True},
        aud={"essential": True, "value": config.client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as expired:
        raise TokenRefused("expired", claims) from expired
    except ClaimError as wrong:
        raise TokenRefused(f"claim {wrong}", claims) from wrong
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != config.client_id:
        raise TokenRefused("several audiences and another authorised party", claims)
    if max_age is not None:
        auth_time = claims.get("auth_time")
        if not isinstance(auth_time, int | float) or isinstance(auth_time, bool):
            raise TokenRefused("no auth_time", claims)
        if time.time() - auth_time > max_age + config.clock_skew:
            raise TokenRefused("the sign-in is not recent enough", claims)
    return claims


def with_userinfo(claims: dict, tokens: dict, wanted: list[str]) -> dict:
    """Claims Pathway needs that the ID token leaves out (some providers, CIS2 among them,
    give them at the userinfo endpoint only). The userinfo must be about the same subject."""
    config = _required()
    endpoint = metadata(config).get("userinfo_endpoint")
    missing = [name for name in wanted if name and name not in claims]
    if not missing or not endpoint or not tokens.get("access_token"):
        return claims
    try:
        response = requests.get(
            endpoint,
            timeout=config.timeout,
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        response.raise_for_status()
        info = response.json()
    except (requests.RequestException, ValueError) as failure:
        raise ProviderUnavailable(f"userinfo: {failure}") from failure
    if not isinstance(info, dict) or info.get("sub") != claims.get("sub"):
        raise OIDCError("userinfo is about another subject")
    return {**{name: info[name] for name in missing if name in info}, **claims}


# Signing out ----------------------------------------------------------------------------------


def end_session_url(*, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's sign-out address for this session (RP-initiated logout), or None when
    it offers none, signing out there is turned off, or it cannot be reached."""
    config = oidc_settings()
    if config is None or not config.end_session or not id_token:
        return None
    try:
        endpoint = metadata(config).get("end_session_endpoint")
    except OIDCError as failure:
        logger.warning("Could not sign out at the provider: %s", failure.reason)
        return None
    if not isinstance(endpoint, str) or not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": config.client_id,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
