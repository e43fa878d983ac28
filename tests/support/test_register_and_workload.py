"""The mentor register page, a mentor's own entry, and the mentor workload view."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from competencies import services as competency_services
from competencies.models import SignOffRequest
from pathway.preparation import add_months
from support import selectors
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_register_lists_every_mentor_with_status_and_who_is_due(client):
    today = timezone.localdate()
    factories.MentorPreparationFactory(
        mentor__full_name="Dee Duesoon",
        prepared_on=add_months(today, -12) + datetime.timedelta(days=5),
    )
    factories.MentorPreparationFactory(
        mentor__full_name="Otto Overdue", prepared_on=add_months(today, -14)
    )
    factories.UnpreparedMentorFactory(full_name="Nat New")
    factories.MentorFactory(full_name="Pat Prepared")
    client.force_login(factories.PracticeEducatorFactory())
    html = client.get(reverse("support:mentor_register")).content.decode()
    for name, tag in [
        ("Dee Duesoon", "Update due soon"),
        ("Otto Overdue", "Update overdue"),
        ("Nat New", "Not prepared"),
        ("Pat Prepared", "Prepared"),
    ]:
        assert name in html and tag in html
    due = html.split('data-testid="due-soon"')[1].split("</ul>")[0]
    assert "Dee Duesoon" in due and "Otto Overdue" not in due


def test_the_register_is_one_query_for_any_number_of_mentors(django_assert_num_queries):
    factories.MentorFactory.create_batch(3)
    with django_assert_num_queries(1):
        from pathway.selectors import mentor_register

        assert len(mentor_register()) == 3


def test_the_register_draws_fifty_mentors_a_page_and_lists_every_update_due(client):
    today = timezone.localdate()
    for n in range(55):
        factories.MentorFactory(full_name=f"Mentor {n:02}")
    factories.MentorPreparationFactory(
        mentor__full_name="Zed Duesoon",  # last by name: on the second page of the table
        prepared_on=add_months(today, -12) + datetime.timedelta(days=5),
    )
    client.force_login(factories.LeadNurseFactory())
    first = client.get(reverse("support:mentor_register")).content.decode()
    table = first.split('data-testid="mentor-register"')[1].split("</table>")[0]
    assert table.count("Record dates<") == 50 and "Mentor 00" in table
    assert "Zed Duesoon" in first.split('data-testid="due-soon"')[1].split("</ul>")[0]
    assert "Showing mentors 1 to 50 of 56" in first and 'href="?page=2"' in first
    second = client.get(reverse("support:mentor_register"), {"page": 2}).content.decode()
    table = second.split('data-testid="mentor-register"')[1].split("</table>")[0]
    assert table.count("Record dates<") == 6 and "Zed Duesoon" in table


def test_a_mentor_reads_their_own_entry_only(client):
    mentor, other = factories.MentorFactory(), factories.MentorFactory()
    client.force_login(mentor)
    assert client.get(reverse("support:mentor_entry", args=[mentor.pk])).status_code == 200
    assert client.get(reverse("support:mentor_entry", args=[other.pk])).status_code == 403
    assert client.get(reverse("support:mentor_register")).status_code == 403
    assert client.get(reverse("support:mentor_workload")).status_code == 403


@pytest.mark.parametrize(
    "factory",
    [
        factories.TraineeFactory,
        factories.TutorFactory,
        factories.ManagerFactory,
        factories.AdministratorFactory,
    ],
    ids=["trainee", "tutor", "manager", "administrator"],
)
def test_others_are_refused_the_register_and_workload(client, factory):
    mentor = factories.MentorFactory()
    client.force_login(factory())
    for url in (
        reverse("support:mentor_register"),
        reverse("support:mentor_workload"),
        reverse("support:mentor_entry", args=[mentor.pk]),
        reverse("support:mentor_preparation_edit", args=[mentor.pk]),
    ):
        assert client.get(url).status_code == 403


def test_recording_dates_on_the_page(client):
    mentor = factories.UnpreparedMentorFactory()
    client.force_login(factories.LeadNurseFactory())
    url = reverse("support:mentor_preparation_edit", args=[mentor.pk])
    bad = client.post(
        url,
        {
            "prepared_on_day": "1",
            "prepared_on_month": "6",
            "prepared_on_year": "2025",
            "last_update_on_day": "1",
            "last_update_on_month": "1",
            "last_update_on_year": "2025",
        },
    )
    assert "The annual update must be on or after the preparation date" in bad.content.decode()
    page = client.get(url).content.decode()
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    good = client.post(
        url,
        {
            "prepared_on_day": "1",
            "prepared_on_month": "6",
            "prepared_on_year": "2025",
            "version": version,
        },
    )
    assert good.status_code == 302
    mentor.mentor_preparation.refresh_from_db()
    assert mentor.mentor_preparation.prepared_on == datetime.date(2025, 6, 1)


def test_workload_counts_trainees_waiting_requests_and_decisions_per_month(client):
    today = timezone.localdate()
    mentor = factories.MentorFactory(full_name="Wanda Workload")
    framework, area = factories.published_framework_with(core=3)
    cohort = factories.CohortFactory(framework=framework)
    first = factories.enrol(cohort, area=area, mentor=mentor)
    factories.enrol(cohort, area=area, mentor=mentor)
    competencies = [p.competency for p in first.record.progress.order_by("competency__code")]
    request = competency_services.sign_off_request_create(
        actor=first.trainee, record=first.record, competency=competencies[0], mentor=mentor
    )
    competency_services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome="achieved",
        method=competencies[0].assessment_methods[0],
        assessed_on=today,
    )
    waiting = competency_services.sign_off_request_create(
        actor=first.trainee, record=first.record, competency=competencies[1], mentor=mentor
    )
    SignOffRequest.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=12)
    )
    workload = selectors.mentor_workload()
    row = next(r for r in workload.rows if r.mentor == mentor)
    assert (row.trainees, row.open_requests, row.oldest_request_days) == (2, 1, 12)
    assert row.decisions[today.replace(day=1)] == 1 and row.decisions_total == 1
    assert len(workload.months) == 6 and workload.months[-1] == today.replace(day=1)
    client.force_login(factories.LeadNurseFactory())
    html = client.get(reverse("support:mentor_workload")).content.decode()
    assert "Wanda Workload" in html and "12 days" in html
    assert "<svg" in html and 'data-testid="chart-data"' in html


def test_workload_queries_do_not_grow_with_mentors(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(factories.LeadNurseFactory())

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("support:mentor_workload"))
        return len(queries)

    factories.MentorFactory()
    count()  # the first page counts the header's unread notifications (then cached)
    one = count()
    factories.MentorFactory.create_batch(4)
    assert count() == one
