"""Job descriptions built on a competency framework, and role design with the Calderdale
Framework (stages, task analysis with delegation and risk decisions, tasks made competencies).

Invariants kept here (and by the services):
- a job description is edited only while it is a draft; versions of one job description share a
  `lineage` code and at most one of them is approved at a time;
- its competency section is never typed: it is read from its framework (see selectors);
- a task's risk score is likelihood × impact on the common 5×5 matrix (see `risk_level_for`);
- every change to a job description and its person specification is kept in the audit history
  (django-simple-history; shown on the lead nurse's audit page, docs/adr/0010-audit-history.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from competencies.models import Competency, Framework
from pathway.history import AuditHistory
from pathway.models import Band, ClinicalArea

# Job descriptions -------------------------------------------------------------------------------


class JobDescriptionHistory(AuditHistory):
    """The audit history of job descriptions, with their clinical areas (a many-to-many).

    - The clinical areas given when a job description is made belong to its first version:
      they are added to the "created" row rather than making a second, "changed" one.
    - Setting the clinical areas to the ones it already has (every save of the form does) adds
      no row: it would show a change with nothing in it.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        super().post_save(instance, created, using=using, **kwargs)
        recorded = (
            created and not kwargs.get("raw") and not hasattr(instance, "skip_history_when_saving")
        )
        instance._history_created_row = instance.history.first() if recorded else None

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if reverse or (action in ("post_add", "post_remove") and not pk_set):
            return
        created_row = getattr(instance, "_history_created_row", None)
        if created_row is not None and action in ("post_add", "post_remove", "post_clear"):
            created_row.clinical_areas.all().delete()
            self.create_historical_record_m2ms(created_row, instance)
            return
        super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)


