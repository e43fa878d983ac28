"""Reads for governance.

Reads for retention and erasure: the schedule, what holds a person's records, the log.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

from cohorts.models import Enrolment
from competencies.models import Assessment, TrainingRecord
from governance import retention
from governance.models import DisposalEntry, RecordKind, RetentionRule, Start
from pathway.models import User
from pathway.selectors import people_matching


def people_for_subject_access(text: str, *, most: int) -> list[User]:
    """Up to `most` people whose name, email address or employee number has the words of
    `text`, by name (one query): the administrator picks the person from these."""
    if not text:
        return []
    return list(
        people_matching(text)
        .select_related("clinical_area")
        .order_by("full_name", "email", "pk")[:most]
    )


# An erased person's address: in a domain that can never receive e-mail (RFC 2606).
ERASED_DOMAIN = "erased.invalid"


def erased_email(pk: int) -> str:
    return f"erased-{pk}@{ERASED_DOMAIN}"


def is_erased(person: User) -> bool:
    return person.email == erased_email(person.pk)


def retention_schedule() -> list[RetentionRule]:
    """Every kind of record with its rule: the administrator's where set, else the default."""
    saved = {rule.kind: rule for rule in RetentionRule.objects.all()}
    return [saved.get(kind) or retention.default_rule(kind) for kind in RecordKind.values]


def retention_rule(kind: str) -> RetentionRule:
    return RetentionRule.objects.filter(kind=kind).first() or retention.default_rule(kind)


def recent_disposals(limit: int = 20) -> list[DisposalEntry]:
    return list(DisposalEntry.objects.all()[:limit])


@dataclass(frozen=True)
class Hold:
    """Why a person's records must still be kept: the rule, and until when (None: they have not
    left, so the period has not started)."""

    rule: RetentionRule
    left_on: datetime.date | None
    until: datetime.date | None

    def sentence(self) -> str:
        what = self.rule.get_kind_display().lower()
        if self.until is None:
            return (
                f"Their {what} are kept for {self.rule.describe()}, and their account is still"
                " active: they have not left."
            )
        return (
            f"Their {what} are kept for {self.rule.describe()}: until"
            f" {self.until:%-d %B %Y} (they left on {self.left_on:%-d %B %Y})."
        )


def _last_history_date():
    return Subquery(
        User.history.model.objects.filter(id=OuterRef("pk"))
        .order_by("-history_date")
        .values("history_date")[:1]
    )


def leaving_date(person: User) -> datetime.date | None:
    """When an inactive person left: Pathway holds no leaving date, so it takes the later of
    their last sign-in and the last change to their account (deactivating it is one), and of
    the last sign-off record they gave or received. None while the account is active."""
    if person.is_active:
        return None
    row = (
        User.objects.filter(pk=person.pk)
        .annotate(
            changed=_last_history_date(),
            last_record=Subquery(
                Assessment.objects.filter(Q(trainee=OuterRef("pk")) | Q(assessor=OuterRef("pk")))
                .order_by("-created_at")
                .values("created_at")[:1]
            ),
        )
        .values("last_login", "changed", "last_record", "date_joined")
        .get()
    )
    moments = [moment for moment in row.values() if moment is not None]
    return max(moments).date()


def record_kind_of(person: User) -> str | None:
    """Which training records rule holds a person's records: clinical training when there is
    any sign-off record they gave or received, or a training record of competencies; other
    training when they were only enrolled on a programme; None when there are none."""
    clinical = (
        Assessment.objects.filter(Q(trainee=person) | Q(assessor=person)).exists()
        or TrainingRecord.objects.filter(trainee=person).exists()
    )
    if clinical:
        return RecordKind.CLINICAL_TRAINING
    if Enrolment.objects.filter(trainee=person).exists():
        return RecordKind.OTHER_TRAINING
    return None


def retention_hold(person: User, today: datetime.date) -> Hold | None:
    """What still holds the person's records on `today`, or None when nothing does."""
    kind = record_kind_of(person)
    if kind is None:
        return None
    rule = retention_rule(kind)
    left_on = leaving_date(person)
    if left_on is None:
        return Hold(rule, None, None)
    until = retention.kept_until(rule, left_on) if rule.starts == Start.LEAVING else None
    if until is not None and until <= today:
        return None
    return Hold(rule, left_on, until)


def people_past_retention(kind: str, today: datetime.date) -> list[User]:
    """Inactive, not yet erased people whose records of `kind` are past their period."""
    rule = retention_rule(kind)
    candidates = (
        User.objects.filter(is_active=False)
        .exclude(email__endswith=f"@{ERASED_DOMAIN}")
        .order_by("pk")
    )
    due = []
    for person in candidates:
        if record_kind_of(person) != kind:
            continue
        left_on = leaving_date(person)
        if left_on and retention.kept_until(rule, left_on) <= today:
            due.append(person)
    return due


def people_due_for_review(today: datetime.date) -> list[tuple[User, str]]:
    """For the administrator: people past their training records' period, with the kind."""
    return [
        (person, kind)
        for kind in (RecordKind.CLINICAL_TRAINING, RecordKind.OTHER_TRAINING)
        for person in people_past_retention(kind, today)
    ]
