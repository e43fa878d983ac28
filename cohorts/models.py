"""Cohorts, enrolment, training days, module results and progress reviews."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When

from competencies.models import Framework, RecordSummary, TrainingRecord
from pathway.history import AuditHistory
from pathway.models import ClinicalArea, Module, Programme


class ProgrammePlan(models.Model):
    """How a programme is run: the framework it trains against, review rhythm, milestones."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="plan")
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="programme_plans",
        help_text="The framework version new cohorts train against.",
    )
    review_interval_weeks = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )

    def __str__(self) -> str:
        return f"Plan for {self.programme}"


class Milestone(models.Model):
    """By week N of the programme, this many core and specific competencies achieved."""

    plan = models.ForeignKey(ProgrammePlan, on_delete=models.CASCADE, related_name="milestones")
    week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    core_target = models.PositiveSmallIntegerField(default=0)
    specific_target = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "week"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "week"], name="unique_milestone_week")
        ]

    def __str__(self) -> str:
        return f"Week {self.week}: {self.core_target} core, {self.specific_target} specific"


# The cohort list's order: what is running, then what is planned, then what has finished.
COHORT_LIST_ORDER = ("running", "planned", "finished")


def cohort_list_rank() -> Case:
    """Where a cohort's status puts it in the cohort list: the list's order and its index."""
    return Case(
        *(When(status=status, then=Value(n)) for n, status in enumerate(COHORT_LIST_ORDER)),
        default=Value(len(COHORT_LIST_ORDER)),
    )


class Cohort(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=120)
    intake_date = models.DateField()
    planned_end_date = models.DateField()
    clinical_areas = models.ManyToManyField(ClinicalArea, related_name="cohorts", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="cohorts")
    review_interval_weeks = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = AuditHistory()

    class Meta:
        ordering = ["-intake_date", "name"]
        indexes = [
            # A page of the cohort list is read in this order, not sorted from every cohort.
            models.Index(
                cohort_list_rank(),
                F("intake_date").desc(),
                F("name"),
                name="cohort_list_order",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="unique_cohort_name"),
            models.CheckConstraint(
                condition=Q(planned_end_date__gt=F("intake_date")),
                name="cohort_ends_after_intake",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.intake_date and self.planned_end_date and self.planned_end_date <= self.intake_date:
            raise ValidationError({"planned_end_date": "The planned end must be after the intake"})

    @property
    def length_days(self) -> int:
        return (self.planned_end_date - self.intake_date).days

    def week_on(self, day: datetime.date) -> int:
        """The programme week a day falls in: week 1 starts on the intake date."""
        return (day - self.intake_date).days // 7 + 1


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_BREAK = "on_break", "On a break"
    WITHDRAWN = "withdrawn", "Withdrawn"
    COMPLETED = "completed", "Completed"
    QUALIFIED = "qualified", "Qualified"
    DEFERRED = "deferred", "Moved to a later cohort"


# Statuses in which a person is still on the programme in this cohort.
CURRENT_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.ON_BREAK)


class Enrolment(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments"
    )
    record = models.ForeignKey(TrainingRecord, on_delete=models.PROTECT, related_name="enrolments")
    # The record's progress summary, joined on the record's id directly (through the record,
    # a page over every running trainee would read the whole table of records): no column.
    summary = models.ForeignObject(
        RecordSummary,
        on_delete=models.DO_NOTHING,
        from_fields=["record"],
        to_fields=["record"],
        related_name="+",
        null=True,
        # Not data: a backup must not write the summary's text into the enrolment.
        serialize=False,
    )
    status = models.CharField(
        max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status_reason = models.TextField(blank=True, default="")
    moved_to = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="moved_from"
    )
    # When the next progress review is due, while the trainee is active in a running cohort
    # (empty otherwise): the reviews due list reads it on its index, a page at a time. Derived,
    # kept by the services in their transaction (cohorts/review_due.py), so not audited.
    review_due_on = models.DateField(null=True, blank=True, editable=False)
    # The latest review of the trainee's record, in any of its enrolments (empty before the
    # first): the dashboards judge a review overdue by it. Stored so that the programme overview
    # reads it with the enrolment instead of looking it up for each running trainee; kept
    # with review_due_on, for every enrolment of the record.
    record_last_review_on = models.DateField(null=True, blank=True, editable=False)

    history = AuditHistory(
        event="enrolment.changed",
        excluded_fields=["summary", "review_due_on", "record_last_review_on"],
    )

    class Meta:
        ordering = ["cohort", "trainee__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee"],
                condition=Q(status__in=["active", "on_break"]),
                name="one_current_enrolment_per_trainee",
            ),
            models.UniqueConstraint(fields=["cohort", "trainee"], name="unique_enrolment"),
        ]
        indexes = [
            models.Index(fields=["cohort", "status"]),
            models.Index(
                fields=["review_due_on"],
                name="enrolment_review_due",
                condition=Q(review_due_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} in {self.cohort}"


class RunningCohortCounts(models.Model):
    """A running cohort's progress numbers as the programme overview last counted them
    (cohorts/counts_kept.py): read again while nothing about its trainees has changed, on the
    same day, against the same plan. Derived, so not audited."""

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Raised after every committed change to the cohort's trainees' numbers.
    version = models.PositiveBigIntegerField(default=0)
    # What the numbers were counted from: the version, the day and the plan of that day.
    counted_version = models.PositiveBigIntegerField(null=True)
    counted_on = models.DateField(null=True)
    counted_plan = models.CharField(max_length=200, blank=True, default="")
    numbers = models.JSONField(null=True)
    # Its current trainees behind (programme_counts.behind_text): text, read only when named.
    behind_list = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"Counts of cohort {self.cohort_id}"


class EnrolmentStatusChange(models.Model):
    """Every change of an enrolment's status, with its reason: the history outcomes rest on."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=10, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=EnrolmentStatus.choices)
    on = models.DateField()
    reason = models.TextField(blank=True, default="")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enrolment", "on", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.from_status or 'new'} to {self.to_status} on {self.on}"


class TrainingDay(models.Model):
    """A clinical training day in the hospital for a whole cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="training_days")
    date = models.DateField()
    topic = models.CharField(max_length=200)
    location = models.CharField(max_length=200, blank=True, default="")
    # How long the day's teaching is: what a trainee present earns as off-the-job training
    # hours on an apprenticeship (apprenticeships.selectors.hours).
    duration_hours = models.DecimalField(
        "length of the day (hours)",
        max_digits=4,
        decimal_places=2,
        default=Decimal("7.50"),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("12"))],
    )

    class Meta:
        ordering = ["cohort", "date", "id"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%d %b %Y})"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    training_day = models.ForeignKey(
        TrainingDay, on_delete=models.CASCADE, related_name="attendance"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=8, choices=Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["training_day", "enrolment"], name="one_attendance_mark_per_day"
            )
        ]
        indexes = [models.Index(fields=["enrolment", "status"])]

    def __str__(self) -> str:
        return f"{self.enrolment.trainee}: {self.get_status_display()} at {self.training_day}"


