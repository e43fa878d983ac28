"""The end-point assessment gateway: the checklist from the standard, evidence, the three-party
declaration, the predicted date, the portfolio export and the cohort's gateway status."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apprenticeships.models import GatewayEvidence, GatewaySignature, OtjActivity, PlanParty
from apprenticeships.selectors import gateway as selectors
from apprenticeships.selectors.hours import Source
from apprenticeships.services.gateway import gateway_declaration_sign, gateway_evidence_record
from apprenticeships.services.hours import otj_entry_decide, otj_entry_log
from tests import factories
from tests.apprenticeships.plan_world import PlanWorld

pytestmark = pytest.mark.django_db
PDF = Path(__file__).resolve().parents[1] / "fixtures" / "evidence" / "reflection.pdf"
ST0215 = ["care_certificate", "english", "maths", "qualification", "portfolio", "otj_hours"]


@pytest.fixture
def world(db):
    return PlanWorld()


def _evidence_all(world, actor=None):
    for code in ST0215:
        gateway_evidence_record(
            actor=actor or world.tutor,
            apprenticeship=world.apprenticeship,
            code=code,
            reference=f"REF-{code}",
        )


def test_the_st0215_checklist(world):
    state = selectors.gateway(world.apprenticeship)
    assert [item.requirement.code for item in state.items] == ST0215
    assert not state.complete and state.done_count == 0


def test_another_standard_gets_the_common_items():
    assert [r.code for r in selectors.requirements_for(None)] == [
        "english",
        "maths",
        "portfolio",
        "otj_hours",
    ]


def test_the_predicted_gateway_date_is_the_dashboards_predicted_completion(world):
    state = selectors.gateway(world.apprenticeship)
    assert state.achieved == 1 and state.required == 3
    # One sign-off in 20 weeks: two more at that rate is beyond the plausible end, or a date.
    from cohorts.selectors.dashboards import trainee_rows

    row = trainee_rows(world.enrolment.cohort.enrolments.filter(pk=world.enrolment.pk))[0]
    assert state.predicted_date == row.predicted_completion


def test_evidence_then_the_three_parties_declare(world):
    with pytest.raises(ValidationError, match="Every item"):
        gateway_declaration_sign(actor=world.trainee, apprenticeship=world.apprenticeship)
    _evidence_all(world)
    state = selectors.gateway(world.apprenticeship)
    assert state.complete
    for person, party in (
        (world.trainee, PlanParty.APPRENTICE),
        (world.manager, PlanParty.EMPLOYER),
        (world.tutor, PlanParty.PROVIDER),
    ):
        signature = gateway_declaration_sign(actor=person, apprenticeship=world.apprenticeship)
        assert signature.party == party and signature.content_hash == state.content_hash
    assert selectors.gateway(world.apprenticeship).declared
    # Once signed the evidence is fixed.
    with pytest.raises(ValidationError, match="can no longer be changed"):
        gateway_evidence_record(
            actor=world.tutor, apprenticeship=world.apprenticeship, code="english", reference="x"
        )


def test_evidence_with_a_file_and_what_is_refused(world):
    evidence = gateway_evidence_record(
        actor=world.manager,
        apprenticeship=world.apprenticeship,
        code="care_certificate",
        upload=SimpleUploadedFile("certificate.pdf", PDF.read_bytes()),
    )
    assert evidence.file and evidence.content_type == "application/pdf"
    assert evidence.confirmed_by == world.manager
    with pytest.raises(ValidationError):
        gateway_evidence_record(
            actor=world.tutor, apprenticeship=world.apprenticeship, code="english"
        )
    with pytest.raises(ValidationError):
        gateway_evidence_record(
            actor=world.tutor,
            apprenticeship=world.apprenticeship,
            code="english",
            upload=SimpleUploadedFile("script.pdf", b"<script>alert(1)</script>"),
        )
    with pytest.raises(ValidationError, match="not an item"):
        gateway_evidence_record(
            actor=world.tutor, apprenticeship=world.apprenticeship, code="nope", reference="x"
        )
    assert GatewayEvidence.objects.count() == 1


@pytest.mark.parametrize("who", ["trainee", "mentor", "stranger"])
def test_who_may_not_evidence(world, who):
    with pytest.raises(PermissionDenied):
        gateway_evidence_record(
            actor=getattr(world, who),
            apprenticeship=world.apprenticeship,
            code="english",
            reference="x",
        )
    assert not GatewayEvidence.objects.exists()


@pytest.mark.parametrize("who", ["mentor", "stranger"])
def test_who_may_not_declare(world, who):
    _evidence_all(world)
    with pytest.raises(PermissionDenied):
        gateway_declaration_sign(actor=getattr(world, who), apprenticeship=world.apprenticeship)
    assert not GatewaySignature.objects.exists()


def test_an_educator_and_an_administrator_are_refused(world):
    for person in (factories.PracticeEducatorFactory(), factories.AdministratorFactory()):
        with pytest.raises(PermissionDenied):
            gateway_evidence_record(
                actor=person, apprenticeship=world.apprenticeship, code="english", reference="x"
            )


def test_the_portfolio_export_links_entries_to_their_records_and_hashes(client, world):
    gateway_evidence_record(
        actor=world.tutor,
        apprenticeship=world.apprenticeship,
        code="care_certificate",
        reference="CC-1",
        upload=SimpleUploadedFile("certificate.pdf", PDF.read_bytes()),
    )
    client.force_login(world.tutor)
    response = client.get(
        reverse("apprenticeships:portfolio_export", args=[world.apprenticeship.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"index.html", "portfolio.json"} <= names
    data = json.loads(archive.read("portfolio.json"))
    entry = data["entries"][0]
    assert entry["assessment_id"] == world.assessment.pk
    assert entry["record_hash"] == world.assessment.record_hash
    assert entry["sequence"] == world.assessment.sequence
    item = data["gateway"]["items"][0]
    assert item["reference"] == "CC-1"
    assert item["file"] in names
    assert item["file_sha256"] == hashlib.sha256(archive.read(item["file"])).hexdigest()
    index = archive.read("index.html").decode()
    assert world.assessment.record_hash in index and "verify_records" in index
    assert data["chain_head"]["last_hash"] == world.assessment.record_hash


def test_the_cohort_gateway_status_in_csv_and_excel(client, world):
    _evidence_all(world)
    client.force_login(world.lead)
    url = reverse("apprenticeships:cohort_gateway_export", args=[world.cohort.pk, "csv"])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert rows[0][0] == "Apprentice"
    assert rows[1][0] == "Amy Apprentice" and rows[1][4] == "6" and rows[1][5] == "6"
    url = reverse("apprenticeships:cohort_gateway_export", args=[world.cohort.pk, "xlsx"])
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url).content)).active
    assert sheet["A2"].value == "Amy Apprentice" and sheet["E2"].value == 6
    bad = reverse("apprenticeships:cohort_gateway_export", args=[world.cohort.pk, "pdf"])
    assert client.get(bad).status_code == 404


def test_the_gateway_pages(client, world):
    client.force_login(world.tutor)
    url = reverse("apprenticeships:gateway_evidence", args=[world.apprenticeship.pk, "english"])
    response = client.post(url, {"reference": ""})
    assert response.status_code == 200 and "Enter a reference or choose a file" in response.text
    assert client.post(url, {"reference": "GCSE B"}).status_code == 302
    page = client.get(reverse("apprenticeships:gateway_detail", args=[world.apprenticeship.pk]))
    assert "Reference: GCSE B" in page.text and "Confirmed by Tara Tutor" in page.text
    missing = reverse("apprenticeships:gateway_evidence", args=[world.apprenticeship.pk, "nope"])
    assert client.get(missing).status_code == 404


def test_an_evidence_file_over_the_upload_limit_is_refused(world, settings):
    settings.PATHWAY_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        gateway_evidence_record(
            actor=world.tutor,
            apprenticeship=world.apprenticeship,
            code="english",
            upload=SimpleUploadedFile("big.pdf", PDF.read_bytes()[:2000] + b"x" * 2000),
        )
    assert "must be smaller than" in str(refused.value)
    assert not GatewayEvidence.objects.exists()


def test_the_hours_item_shows_the_ledgers_confirmed_hours_against_the_minimum(client, world):
    """The gateway's off-the-job item shows what the hours ledger holds: confirmed hours only,
    against the standard's minimum, so whoever confirms the item sees the figures."""
    apprenticeship = world.apprenticeship
    on = max(apprenticeship.practical_period_start, world.today - datetime.timedelta(days=1))
    entry = otj_entry_log(
        actor=world.trainee,
        apprenticeship=apprenticeship,
        on=on,
        hours=Decimal("6.5"),
        activity=OtjActivity.values[0],
        description="Wound care study day",
    )
    before = selectors.gateway(apprenticeship).otj
    assert before is not None and before.by_source[Source.LOGGED] == 0
    otj_entry_decide(actor=world.manager, entry=entry, confirm=True)
    after = selectors.gateway(apprenticeship).otj
    assert after.by_source[Source.LOGGED] == Decimal("6.5")
    minimum = after.plan.minimum_hours
    client.force_login(world.tutor)
    page = client.get(reverse("apprenticeships:gateway_detail", args=[apprenticeship.pk]))
    assert f"of the standard's minimum {minimum} hours" in page.text
    assert "Recorded in Pathway: " in page.text
