"""Fetch-and-authorise for notifications (pathway/access.py's policy).

A notification is its recipient's alone: to anyone else it does not exist (404), so that
nobody learns what was sent to whom by trying numbers.
"""

from __future__ import annotations

from notifications import selectors
from notifications.models import Notification
from pathway.access import reach


def access_notification(viewer, pk) -> Notification:
    return reach(
        viewer, lambda: selectors.notification_by_pk(pk), see="notifications.read_notification"
    )
