"""Writes for identity: linking an NHS account to a person at their first single sign-on,
signing in with it or with a passkey, a person's passkeys, and a programme's signing rule.

Roles always come from Pathway: nothing a provider says grants one.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pathway.identity import passkeys as passkey_protocol
from pathway.identity.config import (
    methods_named,
    offered_methods,
    oidc_settings,
    passkeys_enabled,
)
from pathway.identity.models import ExternalIdentity, Passkey
from pathway.identity.signals import sign_in_changed
from pathway.lockout import Client, failed_attempt_record, is_locked_out
from pathway.models import Programme, SignatureMethod, User

logger = logging.getLogger(__name__)


class SignInRefused(Exception):
    """Single sign-on or a passkey proved someone, but Pathway will not sign them in.
    `kind` picks the page: "unknown" (not in Pathway), "locked", or "refused"."""

    def __init__(self, kind: str, message: str = ""):
        super().__init__(message or kind)
        self.kind = kind
        self.message = message


# Single sign-on -------------------------------------------------------------------------------


def _claim_true(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def verified_email(claims: dict) -> str:
    """The email address the provider vouches for, lower case, or "" when it does not."""
    config = oidc_settings()
    email = claims.get(config.email_claim) if config and config.email_claim else None
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        return ""
    if config.email_verified_claim and not _claim_true(claims.get(config.email_verified_claim)):
        return ""
    return email.strip().lower()


def _employee_number(claims: dict) -> str:
    config = oidc_settings()
    if not config or not config.employee_number_claim:
        return ""
    number = claims.get(config.employee_number_claim)
    if isinstance(number, int) and not isinstance(number, bool):
        number = str(number)
    return number.strip()[:32] if isinstance(number, str) else ""


def _match(claims: dict) -> tuple[User | None, str]:
    """The existing person these claims are, and how they were matched."""
    by_email = by_number = None
    if email := verified_email(claims):
        by_email = User.objects.filter(email__iexact=email).first()
    if number := _employee_number(claims):
        by_number = User.objects.filter(employee_number=number).first()
    if by_email and by_number and by_email.pk != by_number.pk:
        logger.warning(
            "Single sign-on for %s matched two people (by email %s, by number %s): refused",
            claims.get("sub"),
            by_email.pk,
            by_number.pk,
        )
        raise SignInRefused(
            "refused",
            "Your NHS account's email address and employee number belong to two different "
            "people in Pathway. Ask your lead nurse to check your details.",
        )
    if by_email:
        return by_email, ExternalIdentity.LinkedBy.EMAIL
    if by_number:
        return by_number, ExternalIdentity.LinkedBy.EMPLOYEE_NUMBER
    return None, ""


def _created_person(claims: dict) -> User:
    from django.conf import settings

    email = verified_email(claims)
    if not settings.PATHWAY_SSO_CREATE_PEOPLE or not email:
        raise SignInRefused("unknown")
    config = oidc_settings()
    name = claims.get(config.name_claim) if config.name_claim else ""
    person = User.objects.create_user(
        email=email, full_name=(name if isinstance(name, str) else "").strip()[:150] or email
    )
    logger.info("Single sign-on made a new person %s (no roles)", person.pk)
    return person


@transaction.atomic
def _link(claims: dict, *, issuer: str) -> ExternalIdentity:
    subject = claims["sub"]
    person, linked_by = _match(claims)
    if person is None:
        person = _created_person(claims)
        linked_by = ExternalIdentity.LinkedBy.CREATED
    if ExternalIdentity.objects.filter(person=person, issuer=issuer).exists():
        logger.warning(
            "Single sign-on subject %s would link person %s, who is linked to another subject",
            subject,
            person.pk,
        )
        raise SignInRefused(
            "refused",
            "Your Pathway account is already linked to a different NHS account. Ask your lead "
            "nurse or the IT service desk to check which NHS account is yours.",
        )
    try:
        with transaction.atomic():
            link = ExternalIdentity.objects.create(
                person=person, issuer=issuer, subject=subject, linked_by=linked_by
            )
    except IntegrityError as raced:  # the same first sign-in in two tabs at once
        link = ExternalIdentity.objects.filter(issuer=issuer, subject=subject).first()
        if link is None:
            raise SignInRefused("refused") from raced
        return link
    sign_in_changed.send(sender=ExternalIdentity, person=person, change="account_linked", name="")
    return link


def sso_sign_in(*, claims: dict, issuer: str, client: Client | None = None) -> User:
    """The person a checked ID token (and userinfo) names: found by issuer and subject, or,
    the first time, linked by verified email or employee number. Raises SignInRefused."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SignInRefused("refused", "Your NHS account did not say who you are.")
    link = (
        ExternalIdentity.objects.select_related("person")
        .filter(issuer=issuer, subject=subject)
        .first()
    ) or _link(claims, issuer=issuer)
    person = link.person
    if not person.is_active:
        raise SignInRefused(
            "refused", "Your Pathway account has been switched off. Ask your lead nurse for help."
        )
    if is_locked_out(email=person.email, client=client):
        raise SignInRefused("locked")
    ExternalIdentity.objects.filter(pk=link.pk).update(last_signed_in_at=timezone.now())
    return person


def linked_person(*, issuer: str, subject) -> User | None:
    if not isinstance(subject, str):
        return None
    link = ExternalIdentity.objects.select_related("person").filter(issuer=issuer, subject=subject)
    found = link.first()
    return found.person if found else None


