"""The permission matrix for setting up the apprenticeship route, KSB coverage and prior
learning (see tests/matrix/common.py).

- Standards and their coverage: the lead nurse sets them up; the administrator may read them.
- Programmes and apprentices' terms: the lead nurse's alone.
- An apprentice's page and KSB export, and their prior-learning evidence: whoever may read
  their training record (the trainee, the staff supporting them now, the lead nurse); anyone
  else gets 404, as for the record itself.
- The skills scan: the lead nurse, or the tutor or practice educator allocated to the
  apprentice; other readers of the record get 403.

The world's programme becomes an apprenticeship delivering a standard whose KSBs map to the
world's framework; the trainee has terms and a skills scan with an evidence file.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from apprenticeships.models import Apprenticeship, ApprenticeshipProgramme
from apprenticeships.services import prior_learning
from competencies.models import ApprenticeshipStandard, Framework, Ksb
from tests.matrix.common import (
    ADMIN,
    ANON,
    EDUCATOR,
    LEAD,
    LOGIN,
    OK,
    RECORD_READERS,
    TUTOR,
    each,
    lead_only,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ASSESSORS = (LEAD, TUTOR, EDUCATOR)


def extend_world(w):
    # get_or_create: another part of the matrix may make the same programme an apprenticeship.
    w.standard, _ = ApprenticeshipStandard.objects.get_or_create(
        reference="ST0215",
        version="1.1",
        defaults={
            "title": "Assistant practitioner (health)",
            "level": 5,
            "typical_duration_months": 18,
            "minimum_otj_hours": 600,
            "funding_band": 12000,
        },
    )
    ksb, _ = Ksb.objects.get_or_create(
        standard=w.standard, code="K1", defaults={"kind": "K", "text": "Anatomy and physiology"}
    )
    ksb.competencies.add(w.achieved)
    Framework.objects.filter(pk=w.framework.pk).update(standard=w.standard)
    ApprenticeshipProgramme.objects.get_or_create(
        programme=w.programme, defaults={"standard": w.standard}
    )
    start = w.cohort.intake_date
    w.apprenticeship, _ = Apprenticeship.objects.get_or_create(
        enrolment=w.enrolment,
        defaults={
            "practical_period_start": start,
            "planned_end_date": start + datetime.timedelta(weeks=78),
            "planned_otj_hours": 600,
        },
    )
    scan = prior_learning.skills_scan_start(actor=None, apprenticeship=w.apprenticeship)
    w.scan_item = scan.items.get(ksb=ksb)
    prior_learning.scan_item_decide(
        actor=None,
        item=w.scan_item,
        outcome="accepted",
        evidence="Care Certificate",
        reason="Completed in 2024",
        upload=SimpleUploadedFile("certificate.pdf", PDF),
    )


def _standards_read(post=405) -> dict:
    return {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, LEAD: post, ADMIN: post},
    }


def _lead_read() -> dict:
    return {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200},
        "POST": {"*": 403, ANON: LOGIN, LEAD: 405},
    }


def _record_read() -> dict:
    return {
        "GET": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 200)},
        "POST": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 405)},
    }


def _assess() -> dict:
    return {
        "GET": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 403), **each(ASSESSORS, 200)},
        "POST": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 403), **each(ASSESSORS, OK)},
    }


MATRIX = {
    "apprenticeships:standard_list": _standards_read(),
    "apprenticeships:standard_create": lead_only(),
    "apprenticeships:standard_detail": _standards_read(),
    "apprenticeships:standard_edit": lead_only(),
    "apprenticeships:ksb_import": lead_only(),
    "apprenticeships:ksb_import_template": _lead_read(),
    "apprenticeships:framework_coverage": _standards_read(),
    "apprenticeships:framework_coverage_export": _standards_read(),
    "apprenticeships:programme_list": _lead_read(),
    "apprenticeships:programme_standard": lead_only(),
    "apprenticeships:terms_edit": lead_only(),
    "apprenticeships:apprentice": _record_read(),
    "apprenticeships:apprentice_ksb_export": _record_read(),
    "apprenticeships:skills_scan": _assess(),
    "apprenticeships:scan_item": _assess(),
    "apprenticeships:scan_complete": _assess(),
    "apprenticeships:scan_evidence": _record_read(),
}

KWARGS = {
    "apprenticeships:standard_detail": lambda w: {"pk": w.standard.pk},
    "apprenticeships:standard_edit": lambda w: {"pk": w.standard.pk},
    "apprenticeships:ksb_import": lambda w: {"pk": w.standard.pk},
    "apprenticeships:ksb_import_template": lambda w: {"fmt": "csv"},
    "apprenticeships:framework_coverage": lambda w: {
        "pk": w.standard.pk,
        "framework_pk": w.framework.pk,
    },
    "apprenticeships:framework_coverage_export": lambda w: {
        "pk": w.standard.pk,
        "framework_pk": w.framework.pk,
        "fmt": "xlsx",
    },
    "apprenticeships:programme_standard": lambda w: {"pk": w.programme.pk},
    "apprenticeships:terms_edit": lambda w: {"pk": w.enrolment.pk},
    "apprenticeships:apprentice": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:apprentice_ksb_export": lambda w: {"pk": w.apprenticeship.pk, "fmt": "csv"},
    "apprenticeships:skills_scan": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:scan_item": lambda w: {"pk": w.apprenticeship.pk, "item_pk": w.scan_item.pk},
    "apprenticeships:scan_complete": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:scan_evidence": lambda w: {
        "pk": w.apprenticeship.pk,
        "item_pk": w.scan_item.pk,
    },
}
