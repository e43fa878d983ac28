"""Inspection access: the lead nurse gives an inspector read-only, time-limited access to named
cohorts; the inspector reads those cohorts and nothing else; every write is refused; access
ends by itself or when revoked; the lead nurse's per-apprentice evidence pack."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import InspectionGrant
from apprenticeships.services import inspection as services
from apprenticeships.services.plan import training_plan_create
from pathway.models import User
from tests import factories
from tests.apprenticeships.plan_world import PlanWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = PlanWorld()
    world.inspector = factories.UserFactory(full_name="Ines Inspector")
    world.grant = services.inspection_grant_create(
        actor=world.lead,
        inspector=world.inspector,
        cohorts=[world.cohort],
        expires_on=world.today + datetime.timedelta(days=7),
        purpose="Ofsted monitoring visit",
    )
    world.plan = training_plan_create(
        actor=world.tutor,
        apprenticeship=world.apprenticeship,
        practical_period_start=world.apprenticeship.practical_period_start,
        planned_end_date=world.apprenticeship.planned_end_date,
        planned_otj_hours=400,
        **factories.PLAN_TEXT,
    )
    return world


def _reads(world):
    a = world.apprenticeship.pk
    return [
        reverse("apprenticeships:inspection_home"),
        reverse("apprenticeships:cohort_plans", args=[world.cohort.pk]),
        reverse("apprenticeships:cohort_gateway_export", args=[world.cohort.pk, "csv"]),
        reverse("apprenticeships:apprentice_plan", args=[a]),
        reverse("apprenticeships:plan_version", args=[world.plan.pk]),
        reverse("apprenticeships:gateway_detail", args=[a]),
    ]


def test_the_inspector_reads_the_granted_cohort(client, world):
    client.force_login(world.inspector)
    for url in _reads(world):
        assert client.get(url).status_code == 200, url
    home = client.get(reverse("apprenticeships:inspection_home")).text
    assert "ST0215 intake" in home and "Other intake" not in home
    cohort = client.get(reverse("apprenticeships:cohort_plans", args=[world.cohort.pk])).text
    assert "Amy Apprentice" in cohort


def test_the_inspector_sees_nothing_else(client, world):
    client.force_login(world.inspector)
    other = world.other_apprenticeship.pk
    assert client.get(reverse("apprenticeships:apprentice_plan", args=[other])).status_code == 404
    assert (
        client.get(
            reverse("apprenticeships:cohort_plans", args=[world.other_cohort.pk])
        ).status_code
        == 403
    )
    for url in (
        reverse("cohorts:cohort_detail", args=[world.cohort.pk]),
        reverse("apprenticeships:plan_cohorts"),
        reverse("apprenticeships:inspection_grants"),
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("pathway:person_detail", args=[world.trainee.pk])).status_code == 404


def test_every_write_is_refused_to_the_inspector(client, world):
    client.force_login(world.inspector)
    a = world.apprenticeship.pk
    writes = [
        reverse("apprenticeships:plan_edit", args=[a]),
        reverse("apprenticeships:plan_sign", args=[world.plan.pk]),
        reverse("apprenticeships:gateway_evidence", args=[a, "english"]),
        reverse("apprenticeships:gateway_declare", args=[a]),
        reverse("apprenticeships:portfolio_export", args=[a]),
        reverse("apprenticeships:evidence_pack", args=[a]),
        reverse("apprenticeships:inspection_grant_add"),
        reverse("apprenticeships:inspection_grant_revoke", args=[world.grant.pk]),
    ]
    for url in writes:
        assert client.post(url, {"reference": "x"}).status_code == 403, url
    for url in _reads(world):
        assert client.post(url).status_code == 405, url
    assert world.plan.signatures.count() == 0
    assert not world.apprenticeship.gateway_evidence.exists()


def test_access_ends_by_itself(client, world):
    InspectionGrant.objects.filter(pk=world.grant.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    client.force_login(world.inspector)
    assert client.get(reverse("apprenticeships:inspection_home")).status_code == 403
    url = reverse("apprenticeships:apprentice_plan", args=[world.apprenticeship.pk])
    assert client.get(url).status_code == 404


def test_the_lead_nurse_ends_access_early_and_it_is_audited(client, world):
    client.force_login(world.lead)
    url = reverse("apprenticeships:inspection_grant_revoke", args=[world.grant.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    world.grant.refresh_from_db()
    assert world.grant.revoked_by == world.lead and not world.grant.is_active()
    history = list(world.grant.history.order_by("history_date", "history_id"))
    assert history[0].history_type == "+" and history[0].revoked_at is None
    assert history[-1].revoked_by_id == world.lead.pk and history[-1].history_user == world.lead
    again = client.post(url)
    assert "already ended" in again.text
    client.force_login(world.inspector)
    assert client.get(reverse("apprenticeships:inspection_home")).status_code == 403


def test_a_new_account_for_an_external_inspector(client, world):
    client.force_login(world.lead)
    expires = world.today + datetime.timedelta(days=30)
    data = {
        "full_name": "Quinn Quality",
        "email": "quinn@example.org",
        "cohorts": [world.cohort.pk],
        **factories.date_fields("expires_on", expires),
        "purpose": "University quality assurer",
    }
    assert client.post(reverse("apprenticeships:inspection_grant_add"), data).status_code == 302
    person = User.objects.get(email="quinn@example.org")
    assert not person.has_usable_password() and not person.roles.exists()
    grant = InspectionGrant.objects.get(inspector=person)
    assert timezone.localdate(grant.expires_at) == expires
    listing = client.get(reverse("apprenticeships:inspection_grants")).text
    assert "Quinn Quality" in listing and "University quality assurer" in listing


def test_what_a_grant_refuses(world):
    with pytest.raises(ValidationError):
        services.inspection_grant_create(
            actor=world.lead,
            inspector=world.inspector,
            cohorts=[world.cohort],
            expires_on=world.today + datetime.timedelta(days=91),
            purpose="Too long",
        )
    with pytest.raises(ValidationError):
        services.inspection_grant_create(
            actor=world.lead,
            cohorts=[world.cohort],
            expires_on=world.today,
            purpose="No one",
        )
    for person in (world.tutor, world.manager, world.inspector, world.trainee):
        with pytest.raises(PermissionDenied):
            services.inspection_grant_create(
                actor=person,
                inspector=world.inspector,
                cohorts=[world.cohort],
                expires_on=world.today,
                purpose="x",
            )
        with pytest.raises(PermissionDenied):
            services.inspection_grant_revoke(actor=person, grant=world.grant)
    assert InspectionGrant.objects.count() == 1


def test_the_evidence_pack(client, world):
    client.force_login(world.lead)
    response = client.get(reverse("apprenticeships:evidence_pack", args=[world.apprenticeship.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("evidence-pack.json"))
    assert data["apprentice"] == "Amy Apprentice"
    assert data["plans"][0]["content_hash"] == world.plan.content_hash
    assert data["sign_offs"][0]["record_hash"] == world.assessment.record_hash
    assert [i["item"] for i in data["gateway"]["items"]][0] == "care_certificate"
    page = archive.read("evidence-pack.html").decode()
    assert "Training plan" in page and "Progress reviews" in page
    # The hours ledger and the KSB coverage, as on their own pages.
    standard = world.apprenticeship.enrolment.cohort.programme.apprenticeship.standard
    assert data["otj_hours"]["standard_minimum"] == standard.minimum_otj_hours
    assert set(data["otj_hours"]["by_source"]) >= {"Training day", "Logged by the apprentice"}
    assert [row["ksb"] for row in data["ksb_coverage"]] == list(
        standard.ksbs.order_by("position", "code").values_list("code", flat=True)
    )
    assert "Off-the-job training hours" in page and "Knowledge, skills and behaviours" in page
    client.force_login(world.tutor)
    refused = client.get(reverse("apprenticeships:evidence_pack", args=[world.apprenticeship.pk]))
    assert refused.status_code == 403


def test_grants_are_in_the_audit_log(client, world):
    client.force_login(world.lead)
    response = client.get(reverse("cohorts:audit_log"), {"kind": "inspection_grant"})
    assert response.status_code == 200
    assert "Inspection access for Ines Inspector" in response.text


def test_an_inspector_without_a_role_lands_on_a_page_with_inspection_in_the_menu(client, world):
    client.force_login(world.inspector)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert reverse("apprenticeships:inspection_home") in response.text


def test_constant_queries_on_the_inspection_pages(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(who, url):
        client.force_login(who)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    grants = reverse("apprenticeships:inspection_grants")
    home = reverse("apprenticeships:inspection_home")
    count(world.lead, grants), count(world.inspector, home)  # the unread count, now cached
    before = (count(world.lead, grants), count(world.inspector, home))
    for _ in range(3):
        services.inspection_grant_create(
            actor=world.lead,
            inspector=world.inspector,
            cohorts=[world.cohort, world.other_cohort],
            expires_on=world.today + datetime.timedelta(days=3),
            purpose="Another visit",
        )
    assert (count(world.lead, grants), count(world.inspector, home)) == before


def test_the_menu_asks_about_grants_only_of_people_without_a_role(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.tutor)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("apprenticeships:apprentice_plan", args=[world.apprenticeship.pk]))
    menu_lookups = [
        q
        for q in queries.captured_queries
        if 'SELECT 1 AS "a" FROM "apprenticeships_inspectiongrant"' in q["sql"]
    ]
    assert menu_lookups == []
