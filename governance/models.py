"""Retention and erasure (issue 20, part 4; docs/retention.md).

- `RetentionRule`: how long each kind of record is kept, and whether the scheduled job disposes
  of it by itself or lists it for the administrator to review. A kind without a row uses the
  default in governance/retention.py (from the NHS Records Management Code of Practice 2023).
- `DisposalEntry`: the audit log of what was disposed of and who was erased, under which rule,
  by whom. It holds ids, counts and rule names, never a name or any other personal data, so it
  can be kept after the person is erased. Append-only, like the sign-off records.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from pathway.history import AuditHistory


class RecordKind(models.TextChoices):
    CLINICAL_TRAINING = "clinical_training", "Sign-off records and clinical training records"
    OTHER_TRAINING = "other_training", "Other training records"
    EVALUATION = "evaluation", "Questionnaire answers and evaluation data"
    NOTIFICATIONS = "notifications", "Notifications"
    ACCESS_LOGS = "access_logs", "Logs of who looked at a record"
    HELD_UPLOADS = "held_uploads", "Uploaded files held for an import"


class Unit(models.TextChoices):
    DAYS = "days", "days"
    YEARS = "years", "years"


class Start(models.TextChoices):
    LEAVING = "leaving", "after the person leaves"
    MADE = "made", "after it was made"


class Disposal(models.TextChoices):
    AUTOMATIC = "automatic", "Disposed of automatically"
    REVIEW = "review", "Reviewed by the administrator first"


MAX_YEARS = 100
MAX_DAYS = 3650


class RetentionRule(models.Model):
    """How long one kind of record is kept (the administrator's choice; defaults in
    governance/retention.py)."""

    kind = models.CharField(max_length=30, choices=RecordKind.choices, unique=True)
    period = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=8, choices=Unit.choices)
    starts = models.CharField(max_length=10, choices=Start.choices)
    disposal = models.CharField(max_length=10, choices=Disposal.choices)
    note = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    history = AuditHistory()

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.describe()}"

    def describe(self) -> str:
        """The period in words: "6 years after the person leaves"."""
        unit = self.get_unit_display()
        if self.period == 1:
            unit = unit[:-1]
        return f"{self.period} {unit} {self.get_starts_display()}"

    def clean(self):
        limit = MAX_YEARS if self.unit == Unit.YEARS else MAX_DAYS
        if not 1 <= (self.period or 0) <= limit:
            raise ValidationError({"period": f"Enter a period from 1 to {limit} {self.unit}"})


class DisposalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("The disposal log is append-only: it cannot be changed")

    def delete(self):
        raise ValidationError("The disposal log is append-only: it cannot be deleted")


class DisposalEntry(models.Model):
    """One disposal or erasure, without personal data: "Person #123 erased under rule X by
    administrator #4". Ids are plain numbers, not foreign keys: the entry outlives anything."""

    append_only = True

    class Action(models.TextChoices):
        DISPOSED = "disposed", "Disposed of"
        ERASED = "erased", "Erased"
        DUE = "due", "Due for review"

    at = models.DateTimeField()
    action = models.CharField(max_length=10, choices=Action.choices)
    kind = models.CharField(max_length=30, choices=RecordKind.choices)
    rule = models.CharField(max_length=200, help_text="The retention rule or erasure basis")
    count = models.PositiveIntegerField(default=0)
    person_id = models.BigIntegerField(null=True, blank=True, help_text="Who was erased")
    actor_id = models.BigIntegerField(null=True, blank=True, help_text="Empty: the scheduled job")
    overridden = models.BooleanField(
        default=False, help_text="Erased within the retention period, for a recorded reason"
    )
    override_reason = models.CharField(max_length=500, blank=True, default="")

    objects = DisposalQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "disposal entries"

    def __str__(self) -> str:
        return self.sentence()

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("The disposal log is append-only: it cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The disposal log is append-only: it cannot be deleted")

    def sentence(self) -> str:
        by = f"administrator #{self.actor_id}" if self.actor_id else "the scheduled job"
        if self.action == self.Action.ERASED:
            within = " within the retention period" if self.overridden else ""
            return f"Person #{self.person_id} erased{within} under {self.rule} by {by}"
        what = RecordKind(self.kind).label.lower()
        if self.action == self.Action.DUE:
            return f"{self.count} people's {what} due for review under {self.rule}, found by {by}"
        return f"{self.count} {what} disposed of under {self.rule} by {by}"
