"""Practice educators' caseloads, what needs attention, support logs and their totals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies.models import SignOffRequest
from pathway.models import Allocation
from support import selectors, services
from support.models import MentorCaseload, SupportKind, SupportLog
from tests import factories

pytestmark = pytest.mark.django_db

REFUSED = [
    factories.TraineeFactory,
    factories.MentorFactory,
    factories.TutorFactory,
    factories.ManagerFactory,
    factories.LeadNurseFactory,
    factories.AdministratorFactory,
]
REFUSED_IDS = ["trainee", "mentor", "tutor", "manager", "lead nurse", "administrator"]


@pytest.fixture
def cohort():
    framework, area = factories.published_framework_with(core=4, specific=0)
    cohort = factories.CohortFactory(
        framework=framework, intake_date=timezone.localdate() - datetime.timedelta(weeks=20)
    )
    cohort.clinical_areas.set([area])
    return cohort


def _caseload(cohort, educator, size):
    """`size` trainees (each with a mentor and an open request made 10 days ago) and `size`
    mentors in the educator's caseload."""
    for _ in range(size):
        mentor = factories.MentorFactory()
        enrolment = factories.enrol(cohort, mentor=mentor, educator=educator)
        competency = enrolment.record.progress.first().competency
        SignOffRequest.objects.create(
            record=enrolment.record,
            competency=competency,
            mentor=mentor,
            created_at=timezone.now() - datetime.timedelta(days=10),
        )
        MentorCaseload.objects.create(
            educator=educator, mentor=mentor, start_date=cohort.intake_date
        )


def test_the_caseload_shows_trainees_mentors_and_what_needs_attention(client, cohort):
    educator = factories.PracticeEducatorFactory()
    _caseload(cohort, educator, 2)
    factories.enrol(cohort, educator=factories.PracticeEducatorFactory())  # someone else's
    caseload = selectors.educator_caseload(educator)
    assert len(caseload.trainee_rows) == 2 and len(caseload.mentors) == 2
    # 20 weeks into a year with nothing achieved: behind; no review in 20 weeks of a 12-week
    # rhythm: overdue; each request has waited 10 days, more than 7.
    assert len(caseload.behind) == 2
    assert len(caseload.overdue_reviews) == 2
    assert [w.days for w in caseload.waiting] == [10, 10]
    assert {row.open_requests for row in caseload.mentors} == {1}

    client.force_login(educator)
    html = client.get(reverse("support:caseload")).content.decode()
    for testid in ("behind-plan", "overdue-reviews", "waiting-requests", "caseload-mentors"):
        assert f'data-testid="{testid}"' in html
    assert "Sign-off requests waiting more than 7 days" in html


def test_a_request_of_seven_days_is_not_yet_waiting_long(cohort):
    educator = factories.PracticeEducatorFactory()
    _caseload(cohort, educator, 1)
    SignOffRequest.objects.update(created_at=timezone.now() - datetime.timedelta(days=7))
    assert selectors.waiting_requests(educator) == []


def test_an_empty_caseload_says_nothing_needs_attention(client):
    educator = factories.PracticeEducatorFactory()
    client.force_login(educator)
    html = client.get(reverse("support:caseload")).content.decode()
    assert 'data-testid="nothing-needs-attention"' in html


def test_caseload_queries_do_not_grow_with_its_size(client, cohort):
    def count(size):
        educator = factories.PracticeEducatorFactory()
        _caseload(cohort, educator, size)
        client.force_login(educator)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("support:caseload")).status_code == 200
        return len(queries)

    assert count(1) == count(5)


def test_the_educator_is_sent_to_their_caseload_after_signing_in(client):
    client.force_login(factories.PracticeEducatorFactory())
    assert client.get(reverse("home"))["Location"] == reverse("support:caseload")


@pytest.mark.parametrize("factory", REFUSED, ids=REFUSED_IDS)
def test_only_practice_educators_have_a_caseload_page(client, factory):
    client.force_login(factory())
    assert client.get(reverse("support:caseload")).status_code == 403
    assert client.get(reverse("support:support_log_add")).status_code == 403


def test_an_educator_cannot_read_another_educators_caseload_but_the_lead_nurse_can(client):
    educator, other = factories.PracticeEducatorFactory(), factories.PracticeEducatorFactory()
    client.force_login(other)
    for name in ("support:educator_caseload", "support:support_log_list"):
        assert client.get(reverse(name, args=[educator.pk])).status_code == 403
    client.force_login(factories.LeadNurseFactory())
    for name in ("support:educator_caseload", "support:support_log_list"):
        assert client.get(reverse(name, args=[educator.pk])).status_code == 200
    assert educator.full_name in client.get(reverse("support:educator_list")).content.decode()


