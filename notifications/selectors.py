"""Reads for notifications."""

from __future__ import annotations

from django.core.cache import cache

from notifications.models import ALWAYS_EMAILED, EmailPreference, Kind, Notification
from pathway.models import Band, RoleCode

# Who each kind of notification is for, by role: the email choices offer a person only the
# kinds that can reach them (and any they have already had).
SUPPORTERS = (RoleCode.MENTOR, RoleCode.TUTOR, RoleCode.PRACTICE_EDUCATOR)
# A qualified assistant practitioner keeps a record: sign-offs fall due for reassessment.
AP = RoleCode.ASSISTANT_PRACTITIONER
KIND_ROLES = {
    Kind.SIGN_OFF_REQUESTED: (RoleCode.MENTOR,),
    Kind.SIGN_OFF_DECIDED: (RoleCode.TRAINEE, AP),
    # Any registered member of staff may be named; supporters most often (and anyone once named).
    Kind.PRACTICE_TO_CONFIRM: SUPPORTERS,
    Kind.REVIEW_DUE: (RoleCode.TRAINEE, *SUPPORTERS),
    Kind.REVIEW_OVERDUE: (RoleCode.TRAINEE, *SUPPORTERS),
    Kind.QUESTIONNAIRE_ISSUED: (RoleCode.TRAINEE, AP, RoleCode.MENTOR),
    Kind.QUESTIONNAIRE_CLOSING: (RoleCode.TRAINEE, AP, RoleCode.MENTOR),
    Kind.COMPETENCY_EXPIRING: (RoleCode.TRAINEE, AP),
    Kind.SUPPORT_REQUESTED: (RoleCode.MANAGER,),
    Kind.APPLICATION_DECIDED: (),  # band 3 staff, whatever their roles
    Kind.ACCOUNT_LOCKED: (),  # always emailed: not a choice
    Kind.SIGN_IN_CHANGED: (),  # always emailed: not a choice
}


# The header shows the unread count on every signed-in page, so it is kept in the cache (shared
# by every web server when PATHWAY_CACHE_URL is set). Every service that changes it forgets it
# (notifications/services.py: unread_count_forget); the timeout only bounds a race in which a
# count read while another request's write was still uncommitted is stored after that write
# forgot it.
UNREAD_COUNT_SECONDS = 120


def unread_count_key(person_id: int) -> str:
    return f"notifications:unread:{person_id}"


def unread_count(person) -> int:
    key = unread_count_key(person.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=person, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_COUNT_SECONDS)
    return count


def notification_by_pk(pk) -> Notification:
    return Notification.objects.get(pk=pk)


def notifications_for(person):
    """A person's notifications, newest first (the page paginates them)."""
    return (
        Notification.objects.filter(recipient=person)
        .select_related("done_by")
        .order_by("-created_at", "-pk")
    )


def email_kinds_for(person) -> set[str]:
    """The kinds this person gets by email: every kind unless turned off."""
    off = set(
        EmailPreference.objects.filter(person=person, email=False).values_list("kind", flat=True)
    )
    return set(Kind.values) - off


def kinds_for(person) -> list[str]:
    """The kinds of notification that can reach this person, in the order of Kind: by their
    roles, applications for band 3 staff, and any kind they have already been sent. Someone
    none can reach (an administrator) is offered every kind."""
    received = set(
        Notification.objects.filter(recipient=person).values_list("kind", flat=True).distinct()
    )
    kinds = [
        kind
        for kind in Kind.values
        if kind not in ALWAYS_EMAILED
        and person.has_role(*KIND_ROLES[kind])
        or kind in received
        or (kind == Kind.APPLICATION_DECIDED and person.band == Band.BAND_3)
    ]
    return kinds or [kind for kind in Kind.values if kind not in ALWAYS_EMAILED]
