"""Evaluation questionnaires: built by the lead nurse, issued to a cohort's trainees and mentors,
answered in the browser, and read as results.

Invariants kept here (and by the services):
- a questionnaire is changed only until it is first issued; after that it is copied to change it
  (copies share the `family` of the original, and each question keeps its `key`, so the same
  question can be compared across cohorts);
- an issue closes on or after the day it opens;
- each invited person submits at most once (`Invitation.submitted`, set in the transaction
  that stores the response);
- an anonymous response carries nothing that leads back to its author: a random UUID primary
  key, no person, no time; its answers have random UUID keys too. See
  docs/adr/0014-anonymous-questionnaires.md for what this guarantees and what it does not.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

LIKERT_LABELS = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)


class Questionnaire(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    family = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text="Shared by a questionnaire and its copies: they are compared across cohorts.",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "-created_at"]
        indexes = [models.Index(fields=["family"])]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["questionnaire", "order", "id"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    LIKERT = "likert", "Agreement scale (1 to 5)"
    SINGLE = "single", "One choice"
    MULTIPLE = "multiple", "Several choices"
    TEXT = "text", "Free text"


CHOICE_KINDS = (QuestionKind.LIKERT, QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=500, blank=True, default="")
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    required = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    key = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text="Kept by copies of the question, to compare it across cohorts.",
    )

    class Meta:
        ordering = ["section", "order", "id"]
        indexes = [models.Index(fields=["key"])]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class Option(models.Model):
    """A choice of a question. For an agreement scale, `value` is the point 1 to 5."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=200)
    value = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["question", "value"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="unique_option_value")
        ]

    def __str__(self) -> str:
        return self.label


class Audience(models.TextChoices):
    TRAINEES = "trainees", "Trainees"
    MENTORS = "mentors", "Mentors"
    BOTH = "both", "Trainees and their mentors"


class Issue(models.Model):
    """A questionnaire sent to a cohort's trainees and/or mentors, open between two dates."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="issues"
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.PROTECT, related_name="questionnaire_issues"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices)
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="The last day answers are accepted.")
    anonymous = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="issue_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} for {self.cohort}"

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on

    def has_closed(self, today) -> bool:
        return today > self.closes_on

    def state(self, today) -> str:
        if today < self.opens_on:
            return "upcoming"
        return "closed" if today > self.closes_on else "open"


class Invitation(models.Model):
    """Who an issue was sent to, and whether they have submitted (the receipt).

    Deliberately nothing else: no time of submission and no link to the response."""

    class As(models.TextChoices):
        TRAINEE = "trainee", "Trainee"
        MENTOR = "mentor", "Mentor"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="questionnaire_invitations"
    )
    invited_as = models.CharField(max_length=8, choices=As.choices)
    submitted = models.BooleanField(default=False)

    class Meta:
        ordering = ["issue", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "person"], name="one_invitation_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.issue}"


class Draft(models.Model):
    """Answers saved to finish later: linked to the person until they submit, then deleted."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="drafts")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questionnaire_drafts"
    )
    answers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "person"], name="one_draft_per_person")
        ]

    def __str__(self) -> str:
        return f"Draft by {self.person} for {self.issue}"


class Response(models.Model):
    """A submitted set of answers. Named responses say whose and when; anonymous ones have
    neither (both null), and a random key, so they cannot be put in order of submission."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "respondent"],
                condition=Q(respondent__isnull=False),
                name="one_named_response_per_person",
            ),
            models.CheckConstraint(
                condition=Q(respondent__isnull=True, submitted_at__isnull=True)
                | Q(respondent__isnull=False, submitted_at__isnull=False),
                name="response_named_with_time_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"Response to {self.issue}"


class Answer(models.Model):
    """One answer: a chosen option (one row per option for several choices) or a text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    text = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["question", "option"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(option__isnull=False, text="") | Q(option__isnull=True),
                name="answer_option_or_text",
            )
        ]

    def __str__(self) -> str:
        return self.option.label if self.option_id else self.text[:50]
