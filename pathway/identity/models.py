"""What Pathway keeps about the ways a person proves who they are, beyond a password: the NHS
account (an OpenID Connect provider's issuer and subject) linked to them, their passkeys, and
the one-use passkey challenges it has handed out (docs/adr/0022-identity-sso-and-passkeys.md).

Loaded with pathway.models (imported at its end), so they belong to the pathway app.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from pathway.history import AuditHistory


class ExternalIdentity(models.Model):
    """A person's account at the single sign-on provider: the provider's issuer and the
    subject it calls them by. Found by subject at every later sign-in, so an email address
    that changes at the provider never moves the link to someone else."""

    class LinkedBy(models.TextChoices):
        EMAIL = "email", "verified email address"
        EMPLOYEE_NUMBER = "employee_number", "employee number"
        CREATED = "created", "a new account made at first sign-in"

    person = models.ForeignKey(
        "pathway.User", on_delete=models.CASCADE, related_name="external_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_by = models.CharField(max_length=20, choices=LinkedBy.choices)
    linked_at = models.DateTimeField(default=timezone.now)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    history = AuditHistory(excluded_fields=["last_signed_in_at"])

    class Meta:
        ordering = ["person", "issuer"]
        verbose_name = "NHS account link"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_person_per_subject"),
            models.UniqueConstraint(fields=["person", "issuer"], name="one_subject_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.issuer}"


class Passkey(models.Model):
    """A WebAuthn credential a person registered: its public key and signature counter.

    A passkey whose counter goes backwards may have been copied; it is marked `cloned_at` and
    refused from then on (it stays listed, for the person and an administrator to see)."""

    person = models.ForeignKey("pathway.User", on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(max_length=60)
    # base64url, as WebAuthn's JSON carries it. Credential ids are at most 1023 bytes.
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    aaguid = models.CharField(max_length=36, blank=True, default="")
    transports = models.JSONField(default=list, blank=True)
    backed_up = models.BooleanField(
        default=False, help_text="Synced between devices (a phone's password manager)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    cloned_at = models.DateTimeField(
        "refused as a possible copy on",
        null=True,
        blank=True,
        help_text="Its signature counter went backwards: it may have been copied.",
    )

    history = AuditHistory(excluded_fields=["public_key", "sign_count", "last_used_at"])

    class Meta:
        ordering = ["person", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="passkey_names_differ"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.person})"

    @property
    def is_usable(self) -> bool:
        return self.cloned_at is None


class PasskeyChallenge(models.Model):
    """A challenge handed to a browser for one passkey ceremony: used once (deleted as it is
    checked), within a few minutes, for one purpose and, when signing, one statement."""

    class Purpose(models.TextChoices):
        REGISTER = "register", "adding a passkey"
        SIGN_IN = "sign_in", "signing in"
        SIGN = "sign", "signing a record"

    nonce = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(
        "pathway.User", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="sign_in") | Q(person__isnull=False),
                name="passkey_challenge_names_person",
            )
        ]

    def __str__(self) -> str:
        return f"Passkey challenge for {self.get_purpose_display()}"
