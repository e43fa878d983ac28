"""Passkeys (WebAuthn, with py_webauthn): handing out challenges and checking what the
browser's authenticator answered, for adding a passkey, signing in and signing a record.

User verification (fingerprint, face or PIN) is required every time. Each challenge is kept
in the database until it is used once or expires (PasskeyChallenge): a replayed answer finds
its challenge gone. When signing a record, the challenge is a random nonce followed by the
SHA-256 of the statement being signed (what competencies/signing.py makes of the decision), so
the authenticator's signature covers that exact decision: a different one does not verify.

A passkey whose signature counter goes backwards may have been copied from its authenticator:
it is refused, switched off, logged, and the person told (pathway.identity.signals).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from pathway.identity.config import passkey_rp_id, site_origin
from pathway.identity.models import Passkey, PasskeyChallenge
from pathway.identity.signals import sign_in_changed

logger = logging.getLogger(__name__)

CHALLENGE_SECONDS = 300
# What the browser is told to wait for the person (a hint: browsers may wait less).
CEREMONY_TIMEOUT_MS = 120_000
NONCE_BYTES = 32
# Nobody's answer is this long; a bigger one is refused before it is parsed.
MOST_JSON = 20_000
RP_NAME = "Pathway"
Purpose = PasskeyChallenge.Purpose


class PasskeyRefused(Exception):
    """The passkey's answer was not accepted. `person` is whose account the failure counts
    against (None when it names no passkey Pathway knows)."""

    def __init__(self, message: str, *, person=None, reason: str = ""):
        super().__init__(message)
        self.message = message
        self.person = person
        self.reason = reason or message


NOT_CHECKED = "Your passkey could not be checked. Try again, or use another way."
EXPIRED = "That passkey request has expired or was already used. Try again."
NOT_YOURS = "That passkey is not one of yours on Pathway."
UNKNOWN = "Pathway does not know that passkey. Sign in another way and add it on your account page."
SWITCHED_OFF = (
    "That passkey has been switched off because it may have been copied. Use another way, "
    "and remove it on your account page."
)
CLONED = (
    "That passkey has been refused and switched off: its use count went backwards, which can "
    "mean it was copied. Use another way to sign, and tell your lead nurse."
)
DECISION_CHANGED = "The decision changed after your passkey was asked to sign it. Sign again."
UNVERIFIED = (
    "Your passkey did not confirm it was you (fingerprint, face or PIN). Try again, and "
    "unlock it when asked."
)


def statement_digest(statement: str) -> bytes:
    return hashlib.sha256(statement.encode()).digest()


def user_handle(person) -> bytes:
    """The WebAuthn user id for a person: stable and opaque (no email or number in it)."""
    return salted_hmac("pathway.passkey.user", str(person.pk), algorithm="sha256").digest()


def _issue(*, purpose: str, person=None) -> bytes:
    now = timezone.now()
    PasskeyChallenge.objects.filter(expires_at__lte=now).delete()
    nonce = secrets.token_bytes(NONCE_BYTES)
    PasskeyChallenge.objects.create(
        nonce=bytes_to_base64url(nonce),
        person=person,
        purpose=purpose,
        expires_at=now + datetime.timedelta(seconds=CHALLENGE_SECONDS),
    )
    return nonce


def _consume(nonce: bytes, *, purpose: str, person=None) -> bool:
    """Use a challenge up: True when it was there, unexpired, for this purpose and person."""
    deleted, _ = PasskeyChallenge.objects.filter(
        nonce=bytes_to_base64url(nonce),
        purpose=purpose,
        person=person,
        expires_at__gt=timezone.now(),
    ).delete()
    return bool(deleted)


def usable_passkeys(person):
    return Passkey.objects.filter(person=person, cloned_at__isnull=True)


def _descriptors(passkeys) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id)) for p in passkeys]


# Adding a passkey -----------------------------------------------------------------------------


def registration_options(person) -> dict:
    """What the browser needs to create a passkey for this person (as JSON)."""
    nonce = _issue(purpose=Purpose.REGISTER, person=person)
    options = generate_registration_options(
        rp_id=passkey_rp_id(),
        rp_name=RP_NAME,
        user_id=user_handle(person),
        user_name=person.email,
        user_display_name=person.full_name or person.email,
        challenge=nonce,
        timeout=CEREMONY_TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(Passkey.objects.filter(person=person)),
    )
    return json.loads(options_to_json(options))


@dataclass(frozen=True)
class NewPasskey:
    credential_id: str
    public_key: bytes
    sign_count: int
    aaguid: str
    transports: list[str]
    backed_up: bool


def registration_verify(person, response_json: str) -> NewPasskey:
    """Check the browser's answer to registration_options; refuses with PasskeyRefused."""
    if not response_json or len(response_json) > MOST_JSON:
        raise PasskeyRefused("Your browser did not create a passkey. Try again.", person=person)
    try:
        credential = parse_registration_credential_json(response_json)
        challenge = parse_client_data_json(credential.response.client_data_json).challenge
    except Exception as unreadable:  # noqa: BLE001 - anything a browser (or anyone) sends
        raise PasskeyRefused(NOT_CHECKED, person=person, reason=str(unreadable)) from unreadable
    if not _consume(challenge, purpose=Purpose.REGISTER, person=person):
        raise PasskeyRefused(EXPIRED, person=person, reason="challenge not found")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=passkey_rp_id(),
            expected_origin=site_origin(),
            require_user_verification=True,
        )
    except Exception as refused:  # noqa: BLE001 - py_webauthn's refusals and malformed data
        message = UNVERIFIED if "verif" in str(refused).lower() else NOT_CHECKED
        raise PasskeyRefused(message, person=person, reason=str(refused)) from refused
    return NewPasskey(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        aaguid=str(verified.aaguid or ""),
        transports=[t.value for t in (credential.response.transports or [])],
        backed_up=bool(verified.credential_backed_up),
    )


