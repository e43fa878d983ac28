"""Job descriptions in the audit history (issue #7): editing and approving a job description
through its pages shows on the lead nurse's audit page with who, when and old → new values;
the person specification's criteria too; the job description page links to its history."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.selectors import audit
from roledesign.models import JobDescription, PersonSpecCriterion
from tests.factories import ClinicalAreaFactory, LeadNurseFactory, ManagerFactory
from tests.roledesign.helpers import framework_with_domains, make_jd

pytestmark = pytest.mark.django_db

AUDIT = reverse("cohorts:audit_log")


def _rows(response) -> list[str]:
    content = response.content.decode()
    rows = re.findall(
        r'<tr class="nhsuk-table__row" data-testid="audit-row">(.*?)</tr>', content, re.S
    )
    return [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row))).strip().replace(" :", ":")
        for row in rows
    ]


def _edit_data(jd, **overrides):
    data = {
        "title": jd.title,
        "band": jd.band,
        "clinical_areas": [a.pk for a in jd.clinical_areas.all()],
        "framework": jd.framework_id,
        "reports_to": jd.reports_to,
        "job_purpose": jd.job_purpose,
        "key_responsibilities": jd.key_responsibilities,
        "working_relationships": jd.working_relationships,
        "qualifications_essential": "Foundation degree in health and social care",
        "experience_desirable": "Experience in critical care",
        "skills_essential": "Records clinical observations",
    }
    data.update(overrides)
    return data


@pytest.fixture
def lena(db):
    return LeadNurseFactory(full_name="Lena Lead")


def test_job_descriptions_and_criteria_are_registered_kinds():
    assert ("job_description", "Job description") in audit.kind_choices()
    assert audit.KINDS["job_description_criterion"].model is PersonSpecCriterion
    assert hasattr(JobDescription, "history") and hasattr(PersonSpecCriterion, "history")


def test_editing_and_approving_show_who_when_and_old_and_new_values(client, lena):
    jd = make_jd(lead=lena, title="Assistant practitioner")
    client.force_login(lena)
    response = client.post(
        reverse("roledesign:jd_edit", args=[jd.pk]),
        _edit_data(jd, reports_to="Matron, critical care", band="4"),
    )
    assert response.status_code == 302
    response = client.post(reverse("roledesign:jd_approve", args=[jd.pk]))
    assert response.status_code == 302

    page = client.get(AUDIT, {"kind": "job_description"})
    rows = _rows(page)
    approved, edited = rows[0], rows[1]
    assert "Lena Lead" in approved and "Assistant practitioner (version 1)" in approved
    assert "Status: Draft → changed to Approved" in approved
    assert "Approved by: Not set → changed to Lena Lead" in approved
    assert "Lena Lead" in edited
    assert "Reports to: Ward manager → changed to Matron, critical care" in edited
    # Unchanged criteria and clinical areas make no noise.
    assert "Clinical areas" not in edited
    assert "<time datetime=" in page.content.decode()
    # The first version was made by a service outside a request: the System.
    assert "System" in rows[-1] and "Created" in rows[-1]
    assert not any("Person specification" in row for row in rows)  # filtered by kind


def test_criteria_added_and_removed_show_on_the_audit_page(client, lena):
    jd = make_jd(lead=lena)
    client.force_login(lena)
    client.post(
        reverse("roledesign:jd_edit", args=[jd.pk]),
        _edit_data(jd, skills_essential="", skills_desirable="Venepuncture"),
    )
    rows = _rows(client.get(AUDIT, {"kind": "job_description_criterion"}))
    assert any(
        "Created" in row and "Venepuncture (desirable, Assistant practitioner (version 1))" in row
        for row in rows
    )
    assert any("Deleted" in row and "Records clinical observations" in row for row in rows)
    # The two criteria that stayed were not deleted and made again.
    assert jd.criteria.count() == 3
    assert PersonSpecCriterion.history.filter(history_type="-").count() == 1


def test_clinical_areas_belong_to_the_first_version_and_changes_show(client, lena):
    framework, area, _ = framework_with_domains()
    jd = make_jd(lead=lena, framework=framework, area=area)
    assert jd.history.count() == 1  # created with its areas: one row, not two
    first = jd.history.get()
    assert list(first.clinical_areas.values_list("clinicalarea_id", flat=True)) == [area.pk]
    second_area = ClinicalAreaFactory(name="Theatres")
    client.force_login(lena)
    client.post(
        reverse("roledesign:jd_edit", args=[jd.pk]),
        _edit_data(jd, clinical_areas=[area.pk, second_area.pk]),
    )
    rows = _rows(client.get(reverse("cohorts:audit_record", args=["job_description", jd.pk])))
    assert any("Clinical areas:" in row and "Theatres" in row for row in rows)


def test_new_version_supersedes_and_both_show_in_the_history(client, lena):
    jd = make_jd(lead=lena, approve=True)
    client.force_login(lena)
    client.post(reverse("roledesign:jd_new_version", args=[jd.pk]), {"framework": jd.framework_id})
    new = JobDescription.objects.get(lineage=jd.lineage, version=2)
    assert new.criteria.count() == 3
    assert PersonSpecCriterion.history.filter(job_description_id=new.pk).count() == 3
    client.post(reverse("roledesign:jd_approve", args=[new.pk]))
    rows = _rows(client.get(reverse("cohorts:audit_record", args=["job_description", jd.pk])))
    assert "Status: Approved → changed to Superseded" in rows[0]
    assert "Lena Lead" in rows[0]


def test_job_description_page_links_to_its_history_for_the_lead_nurse_only(client, lena):
    jd = make_jd(lead=lena)
    link = reverse("cohorts:audit_record", args=["job_description", jd.pk])
    client.force_login(lena)
    assert link in client.get(reverse("roledesign:jd_detail", args=[jd.pk])).content.decode()
    assert client.get(link).status_code == 200
    client.force_login(ManagerFactory())
    assert client.get(link).status_code == 403


def test_audit_page_queries_stay_constant_with_job_descriptions(client, lena):
    client.force_login(lena)
    make_jd(lead=lena, title="First", approve=True)
    # Filtered to job descriptions, so that the kinds of record on the page are the same.
    client.get(AUDIT, {"kind": "job_description"})  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(AUDIT, {"kind": "job_description"})
    for n in range(4):
        make_jd(lead=lena, title=f"More {n}", approve=True)
    with CaptureQueriesContext(connection) as many:
        client.get(AUDIT, {"kind": "job_description"})
    assert len(many) == len(few)
