"""Recruitment to a cohort: a round of applications, selection criteria, applications and
their path from the applicant's statement to an enrolment.

An application moves through the states in `TRANSITIONS` only (services refuse anything
else); every move is kept as an `ApplicationEvent`. The dates of the milestones reached
(shortlisted, offered) are kept on the application itself, so the recruitment figures count
what happened even when an application later ends in a withdrawal or a refusal.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cohorts.models import Cohort, Enrolment
from pathway.models import Band, ClinicalArea


class RecruitmentRound(models.Model):
    """A cohort open for applications from band 3 staff, until its closing date."""

    cohort = models.OneToOneField(Cohort, on_delete=models.PROTECT, related_name="recruitment")
    opens_on = models.DateField()
    closes_on = models.DateField("closing date")
    places = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cohort__intake_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="round_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return f"Recruitment to {self.cohort}"

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on


class SelectionCriterion(models.Model):
    round = models.ForeignKey(RecruitmentRound, on_delete=models.CASCADE, related_name="criteria")
    text = models.CharField(max_length=500)
    essential = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "order", "id"]

    def __str__(self) -> str:
        return self.text


class ApplicationStatus(models.TextChoices):
    AWAITING_SUPPORT = "awaiting_support", "Awaiting manager's support"
    SUPPORTED = "supported", "Manager supports"
    NOT_SUPPORTED = "not_supported", "Manager does not support"
    SHORTLISTED = "shortlisted", "Shortlisted"
    NOT_SHORTLISTED = "not_shortlisted", "Not shortlisted"
    APPOINTABLE = "appointable", "Interviewed: appointable"
    NOT_APPOINTED = "not_appointed", "Interviewed: not appointed"
    OFFERED = "offered", "Offered a place"
    ACCEPTED = "accepted", "Offer accepted"
    DECLINED = "declined", "Offer declined"
    ENROLLED = "enrolled", "Enrolled"
    WITHDRAWN = "withdrawn", "Withdrawn"


S = ApplicationStatus

# Which state may follow which. Anything else is refused by the services.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.AWAITING_SUPPORT: frozenset({S.SUPPORTED, S.NOT_SUPPORTED, S.WITHDRAWN}),
    S.SUPPORTED: frozenset({S.SHORTLISTED, S.NOT_SHORTLISTED, S.WITHDRAWN}),
    S.SHORTLISTED: frozenset({S.APPOINTABLE, S.NOT_APPOINTED, S.WITHDRAWN}),
    S.APPOINTABLE: frozenset({S.OFFERED, S.WITHDRAWN}),
    S.OFFERED: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.ENROLLED, S.WITHDRAWN}),
    S.NOT_SUPPORTED: frozenset(),
    S.NOT_SHORTLISTED: frozenset(),
    S.NOT_APPOINTED: frozenset(),
    S.DECLINED: frozenset(),
    S.ENROLLED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
FINAL_STATES = frozenset(state for state, after in TRANSITIONS.items() if not after)


class Application(models.Model):
    round = models.ForeignKey(
        RecruitmentRound, on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications_to_support",
        help_text="The applicant's line manager, who confirms their support.",
    )
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=S.AWAITING_SUPPORT
    )
    # The applicant's details as given when applying.
    job_title = models.CharField(max_length=150)
    band = models.CharField(max_length=8, choices=Band.choices)
    clinical_area = models.ForeignKey(
        ClinicalArea, on_delete=models.PROTECT, related_name="+", help_text="Where they work now."
    )
    employee_number = models.CharField(max_length=32, blank=True, default="")
    phone = models.CharField("telephone", max_length=30, blank=True, default="")
    statement = models.TextField("supporting statement")
    submitted_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who entered the application (the applicant, or the lead nurse for them).",
    )
    # The manager's answer.
    support_comment = models.TextField(blank=True, default="")
    support_decided_at = models.DateTimeField(null=True, blank=True)
    # Milestones reached, for the figures.
    shortlisted_on = models.DateField(null=True, blank=True)
    shortlist_notes = models.TextField(blank=True, default="")
    offered_on = models.DateField(null=True, blank=True)
    offer_notes = models.TextField(blank=True, default="")
    responded_on = models.DateField(null=True, blank=True)
    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
    )

    class Meta:
        ordering = ["round", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "applicant"], name="one_application_per_round"
            ),
            models.CheckConstraint(
                condition=~Q(applicant=F("manager")), name="application_manager_not_applicant"
            ),
            models.CheckConstraint(
                condition=~Q(status="enrolled") | Q(enrolment__isnull=False),
                name="enrolled_application_has_enrolment",
            ),
        ]
        indexes = [models.Index(fields=["manager", "status"])]

    def __str__(self) -> str:
        return f"{self.applicant} for {self.round.cohort}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATES

    def can_become(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]


class CriterionAssessment(models.Model):
    """Shortlisting: whether the application meets one selection criterion, and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.ForeignKey(
        SelectionCriterion, on_delete=models.PROTECT, related_name="assessments"
    )
    met = models.BooleanField()
    notes = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["application", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="one_assessment_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {'met' if self.met else 'not met'}"


class Interview(models.Model):
    class Outcome(models.TextChoices):
        APPOINTABLE = "appointable", "Appointable"
        NOT_APPOINTABLE = "not_appointable", "Not appointable"

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="interview"
    )
    held_on = models.DateField()
    panel = models.CharField(max_length=300, help_text="Who sat on the panel")
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    notes = models.TextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="interview_score_max_100"
            )
        ]

    def __str__(self) -> str:
        return f"Interview of {self.application.applicant} on {self.held_on}"


class ApplicationEvent(models.Model):
    """Every move of an application from one state to the next: who, when, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(blank=True, default="")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status or 'new'} to {self.to_status}"
