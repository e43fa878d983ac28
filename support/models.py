"""The practice educator team: educators' caseloads of mentors, and the support they log.

A practice educator's trainees are pathway Allocations of kind practice educator; their mentors
are MentorCaseload rows here (an educator supports mentors, not through a trainee). The mentor
register itself (preparation and annual update) belongs to the person: pathway.MentorPreparation.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

MAX_MINUTES = 24 * 60  # one entry is at most a day's work


class MentorCaseloadQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


class MentorCaseload(models.Model):
    """A mentor a practice educator supports, from when to when."""

    educator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_caseload"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="educators"
    )
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)

    objects = MentorCaseloadQuerySet.as_manager()

    class Meta:
        ordering = ["educator", "mentor__full_name", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="mentor_caseload_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(educator=F("mentor")), name="mentor_caseload_not_self"
            ),
            models.UniqueConstraint(
                fields=["educator", "mentor"],
                condition=Q(end_date__isnull=True),
                name="one_open_mentor_caseload",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} in {self.educator}'s caseload"

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date"})


class SupportKind(models.TextChoices):
    TRAINING = "training", "Training"
    UNIVERSITY = "university", "Liaising with the university"
    MENTORS = "mentors", "Support for mentors"
    MANAGERS = "managers", "Support for managers"


class SupportLog(models.Model):
    """Support a practice educator gave: what kind, for whom (optional), when, how long."""

    educator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_logs"
    )
    kind = models.CharField(max_length=12, choices=SupportKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_received",
        help_text="The trainee, mentor or manager it was for, if it was for one person.",
    )
    on = models.DateField("date")
    minutes = models.PositiveIntegerField(
        "time spent in minutes", validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    notes = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["educator", "-on", "-id"]
        indexes = [models.Index(fields=["educator", "on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=MAX_MINUTES),
                name="support_log_minutes_in_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.educator} on {self.on:%d %b %Y}"

    @property
    def duration(self) -> str:
        return format_minutes(self.minutes)


def format_minutes(minutes: int) -> str:
    """90 -> "1 hour 30 minutes"; 45 -> "45 minutes"; 120 -> "2 hours"."""
    hours, rest = divmod(int(minutes or 0), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)
