"""Job descriptions: services, the framework-drawn competency section, review needed, pages,
the Word download, and what trainees and mentors see."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from competencies.models import CompetencyProgress, Framework, ProgressState
from pathway.models import Allocation
from roledesign import selectors, services
from roledesign.models import JobDescription, PersonSpecCriterion
from tests.factories import (
    AllocationFactory,
    ClinicalAreaFactory,
    CompetencyFactory,
    DomainFactory,
    FrameworkFactory,
    ManagerFactory,
    MentorFactory,
    OrganisationFactory,
    SiteFactory,
    TraineeFactory,
    TrainingRecordFactory,
)
from tests.roledesign.helpers import framework_with_domains, make_jd, new_framework_version

pytestmark = pytest.mark.django_db


def _codes(groups):
    return [[c.code for c in g.competencies] for g in groups]


# Services ---------------------------------------------------------------------------------------


def test_jd_create_needs_a_published_framework_and_areas(lead_nurse):
    draft = FrameworkFactory()
    area = ClinicalAreaFactory()
    with pytest.raises(ValidationError) as error:
        services.jd_create(
            actor=lead_nurse,
            framework=draft,
            clinical_areas=[area],
            title="AP",
            band="4",
            reports_to="Ward manager",
            job_purpose="Care",
            key_responsibilities="Care",
        )
    assert "framework" in error.value.message_dict
    framework, area, _ = framework_with_domains()
    with pytest.raises(ValidationError) as error:
        services.jd_create(
            actor=lead_nurse,
            framework=framework,
            clinical_areas=[],
            title="AP",
            band="4",
            reports_to="Ward manager",
            job_purpose="Care",
            key_responsibilities="Care",
        )
    assert "clinical_areas" in error.value.message_dict
    assert not JobDescription.objects.exists()


def test_only_the_lead_nurse_creates_job_descriptions():
    framework, area, _ = framework_with_domains()
    with pytest.raises(PermissionDenied):
        services.jd_create(
            actor=MentorFactory(),
            framework=framework,
            clinical_areas=[area],
            title="AP",
            band="4",
            reports_to="Ward manager",
            job_purpose="Care",
            key_responsibilities="Care",
        )


def test_criteria_add_remove_and_update_only_in_draft(lead_nurse):
    jd = make_jd(lead=lead_nurse)
    assert jd.criteria.count() == 3
    added = services.criterion_add(
        actor=lead_nurse, jd=jd, category="knowledge", essential=False, text="Knows NEWS2"
    )
    assert added.order == 4
    services.criterion_remove(actor=lead_nurse, criterion=added)
    assert jd.criteria.count() == 3
    with pytest.raises(ValidationError) as error:
        services.criterion_add(
            actor=lead_nurse, jd=jd, category="knowledge", essential=True, text=""
        )
    assert "text" in error.value.message_dict
    services.jd_update(actor=lead_nurse, jd=jd, title="Assistant practitioner (CC)")
    services.jd_approve(actor=lead_nurse, jd=jd)
    with pytest.raises(ValidationError):
        services.jd_update(actor=lead_nurse, jd=jd, title="Changed")
    with pytest.raises(ValidationError):
        services.criterion_add(actor=lead_nurse, jd=jd, category="skills", essential=True, text="X")
    with pytest.raises(ValidationError):
        services.criterion_remove(actor=lead_nurse, criterion=jd.criteria.first())
    jd.refresh_from_db()
    assert jd.title == "Assistant practitioner (CC)"


def test_approve_supersedes_the_previous_version_and_new_version_copies(lead_nurse):
    framework, area, _ = framework_with_domains()
    first = make_jd(framework=framework, area=area, approve=True, lead=lead_nurse)
    assert first.status == JobDescription.Status.APPROVED
    assert first.approved_by == lead_nurse and first.approved_at is not None
    with pytest.raises(ValidationError):
        services.jd_approve(actor=lead_nurse, jd=first)  # not a draft

    newer = new_framework_version(framework)
    second = services.jd_new_version(actor=lead_nurse, jd=first, framework=newer)
    assert (second.version, second.status, second.lineage) == (2, "draft", first.lineage)
    assert second.previous_version == first and second.framework == newer
    assert list(second.clinical_areas.all()) == [area]
    assert [c.text for c in second.criteria.all()] == [c.text for c in first.criteria.all()]
    with pytest.raises(ValidationError):  # one draft at a time
        services.jd_new_version(actor=lead_nurse, jd=first)

    services.jd_approve(actor=lead_nurse, jd=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == JobDescription.Status.SUPERSEDED
    assert second.status == JobDescription.Status.APPROVED


def test_new_version_refuses_another_framework_or_an_older_version(lead_nurse):
    jd = make_jd(approve=True, lead=lead_nurse)
    other, _, _ = framework_with_domains()
    with pytest.raises(ValidationError) as error:
        services.jd_new_version(actor=lead_nurse, jd=jd, framework=other)
    assert "framework" in error.value.message_dict
    draft = make_jd(lead=lead_nurse)
    with pytest.raises(ValidationError):
        services.jd_new_version(actor=lead_nurse, jd=draft)


# Competencies from the framework ----------------------------------------------------------------


def test_jd_competencies_are_core_plus_area_specific_grouped_by_domain():
    framework, area, _ = framework_with_domains()
    jd = make_jd(framework=framework, area=area)
    groups = selectors.jd_competencies(jd)
    assert [g.title for g in groups] == ["Communication", "Clinical skills"]
    assert _codes(groups) == [["A1", "A2"], ["B1", "B2"]]


def test_jd_competencies_take_constant_queries():
    def count(extra):
        framework, area, _ = framework_with_domains()
        domain = DomainFactory(framework=framework, order=9)
        for _ in range(extra):
            CompetencyFactory(domain=domain)
            CompetencyFactory(domain=domain, is_core=False, clinical_areas=[area])
        jd = make_jd(framework=framework, area=area)
        jd = JobDescription.objects.get(pk=jd.pk)
        with CaptureQueriesContext(connection) as queries:
            groups = selectors.jd_competencies(jd)
        return len(queries), sum(len(g.competencies) for g in groups)

    small, small_rows = count(1)
    large, large_rows = count(15)
    assert large_rows > small_rows
    assert small == large


def test_framework_changes_between_two_versions():
    framework, area, other = framework_with_domains()
    newer = new_framework_version(
        framework,
        remove=["A2", "B3"],
        retitle={"B1": "Record and interpret vital signs"},
        add=[("A", "A9", "Handover with SBAR")],
    )
    # Change only the performance criteria of B2: still reworded.
    b2 = newer.competencies.get(code="B2")
    b2.performance_criteria = ["Checks emergency equipment"]
    b2.save()

    everything = selectors.framework_changes(framework, newer)
    assert [c.code for c in everything.added] == ["A9"]
    assert [c.code for c in everything.removed] == ["A2", "B3"]
    assert [(o.code, n.title) for o, n in everything.reworded] == [
        ("B1", "Record and interpret vital signs"),
        ("B2", "Tracheostomy care"),
    ]
    # Limited to one area: B3 belongs to another area, so its removal does not count.
    for_area = selectors.framework_changes(framework, newer, areas=[area])
    assert [c.code for c in for_area.removed] == ["A2"]
    assert [c.code for c in for_area.added] == ["A9"]
    assert [o.code for o, _ in for_area.reworded] == ["B1", "B2"]
    unchanged = selectors.framework_changes(newer, new_framework_version(newer))
    assert not unchanged.any


def test_review_needed_only_for_a_newer_published_version(client, lead_nurse):
    framework, area, _ = framework_with_domains()
    jd = make_jd(framework=framework, area=area, approve=True, lead=lead_nurse)
    client.force_login(lead_nurse)
    response = client.get(reverse("roledesign:jd_detail", args=[jd.pk]))
    assert b"review-needed" not in response.content
    assert not selectors.jd_list()[0].review_needed

    # A newer draft does not count.
    FrameworkFactory(code=framework.code, version=2, status=Framework.Status.DRAFT)
    assert selectors.jd_review(jd) is None
    Framework.objects.filter(code=framework.code, version=2).delete()

    new_framework_version(framework, retitle={"A1": "Communicate with compassion"})
    response = client.get(reverse("roledesign:jd_detail", args=[jd.pk]))
    html = response.content.decode()
    assert "review-needed" in html
    assert "Competencies reworded" in html and "Communicate with compassion" in html
    assert selectors.jd_list()[0].review_needed
    listing = client.get(reverse("roledesign:jd_list")).content.decode()
    assert "Review needed" in listing


# Pages ------------------------------------------------------------------------------------------


def _form_data(framework, area, **overrides):
    data = {
        "title": "Assistant practitioner (critical care)",
        "band": "4",
        "clinical_areas": [area.pk],
        "framework": framework.pk,
        "reports_to": "Ward manager",
        "job_purpose": "To deliver care.",
        "key_responsibilities": "Record vital signs\nTracheostomy care",
        "working_relationships": "Registered nurses",
        "qualifications_essential": "Foundation degree\nGCSE English and maths",
        "skills_desirable": "Venepuncture",
    }
    data.update(overrides)
    return data


def test_create_page_saves_a_draft_with_criteria(client, lead_nurse):
    framework, area, _ = framework_with_domains()
    client.force_login(lead_nurse)
    assert client.get(reverse("roledesign:jd_create")).status_code == 200
    response = client.post(reverse("roledesign:jd_create"), _form_data(framework, area))
    jd = JobDescription.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "roledesign:jd_detail", args=[jd.pk]
    )
    assert [(c.category, c.essential, c.text) for c in jd.criteria.all()] == [
        ("qualifications", True, "Foundation degree"),
        ("qualifications", True, "GCSE English and maths"),
        ("skills", False, "Venepuncture"),
    ]
    assert jd.status == "draft" and jd.version == 1


def test_create_page_shows_errors_and_keeps_what_was_typed(client, lead_nurse):
    framework, area, _ = framework_with_domains()
    client.force_login(lead_nurse)
    data = _form_data(
        framework, area, title="", qualifications_essential="", skills_desirable="", band=""
    )
    data["job_purpose"] = "Typed purpose"
    response = client.post(reverse("roledesign:jd_create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "Enter the job title" in html and "Select the band" in html
    assert "Enter at least one essential or desirable criterion" in html
    assert "Typed purpose" in html
    assert not JobDescription.objects.exists()


def test_create_page_refuses_a_draft_framework_with_an_error(client, lead_nurse):
    _, area, _ = framework_with_domains()
    draft = FrameworkFactory()
    client.force_login(lead_nurse)
    response = client.post(reverse("roledesign:jd_create"), _form_data(draft, area))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not JobDescription.objects.exists()


def test_edit_page_updates_a_draft_and_redirects_an_approved_one(client, lead_nurse):
    jd = make_jd(lead=lead_nurse)
    client.force_login(lead_nurse)
    url = reverse("roledesign:jd_edit", args=[jd.pk])
    page = client.get(url).content.decode()
    assert "Foundation degree in health and social care" in page  # criteria prefilled
    data = _form_data(jd.framework, jd.clinical_areas.get(), title="Edited title")
    assert client.post(url, data).status_code == 302
    jd.refresh_from_db()
    assert jd.title == "Edited title"
    assert jd.criteria.count() == 3
    services.jd_approve(actor=lead_nurse, jd=jd)
    assert client.get(url).status_code == 302
    client.post(url, {**data, "title": "Again"})
    jd.refresh_from_db()
    assert jd.title == "Edited title"


def test_detail_page_shows_summary_person_spec_and_competencies_by_domain(client, lead_nurse):
    jd = make_jd(lead=lead_nurse)
    client.force_login(lead_nurse)
    html = client.get(reverse("roledesign:jd_detail", args=[jd.pk])).content.decode()
    assert "nhsuk-summary-list" in html
    assert "<caption" in html and "Person specification: essential and desirable criteria" in html
    assert "Foundation degree in health and social care" in html
    assert "<li>Care for tracheostomies</li>" in html
    assert "Clinical skills" in html and "B2" in html and "Tracheostomy care" in html
    assert "Triage" not in html  # specific to another area
    assert "Approve" in html


def test_approve_page_confirms_then_approves_on_post(client, lead_nurse):
    jd = make_jd(lead=lead_nurse)
    client.force_login(lead_nurse)
    url = reverse("roledesign:jd_approve", args=[jd.pk])
    assert "Are you sure" in client.get(url).content.decode()
    jd.refresh_from_db()
    assert jd.status == "draft"
    assert client.post(url).status_code == 302
    jd.refresh_from_db()
    assert jd.status == "approved" and jd.approved_by == lead_nurse
    again = client.post(url)
    assert again.status_code == 200
    assert "Only a draft job description can be approved" in again.content.decode()


def test_approve_without_person_specification_shows_the_refusal(client, lead_nurse):
    jd = make_jd(lead=lead_nurse)
    PersonSpecCriterion.objects.filter(job_description=jd).delete()
    client.force_login(lead_nurse)
    response = client.post(reverse("roledesign:jd_approve", args=[jd.pk]))
    assert response.status_code == 200
    assert "Add the person specification before approving" in response.content.decode()


def test_new_version_page_moves_onto_a_newer_framework(client, lead_nurse):
    framework, area, _ = framework_with_domains()
    jd = make_jd(framework=framework, area=area, approve=True, lead=lead_nurse)
    newer = new_framework_version(framework)
    client.force_login(lead_nurse)
    url = reverse("roledesign:jd_new_version", args=[jd.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"framework": newer.pk})
    new = JobDescription.objects.get(version=2)
    assert response["Location"] == reverse("roledesign:jd_detail", args=[new.pk])
    assert new.framework == newer
    other, _, _ = framework_with_domains()
    response = client.post(url, {"framework": other.pk})
    assert response.status_code == 200 and JobDescription.objects.count() == 2


def test_print_view_hides_controls(client, lead_nurse):
    jd = make_jd(lead=lead_nurse)
    client.force_login(lead_nurse)
    html = client.get(reverse("roledesign:jd_print", args=[jd.pk])).content.decode()
    assert "app-no-print" in html and "Print this page from your browser" in html
    assert "onclick" not in html
    assert "Person specification" in html and "Tracheostomy care" in html


def test_download_is_a_word_document_with_headings_and_competencies(client, lead_nurse):
    jd = make_jd(lead=lead_nurse)
    client.force_login(lead_nurse)
    response = client.get(reverse("roledesign:jd_download", args=[jd.pk]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings == [
        "Assistant practitioner",
        "Job purpose",
        "Key responsibilities",
        "Working relationships",
        "Person specification",
        "Competencies",
        "Communication",
        "Clinical skills",
    ]
    texts = [p.text for p in document.paragraphs]
    for line in ("A1 Communicate with patients", "B2 Tracheostomy care", "Care for tracheostomies"):
        assert line in texts
    assert "B3 Triage" not in texts
    spec = document.tables[-1]
    assert [c.text for c in spec.rows[0].cells] == [
        "Criterion",
        "Essential or desirable",
        "Category",
    ]
    assert [c.text for c in spec.rows[2].cells] == [
        "Experience in critical care",
        "Desirable",
        "Experience",
    ]


# What trainees and mentors see ------------------------------------------------------------------


def test_trainee_sees_the_approved_jd_for_their_framework_and_area(client):
    framework, area, _ = framework_with_domains()
    jd = make_jd(framework=framework, area=area, approve=True)
    make_jd(framework=framework, title="A draft one", area=area)  # drafts never show
    record = TrainingRecordFactory(framework=framework, clinical_area=area)
    client.force_login(record.trainee)
    html = client.get(reverse("roledesign:my_job_description")).content.decode()
    assert jd.title in html and "Tracheostomy care" in html
    assert "no-jd" not in html


def test_trainee_on_a_later_framework_version_sees_the_jd_of_the_same_code(client):
    framework, area, _ = framework_with_domains()
    jd = make_jd(framework=framework, area=area, approve=True, title="AP by code")
    newer = new_framework_version(framework)
    record = TrainingRecordFactory(framework=newer, clinical_area=area)
    client.force_login(record.trainee)
    assert "AP by code" in client.get(reverse("roledesign:my_job_description")).content.decode()
    assert jd.pk


def test_trainee_without_a_matching_jd_gets_a_clear_message(client):
    framework, area, _ = framework_with_domains()
    make_jd(framework=framework, approve=True)  # another area
    record = TrainingRecordFactory(framework=framework, clinical_area=area)
    client.force_login(record.trainee)
    html = client.get(reverse("roledesign:my_job_description")).content.decode()
    assert "no-jd" in html and "There is no approved job description yet" in html
    client.force_login(TraineeFactory())
    html = client.get(reverse("roledesign:my_job_description")).content.decode()
    assert "You do not have an active training record" in html


def test_mentor_sees_their_trainees_jd_and_not_others(client):
    framework, area, _ = framework_with_domains()
    jd = make_jd(framework=framework, area=area, approve=True)
    record = TrainingRecordFactory(framework=framework, clinical_area=area)
    mentor = MentorFactory()
    AllocationFactory(trainee=record.trainee, supporter=mentor, kind=Allocation.Kind.MENTOR)
    url = reverse("roledesign:record_job_description", args=[record.pk])
    client.force_login(mentor)
    response = client.get(url)
    assert response.status_code == 200 and jd.title in response.content.decode()
    client.force_login(MentorFactory())
    assert client.get(url).status_code == 404
    assert client.get(reverse("roledesign:record_job_description", args=[99999])).status_code == 404


# Current competence -----------------------------------------------------------------------------


def _held(record, code, *, achieved_days_ago, expires_in_days):
    today = timezone.localdate()
    competency = CompetencyFactory(
        domain=DomainFactory(framework=record.framework), code=code, title=f"Skill {code}"
    )
    return CompetencyProgress.objects.create(
        record=record,
        competency=competency,
        state=ProgressState.ACHIEVED,
        achieved_on=today - datetime.timedelta(days=achieved_days_ago),
        expires_on=None
        if expires_in_days is None
        else today + datetime.timedelta(days=expires_in_days),
    )


def test_current_competence_lists_held_flags_expiring_and_omits_expired(client):
    record = TrainingRecordFactory()
    _held(record, "KEEP", achieved_days_ago=100, expires_in_days=None)
    _held(record, "SOON", achieved_days_ago=300, expires_in_days=30)
    _held(record, "LATER", achieved_days_ago=10, expires_in_days=200)
    _held(record, "GONE", achieved_days_ago=400, expires_in_days=-1)
    CompetencyProgress.objects.create(
        record=record,
        competency=CompetencyFactory(domain=DomainFactory(framework=record.framework), code="WIP"),
        state=ProgressState.IN_PROGRESS,
    )
    manager = ManagerFactory()
    AllocationFactory(trainee=record.trainee, supporter=manager, kind=Allocation.Kind.MANAGER)
    client.force_login(manager)
    response = client.get(reverse("roledesign:current_competence", args=[record.trainee.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="held-KEEP"' in html and 'data-testid="held-LATER"' in html
    assert 'data-testid="held-GONE"' not in html and 'data-testid="held-WIP"' not in html
    # Expired and unfinished competencies are under supervision only.
    assert 'data-testid="supervised-GONE"' in html and 'data-testid="supervised-WIP"' in html
    soon_row = html.split('data-testid="held-SOON"')[1].split("</li>")[0]
    later_row = html.split('data-testid="held-LATER"')[1].split("</li>")[0]
    assert "Expires soon" in soon_row and "Expires soon" not in later_row
    achieved = (timezone.localdate() - datetime.timedelta(days=300)).strftime("%-d %b %Y")
    assert achieved in soon_row
    held = selectors.current_competence(record.trainee)
    assert {h.progress.competency.code: h.expiring_soon for h in held} == {
        "KEEP": False,
        "SOON": True,
        "LATER": False,
    }


def test_current_competence_for_self_and_lead_not_other_managers(client, lead_nurse):
    record = TrainingRecordFactory()
    url = reverse("roledesign:current_competence", args=[record.trainee.pk])
    for person, status in (
        (record.trainee, 200),
        (lead_nurse, 200),
        (ManagerFactory(), 404),
        (TraineeFactory(), 404),
    ):
        client.force_login(person)
        assert client.get(url).status_code == status, person
    ended = ManagerFactory()
    AllocationFactory(
        trainee=record.trainee,
        supporter=ended,
        kind=Allocation.Kind.MANAGER,
        start_date=timezone.localdate() - datetime.timedelta(days=100),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    client.force_login(ended)
    assert client.get(url).status_code == 404


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_detail_and_current_competence_pages_take_constant_queries(client, lead_nurse):
    client.force_login(lead_nurse)
    client.get(
        reverse("pathway:account")
    )  # the first page counts the header's unread notifications (then cached)
    first = make_jd(lead=lead_nurse, approve=True)
    small_list = _page_queries(client, reverse("roledesign:jd_list"))
    small_detail = _page_queries(client, reverse("roledesign:jd_detail", args=[first.pk]))
    for n in range(4):
        make_jd(lead=lead_nurse, title=f"Role {n}")
    big = make_jd(lead=lead_nurse)
    for n in range(6):
        services.criterion_add(
            actor=lead_nurse, jd=big, category="skills", essential=True, text=f"Skill {n}"
        )
        CompetencyFactory(domain=DomainFactory(framework=big.framework, order=10 + n))
    new_framework_version(big.framework)
    assert _page_queries(client, reverse("roledesign:jd_list")) == small_list
    # The big one also has a newer framework version: the review adds its fixed queries.
    services.jd_approve(actor=lead_nurse, jd=big)
    new_framework_version(first.framework)
    assert _page_queries(client, reverse("roledesign:jd_detail", args=[big.pk])) == _page_queries(
        client, reverse("roledesign:jd_detail", args=[first.pk])
    )
    assert small_detail > 0

    record = TrainingRecordFactory()
    url = reverse("roledesign:current_competence", args=[record.trainee.pk])
    _held(record, "ONE", achieved_days_ago=5, expires_in_days=None)
    small = _page_queries(client, url)
    for n in range(6):
        _held(record, f"MORE{n}", achieved_days_ago=5, expires_in_days=10)
    assert _page_queries(client, url) == small


def test_the_word_document_is_a4_with_the_trust_in_header_footer_and_author(client, lead_nurse):
    area = ClinicalAreaFactory()
    site = SiteFactory(organisation=OrganisationFactory(name="Northfield NHS Foundation Trust"))
    area.sites.add(site)
    OrganisationFactory(name="Another NHS Trust")  # two trusts: the area's own is named
    jd = make_jd(lead=lead_nurse, area=area)
    client.force_login(lead_nurse)
    document = Document(
        io.BytesIO(client.get(reverse("roledesign:jd_download", args=[jd.pk])).content)
    )

    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert section.header.paragraphs[0].text == (
        f"Northfield NHS Foundation Trust · Assistant practitioner · Version {jd.version}"
    )
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer_xml and 'w:instr="NUMPAGES"' in footer_xml
    assert section.footer.paragraphs[0].text.startswith("Page ")
    assert document.core_properties.author == "Northfield NHS Foundation Trust"
    assert document.core_properties.title == f"Assistant practitioner, version {jd.version}"
    person_specification = document.tables[1]
    assert person_specification.rows[0].cells[0].text == "Criterion"
    assert "w:tblHeader" in person_specification.rows[0]._tr.xml