def sso_failure_record(*, claims: dict | None, issuer: str, client: Client | None) -> bool:
    """Count a refused ID token against the person it names, when its signature and issuer
    were good (a token from the provider itself, about a person Pathway links). True when
    the account is now locked."""
    person = linked_person(issuer=issuer, subject=(claims or {}).get("sub"))
    if person is None:
        return False
    return failed_attempt_record(email=person.email, client=client)


# Signing in with a passkey --------------------------------------------------------------------


def passkey_sign_in(*, response_json: str, client: Client | None = None) -> User:
    """The person whose passkey answered. A wrong answer from a known passkey counts
    against its owner's lockout. Raises PasskeyRefused or SignInRefused."""
    if not passkeys_enabled():
        raise SignInRefused("refused", "Passkeys are not used here.")
    try:
        use = passkey_protocol.assertion_verify(
            response_json, purpose=passkey_protocol.Purpose.SIGN_IN
        )
    except passkey_protocol.PasskeyRefused as refused:
        if refused.person is not None and failed_attempt_record(
            email=refused.person.email, client=client
        ):
            raise SignInRefused("locked") from refused
        raise
    person = use.passkey.person
    if not person.is_active:
        raise SignInRefused(
            "refused", "Your Pathway account has been switched off. Ask your lead nurse for help."
        )
    if is_locked_out(email=person.email, client=client):
        raise SignInRefused("locked")
    return person


# A person's passkeys --------------------------------------------------------------------------

PASSKEYS_KEPT = 10


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the passkey a name, for example My phone"})
    if len(name) > 60:
        raise ValidationError({"name": "The name must be 60 characters or fewer"})
    return name


def _name_free(person: User, name: str, *, other_than: Passkey | None = None) -> None:
    taken = Passkey.objects.filter(person=person, name__iexact=name)
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    if taken.exists():
        raise ValidationError({"name": "You already have a passkey with this name"})


def passkey_register(*, actor: User, name: str, response_json: str) -> Passkey:
    """Add a passkey to the actor's own account, from their browser's answer."""
    if not passkeys_enabled():
        raise PermissionDenied("Passkeys are not used here")
    name = _clean_name(name)
    _name_free(actor, name)
    if Passkey.objects.filter(person=actor).count() >= PASSKEYS_KEPT:
        raise ValidationError(
            f"You already have {PASSKEYS_KEPT} passkeys. Remove one you no longer use first."
        )
    try:
        new = passkey_protocol.registration_verify(actor, response_json)
    except passkey_protocol.PasskeyRefused as refused:
        logger.info("Passkey not added for person %s: %s", actor.pk, refused.reason)
        raise ValidationError({"passkey_response": refused.message}) from refused
    if Passkey.objects.filter(credential_id=new.credential_id).exists():
        raise ValidationError({"passkey_response": "This passkey is already added to Pathway"})
    with transaction.atomic():
        passkey = Passkey.objects.create(
            person=actor,
            name=name,
            credential_id=new.credential_id,
            public_key=new.public_key,
            sign_count=new.sign_count,
            aaguid=new.aaguid,
            transports=new.transports,
            backed_up=new.backed_up,
        )
        sign_in_changed.send(sender=Passkey, person=actor, change="passkey_added", name=name)
    return passkey


def _own(actor: User, passkey: Passkey) -> None:
    if passkey.person_id != actor.pk:
        raise PermissionDenied("You can only change your own passkeys")


@transaction.atomic
def passkey_rename(*, actor: User, passkey: Passkey, name: str) -> Passkey:
    _own(actor, passkey)
    name = _clean_name(name)
    _name_free(actor, name, other_than=passkey)
    if name != passkey.name:
        old = passkey.name
        passkey.name = name
        passkey.save(update_fields=["name"])
        sign_in_changed.send(
            sender=Passkey, person=actor, change="passkey_renamed", name=f"{old} to {name}"
        )
    return passkey


@transaction.atomic
def passkey_remove(*, actor: User, passkey: Passkey) -> None:
    _own(actor, passkey)
    name = passkey.name
    passkey.delete()
    sign_in_changed.send(sender=Passkey, person=actor, change="passkey_removed", name=name)


# A programme's rule for signing ---------------------------------------------------------------


@transaction.atomic
def programme_signature_methods_set(
    *, actor: User | None, programme: Programme, methods
) -> Programme:
    """Which ways of signing a programme's records allows. All of them is stored as no rule,
    so a way Pathway adds later is allowed too unless the lead nurse says otherwise."""
    if actor is not None and not actor.has_perm("pathway.set_signature_methods", programme):
        raise PermissionDenied("Only the lead nurse can do this")
    chosen = [m for m in SignatureMethod.values if m in set(methods or ())]
    if not chosen:
        raise ValidationError({"methods": "Select at least one way of signing"})
    offered = offered_methods()
    if not offered.intersection(chosen):
        raise ValidationError(
            {
                "methods": "Pathway here does not offer any of those, so nobody could sign: "
                f"include {methods_named(offered) or 'a way Pathway offers'}"
            }
        )
    programme.signature_methods = [] if len(chosen) == len(SignatureMethod.values) else chosen
    programme.save(update_fields=["signature_methods"])
    logger.info(
        "Programme %s signing rule set to %s by %s",
        programme.pk,
        programme.signature_methods or "any",
        getattr(actor, "pk", None),
    )
    return programme
