"""Who may do what in recruitment, one refusal test per role refused:
- the lead nurse manages recruitment; nobody else reaches the lead nurse's pages (403);
- band 3 staff apply; other people cannot (403);
- a manager answers only requests that name them: another manager is told nothing (404);
- an applicant sees only their own application: anyone else is told nothing (404)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from recruitment.models import Application, ApplicationStatus, RecruitmentRound
from tests import factories

pytestmark = pytest.mark.django_db

S = ApplicationStatus

ROLES = {
    "trainee": factories.TraineeFactory,
    "mentor": factories.MentorFactory,
    "tutor": factories.TutorFactory,
    "practice_educator": factories.PracticeEducatorFactory,
    "manager": factories.ManagerFactory,
    "administrator": factories.AdministratorFactory,
    "band 3 staff": factories.Band3StaffFactory,
}
NOT_BAND_3 = ["mentor", "tutor", "practice_educator", "manager", "administrator"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    recruitment = factories.open_round()
    return {
        "round": recruitment,
        "awaiting": factories.make_application(recruitment),
        "supported": factories.make_application(recruitment, status=S.SUPPORTED),
        "offered": factories.make_application(recruitment, status=S.OFFERED),
        "accepted": factories.make_application(recruitment, status=S.ACCEPTED),
        "cohort_to_open": factories.CohortFactory(),
    }


def _lead_pages(w):
    return [
        ("recruitment:index", []),
        ("recruitment:round_detail", [w["round"].pk]),
        ("recruitment:round_edit", [w["round"].pk]),
        ("recruitment:application_add", [w["round"].pk]),
        ("recruitment:shortlist", [w["supported"].pk]),
        ("recruitment:offer", [w["supported"].pk]),
        ("recruitment:enrol", [w["accepted"].pk]),
        ("recruitment:round_open", [w["cohort_to_open"].pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_lead_nurse_runs_recruitment(role, world):
    client = _client(ROLES[role]())
    for name, args in _lead_pages(world):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    response = client.post(
        reverse("recruitment:enrol", args=[world["accepted"].pk]),
        {"clinical_area": world["accepted"].clinical_area_id},
    )
    assert response.status_code == 403
    world["accepted"].refresh_from_db()
    assert world["accepted"].status == S.ACCEPTED
    opening = reverse("recruitment:round_open", args=[world["cohort_to_open"].pk])
    assert client.post(opening, {}).status_code == 403
    assert not RecruitmentRound.objects.filter(cohort=world["cohort_to_open"]).exists()


@pytest.mark.parametrize("role", NOT_BAND_3)
def test_only_band_3_staff_apply(role, world):
    client = _client(ROLES[role]())
    assert client.get(reverse("recruitment:apply", args=[world["round"].pk])).status_code == 403
    assert client.get(reverse("recruitment:my_applications")).status_code == 403


def test_the_lead_nurse_does_not_apply(world):
    client = _client(factories.LeadNurseFactory())
    assert client.get(reverse("recruitment:apply", args=[world["round"].pk])).status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_strangers_are_told_nothing_about_an_application(role, world):
    client = _client(ROLES[role]())
    application = world["offered"]
    for name in ("application_detail", "support_decide", "respond", "withdraw"):
        url = reverse(f"recruitment:{name}", args=[application.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"accept": "yes"}).status_code == 404, name
    application.refresh_from_db()
    assert application.status == S.OFFERED


def test_another_manager_cannot_answer(world):
    client = _client(factories.ManagerFactory())
    url = reverse("recruitment:support_decide", args=[world["awaiting"].pk])
    assert client.post(url, {"supports": "yes"}).status_code == 404
    page = client.get(reverse("recruitment:support_requests")).content.decode()
    assert world["awaiting"].applicant.full_name not in page


def test_the_named_manager_cannot_answer_the_offer_for_the_applicant(world):
    application = world["offered"]
    client = _client(application.manager)
    url = reverse("recruitment:respond", args=[application.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"accept": "yes"}).status_code == 403


def test_the_lead_nurse_cannot_answer_for_the_manager_or_the_applicant(world):
    client = _client(factories.LeadNurseFactory())
    assert (
        client.post(
            reverse("recruitment:support_decide", args=[world["awaiting"].pk]), {"supports": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("recruitment:respond", args=[world["offered"].pk]), {"accept": "yes"}
        ).status_code
        == 403
    )


def test_an_applicant_sees_only_their_own(world):
    mine, theirs = world["offered"], world["accepted"]
    client = _client(mine.applicant)
    assert client.get(reverse("recruitment:application_detail", args=[mine.pk])).status_code == 200
    assert (
        client.get(reverse("recruitment:application_detail", args=[theirs.pk])).status_code == 404
    )
    page = client.get(reverse("recruitment:my_applications")).content.decode()
    assert theirs.applicant.full_name not in page


def test_the_applicant_does_not_see_shortlisting_or_interview_notes(world):
    application = world["offered"]
    html = (
        _client(application.applicant)
        .get(reverse("recruitment:application_detail", args=[application.pk]))
        .content.decode()
    )
    assert "Shortlisting" not in html and "Panel" not in html


def test_anonymous_people_are_sent_to_sign_in(world):
    for name, args in [
        ("recruitment:index", []),
        ("recruitment:my_applications", []),
        ("recruitment:application_detail", [world["offered"].pk]),
        ("recruitment:respond", [world["offered"].pk]),
    ]:
        response = Client().get(reverse(name, args=args))
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_missing_things_are_404_for_the_lead_nurse():
    client = _client(factories.LeadNurseFactory())
    for name in ("round_detail", "round_edit", "apply"):
        assert client.get(reverse(f"recruitment:{name}", args=[999999])).status_code in (403, 404)
    assert client.get(reverse("recruitment:shortlist", args=[999999])).status_code == 404
    assert client.get(reverse("recruitment:round_open", args=[999999])).status_code == 404
    assert Application.objects.count() == 0


# Query counts: the lead nurse's pages do not grow with the number of applications -------------


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["recruitment:index", "recruitment:round_detail"])
def test_pages_take_the_same_queries_for_more_applications(page):
    lead = factories.LeadNurseFactory()
    client = _client(lead)
    recruitment = factories.open_round()
    factories.make_application(recruitment, status=S.OFFERED)
    args = [recruitment.pk] if page == "recruitment:round_detail" else []
    url = reverse(page, args=args)
    _queries(client, url)  # warm the session
    one = _queries(client, url)
    for status in (S.AWAITING_SUPPORT, S.SUPPORTED, S.ACCEPTED, S.ENROLLED, S.WITHDRAWN):
        factories.make_application(recruitment, status=status)
    factories.open_round()
    assert _queries(client, url) == one