# Signing in and signing -----------------------------------------------------------------------


def authentication_options(*, purpose: str, person=None, statement: str = "") -> dict:
    """What the browser needs to ask a passkey to sign in (any of the site's passkeys: the
    authenticator offers the ones it holds) or to sign a statement (the signer's passkeys)."""
    nonce = _issue(purpose=purpose, person=person if purpose != Purpose.SIGN_IN else None)
    challenge = nonce + statement_digest(statement) if purpose == Purpose.SIGN else nonce
    allowed = _descriptors(usable_passkeys(person)) if person is not None else []
    options = generate_authentication_options(
        rp_id=passkey_rp_id(),
        challenge=challenge,
        timeout=CEREMONY_TIMEOUT_MS,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return json.loads(options_to_json(options))


@dataclass(frozen=True)
class PasskeyUse:
    passkey: Passkey
    sign_count: int


def assertion_verify(
    response_json: str, *, purpose: str, person=None, statement: str = ""
) -> PasskeyUse:
    """Check a passkey's answer to authentication_options. For signing, `person` is the
    signer and `statement` what is being signed; for signing in, the passkey says who."""
    if not response_json or len(response_json) > MOST_JSON:
        raise PasskeyRefused(NOT_CHECKED, person=person, reason="no answer")
    try:
        credential = parse_authentication_credential_json(response_json)
        challenge = parse_client_data_json(credential.response.client_data_json).challenge
    except Exception as unreadable:  # noqa: BLE001 - anything a browser (or anyone) sends
        raise PasskeyRefused(NOT_CHECKED, person=person, reason=str(unreadable)) from unreadable
    passkey = Passkey.objects.select_related("person").filter(credential_id=credential.id).first()
    if passkey is None:
        raise PasskeyRefused(UNKNOWN if person is None else NOT_YOURS, person=person)
    if person is not None and passkey.person_id != person.pk:
        raise PasskeyRefused(NOT_YOURS, person=person, reason="another person's passkey")
    owner = passkey.person
    nonce = challenge[:NONCE_BYTES]
    expected = nonce + statement_digest(statement) if purpose == Purpose.SIGN else nonce
    used = _consume(nonce, purpose=purpose, person=person if purpose == Purpose.SIGN else None)
    if not used:
        raise PasskeyRefused(EXPIRED, person=owner, reason="challenge not found or used")
    if challenge != expected:
        raise PasskeyRefused(DECISION_CHANGED, person=owner, reason="statement differs")
    if passkey.cloned_at is not None:
        raise PasskeyRefused(SWITCHED_OFF, person=owner, reason="switched off")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=expected,
            expected_rp_id=passkey_rp_id(),
            expected_origin=site_origin(),
            credential_public_key=bytes(passkey.public_key),
            # The counter is compared below, once the signature is known to be good, so that a
            # copied passkey is told apart from a merely wrong answer.
            credential_current_sign_count=0,
            require_user_verification=True,
        )
    except Exception as refused:  # noqa: BLE001 - py_webauthn's refusals and malformed data
        message = UNVERIFIED if "user verification" in str(refused).lower() else NOT_CHECKED
        raise PasskeyRefused(message, person=owner, reason=str(refused)) from refused
    new_count = verified.new_sign_count
    if (new_count or passkey.sign_count) and new_count <= passkey.sign_count:
        _switch_off_copied(passkey, new_count)
        raise PasskeyRefused(CLONED, person=owner, reason="sign count went backwards")
    Passkey.objects.filter(pk=passkey.pk).update(sign_count=new_count, last_used_at=timezone.now())
    passkey.sign_count = new_count
    return PasskeyUse(passkey=passkey, sign_count=new_count)


def _switch_off_copied(passkey: Passkey, seen_count: int) -> None:
    logger.warning(
        "Passkey %s of person %s refused: its sign count went from %s to %s (a copy?)",
        passkey.pk,
        passkey.person_id,
        passkey.sign_count,
        seen_count,
    )
    with transaction.atomic():
        passkey.cloned_at = timezone.now()
        passkey._change_reason = (
            f"Refused: signature counter went backwards ({passkey.sign_count} to {seen_count})"
        )
        passkey.save(update_fields=["cloned_at"])
        sign_in_changed.send(
            sender=Passkey, person=passkey.person, change="passkey_copied", name=passkey.name
        )


def credential_for_record(passkey: Passkey) -> str:
    """The credential id as a signed record keeps it (at most 255 characters)."""
    if len(passkey.credential_id) <= 255:
        return passkey.credential_id
    return "sha256:" + hashlib.sha256(passkey.credential_id.encode()).hexdigest()
