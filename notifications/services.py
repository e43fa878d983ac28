"""Writes for notifications: sending, reading, and each person's email choices."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from notifications import selectors
from notifications.models import ALWAYS_EMAILED, EmailPreference, Kind, Notification
from notifications.reminders import collect

logger = logging.getLogger(__name__)


def _wants_email(recipient, kind: str) -> bool:
    if not recipient.is_active or not recipient.email:
        return False
    if kind in ALWAYS_EMAILED:
        return True
    choice = EmailPreference.objects.filter(person=recipient, kind=kind).first()
    return choice is None or choice.email


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.PATHWAY_BASE_URL.rstrip("/") + url


def email_message(notification: Notification) -> EmailMessage:
    """The email for one notification. Its Message-ID is fixed by the notification, so a
    mail system that sees the same message twice (a retry after a crash at the worst moment)
    can tell it is one message."""
    recipient = notification.recipient
    lines = [f"Dear {recipient.full_name},", "", notification.body]
    if notification.url:
        lines += ["", _absolute(notification.url)]
    lines += [
        "",
        "You can choose which emails Pathway sends you on your notifications settings page:",
        _absolute("/notifications/settings/"),
    ]
    domain = settings.PATHWAY_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return EmailMessage(
        subject=f"Pathway: {notification.subject}",
        body="\n".join(lines),
        to=[recipient.email],
        headers={"Message-ID": f"<notification-{notification.pk}@{domain or 'pathway'}>"},
    )


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification's email once: True if this call sent it.

    Run by a task (notifications/tasks.py) after the sender's transaction commits, so a
    rolled-back action never emails. The row stays locked while the mail server answers, so
    the same task delivered twice (its worker died, the queue handed it out again) waits and
    then finds it sent. A mail server failure rolls back and raises, for the task to retry."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        email_message(notification).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def _queue_email(notification: Notification) -> None:
    # Imported here: the task module imports this one.
    from notifications.tasks import email_notification

    email_notification.delay(notification.pk)


def unread_count_forget(*person_ids: int) -> None:
    """The unread counts of these people changed: count them afresh. Now, and again once the
    write is committed, so a count read by another request before the commit is not kept."""
    keys = [selectors.unread_count_key(pk) for pk in person_ids]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def notify(*, recipient, kind: str, subject: str, body: str, url: str = "", key: str = ""):
    """Tell someone something: in the browser always, by email unless they turned it off.

    With a key, the same (recipient, kind, key) is only ever sent once: a second call returns
    None. Called inside other services' transactions; the email waits for their commit.
    """
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    fields = {
        "recipient": recipient,
        "kind": kind,
        "subject": subject[:200],
        "body": body,
        "url": url[:300],
        "key": key[:200],
    }
    if key:
        if Notification.objects.filter(recipient=recipient, kind=kind, key=fields["key"]).exists():
            return None
        try:
            # A savepoint: two runs racing on the same key leave one row and no broken
            # transaction around us.
            with transaction.atomic():
                notification = Notification.objects.create(**fields)
        except IntegrityError:
            return None
    else:
        notification = Notification.objects.create(**fields)
    unread_count_forget(notification.recipient_id)
    if _wants_email(recipient, kind):
        transaction.on_commit(lambda: _queue_email(notification))
    return notification


@transaction.atomic
def notification_open(*, actor, notification: Notification) -> Notification:
    """Mark one notification read, as its recipient opens it."""
    if not actor.has_perm("notifications.read_notification", notification):
        raise PermissionDenied("This notification is not yours")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        unread_count_forget(notification.recipient_id)
    return notification


def notifications_settle(*, actor, url: str, did: str, recipient=None) -> int:
    """The action a notification asked for is done: every unread notification pointing to
    `url` (only `recipient`'s, when given) is marked read and says that `actor` `did` it
    ("decided", "supported"), so nobody is sent back to something already dealt with.
    Called inside the service that did it; returns how many were settled."""
    now = timezone.now()
    waiting = Notification.objects.filter(url=url[:300], done_at__isnull=True)
    if recipient is not None:
        waiting = waiting.filter(recipient=recipient)
        unread_count_forget(recipient.pk)
    else:
        unread_count_forget(
            *waiting.filter(read_at__isnull=True).values_list("recipient_id", flat=True).distinct()
        )
    return waiting.update(
        read_at=Coalesce("read_at", Value(now)), done_at=now, done_by=actor, done_what=did[:80]
    )


def notifications_add_news(*, url: str, news: str) -> int:
    """Something has happened since the notifications pointing to `url` were settled: each
    says so under what its recipient did ("You supported this on 2 December; Nina Patel has
    accepted a place"), the latest news replacing the last. Called inside the service that
    moved things on; returns how many were updated."""
    return Notification.objects.filter(url=url[:300], done_at__isnull=False).update(news=news[:200])


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    if not actor.has_perm("notifications.have_notifications"):
        raise PermissionDenied("Sign in to read your notifications")
    unread_count_forget(actor.pk)
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def email_preferences_save(*, actor, email_kinds, offered_kinds=None) -> None:
    """Email on for the kinds in email_kinds and off for the other offered kinds (every kind
    unless offered_kinds says which the person was asked about); others stay as they were."""
    if not actor.has_perm("notifications.have_notifications"):
        raise PermissionDenied("Sign in to choose your emails")
    offered = set(Kind.values if offered_kinds is None else offered_kinds)
    unknown = (set(email_kinds) | offered) - set(Kind.values)
    if unknown:
        raise ValueError(f"Unknown notification kinds {sorted(unknown)}")
    for kind in Kind.values:
        if kind in offered:
            EmailPreference.objects.update_or_create(
                person=actor, kind=kind, defaults={"email": kind in email_kinds}
            )


def notify_account_locked(sender, request=None, username=None, **kwargs) -> None:
    """Receiver of axes' user_locked_out: tell the account's holder, by email whatever their
    choices, that their account is locked and what to do if it was not them."""
    from pathway.models import User

    person = User.objects.filter(email__iexact=username or "", is_active=True).first()
    if person is None:
        return
    # Each attempt during a lockout is reported again: tell the holder once per lockout period.
    period = int(timezone.now().timestamp() // settings.AXES_COOLOFF_TIME.total_seconds())
    notify(
        recipient=person,
        kind=Kind.ACCOUNT_LOCKED,
        key=f"locked-{period}",
        subject="Your Pathway account is locked",
        body=(
            "Your account was locked after too many wrong passwords, and any place you were "
            "signed in has been signed out. It unlocks by itself after "
            f"{_cooloff_minutes()} minutes, or an administrator can unlock it now. If the "
            "wrong passwords were not yours, tell your lead nurse or the trust's IT service "
            "desk: someone may have tried to use your account."
        ),
    )


def _cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


SIGN_IN_CHANGES = {
    "passkey_added": (
        "A passkey was added to your Pathway account",
        "A passkey called “{name}” was added to your Pathway account. It can be used to sign "
        "in and to sign records as you.",
    ),
    "passkey_renamed": (
        "A passkey on your Pathway account was renamed",
        "A passkey on your Pathway account was renamed from {name}.",
    ),
    "passkey_removed": (
        "A passkey was removed from your Pathway account",
        "The passkey called “{name}” was removed from your Pathway account. It can no longer "
        "be used to sign in or to sign records.",
    ),
    "passkey_copied": (
        "A passkey on your Pathway account was refused",
        "The passkey called “{name}” was refused and switched off: the count it keeps of its "
        "uses went backwards, which can mean it was copied to another device. Remove it on "
        "your account page, and tell your lead nurse and the trust's IT service desk.",
    ),
    "account_linked": (
        "Your NHS account is linked to Pathway",
        "Your NHS account was linked to your Pathway account when you signed in with it. You "
        "can now sign in to Pathway with your NHS account.",
    ),
}


def notify_sign_in_changed(sender, person=None, change="", name="", **kwargs) -> None:
    """Receiver of pathway.identity.signals.sign_in_changed: tell the person, by email
    whatever their choices, so a change they did not make does not go unnoticed."""
    if person is None or change not in SIGN_IN_CHANGES:
        return
    subject, body = SIGN_IN_CHANGES[change]
    notify(
        recipient=person,
        kind=Kind.SIGN_IN_CHANGED,
        subject=subject,
        body=body.format(name=name)
        + "\n\nIf this was not you, tell your lead nurse or the trust's IT service desk now.",
        url=reverse("identity:passkeys" if change.startswith("passkey") else "pathway:account"),
    )


def reminders_send(*, today) -> tuple[int, int]:
    """Send the day's reminders once: (sent, already sent). Safe to run twice a day, or from
    two schedulers at once: each reminder has a key, and a key already sent is not sent again.
    One transaction per reminder, so a failure in one does not undo the others."""
    sent = skipped = 0
    for reminder in collect(today):
        with transaction.atomic():
            notification = notify(
                recipient=reminder.recipient,
                kind=reminder.kind,
                subject=reminder.subject,
                body=reminder.body,
                url=reminder.url,
                key=reminder.key,
            )
        if notification is None:
            skipped += 1
        else:
            sent += 1
    return sent, skipped