# Support logs ----------------------------------------------------------------------------------


def _log_data(**extra):
    today = timezone.localdate()
    return {
        "kind": "training",
        "on_day": today.day,
        "on_month": today.month,
        "on_year": today.year,
        "hours": "1",
        "minutes": "30",
        "notes": "Skills session",
        **extra,
    }


def test_an_educator_logs_support_for_someone_in_their_caseload(client, cohort):
    educator = factories.PracticeEducatorFactory()
    enrolment = factories.enrol(cohort, educator=educator)
    client.force_login(educator)
    response = client.post(
        reverse("support:support_log_add"), _log_data(person=enrolment.trainee_id)
    )
    assert response.status_code == 302
    log = SupportLog.objects.get()
    assert (log.educator, log.person, log.minutes) == (educator, enrolment.trainee, 90)
    page = client.get(reverse("support:caseload")).content.decode()
    assert "1 hour 30 minutes" in page


def test_mistakes_are_shown_and_nothing_is_written(client):
    educator = factories.PracticeEducatorFactory()
    stranger = factories.TraineeFactory()
    client.force_login(educator)
    response = client.post(
        reverse("support:support_log_add"),
        _log_data(hours="0", minutes="0", person=stranger.pk, on_month="13"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter the time spent" in html
    assert "Select someone in your caseload" in html
    assert SupportLog.objects.count() == 0


def test_the_service_refuses_people_outside_the_caseload_and_other_roles():
    educator = factories.PracticeEducatorFactory()
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.support_log_create(
            actor=educator, kind="training", on=today, minutes=30, person=factories.TraineeFactory()
        )
    with pytest.raises(PermissionDenied):
        services.support_log_create(
            actor=factories.LeadNurseFactory(), kind="training", on=today, minutes=30
        )
    assert SupportLog.objects.count() == 0


def test_totals_by_kind_and_month(client):
    educator = factories.PracticeEducatorFactory()
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    for on, kind, minutes in [
        (this_month, SupportKind.TRAINING, 60),
        (this_month, SupportKind.TRAINING, 30),
        (this_month, SupportKind.MENTORS, 45),
        (last_month, SupportKind.UNIVERSITY, 120),
    ]:
        SupportLog.objects.create(educator=educator, kind=kind, on=on, minutes=minutes)
    SupportLog.objects.create(  # someone else's
        educator=factories.PracticeEducatorFactory(), kind="training", on=this_month, minutes=600
    )
    totals = selectors.support_totals(educator)
    assert [m.month for m in totals.months] == [this_month, last_month]
    assert totals.months[0].by_kind == {"training": 90, "mentors": 45}
    assert totals.by_kind == [90, 120, 45, 0]
    assert totals.total == 255
    client.force_login(educator)
    html = client.get(reverse("support:support_log_list", args=[educator.pk])).content.decode()
    assert "4 hours 15 minutes" in html
    assert f"{this_month:%B %Y}" in html


# Mentor caseloads -------------------------------------------------------------------------------


def test_the_lead_nurse_adds_a_mentor_to_a_caseload_once(client):
    lead, educator = factories.LeadNurseFactory(), factories.PracticeEducatorFactory()
    mentor = factories.MentorFactory(full_name="Mo Mentor")
    client.force_login(lead)
    today = timezone.localdate()
    data = {
        "mentor": mentor.pk,
        "start_date_day": today.day,
        "start_date_month": today.month,
        "start_date_year": today.year,
    }
    url = reverse("support:mentor_caseload_add", args=[educator.pk])
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert "Mo Mentor is already in this caseload" in again.content.decode()
    assert MentorCaseload.objects.count() == 1
    assert [r.mentor for r in selectors.educator_caseload(educator).mentors] == [mentor]


def test_only_the_lead_nurse_changes_caseloads():
    educator = factories.PracticeEducatorFactory()
    with pytest.raises(PermissionDenied):
        services.mentor_caseload_add(
            actor=educator,
            educator=educator,
            mentor=factories.MentorFactory(),
            start_date=timezone.localdate(),
        )


def test_managers_of_caseload_trainees_can_be_logged_for(cohort):
    educator, manager = factories.PracticeEducatorFactory(), factories.ManagerFactory()
    enrolment = factories.enrol(cohort, educator=educator)
    factories.AllocationFactory(
        trainee=enrolment.trainee, supporter=manager, kind=Allocation.Kind.MANAGER
    )
    assert set(selectors.caseload_people(educator)) == {enrolment.trainee, manager}
