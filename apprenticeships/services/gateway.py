"""Writes for the end-point assessment gateway: evidencing a checklist item and signing the
three-party gateway declaration. Each checks who is acting, in one transaction."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apprenticeships.models import Apprenticeship, GatewayEvidence, GatewaySignature
from apprenticeships.rules_plan import plan_party
from apprenticeships.selectors import gateway as selectors
from competencies.uploads import ALLOWED, check_upload
from pathway.models import User

REFERENCE_MAX = 300


@transaction.atomic
def gateway_evidence_record(
    *, actor: User, apprenticeship: Apprenticeship, code: str, reference: str = "", upload=None
) -> GatewayEvidence:
    """Evidence one checklist item with a reference, a file, or both. Until anyone signs the
    declaration the evidence can be replaced; then it is fixed."""
    if not actor.has_perm("apprenticeships.evidence_gateway", apprenticeship):
        raise PermissionDenied(
            "Only the lead nurse, the apprentice's tutor or line manager evidences the gateway"
        )
    try:
        selectors.requirement(apprenticeship, code)
    except LookupError as unknown:
        raise ValidationError("This is not an item of the apprentice's gateway") from unknown
    Apprenticeship.objects.select_for_update().filter(pk=apprenticeship.pk).first()
    if apprenticeship.gateway_signatures.exists():
        raise ValidationError(
            "The gateway declaration has been signed: its evidence can no longer be changed"
        )
    reference = (reference or "").strip()
    if len(reference) > REFERENCE_MAX:
        raise ValidationError({"reference": f"Enter no more than {REFERENCE_MAX} characters"})
    if not reference and upload is None:
        raise ValidationError({"reference": "Enter a reference or choose a file"})
    content_type = check_upload(upload) if upload is not None else ""
    evidence = GatewayEvidence.objects.filter(apprenticeship=apprenticeship, requirement=code)
    evidence = evidence.first() or GatewayEvidence(apprenticeship=apprenticeship, requirement=code)
    evidence.reference = reference
    if upload is not None:
        extension = sorted(ALLOWED[content_type])[0]
        evidence.file.save(f"{code}-{uuid.uuid4().hex}.{extension}", upload, save=False)
        shown = "".join(ch for ch in upload.name if ch.isprintable()).strip()
        evidence.file_name = shown[-200:] or f"{code}.{extension}"
        evidence.content_type = content_type
    evidence.confirmed_by = actor
    evidence.confirmed_at = timezone.now()
    evidence.save()
    return evidence


@transaction.atomic
def gateway_declaration_sign(*, actor: User, apprenticeship: Apprenticeship) -> GatewaySignature:
    """The signed-in person signs the gateway declaration as their party, once every item is
    evidenced. The signature keeps the hash of the checklist as it stood."""
    if not actor.has_perm("apprenticeships.sign_gateway", apprenticeship):
        raise PermissionDenied(
            "Only the apprentice, their employer and their tutor sign the declaration"
        )
    Apprenticeship.objects.select_for_update().filter(pk=apprenticeship.pk).first()
    state = selectors.gateway(apprenticeship)
    if not state.complete:
        raise ValidationError("Every item of the checklist must be evidenced before signing")
    party = plan_party(actor, apprenticeship)
    if apprenticeship.gateway_signatures.filter(party=party).exists():
        raise ValidationError("The declaration has already been signed for this party")
    return GatewaySignature.objects.create(
        apprenticeship=apprenticeship,
        party=party,
        person=actor,
        person_name=actor.full_name,
        content_hash=state.content_hash,
        signed_at=timezone.now(),
    )
