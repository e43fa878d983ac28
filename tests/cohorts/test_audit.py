"""The audit history (django-simple-history): who changed what, and when.

- changes made through the pages (and the Django admin) leave a history row with the person
  who made them; the audit page shows it, with the fields that changed, old → new;
- a service run outside a request (seeding, imports) records the System;
- signing in, or granting a role already held, adds no row; sign-off assessments have no
  history of their own (they are append-only, with their hash chain);
- filters by kind of record and by person, the history of one record, pagination;
- who may see it: the lead nurse and the administrator; anonymous people are sent to sign in,
  every other role gets 403;
- the page runs the same number of queries for 5 and for 60 history rows.
"""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.middleware import HistoryRequestMiddleware

from cohorts.models import Cohort, Enrolment, EnrolmentStatus
from competencies.models import Assessment, AssessmentMethod, Competency, Domain, Framework
from competencies.services.frameworks import COMPETENCY_EDITED
from pathway import services as pathway_services
from pathway.concurrency import version_of
from pathway.models import Allocation, Role, RoleCode, User
from tests import factories

pytestmark = pytest.mark.django_db

AUDIT = reverse("cohorts:audit_log")
ARROW = "→ changed to"


def _text(response) -> str:
    """The page as text, tags removed and spaces collapsed (the arrow reads "→ changed to")."""
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(content)).strip()


def _rows(response) -> list[str]:
    """Each row of the audit table, as text."""
    content = response.content.decode()
    rows = re.findall(
        r'<tr class="nhsuk-table__row" data-testid="audit-row">(.*?)</tr>', content, re.S
    )
    return [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row))).strip() for row in rows
    ]


