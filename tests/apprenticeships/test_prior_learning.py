"""The skills scan and recognition of prior learning: pre-filled from the current-competence
register, decided by the assessor with evidence, reducing the planned off-the-job hours."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprenticeships.models import ScanOutcome, SkillsScan, SkillsScanItem
from apprenticeships.services import prior_learning as services
from competencies.models import CompetencyProgress, ProgressState
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _held(terms, competency):
    CompetencyProgress.objects.filter(record=terms.enrolment.record, competency=competency).update(
        state=ProgressState.ACHIEVED
    )


def _decide_all(scan, actor, accepted=()):
    for item in scan.items.all():
        outcome = ScanOutcome.ACCEPTED if item.pk in accepted else ScanOutcome.TO_LEARN
        services.scan_item_decide(
            actor=actor,
            item=item,
            outcome=outcome,
            evidence="Care Certificate, 2023" if outcome == ScanOutcome.ACCEPTED else "",
            reason="Signed off on the ward last year",
        )


def test_scan_is_pre_filled_from_the_register():
    terms, standard, ksbs, competencies = factories.apprentice_on_standard(ksbs=3, competencies=3)
    _held(terms, competencies[1])
    scan = services.skills_scan_start(actor=None, apprenticeship=terms)
    held = {str(item) for item in scan.items.filter(held_on_register=True)}
    assert held == {str(ksbs[1]), str(competencies[1])}
    assert scan.items.filter(ksb__isnull=False).count() == 3
    assert scan.items.filter(competency__isnull=False).count() == 3
    # Starting twice gives the same scan.
    assert services.skills_scan_start(actor=None, apprenticeship=terms) == scan
    assert SkillsScan.objects.count() == 1


def test_accepted_prior_learning_reduces_the_hours_with_its_reason(client):
    tutor = factories.TutorFactory()
    terms, standard, ksbs, competencies = factories.apprentice_on_standard(hours=500, tutor=tutor)
    scan = services.skills_scan_start(actor=tutor, apprenticeship=terms)
    first = scan.items.get(ksb=ksbs[0])
    _decide_all(scan, tutor, accepted={first.pk})
    services.skills_scan_complete(
        actor=tutor, scan=scan, hours_reduction=60, reason="K1 covered by the Care Certificate"
    )
    terms.refresh_from_db()
    scan.refresh_from_db()
    assert terms.planned_otj_hours == 440
    assert (scan.hours_before, scan.hours_reduction) == (500, 60)
    client.force_login(terms.enrolment.trainee)
    page = client.get(reverse("apprenticeships:apprentice", args=[terms.pk])).content.decode()
    assert "Reduced by 60 hours (from 500): K1 covered by the Care Certificate" in page
    assert "Prior learning" in page
    # Once complete, decisions stay.
    with pytest.raises(ValidationError):
        services.scan_item_decide(actor=tutor, item=first, outcome=ScanOutcome.TO_LEARN)


def test_completing_checks_the_rules():
    terms, *_ = factories.apprentice_on_standard(hours=250)
    scan = services.skills_scan_start(actor=None, apprenticeship=terms)
    with pytest.raises(ValidationError) as refused:
        services.skills_scan_complete(actor=None, scan=scan, hours_reduction=0)
    assert "Decide every" in str(refused.value)
    _decide_all(scan, None)
    with pytest.raises(ValidationError) as refused:
        services.skills_scan_complete(actor=None, scan=scan, hours_reduction=10, reason="x")
    assert "Only accepted prior learning" in str(refused.value)
    SkillsScanItem.objects.filter(pk=scan.items.first().pk).update(
        outcome=ScanOutcome.ACCEPTED, evidence="x", reason="y"
    )
    with pytest.raises(ValidationError) as refused:
        services.skills_scan_complete(actor=None, scan=scan, hours_reduction=100, reason="x")
    assert "at least 187" in str(refused.value)
    terms.refresh_from_db()
    assert terms.planned_otj_hours == 250
    services.skills_scan_complete(actor=None, scan=scan, hours_reduction=0)
    scan.refresh_from_db()
    assert scan.is_complete and scan.hours_reduction == 0


def test_accepting_needs_evidence_and_a_reason():
    terms, *_ = factories.apprentice_on_standard()
    scan = services.skills_scan_start(actor=None, apprenticeship=terms)
    with pytest.raises(ValidationError) as refused:
        services.scan_item_decide(
            actor=None, item=scan.items.first(), outcome=ScanOutcome.ACCEPTED, evidence=" "
        )
    assert "evidence" in refused.value.message_dict
    assert not scan.items.exclude(outcome=ScanOutcome.TO_ASSESS).exists()


def test_evidence_file_is_kept_and_downloaded_by_record_readers(client):
    tutor = factories.TutorFactory()
    terms, *_ = factories.apprentice_on_standard(tutor=tutor)
    scan = services.skills_scan_start(actor=tutor, apprenticeship=terms)
    item = scan.items.first()
    client.force_login(tutor)
    url = reverse("apprenticeships:scan_item", args=[terms.pk, item.pk])
    response = client.post(
        url,
        {
            "outcome": ScanOutcome.ACCEPTED,
            "evidence": "Certificate",
            "reason": "Held",
            "upload": SimpleUploadedFile("certificate.pdf", PDF),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.evidence_filename == "certificate.pdf"
    download = reverse("apprenticeships:scan_evidence", args=[terms.pk, item.pk])
    client.force_login(terms.enrolment.trainee)
    assert b"".join(client.get(download).streaming_content) == PDF
    client.force_login(factories.TraineeFactory())
    assert client.get(download).status_code == 404


def test_a_file_that_is_not_evidence_is_refused(client):
    tutor = factories.TutorFactory()
    terms, *_ = factories.apprentice_on_standard(tutor=tutor)
    scan = services.skills_scan_start(actor=tutor, apprenticeship=terms)
    item = scan.items.first()
    client.force_login(tutor)
    response = client.post(
        reverse("apprenticeships:scan_item", args=[terms.pk, item.pk]),
        {
            "outcome": ScanOutcome.ACCEPTED,
            "evidence": "Certificate",
            "reason": "Held",
            "upload": SimpleUploadedFile("script.pdf", b"#!/bin/sh\necho hi\n"),
        },
    )
    assert response.status_code == 200
    assert "The selected file must be" in response.content.decode()
    item.refresh_from_db()
    assert item.outcome == ScanOutcome.TO_ASSESS and not item.evidence_file


@pytest.mark.parametrize(
    "factory",
    [
        factories.MentorFactory,
        factories.ManagerFactory,
        factories.AdministratorFactory,
        factories.TutorFactory,  # not this apprentice's tutor
        factories.PracticeEducatorFactory,  # not this apprentice's educator
        factories.TraineeFactory,
    ],
)
def test_refusals(factory):
    terms, *_ = factories.apprentice_on_standard()
    person = factory()
    with pytest.raises(PermissionDenied):
        services.skills_scan_start(actor=person, apprenticeship=terms)
    scan = services.skills_scan_start(actor=None, apprenticeship=terms)
    with pytest.raises(PermissionDenied):
        services.scan_item_decide(actor=person, item=scan.items.first(), outcome="to_learn")
    with pytest.raises(PermissionDenied):
        services.skills_scan_complete(actor=person, scan=scan, hours_reduction=0)


def test_the_apprentice_does_not_assess_themself():
    terms, *_ = factories.apprentice_on_standard()
    with pytest.raises(PermissionDenied):
        services.skills_scan_start(actor=terms.enrolment.trainee, apprenticeship=terms)
    assert not SkillsScan.objects.exists()


def test_the_allocated_educator_and_the_lead_nurse_assess():
    educator = factories.PracticeEducatorFactory()
    terms, *_ = factories.apprentice_on_standard(educator=educator)
    scan = services.skills_scan_start(actor=educator, apprenticeship=terms)
    item = services.scan_item_decide(
        actor=factories.LeadNurseFactory(), item=scan.items.first(), outcome="to_learn"
    )
    assert item.outcome == "to_learn"


def test_scan_page_query_count_is_constant(client):
    client.force_login(factories.LeadNurseFactory())
    counts = []
    for size in (2, 6):
        terms, *_ = factories.apprentice_on_standard(ksbs=size, competencies=size)
        services.skills_scan_start(actor=None, apprenticeship=terms)
        url = reverse("apprenticeships:skills_scan", args=[terms.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_things_to_do_name_the_scans_and_terms_still_to_do():
    from pathway.things_to_do import things_to_do

    tutor = factories.TutorFactory()
    terms, *_ = factories.apprentice_on_standard(tutor=tutor)
    name = terms.enrolment.trainee.full_name
    # A classmate without terms yet.
    factories.enrol(terms.enrolment.cohort)
    lead = factories.LeadNurseFactory()
    texts = [item.text for item in things_to_do(lead)]
    assert "Record the apprenticeship terms of 1 apprentice on" in " ".join(texts)
    assert f"1 apprentice has no complete skills scan: {name} first" in texts
    assert f"Do the skills scan of {name}" in [item.text for item in things_to_do(tutor)]
    assert not [t for t in things_to_do(factories.TutorFactory()) if "skills scan" in t.text]
    scan = services.skills_scan_start(actor=tutor, apprenticeship=terms)
    _decide_all(scan, tutor)
    services.skills_scan_complete(actor=tutor, scan=scan, hours_reduction=0)
    assert not [t for t in things_to_do(tutor) if "skills scan" in t.text]


def test_decisions_show_in_the_audit_history(client):
    tutor = factories.TutorFactory(full_name="Tara Tutor")
    terms, *_ = factories.apprentice_on_standard(tutor=tutor)
    client.force_login(tutor)
    client.post(reverse("apprenticeships:skills_scan", args=[terms.pk]), {})
    item = SkillsScanItem.objects.first()
    client.post(
        reverse("apprenticeships:scan_item", args=[terms.pk, item.pk]),
        {"outcome": "to_learn", "reason": "New at this level"},
    )
    client.force_login(factories.LeadNurseFactory())
    page = client.get(reverse("cohorts:audit_log"), {"kind": "skills_scan_item"}).content.decode()
    assert "Prior learning decision" in page or "Skills scan" in page
    assert "Tara Tutor" in page
