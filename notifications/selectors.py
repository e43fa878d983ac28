"""Reads for notifications."""

from __future__ import annotations

from notifications.models import EmailPreference, Kind, Notification


def unread_count(person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def notifications_for(person):
    """A person's notifications, newest first (the page paginates them)."""
    return Notification.objects.filter(recipient=person).order_by("-created_at", "-pk")


def email_kinds_for(person) -> set[str]:
    """The kinds this person gets by email: every kind unless turned off."""
    off = set(
        EmailPreference.objects.filter(person=person, email=False).values_list("kind", flat=True)
    )
    return set(Kind.values) - off
