"""The signature service: the one place where a person's proof of identity is checked.

A sign-off or a revocation is a statement by a named registered professional that a trainee
may (or may not yet) do a clinical task. It is signed with a fresh proof of identity given at
the moment of signing. Every caller (a page, a command, the API) passes what the signer
offered as a `Signature`; `signature_verify` checks it, counts a failure towards the account's
lockout (pathway/lockout.py), and refuses with a ValidationError on the `signature` field.
No form, view or command checks a password, a passkey or a token itself: they call this.

Three methods (docs/adr/0022-identity-sso-and-passkeys.md):
- password: Pathway's own, for local accounts (refused when the deployment has turned local
  passwords off, except for break-glass accounts);
- passkey: a WebAuthn assertion with user verification, whose challenge covers the statement
  being signed (pathway/identity/passkeys.py);
- sso: a fresh sign-in to the NHS account (prompt=login, max_age=0): the ID token is checked
  here, as are how recent the sign-in is, that it is the signer's linked account, and that it
  was asked for this very statement (pathway/identity/signing.py).

The caller says what is being signed (`statement`, the same text whoever computes it) and
which methods the record's programme allows (`allowed`, None for any).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pathway.identity import oidc
from pathway.identity import passkeys as passkey_protocol
from pathway.identity.config import (
    may_use_password,
    methods_named,
    oidc_settings,
    passkeys_enabled,
    sso_enabled,
)
from pathway.identity.models import ExternalIdentity
from pathway.identity.signing import PendingSignature
from pathway.lockout import Client, failed_attempt_record
from pathway.models import SignatureMethod, User

logger = logging.getLogger(__name__)

WRONG_PASSWORD = "The password is not correct"
LOCKED = (
    "Your account has been locked after too many wrong attempts. Sign in again later, or ask "
    "an administrator to unlock it."
)
NO_LOCAL_PASSWORD = (
    "Pathway does not use passwords at your trust: sign with your passkey or your NHS account"
)
NOT_CONFIRMED = "Sign in to your NHS account again to sign this"
SSO_NOT_CHECKED = (
    "Pathway could not confirm your sign-in to your NHS account, so nothing was signed. Try again."
)
SSO_NOT_RECENT = "Your sign-in to your NHS account was not recent enough. Sign again."
SSO_OTHER_ACCOUNT = (
    "You signed in to a different NHS account from the one linked to your Pathway account, so "
    "nothing was signed"
)
SSO_OTHER_DECISION = (
    "The decision is not the one you confirmed with your NHS account, so nothing was signed. "
    "Sign again."
)


class AccountLocked(PermissionDenied):
    """The account is locked: the person is signed out and shown why (pathway.middleware)."""


@dataclass(frozen=True)
class Signature:
    """What a signer offers, at the moment of signing, to prove who they are."""

    method: str
    password: str = field(default="", repr=False)
    passkey_response: str = field(default="", repr=False)
    sso: PendingSignature | None = field(default=None, repr=False)
    client: Client | None = None

    @classmethod
    def with_password(cls, password: str, *, client: Client | None = None) -> Signature:
        return cls(method=SignatureMethod.PASSWORD, password=password or "", client=client)

    @classmethod
    def with_passkey(cls, response_json: str, *, client: Client | None = None) -> Signature:
        return cls(
            method=SignatureMethod.PASSKEY, passkey_response=response_json or "", client=client
        )

    @classmethod
    def with_sso(cls, pending: PendingSignature | None, *, client: Client | None = None):
        return cls(method=SignatureMethod.SSO, sso=pending, client=client)


@dataclass(frozen=True)
class Signed:
    """A verified signature: who signed, how, with which credential, and when."""

    signer: User
    method: str
    credential_id: str
    signed_at: datetime.datetime


def _refuse(person: User, client: Client | None, message: str) -> None:
    """Refuse a failed proof of identity, counting it towards the account's lockout."""
    if failed_attempt_record(email=person.email, client=client):
        raise AccountLocked(LOCKED)
    raise ValidationError({"signature": message})


def _password_matches(person: User, password: str) -> bool:
    # Not User.check_password: it would re-hash an old-style password here, which changes the
    # session's auth hash and signs the person out straight after signing. The hash is
    # upgraded at their next sign-in instead (ADR 0018).
    return bool(password) and check_password(password, person.password)


