"""Integration API clients and the idempotency keys of their writes (ADR 0023)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from api.scopes import Scope


class ApiClient(models.Model):
    """One integration (the ESR feed, a university, rostering) and its bearer token.

    Only a SHA-256 hash of the token is kept: the token is shown once, when the client is
    made. Its first characters (`token_prefix`) are stored as they are, to find the client
    without comparing every hash; the rest is 256 random bits, so a fast hash is enough.
    """

    class Kind(models.TextChoices):
        ESR = "esr", "ESR feed"
        UNIVERSITY = "university", "University"
        ROSTERING = "rostering", "Rostering"
        OTHER = "other", "Other"

    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField("integration", max_length=12, choices=Kind.choices)
    scopes = models.JSONField(default=list, blank=True)
    token_prefix = models.CharField(max_length=16, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """How the audit history names the client's changes."""
        return f"API client: {self.name}"

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or ())

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [labels.get(scope, scope) for scope in self.scopes or ()]


class IdempotencyKey(models.Model):
    """A write a client made with an Idempotency-Key: the same key with the same body gets the
    same answer again, and nothing is written twice; the same key with another body is refused."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="idempotency")
    key = models.CharField(max_length=200)
    operation = models.CharField(max_length=64)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "operation", "key"], name="one_answer_per_idempotency_key"
            ),
            models.CheckConstraint(condition=~Q(key=""), name="idempotency_key_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.operation} {self.key}"
