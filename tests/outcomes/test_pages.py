"""The outcomes pages: the dashboard on known data, its downloads, pathway histories, recording
a move through the form, bridging pages, and who is refused."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import services
from outcomes.models import PathwayMove
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
WEEK = datetime.timedelta(weeks=1)


def _cohort(name, weeks_ago):
    intake = TODAY - weeks_ago * WEEK
    return factories.CohortFactory(
        name=name, intake_date=intake, planned_end_date=intake + 52 * WEEK
    )


@pytest.fixture
def known(lead_nurse):
    """Cohort A: intake 2.5 years ago; four trainees: three qualified after 52 weeks (one
    left 3 months later, one moved to another area and went on to bridging), one withdrew.
    Cohort B: intake 20 weeks ago, two trainees still training."""
    a = _cohort("Cohort A", 130)
    b = _cohort("Cohort B", 20)
    qualified_on = a.planned_end_date
    q = [factories.qualified_enrolment(a, qualified_on=qualified_on) for _ in range(3)]
    factories.withdrawn_enrolment(a, reason="Caring responsibilities")
    for _ in range(2):
        factories.enrol(b)
    left = factories.pathway_stage("left")
    services.move_record(
        actor=lead_nurse,
        person=q[0].trainee,
        stage=left,
        on=qualified_on + 13 * WEEK,
        reason="Moved to another trust",
    )
    services.move_record(
        actor=lead_nurse,
        person=q[1].trainee,
        stage=factories.pathway_stage("support_worker"),
        on=qualified_on - 200 * WEEK,  # the band 3 post before training: not after qualifying
    )
    area = factories.ClinicalAreaFactory(name="Emergency department")
    factories.PathwayMoveFactory(
        person=q[1].trainee,
        stage=factories.pathway_stage("qualified_ap"),
        on=qualified_on + 4 * WEEK,
        clinical_area=area,
    )
    services.bridging_enrol(
        actor=lead_nurse,
        module=factories.BridgingModuleFactory(),
        person=q[1].trainee,
        started_on=qualified_on + 30 * WEEK,
    )
    return {"a": a, "b": b, "qualified": q}


def test_the_dashboard_compares_cohorts_on_known_data(client, lead_nurse, known):
    client.force_login(lead_nurse)
    response = client.get(reverse("outcomes:dashboard"))
    assert response.status_code == 200
    board = response.context["dashboard"]
    a, b = board.cohorts
    assert (a.cohort.name, b.cohort.name) == ("Cohort A", "Cohort B")
    assert (a.outcomes.started, a.outcomes.qualified, a.outcomes.withdrawn) == (4, 3, 1)
    assert a.outcomes.completion_rate == pytest.approx(0.75)
    assert a.outcomes.median_days_to_qualify == 364
    six, twelve, twenty_four = a.outcomes.retention
    assert (six.eligible, six.retained) == (3, 2)
    assert (twelve.eligible, twelve.retained) == (3, 2)
    assert twenty_four.not_yet  # qualified 78 weeks ago
    assert (a.outcomes.moved_area, a.outcomes.bridging, a.outcomes.left) == (1, 1, 1)
    assert b.outcomes.started == 2 and b.outcomes.completion_rate == 0
    assert all(r.not_yet for r in b.outcomes.retention)
    body = response.content.decode()
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg" class="app-chart') == 3
    assert 'data-testid="completion-table"' in body  # ... each with its table
    assert 'data-testid="retention-table"' in body and 'data-testid="progression-table"' in body
    assert "Not yet" in body and "Caring responsibilities" in body
    assert "2 of 3 (67%)" in body


def test_the_dashboard_takes_the_same_queries_for_more_cohorts_and_people(
    client, lead_nurse, known, django_assert_num_queries
):
    client.force_login(lead_nurse)
    url = reverse("outcomes:dashboard")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    c = _cohort("Cohort C", 70)
    for _ in range(3):
        factories.qualified_enrolment(c)
    factories.withdrawn_enrolment(c)
    with django_assert_num_queries(len(before)):
        client.get(url)


def test_the_dashboard_shows_a_page_of_the_latest_cohorts_and_the_download_has_all(
    client, lead_nurse
):
    """National scale (issue #18): the page does not grow with the programme's history."""
    from outcomes.selectors import COHORTS_PER_PAGE

    cohorts = [_cohort(f"Cohort {n:02}", 200 - n) for n in range(COHORTS_PER_PAGE + 2)]
    client.force_login(lead_nurse)
    first = client.get(reverse("outcomes:dashboard"))
    shown = [item.cohort for item in first.context["dashboard"].cohorts]
    # The latest intakes, shown oldest first on the page.
    assert shown == cohorts[2:]
    assert f"{len(cohorts)} cohorts have started" in first.content.decode()
    second = client.get(reverse("outcomes:dashboard") + "?page=2")
    assert [item.cohort for item in second.context["dashboard"].cohorts] == cohorts[:2]
    download = client.get(reverse("outcomes:dashboard_export", args=["csv"]))
    text = download.content.decode()
    assert all(cohort.name in text for cohort in cohorts)


def test_the_dashboard_with_no_cohorts(client, lead_nurse):
    client.force_login(lead_nurse)
    response = client.get(reverse("outcomes:dashboard"))
    assert "No cohort has started yet" in response.content.decode()


def test_csv_export(client, lead_nurse, known):
    client.force_login(lead_nurse)
    response = client.get(reverse("outcomes:dashboard_export", args=["csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["Cohort"] for r in rows] == ["Cohort A", "Cohort B"]
    a = rows[0]
    assert a["Started"] == "4" and a["Qualified"] == "3"
    assert a["Completion rate (%)"] == "75.0"
    assert a["Still in the trust at 6 months"] == "2"
    assert a["Qualifiers 24 months on"] == "0"
    assert a["Still in the trust at 24 months (%)"] == ""  # not yet: blank, never 0
    assert a["Withdrawal reasons"] == "Caring responsibilities"


def test_xlsx_export_reads_back(client, lead_nurse, known):
    client.force_login(lead_nurse)
    response = client.get(reverse("outcomes:dashboard_export", args=["xlsx"]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    assert [r["Cohort"] for r in rows] == ["Cohort A", "Cohort B"]
    assert rows[0]["Completion rate (%)"] == pytest.approx(0.75)
    assert rows[0]["Still in the trust at 12 months (%)"] == pytest.approx(2 / 3)
    assert rows[0]["Reached bridging modules"] == 1
    assert rows[1]["Completion rate (%)"] == 0
    assert isinstance(rows[0]["Intake"], datetime.datetime)


def test_an_unknown_export_format_is_not_found(client, lead_nurse):
    client.force_login(lead_nurse)
    assert client.get(reverse("outcomes:dashboard_export", args=["pdf"])).status_code == 404


def test_the_cohort_page_lists_people_and_links_their_histories(client, lead_nurse, known):
    client.force_login(lead_nurse)
    response = client.get(reverse("outcomes:cohort_detail", args=[known["a"].pk]))
    body = response.content.decode()
    leaver = known["qualified"][0].trainee
    assert reverse("outcomes:person_history", args=[leaver.pk]) in body
    rows = {row.name: row.current_stage for row in response.context["item"].people}
    assert rows[leaver.full_name] == "Left the trust"
    assert rows[known["qualified"][1].trainee.full_name] == "Bridging modules"
    assert rows[known["qualified"][2].trainee.full_name].startswith("Qualified")


def test_a_person_sees_their_own_history(client, known):
    person = known["qualified"][1].trainee
    client.force_login(person)
    own = client.get(reverse("outcomes:my_pathway"))
    assert own.status_code == 200
    body = own.content.decode()
    assert "My career pathway" in body and "Bridging modules" in body
    assert "Record a move" not in body
    assert client.get(reverse("outcomes:person_history", args=[person.pk])).status_code == 200
    other = known["qualified"][0].trainee
    assert client.get(reverse("outcomes:person_history", args=[other.pk])).status_code == 404


def test_recording_a_move_through_the_form(client, lead_nurse, known):
    person = known["qualified"][2].trainee
    client.force_login(lead_nurse)
    url = reverse("outcomes:move_add", args=[person.pk])
    left = factories.pathway_stage("left")
    # Leaving without a reason: the error summary, what was typed kept, nothing saved.
    response = client.post(
        url, {"stage": left.pk, "on_day": "3", "on_month": "2", "on_year": str(TODAY.year)}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Give the reason the person left" in body
    assert 'value="3"' in body
    assert not PathwayMove.objects.filter(person=person).exists()
    response = client.post(
        url,
        {
            "stage": left.pk,
            "on_day": str(TODAY.day),
            "on_month": str(TODAY.month),
            "on_year": str(TODAY.year),
            "reason": "Relocated abroad",
        },
    )
    assert response.status_code == 302
    assert PathwayMove.objects.get(person=person).reason == "Relocated abroad"
    page = client.get(response["Location"])
    assert "Relocated abroad" in page.content.decode()


def test_removing_a_move(client, lead_nurse, known):
    move = PathwayMove.objects.filter(stage__code="left").get()
    client.force_login(lead_nurse)
    url = reverse("outcomes:move_delete", args=[move.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not PathwayMove.objects.filter(pk=move.pk).exists()


def test_bridging_pages(client, lead_nurse, known):
    client.force_login(lead_nurse)
    assert client.get(reverse("outcomes:bridging_list")).status_code == 200
    response = client.post(
        reverse("outcomes:bridging_module_add"),
        {
            "title": "Nursing theory",
            "credits": "20",
            "provider": factories.UniversityFactory().pk,
        },
    )
    assert response.status_code == 302
    module_url = response["Location"]
    assert "Nursing theory" in client.get(module_url).content.decode()
    person = known["qualified"][2].trainee
    enrol_url = module_url + "enrol/"
    response = client.post(
        enrol_url,
        {
            "person": person.pk,
            "started_on_day": str(TODAY.day),
            "started_on_month": str(TODAY.month),
            "started_on_year": str(TODAY.year),
        },
    )
    assert response.status_code == 302
    enrolment = person.bridging_enrolments.get()
    response = client.post(
        reverse("outcomes:bridging_result", args=[enrolment.pk]),
        {"result": "fail", "on_day": "1", "on_month": "1", "on_year": "1990"},
    )
    assert "There is a problem" in response.content.decode()  # before the module started
    stages = client.get(reverse("outcomes:stage_list"))
    assert "Registered nurse" in stages.content.decode()


# Refusals: one per role refused --------------------------------------------------------------


@pytest.mark.parametrize(
    "maker",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.PracticeEducatorFactory,
        factories.ManagerFactory,
        factories.AdministratorFactory,
    ],
)
def test_only_the_lead_reads_the_dashboard_and_records(client, maker, known):
    client.force_login(maker())
    person = known["qualified"][0].trainee
    for url in (
        reverse("outcomes:dashboard"),
        reverse("outcomes:dashboard_export", args=["csv"]),
        reverse("outcomes:cohort_detail", args=[known["a"].pk]),
        reverse("outcomes:move_add", args=[person.pk]),
        reverse("outcomes:bridging_list"),
        reverse("outcomes:stage_list"),
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("outcomes:person_history", args=[person.pk])).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(reverse("outcomes:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


# Links from the core into the pathway pages ---------------------------------------------------


def test_the_person_page_links_to_their_career_pathway_for_the_lead_and_the_person(
    client, lead_nurse
):
    trainee = factories.TraineeFactory(full_name="Petra Person")
    link = reverse("outcomes:person_history", args=[trainee.pk])
    for reader in (lead_nurse, trainee):
        client.force_login(reader)
        page = client.get(reverse("pathway:person_detail", args=[trainee.pk])).content.decode()
        assert f'href="{link}"' in page, reader
        assert "Petra Person's career pathway" in page


def test_the_person_page_has_no_pathway_link_for_supporters(client):
    record, mentor, _ = factories.enrolled_trainee()
    client.force_login(mentor)
    response = client.get(reverse("pathway:person_detail", args=[record.trainee.pk]))
    assert response.status_code == 200
    assert (
        reverse("outcomes:person_history", args=[record.trainee.pk])
        not in response.content.decode()
    )


def test_trainees_have_my_pathway_in_the_header(client):
    trainee = factories.TraineeFactory()
    client.force_login(trainee)
    page = client.get(reverse("pathway:account")).content.decode()
    assert f'href="{reverse("outcomes:my_pathway")}"' in page