def _dates(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def _in_request_of(user, change):
    """Run `change` as the history middleware does for a page that calls a service."""
    request = RequestFactory().post("/")
    request.user = user
    return HistoryRequestMiddleware(lambda _request: change())(request)


@pytest.fixture
def lead(db):
    return factories.LeadNurseFactory(full_name="Lena Lead")


@pytest.fixture
def administrator(db):
    return factories.AdministratorFactory(full_name="Ada Admin")


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


# Changes through the pages, with the acting person -----------------------------------------


def test_a_job_title_changed_in_the_admin_shows_who_changed_it_and_old_to_new(
    client, administrator, lead
):
    person = factories.TraineeFactory(full_name="Tess Trainee", job_title="Healthcare assistant")
    before = person.history.count()
    client.force_login(administrator)
    joined = timezone.localtime(person.date_joined)
    response = client.post(
        reverse("admin:pathway_user_change", args=[person.pk]),
        {
            "email": person.email,
            "full_name": person.full_name,
            "employee_number": person.employee_number,
            "job_title": "Senior healthcare assistant",
            "band": "4",
            "clinical_area": "",
            "registration_body": "",
            "registration_number": "",
            "roles": [role.pk for role in person.roles.all()],
            "is_active": "on",
            "date_joined_0": joined.date().isoformat(),
            "date_joined_1": joined.strftime("%H:%M:%S"),
            "last_login_0": "",
            "last_login_1": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # One save, one row: the unchanged roles add nothing.
    assert person.history.count() == before + 1
    latest = person.history.first()
    assert latest.history_user == administrator
    assert latest.job_title == "Senior healthcare assistant"

    client.force_login(lead)
    response = client.get(AUDIT)
    assert response.status_code == 200
    row = _rows(response)[0]
    assert "Ada Admin" in row
    assert "Person Tess Trainee" in row
    assert "Changed" in row
    assert f"Job title : Healthcare assistant {ARROW} Senior healthcare assistant" in row
    assert f"Band : Band 3 {ARROW} Band 4" in row  # choices by their label


def test_an_allocation_added_on_its_page_then_ended_shows_the_lead_nurse_and_the_end_date(
    lead_client, lead
):
    trainee = factories.TraineeFactory(full_name="Tess Trainee")
    mentor = factories.MentorFactory(full_name="Mo Mentor")
    start = timezone.localdate() - datetime.timedelta(days=10)
    response = lead_client.post(
        reverse("pathway:allocation_add", args=[trainee.pk]),
        {"kind": "mentor", "supporter": mentor.pk, **_dates("start_date", start)},
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get(trainee=trainee)
    end = timezone.localdate()
    _in_request_of(
        lead,
        lambda: pathway_services.allocation_end(actor=lead, allocation=allocation, end_date=end),
    )

    created, ended = allocation.history.order_by("history_id")
    assert (created.history_type, created.history_user) == ("+", lead)
    assert (ended.history_type, ended.history_user, ended.end_date) == ("~", lead, end)

    rows = _rows(lead_client.get(AUDIT))
    assert "Allocation Mo Mentor — mentor of Tess Trainee" in rows[0]
    assert "Lena Lead" in rows[0]
    assert f"End date : Not set {ARROW} {end.day} {end:%B %Y}" in rows[0]
    assert "Created" in rows[1] and "Lena Lead" in rows[1]


def test_a_service_outside_a_request_is_recorded_as_the_system(lead_client, lead):
    allocation = factories.AllocationFactory()
    pathway_services.allocation_end(
        actor=lead, allocation=allocation, end_date=timezone.localdate()
    )
    assert allocation.history.first().history_user is None
    row = _rows(lead_client.get(AUDIT + "?kind=allocation"))[0]
    assert "Changed" in row and "End date" in row
    assert " System " in row and "Lena Lead" not in row


def test_an_enrolment_status_changed_on_its_page_shows_old_and_new_status(lead_client, lead):
    cohort = factories.CohortFactory(name="September cohort")
    trainee = factories.TraineeFactory(full_name="Tess Trainee")
    enrolment = factories.enrol(cohort, trainee=trainee)
    response = lead_client.post(
        reverse("cohorts:enrolment_status", args=[enrolment.pk]),
        {"status": "on_break", "reason": "Family leave", **_dates("on", timezone.localdate())},
    )
    assert response.status_code == 302
    latest = enrolment.history.first()
    assert (latest.history_user, latest.status) == (lead, EnrolmentStatus.ON_BREAK)

    row = _rows(lead_client.get(AUDIT + "?kind=enrolment"))[0]
    assert "Enrolment Tess Trainee in September cohort" in row
    assert "Lena Lead" in row
    assert f"Status : Active {ARROW} On a break" in row
    assert f"Status reason : Not set {ARROW} Family leave" in row


def test_a_draft_competency_edited_on_its_page_shows_old_and_new_values(lead_client, lead):
    framework = factories.FrameworkFactory(name="Assistant practitioner")
    domain = factories.DomainFactory(framework=framework, title="Communication")
    competency = factories.CompetencyFactory(domain=domain, code="COMM-01", title="Handover")
    response = lead_client.post(
        reverse("competencies:competency_edit", args=[competency.pk]),
        {
            "code": "COMM-01",
            "title": "Safe handover",
            "description": competency.description,
            "performance_criteria": "\n".join(competency.performance_criteria),
            "underpinning_knowledge": competency.underpinning_knowledge,
            "applies_to": "core",
            "assessment_methods": [AssessmentMethod.SIMULATION.value],
            "supervised_practices_required": "0",
            "reassessment_months": "",
            "domain": domain.pk,
            "version": version_of(competency, COMPETENCY_EDITED),
        },
    )
    assert response.status_code == 302, _text(response)[:1500]
    assert competency.history.first().history_user == lead

    row = _rows(lead_client.get(AUDIT + "?kind=competency"))[0]
    assert "Competency COMM-01 Safe handover" in row
    assert "Lena Lead" in row
    assert f"Title : Handover {ARROW} Safe handover" in row
    assert (
        f"Assessment methods : Direct observation; Questioning {ARROW} Simulation" in row
    )  # JSON list of codes, by their labels


def test_role_changes_are_kept_with_the_person(lead_client):
    person = factories.TraineeFactory(full_name="Tess Trainee")
    person.grant_roles(RoleCode.MENTOR)
    latest = person.history.first()
    assert sorted(latest.roles.values_list("role__code", flat=True)) == ["mentor", "trainee"]
    row = _rows(lead_client.get(AUDIT + "?kind=person"))[0]
    assert "Tess Trainee" in row
    assert f"Roles : Trainee {ARROW} Mentor; Trainee" in row
    # From the role's side too.
    Role.objects.get(code=RoleCode.MENTOR).users.remove(person)
    row = _rows(lead_client.get(AUDIT + "?kind=person"))[0]
    assert f"Roles : Mentor; Trainee {ARROW} Trainee" in row


def test_signing_in_and_granting_a_held_role_add_no_history_and_passwords_are_not_kept(client):
    person = factories.TraineeFactory()
    before = person.history.count()
    client.force_login(person)  # sets last_login
    person.grant_roles(RoleCode.TRAINEE)  # already held
    assert person.history.count() == before
    history_fields = {f.name for f in User.history.model._meta.fields}
    assert "password" not in history_fields and "last_login" not in history_fields


def test_assessments_and_other_records_have_no_history_of_their_own():
    audited = {m._meta.label for m in apps.get_models() if m.__name__.startswith("Historical")}
    assert audited == {
        "pathway.HistoricalUser",
        "pathway.HistoricalUser_roles",
        "pathway.HistoricalAllocation",
        "pathway.HistoricalPasskey",
        "pathway.HistoricalExternalIdentity",
        "cohorts.HistoricalCohort",
        "cohorts.HistoricalEnrolment",
        # Module results come from the university's API client too (ADR 0023).
        "cohorts.HistoricalModuleResult",
        "competencies.HistoricalFramework",
        "competencies.HistoricalDomain",
        "competencies.HistoricalCompetency",
        # Who gave an inspector access to which cohorts, and who evidenced a gateway item.
        "apprenticeships.HistoricalInspectionGrant",
        "apprenticeships.HistoricalInspectionGrant_cohorts",
        "apprenticeships.HistoricalGatewayEvidence",
        # Who changed how long each kind of record is kept (the retention schedule).
        "governance.HistoricalRetentionRule",
        # Prior learning decisions and the skills scan's reduction in off-the-job hours.
        "apprenticeships.HistoricalSkillsScan",
        "apprenticeships.HistoricalSkillsScanItem",
        # Apprenticeship standards, the standard a programme follows, and apprentices' terms.
        "competencies.HistoricalApprenticeshipStandard",
        "apprenticeships.HistoricalApprenticeshipProgramme",
        "apprenticeships.HistoricalApprenticeship",
    } | {label for label in audited if label.startswith("roledesign.")}
    assert not hasattr(Assessment, "history")


# Filters, one record's history, pagination --------------------------------------------------


def test_filter_by_person_shows_their_details_allocations_and_enrolments_only(lead_client):
    cohort = factories.CohortFactory(name="September cohort")
    tess = factories.TraineeFactory(full_name="Tess Trainee")
    other = factories.TraineeFactory(full_name="Olly Other")
    factories.enrol(cohort, trainee=tess, mentor=factories.MentorFactory(full_name="Mo Mentor"))
    factories.enrol(cohort, trainee=other)

    text = _text(lead_client.get(AUDIT, {"person": tess.pk}))
    assert "Latest changes about Tess Trainee, newest first" in text
    rows = _rows(lead_client.get(AUDIT, {"person": tess.pk}))
    assert rows and all("Tess Trainee" in row for row in rows)
    assert any("Allocation Mo Mentor — mentor of Tess Trainee" in row for row in rows)
    assert any("Enrolment Tess Trainee in September cohort" in row for row in rows)
    assert any("Person Tess Trainee" in row for row in rows)
    assert not any("Olly Other" in row for row in rows)
    assert not any("Framework" in row for row in rows)


def test_the_person_filter_is_a_search_not_a_list_of_everyone(lead_client):
    tess = factories.TraineeFactory(full_name="Tess Trainee")
    factories.TraineeFactory(full_name="Olly Other")
    page = lead_client.get(AUDIT).content.decode()
    assert "Olly Other" not in page.split('id="audit-filters"')[1].split("</form>")[0]
    assert '<input type="text" name="who"' in page

    text = _text(lead_client.get(AUDIT, {"who": "  tess  "}))
    assert "Latest changes about Tess Trainee, newest first" in text
    rows = _rows(lead_client.get(AUDIT, {"who": tess.email.upper()}))
    assert rows and all("Tess Trainee" in row for row in rows)


def test_a_person_search_matching_several_or_nobody(lead_client):
    for name in ("Sam One", "Sam Two"):
        factories.TraineeFactory(full_name=name)
    text = _text(lead_client.get(AUDIT, {"who": "sam"}))
    assert "Latest changes about 2 people, newest first" in text
    assert all("Sam" in row for row in _rows(lead_client.get(AUDIT, {"who": "sam"})))

    response = lead_client.get(AUDIT, {"who": "Nobody Here"})
    assert response.status_code == 200
    text = _text(response)
    assert "There is a problem" in text
    assert "No one's name, email address or employee number has “Nobody Here”" in text
    assert 'value="Nobody Here"' in response.content.decode()  # the search is kept


def test_a_person_search_matching_too_many_asks_for_more(lead_client):
    for n in range(21):
        factories.TraineeFactory(full_name=f"Alex Many {n}")
    text = _text(lead_client.get(AUDIT, {"who": "Alex Many"}))
    assert "More than 20 people match “Alex Many”: type more of the name" in text


def test_the_filter_page_costs_the_same_with_5_or_60_people(lead_client):
    lead_client.get(AUDIT)  # the first page counts the header's unread notifications (cached)
    factories.TraineeFactory.create_batch(5)
    few = _queries(lead_client, AUDIT, {"who": "zz-nobody"})
    factories.TraineeFactory.create_batch(55)
    assert _queries(lead_client, AUDIT, {"who": "zz-nobody"}) == few


def test_filter_by_kind_and_a_bad_filter_value(lead_client):
    factories.AllocationFactory()
    factories.FrameworkFactory(name="Assistant practitioner")
    rows = _rows(lead_client.get(AUDIT, {"kind": "framework"}))
    assert len(rows) == 1 and "Framework Assistant practitioner (version 1)" in rows[0]

    response = lead_client.get(AUDIT, {"kind": "spaceship"})
    assert response.status_code == 200
    text = _text(response)
    assert text.startswith("Error: Audit history")
    assert "There is a problem" in text and "Select a kind of record from the list" in text
    assert len(_rows(response)) > 1  # that filter is left out; the others still apply


def test_the_history_of_one_record_and_unknown_records(lead_client, lead):
    allocation = factories.AllocationFactory()
    _in_request_of(
        lead,
        lambda: pathway_services.allocation_end(
            actor=lead, allocation=allocation, end_date=timezone.localdate()
        ),
    )
    factories.AllocationFactory()  # another record, not on this page
    url = reverse("cohorts:audit_record", args=["allocation", allocation.pk])
    response = lead_client.get(url)
    assert response.status_code == 200
    text = _text(response)
    assert f"History of {allocation}" in text
    assert "Every change to this record, newest first" in text
    rows = _rows(response)
    assert len(rows) == 2
    assert "Changed" in rows[0] and "Lena Lead" in rows[0] and "End date" in rows[0]
    assert "Created" in rows[1] and "System" in rows[1]
    assert f'href="{AUDIT}?person={allocation.trainee_id}"' in response.content.decode()

    for missing in (["allocation", 999999], ["spaceship", allocation.pk]):
        assert lead_client.get(reverse("cohorts:audit_record", args=missing)).status_code == 404


def test_fifty_changes_a_page_with_nhs_pagination_that_keeps_the_filter(lead_client):
    allocation = factories.AllocationFactory()
    for days in range(59):
        allocation.end_date = allocation.start_date + datetime.timedelta(days=days + 1)
        allocation.save()
    first = lead_client.get(AUDIT, {"kind": "allocation"})
    assert len(_rows(first)) == 50
    content = first.content.decode()
    assert 'class="nhsuk-pagination nhsuk-pagination--numbered"' in content
    assert 'href="?kind=allocation&amp;page=2" aria-label="Page 2"' in content
    assert "Showing 1 to 50 of 60 changes" in _text(first)
    second = lead_client.get(AUDIT, {"kind": "allocation", "page": 2})
    assert len(_rows(second)) == 10
    assert 'aria-current="page">2</a>' in second.content.decode()
    assert "Created" in _rows(second)[-1]


def test_only_the_latest_changes_are_listed_and_counted_with_a_way_to_older_ones(
    lead_client, monkeypatch
):
    """However long the history grows, the page counts and pages through at most
    LISTED_MOST changes: older ones are reached by kind, person or record."""
    from cohorts.selectors import audit

    monkeypatch.setattr(audit, "LISTED_MOST", 12)
    allocation = factories.AllocationFactory()
    for days in range(15):
        allocation.end_date = allocation.start_date + datetime.timedelta(days=days + 1)
        allocation.save()
    with CaptureQueriesContext(connection) as queries:
        everything = lead_client.get(AUDIT)
    text = _text(everything)
    assert "Showing 1 to 12 of the latest 12 changes. There are older ones" in text
    assert len(_rows(everything)) == 12
    count = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper())
    assert "LIMIT 13" in count  # the count stops after one more than it lists
    # Fewer than that of one person: all of them, counted exactly.
    person = factories.TraineeFactory()
    about = lead_client.get(AUDIT, {"who": person.email})
    assert "Showing 1 to 3 of 3 changes" in _text(about)  # their own versions, every one
    assert "older ones" not in _text(about)


# Who may see it -------------------------------------------------------------------------------


REFUSED = [
    factories.TraineeFactory,
    factories.MentorFactory,
    factories.TutorFactory,
    factories.PracticeEducatorFactory,
    factories.ManagerFactory,
]


def _urls():
    allocation = factories.AllocationFactory()
    return [AUDIT, reverse("cohorts:audit_record", args=["allocation", allocation.pk])]


def test_anonymous_people_are_sent_to_sign_in(client):
    for url in _urls():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize("factory", REFUSED, ids=lambda f: f.__name__)
def test_other_roles_are_refused(client, factory):
    client.force_login(factory())
    for url in _urls():
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("factory", [factories.LeadNurseFactory, factories.AdministratorFactory])
def test_the_lead_nurse_and_the_administrator_may_see_it_and_find_it_in_the_menu(client, factory):
    client.force_login(factory())
    for url in _urls():
        assert client.get(url).status_code == 200
    home = client.get(AUDIT).content.decode()
    assert f'href="{AUDIT}" aria-current="page"' in home


def test_the_menu_has_no_audit_for_a_trainee(client):
    client.force_login(factories.TraineeFactory())
    response = client.get(reverse("pathway:account"))
    assert f'href="{AUDIT}"' not in response.content.decode()


# The Django admin ---------------------------------------------------------------------------


def test_the_admin_shows_history_and_lists_every_cohorts_and_competencies_model(
    client, administrator
):
    allocation = factories.AllocationFactory()
    framework = factories.PublishedFrameworkFactory()
    client.force_login(administrator)
    for name, pk in (
        ("pathway_user", allocation.trainee_id),
        ("pathway_allocation", allocation.pk),
    ):
        assert client.get(reverse(f"admin:{name}_history", args=[pk])).status_code == 200
    for model in [*apps.get_app_config("cohorts").get_models()] + [
        *apps.get_app_config("competencies").get_models()
    ]:
        if model.__name__.startswith("Historical"):
            continue
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
    # A published framework is read-only in the admin, as on the framework pages.
    change = client.get(reverse("admin:competencies_framework_change", args=[framework.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:cohorts_enrolment_add")).status_code == 403


# Query count --------------------------------------------------------------------------------


def _changes_of_every_kind(rounds: int) -> None:
    """Records of every audited kind, then `rounds` changes to each, in turn; the history is
    cleared first, so that rows = 7 creations + 7 x rounds changes."""
    trainee = factories.TraineeFactory(full_name="Tess Trainee")
    cohort = factories.CohortFactory()
    enrolment = factories.enrol(cohort, trainee=trainee)
    allocation = factories.AllocationFactory(trainee=trainee)
    framework = factories.FrameworkFactory()
    domain = factories.DomainFactory(framework=framework)
    competency = factories.CompetencyFactory(domain=domain)
    for model in (User, Allocation, Cohort, Enrolment, Framework, Domain, Competency):
        model.history.all().delete()
    for record in (trainee, allocation, cohort, enrolment, framework, domain, competency):
        record.save()  # each one's first version: "created" for this test's purpose
    for n in range(rounds):
        cohort.name = f"Cohort {n}"
        cohort.save()
        trainee.job_title = f"Title {n}"
        trainee.save()
        allocation.end_date = allocation.start_date + datetime.timedelta(days=n + 1)
        allocation.save()
        enrolment.status_reason = f"Reason {n}"
        enrolment.save()
        framework.description = f"Description {n}"
        framework.save()
        domain.title = f"Domain {n}"
        domain.save()
        competency.title = f"Competency {n}"
        competency.save()


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_query_count_is_the_same_for_few_and_many_rows(lead_client):
    lead_client.get(AUDIT)  # the first page counts the header's unread notifications (cached)
    _changes_of_every_kind(rounds=1)
    few = _queries(lead_client, AUDIT, {})
    few_rows = len(_rows(lead_client.get(AUDIT)))
    _changes_of_every_kind(rounds=10)
    many = _queries(lead_client, AUDIT, {})
    many_rows = len(_rows(lead_client.get(AUDIT)))
    assert (few_rows, many_rows) == (14, 50)
    assert few == many


def test_query_count_is_the_same_for_5_and_60_rows_of_one_kind(lead_client):
    allocation = factories.AllocationFactory()
    Allocation.history.all().delete()
    record = reverse("cohorts:audit_record", args=["allocation", allocation.pk])
    lead_client.get(AUDIT)  # the first page counts the header's unread notifications (cached)

    def change(times):
        for _ in range(times):
            allocation.end_date = allocation.end_date or allocation.start_date
            allocation.end_date += datetime.timedelta(days=1)
            allocation.save()

    change(5)
    few = _queries(lead_client, AUDIT, {"kind": "allocation"}), _queries(lead_client, record, {})
    change(55)
    assert Allocation.history.count() == 60
    many = _queries(lead_client, AUDIT, {"kind": "allocation"}), _queries(lead_client, record, {})
    assert few == many