def methods_available(signer: User) -> frozenset[str]:
    """The ways this deployment lets this person sign at all (before a programme's rule)."""
    available = set()
    if may_use_password(signer):
        available.add(SignatureMethod.PASSWORD)
    if passkeys_enabled():
        available.add(SignatureMethod.PASSKEY)
    if sso_enabled():
        available.add(SignatureMethod.SSO)
    return frozenset(available)


def _check_password(signer: User, signature: Signature) -> str:
    if not may_use_password(signer):
        raise ValidationError({"signature": NO_LOCAL_PASSWORD})
    if not signer.has_usable_password():
        raise ValidationError(
            {"signature": "You have no Pathway password: sign with your passkey or NHS account"}
        )
    if not signature.password:
        raise ValidationError({"signature": "Enter your password to sign"})
    if not _password_matches(signer, signature.password):
        _refuse(signer, signature.client, WRONG_PASSWORD)
    return ""


def _check_passkey(signer: User, signature: Signature, statement: str) -> str:
    if not signature.passkey_response:
        raise ValidationError({"signature": "Use your passkey to sign"})
    try:
        use = passkey_protocol.assertion_verify(
            signature.passkey_response,
            purpose=passkey_protocol.Purpose.SIGN,
            person=signer,
            statement=statement,
        )
    except passkey_protocol.PasskeyRefused as refused:
        logger.info("Passkey signature refused for %s: %s", signer.pk, refused.reason)
        _refuse(signer, signature.client, refused.message)
    return passkey_protocol.credential_for_record(use.passkey)


def _check_sso(signer: User, signature: Signature, statement: str) -> str:
    pending = signature.sso
    if pending is None or pending.person_id != signer.pk:
        raise ValidationError({"signature": NOT_CONFIRMED})
    if pending.error:  # the provider said no (cancelled, not signed in): not a wrong proof
        raise ValidationError({"signature": pending.error})
    if not pending.id_token:
        raise ValidationError({"signature": NOT_CONFIRMED})
    if pending.statement != statement:
        raise ValidationError({"signature": SSO_OTHER_DECISION})
    config = oidc_settings()
    try:
        claims = oidc.id_token_verify(
            pending.id_token, nonce=pending.nonce, max_age=config.reauth_max_age
        )
    except oidc.TokenRefused as refused:
        logger.info("Single sign-on signature refused for %s: %s", signer.pk, refused.reason)
        message = SSO_NOT_RECENT if "recent" in refused.reason else SSO_NOT_CHECKED
        _refuse(signer, signature.client, message)
    except oidc.OIDCError as unavailable:
        raise ValidationError({"signature": unavailable.message}) from unavailable
    linked = ExternalIdentity.objects.filter(person=signer, issuer=config.issuer).first()
    if linked is None or linked.subject != claims["sub"]:
        _refuse(signer, signature.client, SSO_OTHER_ACCOUNT)
    return linked.subject[:255]


def signature_verify(
    *,
    signer: User,
    signature: Signature | None,
    statement: str = "",
    allowed: frozenset[str] | None = None,
) -> Signed:
    """Check a signature of `statement`. Returns what was verified; raises
    ValidationError({"signature": …}) when it is wrong (counted towards the lockout) or not
    allowed, and AccountLocked when the account is or becomes locked."""
    # A locked account has no session left to sign from (locking ends them all), so the lock
    # is not read again on each signature: only a failure asks whether it now locks.
    if signature is None or not signature.method:
        raise ValidationError({"signature": "Sign with your password, passkey or NHS account"})
    method = signature.method
    if allowed is not None and method not in allowed:
        raise ValidationError(
            {"signature": f"This programme's records are signed with {methods_named(allowed)}"}
        )
    if method not in methods_available(signer):
        if method == SignatureMethod.PASSWORD:
            raise ValidationError({"signature": NO_LOCAL_PASSWORD})
        raise ValidationError({"signature": "This way of signing is not available"})
    if method == SignatureMethod.PASSWORD:
        credential = _check_password(signer, signature)
    elif method == SignatureMethod.PASSKEY:
        credential = _check_passkey(signer, signature, statement)
    else:
        credential = _check_sso(signer, signature, statement)
    return Signed(signer=signer, method=method, credential_id=credential, signed_at=timezone.now())


def password_verify(*, person: User, password: str, client: Client | None = None) -> None:
    """Confirm a person's current password outside signing (changing it): the same check and
    the same lockout as a signature."""
    signature_verify(signer=person, signature=Signature.with_password(password, client=client))
