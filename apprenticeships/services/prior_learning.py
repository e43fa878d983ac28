"""Writes for the initial assessment: the skills scan of an apprentice against the standard's
KSBs and the framework's competencies, the assessor's decisions on prior learning, and the
reduction in planned off-the-job hours that accepted prior learning makes.

The 2025 to 2026 funding rules: prior learning must be assessed and recorded at the start;
accepted prior learning reduces the content, and so the off-the-job hours (and the price),
with the evidence kept; a funded apprenticeship keeps at least 187 off-the-job hours.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apprenticeships.models import (
    Apprenticeship,
    ScanOutcome,
    SkillsScan,
    SkillsScanItem,
)
from apprenticeships.selectors import coverage as selectors
from apprenticeships.services.standards import FUNDED_HOURS_FLOOR
from competencies.uploads import check_upload
from pathway.models import User

PERM = "apprenticeships.assess_prior_learning"


def _require(actor: User | None, apprenticeship: Apprenticeship) -> None:
    if actor is None:
        return
    if not actor.has_perm(PERM, apprenticeship):
        raise PermissionDenied("Only the lead nurse or the apprentice's assessor does this")
    if actor.pk == apprenticeship.enrolment.trainee_id:
        raise PermissionDenied("Nobody assesses their own prior learning")


def _require_open(scan: SkillsScan) -> None:
    if scan.is_complete:
        raise ValidationError("The skills scan is complete: its decisions cannot change")


@transaction.atomic
def skills_scan_start(*, actor: User | None, apprenticeship: Apprenticeship) -> SkillsScan:
    """Start the apprentice's skills scan: one line per KSB of the standard and per competency
    on their record, each marked when the apprentice already holds it on the current-competence
    register (a KSB, when they hold a competency mapped to it). Starting twice gives the first."""
    _require(actor, apprenticeship)
    Apprenticeship.objects.select_for_update().filter(pk=apprenticeship.pk).first()
    existing = SkillsScan.objects.filter(apprenticeship=apprenticeship).first()
    if existing is not None:
        return existing
    scan = SkillsScan.objects.create(apprenticeship=apprenticeship, started_by=actor)
    coverage = selectors.apprentice_coverage(apprenticeship)
    held = selectors.held_competencies(
        apprenticeship.enrolment.trainee, apprenticeship.enrolment.record.framework
    )
    items = [
        SkillsScanItem(scan=scan, ksb=row.ksb, held_on_register=row.evidenced)
        for row in coverage.rows
    ]
    items += [
        SkillsScanItem(scan=scan, competency=competency, held_on_register=competency.pk in held)
        for competency in selectors.record_competencies(apprenticeship)
    ]
    SkillsScanItem.objects.bulk_create(items)
    return scan


@transaction.atomic
def scan_item_decide(
    *,
    actor: User | None,
    item: SkillsScanItem,
    outcome: str,
    evidence: str = "",
    reason: str = "",
    upload=None,
) -> SkillsScanItem:
    """The assessor's decision on one KSB or competency: prior learning accepted (with its
    evidence, and the reason), or to be learned."""
    item = SkillsScanItem.objects.select_for_update().select_related("scan").get(pk=item.pk)
    apprenticeship = selectors.apprenticeship(item.scan.apprenticeship_id)
    _require(actor, apprenticeship)
    _require_open(item.scan)
    if outcome not in (ScanOutcome.ACCEPTED, ScanOutcome.TO_LEARN):
        raise ValidationError({"outcome": "Select whether prior learning is accepted"})
    item.outcome = outcome
    item.evidence = (evidence or "").strip()
    item.reason = (reason or "").strip()
    if upload is not None:
        try:
            content_type = check_upload(upload)
        except ValidationError as error:
            raise ValidationError({"upload": error.message_dict["upload"]}) from None
        item.evidence_file.save("evidence", upload, save=False)
        item.evidence_filename = upload.name[:255]
        item.evidence_content_type = content_type
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.full_clean(exclude=["evidence_file"])
    item.save()
    return item


@transaction.atomic
def skills_scan_complete(
    *, actor: User | None, scan: SkillsScan, hours_reduction: int, reason: str = ""
) -> SkillsScan:
    """Complete the scan: record the reduction in planned off-the-job hours that accepted prior
    learning makes (0 when none), with its reason, and take it off the apprentice's plan."""
    scan = SkillsScan.objects.select_for_update().get(pk=scan.pk)
    apprenticeship = Apprenticeship.objects.select_for_update().get(pk=scan.apprenticeship_id)
    _require(actor, apprenticeship)
    _require_open(scan)
    reason = (reason or "").strip()
    items = scan.items.all()
    if items.filter(outcome=ScanOutcome.TO_ASSESS).exists():
        raise ValidationError("Decide every KSB and competency before completing the scan")
    accepted = items.filter(outcome=ScanOutcome.ACCEPTED).exists()
    errors = {}
    if hours_reduction < 0:
        errors["hours_reduction"] = "The reduction must be 0 hours or more"
    elif hours_reduction and not accepted:
        errors["hours_reduction"] = "Only accepted prior learning reduces the hours: accept some"
    elif hours_reduction and not reason:
        errors["reason"] = "Enter the reason for the reduction"
    elif hours_reduction > apprenticeship.planned_otj_hours:
        errors["hours_reduction"] = (
            f"The reduction cannot be more than the {apprenticeship.planned_otj_hours} "
            "planned hours"
        )
    elif (
        apprenticeship.levy_funded
        and apprenticeship.planned_otj_hours - hours_reduction < FUNDED_HOURS_FLOOR
    ):
        errors["hours_reduction"] = (
            f"A funded apprenticeship keeps at least {FUNDED_HOURS_FLOOR} off-the-job hours: "
            f"the reduction can be {max(apprenticeship.planned_otj_hours - FUNDED_HOURS_FLOOR, 0)}"
            " hours at most"
        )
    if errors:
        raise ValidationError(errors)
    scan.hours_before = apprenticeship.planned_otj_hours
    scan.hours_reduction = hours_reduction
    scan.reduction_reason = reason
    scan.completed_by = actor
    scan.completed_at = timezone.now()
    scan.save()
    if hours_reduction:
        apprenticeship.planned_otj_hours -= hours_reduction
        apprenticeship.save(update_fields=["planned_otj_hours", "updated_at"])
    return scan
