"""Reads for identity: how a person may sign, their passkeys, their NHS account link."""

from __future__ import annotations

from dataclasses import dataclass

from pathway.identity.config import may_use_password, oidc_settings, passkeys_enabled
from pathway.identity.models import ExternalIdentity, Passkey
from pathway.models import Programme, SignatureMethod


@dataclass(frozen=True)
class SigningChoices:
    """The ways a signer is offered on a signing page: allowed by the programme (if it has a
    rule), offered by the deployment, and usable by this person."""

    password: bool
    passkey: bool
    sso: bool
    # Passkeys are allowed and on, but this person has none yet.
    passkey_missing: bool
    # The programme's rule, when it has one: the methods it allows.
    allowed: frozenset[str] | None

    @property
    def any(self) -> bool:
        return self.password or self.passkey or self.sso

    @property
    def several(self) -> bool:
        return (self.password + self.passkey + self.sso) > 1


def _allows(allowed, method) -> bool:
    return allowed is None or method in allowed


def signing_choices(signer, *, allowed: frozenset[str] | None = None) -> SigningChoices:
    if signer is None or not signer.is_authenticated:
        return SigningChoices(False, False, False, False, allowed)
    password = (
        _allows(allowed, SignatureMethod.PASSWORD)
        and may_use_password(signer)
        and signer.has_usable_password()
    )
    passkey_on = _allows(allowed, SignatureMethod.PASSKEY) and passkeys_enabled()
    has_passkey = (
        passkey_on and Passkey.objects.filter(person=signer, cloned_at__isnull=True).exists()
    )
    config = oidc_settings()
    sso = bool(
        config
        and _allows(allowed, SignatureMethod.SSO)
        and ExternalIdentity.objects.filter(person=signer, issuer=config.issuer).exists()
    )
    return SigningChoices(
        password=password,
        passkey=has_passkey,
        sso=sso,
        passkey_missing=passkey_on and not has_passkey,
        allowed=allowed,
    )


def passkeys_of(person):
    return Passkey.objects.filter(person=person).order_by("created_at", "pk")


def passkey_of(person, pk) -> Passkey:
    """One of the person's own passkeys (DoesNotExist otherwise: someone else's is a 404)."""
    return Passkey.objects.get(person=person, pk=pk)


def account_links_of(person):
    return ExternalIdentity.objects.filter(person=person).order_by("linked_at")


def programme_by_pk(pk) -> Programme:
    return Programme.objects.get(pk=pk)
