"""Notifications: what Pathway tells people, in the browser and by email."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    SIGN_OFF_REQUESTED = "sign_off_requested", "A trainee asks you for sign-off"
    SIGN_OFF_DECIDED = "sign_off_decided", "Your mentor decides a sign-off request"
    PRACTICE_TO_CONFIRM = (
        "practice_to_confirm",
        "A trainee names you as the supervisor of their practice",
    )
    REVIEW_DUE = "review_due", "A progress review is due soon"
    REVIEW_OVERDUE = "review_overdue", "A progress review is overdue"
    QUESTIONNAIRE_ISSUED = "questionnaire_issued", "A questionnaire is issued to you"
    QUESTIONNAIRE_CLOSING = (
        "questionnaire_closing",
        "A questionnaire you have not answered closes soon",
    )
    COMPETENCY_EXPIRING = "competency_expiring", "A competency expires within 30 days"
    SUPPORT_REQUESTED = (
        "support_requested",
        "Someone you manage asks you to support their application",
    )
    APPLICATION_DECIDED = "application_decided", "Your application to the programme moves on"
    ACCOUNT_LOCKED = "account_locked", "Your account is locked after too many wrong attempts"
    SIGN_IN_CHANGED = (
        "sign_in_changed",
        "A passkey or NHS account is added to, or removed from, your account",
    )


# Security notices: always emailed, never offered as an email choice. The holder of an account
# must hear that someone has been guessing at it.
ALWAYS_EMAILED = frozenset({Kind.ACCOUNT_LOCKED, Kind.SIGN_IN_CHANGED})


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # A path inside Pathway (e.g. /requests/12/sign-off/); emails make it absolute.
    url = models.CharField(max_length=300, blank=True)
    # What makes a reminder the same reminder: a second notify() with the same key does
    # nothing, so send_reminders can run twice a day and send nothing twice. Blank: no key.
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Settled: what the notification asked for has been done (by its recipient or someone
    # else), so it no longer counts as unread and says who did what, when.
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_what = models.CharField(max_length=80, blank=True)
    # What has happened since it was done, as a sentence ("Nina Patel has accepted a place"):
    # the person who acted sees where their action led (notifications_add_news).
    news = models.CharField(max_length=200, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=~Q(key=""),
                name="notification_sent_once_per_key",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.subject} (to {self.recipient})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailPreference(models.Model):
    """A kind someone has turned email off for. Email is on unless a row says otherwise; the
    in-app notification is always kept."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_email_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()} by email {'on' if self.email else 'off'}"
