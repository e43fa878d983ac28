"""Demo notifications: those the other apps' demo actions sent, and today's reminders.

Everything the demo did happened "now" as far as the notifications know, so all but each
person's five newest are marked read: the header shows a realistic few, not hundreds.
"""

from __future__ import annotations

from django.utils import timezone

from notifications.models import Notification
from notifications.services import reminders_send, unread_count_forget

KEEP_UNREAD = 5


def seed(context) -> None:
    """Nothing of its own: notifications come from what the other apps do."""


def finish(context) -> None:
    reminders_send(today=context.today)
    seen: dict[int, int] = {}
    older = []
    unread = Notification.objects.unread().order_by("recipient_id", "-created_at", "-pk")
    for pk, recipient_id in unread.values_list("pk", "recipient_id"):
        seen[recipient_id] = seen.get(recipient_id, 0) + 1
        if seen[recipient_id] > KEEP_UNREAD:
            older.append(pk)
    Notification.objects.filter(pk__in=older).update(read_at=timezone.now())
    unread_count_forget(*seen)
