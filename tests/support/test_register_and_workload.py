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


def _due_soon(name, days):
    """A mentor whose annual update falls due in `days` days."""
    today = timezone.localdate()
    return factories.MentorPreparationFactory(
        mentor__full_name=name, prepared_on=add_months(today, -12) + datetime.timedelta(days=days)
    ).mentor


def _queries(client, url, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_register_names_the_first_ten_due_soonest_first_and_links_to_them_all(client):
    """National scale (issue #18): the register names the first few due an update, with how
    many more there are, and its filtered pages list them all, the soonest first."""
    for n in range(12):
        _due_soon(f"Due {n:02}", days=29 - n)  # "Due 11" is due soonest
    factories.MentorPreparationFactory(mentor__full_name="Otto Overdue", prepared_on=add_months(
        timezone.localdate(), -14))  # fmt: skip
    factories.MentorFactory(full_name="Pat Prepared")
    client.force_login(factories.LeadNurseFactory())
    url = reverse("support:mentor_register")
    html = client.get(url).content.decode()
    due = html.split('data-testid="due-soon"')[1].split("</ul>")[0]
    named = re.findall(r"<li>(Due \d\d):", due)
    assert named == [f"Due {n:02}" for n in range(11, 1, -1)]
    assert "And 2 more." in html
    assert '<a href="?due=soon">All 12 mentors due an update within 30 days</a>' in html
    only = client.get(url, {"due": "soon"}).content.decode()
    table = only.split('data-testid="mentor-register"')[1].split("</table>")[0]
    assert re.findall(r">(Due \d\d)</a>", table) == [f"Due {n:02}" for n in range(11, -1, -1)]
    assert "Otto Overdue" not in table and "Pat Prepared" not in table
    assert f'<a href="{url}">All mentors</a>' in only
    assert 'data-testid="due-soon"' not in only


def test_the_mentors_due_soon_come_fifty_a_page(client):
    for n in range(52):
        _due_soon(f"Due {n:02}", days=n % 30)
    client.force_login(factories.LeadNurseFactory())
    url = reverse("support:mentor_register")
    first = client.get(url, {"due": "soon"}).content.decode()
    assert first.count("Record dates<") == 50
    assert "Showing mentors 1 to 50 of 52" in first and 'href="?due=soon&amp;page=2"' in first
    second = client.get(url, {"due": "soon", "page": 2}).content.decode()
    assert second.count("Record dates<") == 2


def test_nobody_due_soon_is_said_on_both_views(client):
    factories.MentorFactory(full_name="Pat Prepared")
    client.force_login(factories.LeadNurseFactory())
    url = reverse("support:mentor_register")
    for params in ({}, {"due": "soon"}):
        html = client.get(url, params).content.decode()
        assert "No mentor is due an update in the next 30 days." in html


def test_the_register_counts_only_active_mentors(client):
    for n in range(51):
        factories.MentorFactory(full_name=f"Mentor {n:02}")
    factories.MentorFactory(full_name="Lou Left", is_active=False)
    factories.TraineeFactory()
    client.force_login(factories.LeadNurseFactory())
    html = client.get(reverse("support:mentor_register")).content.decode()
    assert "Showing mentors 1 to 50 of 51" in html and "Lou Left" not in html
    from pathway.models import RoleCode
    from pathway.selectors import active_holders_count

    assert active_holders_count(RoleCode.MENTOR) == 51
    assert active_holders_count("no-such-role") == 0


def test_both_views_cost_the_same_for_few_or_many_due_soon(client):
    client.force_login(factories.LeadNurseFactory())
    url = reverse("support:mentor_register")
    _due_soon("First due", days=3)
    client.get(url)  # the first page after signing in marks the session as in use
    few = _queries(client, url), _queries(client, url, {"due": "soon"})
    for n in range(60):
        _due_soon(f"Due {n:02}", days=n % 30)
        factories.MentorFactory(full_name=f"Mentor {n:02}")
    assert (_queries(client, url), _queries(client, url, {"due": "soon"})) == few
    assert few[0] <= 6  # session, person, roles; mentors counted, a page, the first due


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
        reverse("support:mentor_register") + "?due=soon",
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
