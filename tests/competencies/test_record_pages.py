"""The trainee's and mentor's pages through the test client: flow, refusals, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies import services
from competencies.models import Assessment, PracticeEntry, ProgressState, SignOffRequest
from pathway.models import Allocation
from tests import factories

pytestmark = pytest.mark.django_db


def test_trainee_logs_practice_asks_and_mentor_signs_off_through_the_pages(client, password):
    record, mentor, (competency, *_) = factories.enrolled_trainee(practices_required=1)
    today = timezone.localdate()
    client.force_login(record.trainee)
    response = client.post(
        reverse("competencies:practice_add", args=[record.pk]),
        {
            "competencies": [competency.pk],
            "when": "today",
            "supervisor": "not_listed",
            "supervisor_name": "Sam Patel, staff nurse",
            "activity": "Took a full set of observations",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("competencies:request_sign_off", args=[record.pk, competency.pk]),
        {"mentor": mentor.pk, "note": "Ready"},
    )
    assert response.status_code == 302
    request = SignOffRequest.objects.get()

    client.force_login(mentor)
    queue = client.get(reverse("competencies:my_trainees")).content.decode()
    assert record.trainee.full_name in queue and competency.code in queue
    sign_off_url = reverse("competencies:sign_off", args=[request.pk])
    page = client.get(sign_off_url).content.decode()
    assert competency.performance_criteria[0] in page
    assert "Took a full set of observations" in page
    response = client.post(
        sign_off_url,
        {
            "outcome": "achieved",
            "method": competency.assessment_methods[0],
            **factories.date_fields("assessed_on", today),
            "password": password,
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.assessor == mentor and assessment.outcome == "achieved"

    client.force_login(record.trainee)
    progress = client.get(reverse("competencies:my_progress")).content.decode()
    assert "1 of 1" in progress
    assert "Achieved" in progress


def test_sign_off_with_wrong_password_records_nothing_and_never_echoes_it(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )
    client.force_login(mentor)
    response = client.post(
        reverse("competencies:sign_off", args=[request.pk]),
        {
            "outcome": "not_yet_competent",
            "method": competency.assessment_methods[0],
            **factories.date_fields("assessed_on", timezone.localdate()),
            "feedback": "Practise handover",
            "password": "wrong-password-typed",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The password is not correct" in html and "There is a problem" in html
    assert "wrong-password-typed" not in html
    assert "Practise handover" in html  # what they typed is kept
    assert Assessment.objects.count() == 0
    request.refresh_from_db()
    assert request.status == SignOffRequest.Status.OPEN


def test_sign_off_form_mistakes_are_listed(client, password):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )
    client.force_login(mentor)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    html = client.post(
        reverse("competencies:sign_off", args=[request.pk]),
        {
            "outcome": "not_yet_competent",
            "method": "simulation",
            **factories.date_fields("assessed_on", tomorrow),
            "password": password,
        },
    ).content.decode()
    assert "Give feedback: what the trainee needs to do next" in html
    assert "Select one of the assessment methods this competency allows" in html
    assert Assessment.objects.count() == 0


def test_future_assessment_date_is_refused_on_the_page(client, password):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )
    client.force_login(mentor)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    html = client.post(
        reverse("competencies:sign_off", args=[request.pk]),
        {
            "outcome": "achieved",
            "method": competency.assessment_methods[0],
            **factories.date_fields("assessed_on", tomorrow),
            "password": password,
        },
    ).content.decode()
    assert "The date must be today or in the past" in html
    assert 'href="#id_assessed_on_0"' in html
    assert Assessment.objects.count() == 0


def _open_request():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )
    return record, mentor, competency, request


def _supporter(record, factory, kind):
    person = factory()
    factories.AllocationFactory(trainee=record.trainee, supporter=person, kind=kind)
    return person


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("trainee", 403),
        ("other_trainee", 404),
        ("other_mentor", 404),
        ("tutor", 403),
        ("educator", 403),
        ("manager", 403),
        ("lead", 403),
    ],
)
def test_only_the_named_mentor_reaches_the_sign_off_page(client, who, expected):
    record, _mentor, _competency, request = _open_request()
    people = {
        "trainee": lambda: record.trainee,
        "other_trainee": factories.TraineeFactory,
        "other_mentor": factories.MentorFactory,
        "tutor": lambda: _supporter(record, factories.TutorFactory, Allocation.Kind.TUTOR),
        "educator": lambda: _supporter(
            record, factories.PracticeEducatorFactory, Allocation.Kind.PRACTICE_EDUCATOR
        ),
        "manager": lambda: _supporter(record, factories.ManagerFactory, Allocation.Kind.MANAGER),
        "lead": factories.LeadNurseFactory,
    }
    client.force_login(people[who]())
    url = reverse("competencies:sign_off", args=[request.pk])
    assert client.get(url).status_code == expected
    assert client.post(url, {"outcome": "achieved"}).status_code == expected
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("trainee", 200),
        ("mentor", 200),
        ("tutor", 200),
        ("educator", 200),
        ("manager", 200),
        ("lead", 200),
        ("other_trainee", 404),
        ("other_mentor", 404),
        ("other_tutor", 404),
        ("ended_mentor", 404),
    ],
)
def test_who_reads_a_trainee_record(client, who, expected):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    today = timezone.localdate()
    ended = factories.MentorFactory()
    factories.AllocationFactory(
        trainee=record.trainee,
        supporter=ended,
        start_date=today - datetime.timedelta(days=90),
        end_date=today - datetime.timedelta(days=1),
    )
    people = {
        "trainee": lambda: record.trainee,
        "mentor": lambda: mentor,
        "tutor": lambda: _supporter(record, factories.TutorFactory, Allocation.Kind.TUTOR),
        "educator": lambda: _supporter(
            record, factories.PracticeEducatorFactory, Allocation.Kind.PRACTICE_EDUCATOR
        ),
        "manager": lambda: _supporter(record, factories.ManagerFactory, Allocation.Kind.MANAGER),
        "lead": factories.LeadNurseFactory,
        "other_trainee": factories.TraineeFactory,
        "other_mentor": factories.MentorFactory,
        "other_tutor": factories.TutorFactory,
        "ended_mentor": lambda: ended,
    }
    client.force_login(people[who]())
    for url in (
        reverse("competencies:record_detail", args=[record.pk]),
        reverse("competencies:competency_detail", args=[record.pk, competency.pk]),
    ):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("who", ["mentor", "tutor", "lead"])
def test_staff_cannot_add_to_a_trainee_record(client, who):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    person = {
        "mentor": lambda: mentor,
        "tutor": lambda: _supporter(record, factories.TutorFactory, Allocation.Kind.TUTOR),
        "lead": factories.LeadNurseFactory,
    }[who]()
    client.force_login(person)
    for url in (
        reverse("competencies:practice_add", args=[record.pk]),
        reverse("competencies:evidence_add", args=[record.pk]),
        reverse("competencies:request_sign_off", args=[record.pk, competency.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    assert PracticeEntry.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client):
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    for url in (
        reverse("competencies:my_progress"),
        reverse("competencies:my_trainees"),
        reverse("competencies:record_detail", args=[record.pk]),
        reverse("competencies:practice_add", args=[record.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_mentor_queue_refuses_people_who_support_nobody(client):
    client.force_login(factories.TraineeFactory())
    assert client.get(reverse("competencies:my_trainees")).status_code == 403
    client.force_login(factories.LeadNurseFactory())
    assert client.get(reverse("competencies:my_trainees")).status_code == 403


def test_trainee_withdraws_a_request_on_the_page(client):
    record, _mentor, competency, request = _open_request()
    client.force_login(record.trainee)
    response = client.post(reverse("competencies:request_withdraw", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SignOffRequest.Status.WITHDRAWN
    assert record.progress.get(competency=competency).state == ProgressState.NOT_STARTED


def test_revoke_through_the_page_keeps_both_records(client, password):
    record, mentor, competency, request = _open_request()
    assessment = services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )
    client.force_login(mentor)
    url = reverse("competencies:revoke", args=[assessment.pk])
    html = client.post(url, {"reason": "", "password": password}).content.decode()
    assert "Give the reason for revoking this decision" in html
    response = client.post(url, {"reason": "Wrong trainee", "password": password})
    assert response.status_code == 302
    assert Assessment.objects.filter(record=record).count() == 2
    detail = client.get(
        reverse("competencies:competency_detail", args=[record.pk, competency.pk])
    ).content.decode()
    assert "Wrong trainee" in detail and "Revoked" in detail


def _grow_record(record, mentor, competencies, entries_each):
    """Practice, evidence and decisions on every competency of a record."""
    today = timezone.localdate()
    for competency in competencies:
        for _ in range(entries_each):
            services.practice_log(
                actor=record.trainee,
                record=record,
                competencies=[competency],
                practised_on=today,
                supervisor_name="S",
                activity="A",
            )
            services.evidence_add(
                actor=record.trainee,
                record=record,
                competencies=[competency],
                kind="reflective_account",
                title="Reflection",
                text="What I learned",
            )
        request = services.sign_off_request_create(
            actor=record.trainee, record=record, competency=competency, mentor=mentor
        )
        services.sign_off_request_decide(
            actor=mentor,
            sign_off_request=request,
            signature=factories.signature(),
            outcome="not_yet_competent",
            method=competency.assessment_methods[0],
            assessed_on=today,
            feedback="More practice",
        )
        services.sign_off_request_create(
            actor=record.trainee, record=record, competency=competency, mentor=mentor
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["progress", "competency", "queue", "sign_off"])
def test_page_queries_do_not_grow_with_the_record(client, page):
    counts = []
    for size, entries in ((2, 1), (12, 4)):
        record, mentor, competencies = factories.enrolled_trainee(competencies=size)
        _grow_record(record, mentor, competencies, entries)
        request = SignOffRequest.objects.filter(record=record, status="open").first()
        url, viewer = {
            "progress": (reverse("competencies:record_detail", args=[record.pk]), record.trainee),
            "competency": (
                reverse("competencies:competency_detail", args=[record.pk, competencies[0].pk]),
                record.trainee,
            ),
            "queue": (reverse("competencies:my_trainees"), mentor),
            "sign_off": (reverse("competencies:sign_off", args=[request.pk]), mentor),
        }[page]
        client.force_login(viewer)
        counts.append(_queries(client, url))
    small, large = counts
    assert small == large, counts
    assert large <= 15


def test_next_steps_are_written_to_whoever_reads_them(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee(
        competencies=1, practices_required=2
    )
    own = client
    own.force_login(record.trainee)
    page = own.get(reverse("competencies:my_progress")).content.decode()
    assert "What to do next" in page
    assert "Not started: log your first supervised practice" in page

    client.force_login(mentor)
    page = client.get(reverse("competencies:record_detail", args=[record.pk])).content.decode()
    name = record.trainee.get_short_name()
    assert f"What {name} needs to do next" in page
    assert "Not started yet" in page
    assert "log your first" not in page and "Next steps for" not in page
