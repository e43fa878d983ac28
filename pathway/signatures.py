"""The signature service: the one place where a person's proof of identity is checked.

A sign-off or a revocation is a statement by a named registered professional that a trainee
may (or may not yet) do a clinical task. It is signed with a fresh proof of identity given at
the moment of signing. Every caller (a page, a command, the API) passes what the signer
offered as a `Signature`; `signature_verify` checks it, counts a failure towards the account's
lockout (pathway/lockout.py), and refuses with a ValidationError on the `signature` field.
No form, view or command checks a password itself: they call this.

Password is the method today; passkeys and single sign-on re-authentication join it here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pathway.lockout import Client, failed_attempt_record
from pathway.models import SignatureMethod, User

WRONG_PASSWORD = "The password is not correct"
LOCKED = (
    "Your account has been locked after too many wrong attempts. Sign in again later, or ask "
    "an administrator to unlock it."
)


class AccountLocked(PermissionDenied):
    """The account is locked: the person is signed out and shown why (pathway.middleware)."""


@dataclass(frozen=True)
class Signature:
    """What a signer offers, at the moment of signing, to prove who they are."""

    method: str
    password: str = field(default="", repr=False)
    client: Client | None = None

    @classmethod
    def with_password(cls, password: str, *, client: Client | None = None) -> Signature:
        return cls(method=SignatureMethod.PASSWORD, password=password or "", client=client)


@dataclass(frozen=True)
class Signed:
    """A verified signature: who signed, how, with which credential, and when."""

    signer: User
    method: str
    credential_id: str
    signed_at: datetime.datetime


def _refuse(person: User, client: Client | None, message: str) -> None:
    if failed_attempt_record(email=person.email, client=client):
        raise AccountLocked(LOCKED)
    raise ValidationError({"signature": message})


def _password_matches(person: User, password: str) -> bool:
    # Not User.check_password: it would re-hash an old-style password here, which changes the
    # session's auth hash and signs the person out straight after signing. The hash is
    # upgraded at their next sign-in instead (ADR 0018).
    return bool(password) and check_password(password, person.password)


def signature_verify(*, signer: User, signature: Signature | None) -> Signed:
    """Check a signature. Returns what was verified; raises ValidationError({"signature": …})
    when it is wrong (counted towards the lockout) and AccountLocked when the account is or
    becomes locked."""
    # A locked account has no session left to sign from (locking ends them all), so the lock
    # is not read again on each signature: only a failure asks whether it now locks.
    client = signature.client if signature else None
    if signature is None or not signature.method:
        raise ValidationError({"signature": "Sign with your password"})
    if signature.method != SignatureMethod.PASSWORD:
        raise ValidationError({"signature": "This way of signing is not available"})
    if not signature.password:
        raise ValidationError({"signature": "Enter your password to sign"})
    if not _password_matches(signer, signature.password):
        _refuse(signer, client, WRONG_PASSWORD)
    return Signed(
        signer=signer, method=signature.method, credential_id="", signed_at=timezone.now()
    )


def password_verify(*, person: User, password: str, client: Client | None = None) -> None:
    """Confirm a person's current password outside signing (changing it): the same check and
    the same lockout as a signature."""
    signature_verify(signer=person, signature=Signature.with_password(password, client=client))