class JobDescription(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded"

    title = models.CharField(max_length=200)
    band = models.CharField(max_length=8, choices=Band.choices)
    clinical_areas = models.ManyToManyField(
        ClinicalArea, related_name="job_descriptions", help_text="Where the role works."
    )
    reports_to = models.CharField(max_length=200)
    job_purpose = models.TextField()
    key_responsibilities = models.TextField(help_text="One responsibility per line.")
    working_relationships = models.TextField(blank=True, default="")
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="job_descriptions"
    )
    lineage = models.SlugField(
        max_length=100, help_text="Stays the same across versions of one job description."
    )
    version = models.PositiveIntegerField(default=1)
    previous_version = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = JobDescriptionHistory(m2m_fields=[clinical_areas])

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="unique_jd_version"),
            models.UniqueConstraint(
                fields=["lineage"],
                condition=Q(status="approved"),
                name="one_approved_jd_per_lineage",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="jd_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def responsibilities(self) -> list[str]:
        return [line.strip() for line in self.key_responsibilities.splitlines() if line.strip()]


class CriterionCategory(models.TextChoices):
    QUALIFICATIONS = "qualifications", "Qualifications"
    EXPERIENCE = "experience", "Experience"
    SKILLS = "skills", "Skills"
    KNOWLEDGE = "knowledge", "Knowledge"


class PersonSpecCriterion(models.Model):
    job_description = models.ForeignKey(
        JobDescription, on_delete=models.CASCADE, related_name="criteria"
    )
    category = models.CharField(max_length=16, choices=CriterionCategory.choices)
    essential = models.BooleanField(default=True, help_text="Essential, or else desirable.")
    text = models.CharField(max_length=500)
    order = models.PositiveIntegerField(default=0)

    # The order is set by the services when the list is rewritten: not audited (like the order
    # of competencies), so that an edit above a criterion does not show as a change to it.
    history = AuditHistory(excluded_fields=["order"])

    class Meta:
        ordering = ["job_description", "order", "id"]
        verbose_name = "person specification criterion"
        verbose_name_plural = "person specification criteria"

    def __str__(self) -> str:
        return self.text

    @property
    def requirement(self) -> str:
        return "Essential" if self.essential else "Desirable"


# Role design (Calderdale Framework) -------------------------------------------------------------


class RoleDesignProject(models.Model):
    name = models.CharField(max_length=200)
    clinical_area = models.ForeignKey(
        ClinicalArea, on_delete=models.PROTECT, related_name="role_design_projects"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_role_designs"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="unique_role_design_project_name")
        ]

    def __str__(self) -> str:
        return self.name


class StageKind(models.IntegerChoices):
    """The seven stages of the Calderdale Framework, in order."""

    AWARENESS = 1, "Awareness raising"
    SERVICE_ANALYSIS = 2, "Service analysis"
    TASK_ANALYSIS = 3, "Task analysis"
    COMPETENCIES = 4, "Competency identification and generation"
    SUPPORTING_SYSTEMS = 5, "Supporting systems (supervision, delegation, governance)"
    TRAINING = 6, "Training"
    SUSTAINING = 7, "Sustaining"


# Which earlier stages each stage needs completed before it can start. The Calderdale Framework's
# stages run in order, with one exception: supporting systems (supervision, delegation and
# governance) are built around the tasks that task analysis found delegable, so they can be
# built alongside competency generation; training needs both the competencies to train against
# and the supervision and governance to train under. See docs/adr/0013-calderdale-stage-order.md.
STAGE_DEPENDENCIES: dict[int, tuple[int, ...]] = {
    StageKind.AWARENESS: (),
    StageKind.SERVICE_ANALYSIS: (StageKind.AWARENESS,),
    StageKind.TASK_ANALYSIS: (StageKind.SERVICE_ANALYSIS,),
    StageKind.COMPETENCIES: (StageKind.TASK_ANALYSIS,),
    StageKind.SUPPORTING_SYSTEMS: (StageKind.TASK_ANALYSIS,),
    StageKind.TRAINING: (StageKind.COMPETENCIES, StageKind.SUPPORTING_SYSTEMS),
    StageKind.SUSTAINING: (StageKind.TRAINING,),
}


def stage_blocked_by(kind: int, statuses: dict[int, str]) -> list[int]:
    """The stages `kind` depends on that are not completed, given each stage's status."""
    return [
        needed
        for needed in STAGE_DEPENDENCIES.get(kind, ())
        if statuses.get(needed) != Stage.Status.COMPLETED
    ]


class Stage(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANNOT_START = "cannot_start", "Cannot start yet"

    project = models.ForeignKey(RoleDesignProject, on_delete=models.CASCADE, related_name="stages")
    kind = models.PositiveSmallIntegerField(choices=StageKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_design_stages",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["project", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="one_stage_of_each_kind"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="stage_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_kind_display()}"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "End date must be the same as or after start date"})


class DelegationDecision(models.TextChoices):
    SUITABLE = "suitable", "Suitable"
    WITH_CONDITIONS = "with_conditions", "Suitable with conditions"
    NOT_SUITABLE = "not_suitable", "Not suitable"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


def risk_level_for(score: int) -> RiskLevel:
    """The band of a 5×5 risk matrix score (likelihood × impact), as commonly used in the NHS:
    1–3 low, 4–6 moderate, 8–12 high, 15–25 very high. (A product of two numbers from 1 to 5
    is never 7, 11, 13 or 14, so the bands leave no gaps.)"""
    if score <= 3:
        return RiskLevel.LOW
    if score <= 6:
        return RiskLevel.MODERATE
    if score <= 12:
        return RiskLevel.HIGH
    return RiskLevel.VERY_HIGH


ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Task(models.Model):
    """A task from the Calderdale task analysis, with its delegation and risk decision."""

    project = models.ForeignKey(RoleDesignProject, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    done_by_now = models.CharField("who does it now", max_length=200, blank=True, default="")
    frequency = models.CharField("how often", max_length=200, blank=True, default="")
    patients = models.CharField("which patients", max_length=200, blank=True, default="")
    decision = models.CharField(
        "delegation decision", max_length=16, choices=DelegationDecision.choices
    )
    conditions = models.TextField(blank=True, default="")
    likelihood = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    impact = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    training_needed = models.TextField(blank=True, default="")
    notes = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_task_name"),
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="task_risk_one_to_five",
            ),
            models.CheckConstraint(
                condition=~Q(decision="with_conditions") | ~Q(conditions=""),
                name="task_conditions_given",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.decision == DelegationDecision.WITH_CONDITIONS and not self.conditions.strip():
            raise ValidationError({"conditions": "Enter the conditions for delegating this task"})

    @property
    def risk_score(self) -> int:
        return (self.likelihood or 0) * (self.impact or 0)

    @property
    def risk_level(self) -> RiskLevel:
        return risk_level_for(self.risk_score)

    @property
    def can_become_competency(self) -> bool:
        return self.decision in {DelegationDecision.SUITABLE, DelegationDecision.WITH_CONDITIONS}


class TaskCompetencyLink(models.Model):
    """Where a competency came from: the task analysis that judged the task delegable."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="competency_links")
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="role_design_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "competency"]
        constraints = [
            models.UniqueConstraint(fields=["task", "competency"], name="unique_task_competency")
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.competency.code}"


# Who looked at what a person may do -------------------------------------------------------------


class CompetenceView(models.Model):
    """One look at "what can this person do?" or at the ward's "who can do this?", kept so that
    the audit history says who looked at whom, and when (issue #16). Written once, by
    `competence_view_record`, never changed; its creation is its history row."""

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A person's page names the person; the ward's page names the ward and what was asked.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competence_views",
    )
    clinical_area = models.ForeignKey(
        ClinicalArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    competency = models.CharField("competency asked about", max_length=300, blank=True, default="")
    viewed_at = models.DateTimeField(auto_now_add=True)

    history = AuditHistory()

    class Meta:
        ordering = ["-viewed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(clinical_area__isnull=False),
                name="competence_view_names_person_or_ward",
            )
        ]

    def __str__(self) -> str:
        return f"{self.viewer} viewed {self.person or self.clinical_area}"