class ModuleResult(models.Model):
    class Outcome(models.TextChoices):
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"
        REFERRED = "referred", "Referred"

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="module_results"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="results")
    attempt = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    mark = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = AuditHistory()

    class Meta:
        ordering = ["enrolment", "module__order", "attempt"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "module", "attempt"], name="unique_module_attempt"
            ),
            models.CheckConstraint(
                condition=Q(mark__isnull=True) | Q(mark__lte=100), name="mark_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} attempt {self.attempt}: {self.get_outcome_display()}"


class Review(models.Model):
    """A progress review with the trainee, their mentor and their tutor."""

    class Rag(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    progress_summary = models.TextField("progress since the last review")
    concerns = models.TextField(blank=True, default="")
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices)
    rag_reason = models.TextField("reason for the rating")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enrolment", "-held_on", "-id"]
        indexes = [models.Index(fields=["enrolment", "held_on"])]

    def __str__(self) -> str:
        return f"Review of {self.enrolment.trainee} on {self.held_on:%d %b %Y}"


class ReviewAction(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_actions"
    )
    due_date = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["review", "due_date", "id"]

    def __str__(self) -> str:
        return self.description


class ReviewConfirmation(models.Model):
    """The trainee, a mentor and the tutor each confirm the review's record is right."""

    class Party(models.TextChoices):
        TRAINEE = "trainee", "Trainee"
        MENTOR = "mentor", "Mentor"
        TUTOR = "tutor", "Tutor"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="confirmations")
    party = models.CharField(max_length=8, choices=Party.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "party"], name="one_confirmation_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} confirmed {self.review}"
