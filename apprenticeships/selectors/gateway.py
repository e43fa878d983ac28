"""Reads for the end-point assessment gateway: the checklist, the declaration, the predicted
gateway date, and the portfolio the end-point assessment organisation (EPAO) receives.

The checklist comes from the standard's gateway requirements. Assistant Practitioner (Health),
ST0215: the Care Certificate, level 2 English and maths, the level 5 qualification the standard
names (a Foundation degree, or 120 credits at level 5), the portfolio of evidence, and the
off-the-job training minimum. Other standards get the items every standard asks for.

Off-the-job hours: the item is confirmed by a person, like the others, with the hours ledger's
figures (selectors/hours.py: recorded to date against the standard's minimum) shown beside it,
so whoever confirms it sees what Pathway holds.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.utils import timezone

from apprenticeships.models import Apprenticeship, GatewayEvidence, GatewaySignature, PlanParty
from apprenticeships.selectors.hours import Hours, hours_of
from apprenticeships.selectors.plan import PARTIES, standard_of
from cohorts.models import Enrolment
from cohorts.selectors.dashboards import trainee_rows
from competencies.models import Assessment, ChainHead


@dataclass(frozen=True)
class Requirement:
    code: str
    label: str
    hint: str


ENGLISH = Requirement(
    "english", "Level 2 English", "A functional skills or GCSE certificate (grade 4 / C or above)"
)
MATHS = Requirement(
    "maths", "Level 2 maths", "A functional skills or GCSE certificate (grade 4 / C or above)"
)
PORTFOLIO = Requirement(
    "portfolio",
    "Portfolio of evidence complete",
    "Every competency the standard's knowledge, skills and behaviours rest on is signed off",
)
OTJ_HOURS = Requirement(
    "otj_hours",
    "Off-the-job training hours minimum met",
    "The hours ledger's total to date must reach the standard's minimum; give its reference",
)
BY_STANDARD = {
    "ST0215": [
        Requirement(
            "care_certificate", "Care Certificate", "The certificate or the employer's record"
        ),
        ENGLISH,
        MATHS,
        Requirement(
            "qualification",
            "Level 5 qualification or credits",
            "The Foundation degree, or a transcript showing 120 credits at level 5",
        ),
        PORTFOLIO,
        OTJ_HOURS,
    ],
}
EVERY_STANDARD = [ENGLISH, MATHS, PORTFOLIO, OTJ_HOURS]


def requirements_for(standard) -> list[Requirement]:
    if standard is None:
        return list(EVERY_STANDARD)
    return list(BY_STANDARD.get(standard.reference, EVERY_STANDARD))


def requirement(apprenticeship: Apprenticeship, code: str) -> Requirement:
    """The named requirement of this apprentice's checklist; LookupError when there is none."""
    for item in requirements_for(standard_of(apprenticeship)):
        if item.code == code:
            return item
    raise LookupError(code)


@dataclass
class ChecklistItem:
    requirement: Requirement
    evidence: GatewayEvidence | None

    @property
    def done(self) -> bool:
        return self.evidence is not None


@dataclass
class Gateway:
    apprenticeship: Apprenticeship
    items: list[ChecklistItem]
    signatures: list[tuple[PlanParty, GatewaySignature | None]]
    predicted_date: datetime.date | None
    achieved: int
    required: int
    # The off-the-job hours ledger; None for an apprenticeship whose programme names no standard.
    otj: Hours | None = None

    @property
    def complete(self) -> bool:
        return all(item.done for item in self.items)

    @property
    def declared(self) -> bool:
        return all(signature for _party, signature in self.signatures)

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def waiting_for(self) -> list[str]:
        return [party.label for party, signature in self.signatures if signature is None]

    @property
    def content_hash(self) -> str:
        return checklist_hash(self.items)


def checklist_hash(items: list[ChecklistItem]) -> str:
    """SHA-256 of the checklist as it stands: each item and its evidence. A signature keeps it,
    so a later change to the evidence shows the declaration was of something else."""
    content = [
        {
            "item": item.requirement.code,
            "reference": item.evidence.reference if item.evidence else None,
            "file": item.evidence.file.name if item.evidence and item.evidence.file else None,
            "confirmed_by": item.evidence.confirmed_by_id if item.evidence else None,
            "confirmed_at": item.evidence.confirmed_at.isoformat() if item.evidence else None,
        }
        for item in items
    ]
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def predicted_gateway(enrolment: Enrolment, *, today: datetime.date | None = None):
    """The dashboards' predicted completion (cohorts/progress.py, at the apprentice's rate of
    sign-off so far): when every competency is signed off, the portfolio is ready for the
    gateway. Returns (date or None, achieved, required)."""
    rows = trainee_rows(Enrolment.objects.filter(pk=enrolment.pk), today=today, mentors=False)
    if not rows:
        return None, 0, 0
    row = rows[0]
    return row.predicted_completion, row.achieved, row.required


def gateway(apprenticeship: Apprenticeship, *, today: datetime.date | None = None) -> Gateway:
    today = today or timezone.localdate()
    evidence = {
        e.requirement: e
        for e in GatewayEvidence.objects.filter(apprenticeship=apprenticeship).select_related(
            "confirmed_by"
        )
    }
    items = [
        ChecklistItem(req, evidence.get(req.code))
        for req in requirements_for(standard_of(apprenticeship))
    ]
    signed = {s.party: s for s in apprenticeship.gateway_signatures.all()}
    predicted, achieved, required = predicted_gateway(apprenticeship.enrolment, today=today)
    standard = standard_of(apprenticeship)
    return Gateway(
        apprenticeship=apprenticeship,
        items=items,
        signatures=[(party, signed.get(party)) for party in PARTIES],
        predicted_date=predicted,
        achieved=achieved,
        required=required,
        otj=hours_of(apprenticeship, today=today) if standard is not None else None,
    )


def evidence_for(apprenticeship: Apprenticeship, code: str) -> GatewayEvidence | None:
    return GatewayEvidence.objects.filter(apprenticeship=apprenticeship, requirement=code).first()


def signed_off_records(apprenticeship: Apprenticeship) -> list[Assessment]:
    """The apprentice's standing sign-offs (achieved and not revoked), in chain order, with
    the competency: what the portfolio's entries rest on."""
    return list(
        Assessment.objects.filter(
            record=apprenticeship.enrolment.record,
            outcome=Assessment.Outcome.ACHIEVED,
            revoked_by__isnull=True,
        )
        .select_related("competency")
        .prefetch_related("competency__ksbs")
        .order_by("sequence")
    )


def chain_head(apprenticeship: Apprenticeship):
    """The apprentice's chain head (length and last hash), or None."""
    return ChainHead.objects.filter(trainee_id=apprenticeship.enrolment.trainee_id).first()
