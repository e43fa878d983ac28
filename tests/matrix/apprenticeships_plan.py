"""The permission matrix for the training plan, the end-point assessment gateway and inspection
access (issue 19, parts 5 to 7).

The apprentice's plan and gateway are part of their record: the record's readers see them and
anyone else gets 404. The three parties sign (the trainee; the line manager or the lead nurse
for the employer; the tutor for the training provider); the lead nurse and the tutor write the
plan; the lead nurse, tutor and line manager evidence the gateway; the lead nurse and tutor
export the portfolio; only the lead nurse makes the evidence pack and gives inspection access.
The world gains an inspector (not one of the ten people) with access to the trainee's cohort:
none of the ten holds a grant, so the inspector's own page refuses them all.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apprenticeships.models import Apprenticeship, ApprenticeshipProgramme
from apprenticeships.services import gateway as gateway_services
from apprenticeships.services import inspection as inspection_services
from apprenticeships.services import plan as plan_services
from competencies.models import ApprenticeshipStandard
from tests import factories
from tests.matrix.common import (
    ANON,
    LEAD,
    LOGIN,
    MANAGER,
    OK,
    RECORD_READERS,
    TRAINEE,
    TUTOR,
    each,
    lead_only,
)

EVIDENCE_PDF = Path(__file__).resolve().parents[1] / "fixtures" / "evidence" / "reflection.pdf"


def _record(*allowed, get=200, post=OK) -> dict:
    """A page of the apprentice's record: 404 to anyone who cannot read it, 403 to readers
    who may not do this, `get`/`post` to those who may."""
    refused = [p for p in RECORD_READERS if p not in allowed]
    return {
        "GET": {"*": 404, ANON: LOGIN, **each(refused, 403), **each(allowed, get)},
        "POST": {"*": 404, ANON: LOGIN, **each(refused, 403), **each(allowed, post)},
    }


def _cohort_read() -> dict:
    return {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200},
        "POST": {"*": 403, ANON: LOGIN, LEAD: 405},
    }


PARTIES = (TRAINEE, TUTOR, MANAGER, LEAD)

MATRIX = {
    "apprenticeships:plan_cohorts": lead_only(post=405),
    "apprenticeships:cohort_plans": _cohort_read(),
    "apprenticeships:cohort_gateway_export": _cohort_read(),
    "apprenticeships:apprentice_plan": _record(*RECORD_READERS, post=405),
    "apprenticeships:plan_version": _record(*RECORD_READERS, post=405),
    "apprenticeships:plan_edit": _record(LEAD, TUTOR),
    "apprenticeships:plan_sign": _record(*PARTIES),
    "apprenticeships:gateway_detail": _record(*RECORD_READERS, post=405),
    "apprenticeships:gateway_evidence": _record(LEAD, TUTOR, MANAGER),
    "apprenticeships:gateway_evidence_file": _record(*RECORD_READERS, post=405),
    "apprenticeships:gateway_declare": _record(*PARTIES),
    "apprenticeships:portfolio_export": _record(LEAD, TUTOR, post=405),
    "apprenticeships:evidence_pack": _record(LEAD, post=405),
    "apprenticeships:inspection_grants": lead_only(post=405),
    "apprenticeships:inspection_grant_add": lead_only(),
    "apprenticeships:inspection_grant_revoke": lead_only(),
    "apprenticeships:inspection_home": {
        "GET": {"*": 403, ANON: LOGIN},
        "POST": {"*": 403, ANON: LOGIN},
    },
}

KWARGS = {
    "apprenticeships:cohort_plans": lambda w: {"pk": w.cohort.pk},
    "apprenticeships:cohort_gateway_export": lambda w: {"pk": w.cohort.pk, "fmt": "csv"},
    "apprenticeships:apprentice_plan": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:plan_version": lambda w: {"pk": w.training_plan.pk},
    "apprenticeships:plan_edit": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:plan_sign": lambda w: {"pk": w.training_plan.pk},
    "apprenticeships:gateway_detail": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:gateway_evidence": lambda w: {"pk": w.apprenticeship.pk, "code": "english"},
    "apprenticeships:gateway_evidence_file": lambda w: {
        "pk": w.apprenticeship.pk,
        "code": "care_certificate",
    },
    "apprenticeships:gateway_declare": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:portfolio_export": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:evidence_pack": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:inspection_grant_revoke": lambda w: {"pk": w.inspection_grant.pk},
}


def _apprenticeship(world) -> Apprenticeship:
    """The trainee's apprenticeship: the one another part of the matrix made, or a new one."""
    existing = Apprenticeship.objects.filter(enrolment=world.enrolment).first()
    if existing is not None:
        return existing
    standard = ApprenticeshipStandard.objects.filter(reference="ST0215").first()
    if standard is None:
        standard = ApprenticeshipStandard.objects.create(
            reference="ST0215",
            title="Assistant Practitioner (Health)",
            level=5,
            typical_duration_months=24,
            minimum_otj_hours=370,
            funding_band=15000,
        )
    ApprenticeshipProgramme.objects.get_or_create(
        programme=world.programme, defaults={"standard": standard}
    )
    start = world.enrolment.start_date
    return Apprenticeship.objects.create(
        enrolment=world.enrolment,
        practical_period_start=start,
        planned_end_date=start + datetime.timedelta(days=730),
        planned_otj_hours=400,
    )


def extend_world(world) -> None:
    today = timezone.localdate()
    world.apprenticeship = _apprenticeship(world)
    world.training_plan = plan_services.training_plan_create(
        actor=world.tutor,
        apprenticeship=world.apprenticeship,
        practical_period_start=world.apprenticeship.practical_period_start,
        planned_end_date=world.apprenticeship.planned_end_date,
        planned_otj_hours=world.apprenticeship.planned_otj_hours,
        **factories.PLAN_TEXT,
    )
    gateway_services.gateway_evidence_record(
        actor=world.tutor,
        apprenticeship=world.apprenticeship,
        code="care_certificate",
        reference="CC-2025-001",
        upload=SimpleUploadedFile("care-certificate.pdf", EVIDENCE_PDF.read_bytes()),
    )
    world.inspector = factories.UserFactory(full_name="Ines Inspector")
    world.inspection_grant = inspection_services.inspection_grant_create(
        actor=world.lead_nurse,
        inspector=world.inspector,
        cohorts=[world.cohort],
        expires_on=today + datetime.timedelta(days=14),
        purpose="Ofsted monitoring visit",
    )
