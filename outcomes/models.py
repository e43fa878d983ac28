"""The career pathway: its stages, each person's moves between them, and bridging modules.

A person's time as a trainee and their qualifying come from their cohort enrolments (cohorts'
status history is the authority for those); the moves recorded here are everything else: the
band 3 post they started from, a move to another clinical area, bridging modules, pre-registration
nursing, registration, and leaving the trust
(docs/adr/0012-outcomes-pathway-moves-from-enrolments.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from pathway.models import ClinicalArea, Organisation


class StageCode(models.TextChoices):
    """The fixed stages the outcome calculations rely on. Names and descriptions are data."""

    SUPPORT_WORKER = "support_worker", "Band 3 support worker"
    TRAINEE = "trainee_ap", "Trainee assistant practitioner"
    QUALIFIED = "qualified_ap", "Qualified assistant practitioner (band 4)"
    BRIDGING = "bridging", "Bridging modules"
    PRE_REGISTRATION = "pre_registration", "Pre-registration nursing"
    REGISTERED = "registered_nurse", "Registered nurse"
    LEFT = "left", "Left the trust"


# The order of the pathway; leaving is not a step on it.
PATHWAY_ORDER = [
    StageCode.SUPPORT_WORKER,
    StageCode.TRAINEE,
    StageCode.QUALIFIED,
    StageCode.BRIDGING,
    StageCode.PRE_REGISTRATION,
    StageCode.REGISTERED,
]
# Stages that only ever come from cohort enrolments (never recorded by hand).
FROM_ENROLMENT_ONLY = {StageCode.TRAINEE}
# Stages towards nursing, counted as progression after qualifying.
NURSING_STAGES = [StageCode.BRIDGING, StageCode.PRE_REGISTRATION, StageCode.REGISTERED]

DEFAULT_DESCRIPTIONS = {
    StageCode.SUPPORT_WORKER: "Working as a band 3 healthcare support worker.",
    StageCode.TRAINEE: "On the assistant practitioner programme, enrolled on a cohort.",
    StageCode.QUALIFIED: "Qualified and working as a band 4 assistant practitioner.",
    StageCode.BRIDGING: "Taking bridging modules from assistant practitioner towards nursing.",
    StageCode.PRE_REGISTRATION: "On a pre-registration nursing course.",
    StageCode.REGISTERED: "Registered with the Nursing and Midwifery Council.",
    StageCode.LEFT: "No longer working for the trust.",
}


class Stage(models.Model):
    """A stage of the career pathway. The code is fixed; the name and description are the
    lead nurse's to word."""

    code = models.CharField(max_length=20, choices=StageCode.choices, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="")
    order = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_exit(self) -> bool:
        return self.code == StageCode.LEFT


class PathwayMove(models.Model):
    """A person moved to a stage (or, within a stage, to another clinical area) on a day."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pathway_moves"
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="moves")
    on = models.DateField("date of the move")
    clinical_area = models.ForeignKey(
        ClinicalArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pathway_moves",
        help_text="Where the person works after the move, when it matters.",
    )
    reason = models.TextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "on", "id"]
        indexes = [models.Index(fields=["person", "on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "stage", "on", "clinical_area"],
                name="one_move_per_person_stage_day_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} to {self.stage} on {self.on}"

    def clean(self):
        super().clean()
        if self.stage_id and self.stage.is_exit and not (self.reason or "").strip():
            raise ValidationError({"reason": "Give the reason the person left"})


class BridgingModule(models.Model):
    """A module a qualified assistant practitioner takes on the way to nursing."""

    title = models.CharField(max_length=200, unique=True)
    credits = models.PositiveSmallIntegerField(default=0)
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="bridging_modules"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class BridgingResult(models.TextChoices):
    PASS = "pass", "Passed"
    FAIL = "fail", "Failed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class BridgingEnrolment(models.Model):
    module = models.ForeignKey(BridgingModule, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bridging_enrolments"
    )
    started_on = models.DateField()
    result = models.CharField(max_length=10, choices=BridgingResult.choices, blank=True)
    result_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["module", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["module", "person"], name="one_bridging_enrolment"),
            models.CheckConstraint(
                condition=(Q(result="") & Q(result_on__isnull=True))
                | (~Q(result="") & Q(result_on__gte=F("started_on"))),
                name="bridging_result_has_date_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.module}"
