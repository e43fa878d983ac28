"""Who looked (issue #20, part 5): every read of a trainee's record by someone else is kept,
the trainee sees who looked, and the lead nurse and administrator search the log."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pathway.models import RecordAccess
from pathway.selectors import record_accesses_due_for_disposal
from pathway.services import record_access_log
from roledesign import services as roledesign_services
from tests import factories

pytestmark = pytest.mark.django_db

Kind = RecordAccess.Kind


@pytest.fixture
def world(db):
    """A trainee with a full record and her supporters (tests/factories.py)."""
    rich = factories.rich_person()
    RecordAccess.objects.all().delete()  # the lead nurse's look made while building it
    return rich


def _looks(**filters):
    return list(RecordAccess.objects.filter(**filters).values_list("viewer_id", "kind"))


def test_a_mentor_reading_the_record_is_logged_and_the_trainee_is_not(client, world):
    record = world.trainee.enrolments.get().record
    competency = record.progress.first().competency
    client.force_login(world.mentor)
    client.get(reverse("competencies:record_detail", args=[record.pk]))
    client.get(reverse("competencies:competency_detail", args=[record.pk, competency.pk]))
    client.force_login(world.trainee)
    client.get(reverse("competencies:record_detail", args=[record.pk]))
    client.get(reverse("competencies:my_progress"))
    looks = RecordAccess.objects.filter(subject=world.trainee).order_by("id")
    assert [(a.viewer_id, a.kind) for a in looks] == [
        (world.mentor.pk, Kind.TRAINING_RECORD),
        (world.mentor.pk, Kind.TRAINING_RECORD),
    ]
    assert looks[1].what.startswith(f"Competency {competency.code}")
    # The request id the response gave is the one logged.
    assert all(len(a.request_id) >= 8 for a in looks)


def test_an_evidence_download_by_a_tutor_is_logged(client, world):
    evidence = world.trainee.enrolments.get().record.evidence.exclude(file="").first()
    client.force_login(world.tutor)
    response = client.get(reverse("competencies:evidence_download", args=[evidence.uuid]))
    assert response.status_code == 200
    access = RecordAccess.objects.get(subject=world.trainee)
    assert (access.viewer, access.kind, access.object_id) == (
        world.tutor,
        Kind.EVIDENCE_FILE,
        str(evidence.uuid),
    )
    assert response["X-Request-ID"] == access.request_id


def test_a_refused_read_is_not_logged(client, world):
    record = world.trainee.enrolments.get().record
    client.force_login(factories.MentorFactory())
    assert client.get(reverse("competencies:record_detail", args=[record.pk])).status_code == 404
    assert not RecordAccess.objects.exists()


def test_the_programme_overview_and_current_competence_are_logged(client, world):
    enrolment = world.trainee.enrolments.get()
    client.force_login(world.lead_nurse)
    client.get(reverse("cohorts:trainee_overview", args=[enrolment.pk]))
    client.get(reverse("roledesign:current_competence", args=[world.trainee.pk]))
    assert sorted(_looks(subject=world.trainee)) == sorted(
        [
            (world.lead_nurse.pk, Kind.PROGRAMME_OVERVIEW),
            (world.lead_nurse.pk, Kind.CURRENT_COMPETENCE),
        ]
    )


def test_logging_a_look_is_one_insert():
    viewer, subject = factories.MentorFactory(), factories.TraineeFactory()
    with CaptureQueriesContext(connection) as captured:
        record_access_log(viewer=viewer, subject_id=subject.pk, kind=Kind.TRAINING_RECORD)
    assert len(captured) == 1 and captured[0]["sql"].upper().startswith("INSERT")
    with CaptureQueriesContext(connection) as captured:
        assert record_access_log(viewer=subject, subject_id=subject.pk, kind="x") is None
    assert len(captured) == 0


def test_the_log_is_append_only():
    viewer, subject = factories.MentorFactory(), factories.TraineeFactory()
    access = record_access_log(viewer=viewer, subject_id=subject.pk, kind=Kind.TRAINING_RECORD)
    with pytest.raises(TypeError, match="append-only"):
        RecordAccess.objects.update(what="changed")
    access.what = "changed"
    with pytest.raises(TypeError, match="append-only"):
        access.save()
    assert RecordAccess.objects.get().what == ""


def test_the_retention_hook_offers_only_old_looks():
    viewer, subject = factories.MentorFactory(), factories.TraineeFactory()
    now = timezone.now()
    old = RecordAccess.objects.create(
        viewer=viewer,
        subject=subject,
        kind=Kind.TRAINING_RECORD,
        at=now - datetime.timedelta(days=900),
    )
    RecordAccess.objects.create(viewer=viewer, subject=subject, kind=Kind.TRAINING_RECORD)
    due = record_accesses_due_for_disposal(before=now - datetime.timedelta(days=365))
    assert list(due) == [old]


# The trainee's page ---------------------------------------------------------------------------


def _many_looks(subject, viewer, count):
    RecordAccess.objects.bulk_create(
        RecordAccess(viewer=viewer, subject=subject, kind=Kind.TRAINING_RECORD, what=f"Look {n}")
        for n in range(count)
    )


def test_the_trainee_sees_who_has_looked_newest_first_a_page_at_a_time(client, world):
    _many_looks(world.trainee, world.mentor, 51)
    record_access_log(viewer=world.tutor, subject_id=world.trainee.pk, kind=Kind.EVIDENCE_FILE)
    client.force_login(world.trainee)
    url = reverse("pathway:my_record_accesses")
    first = client.get(url).content.decode()
    assert "Who has looked at your record" in first and "Tom Tutor" in first
    assert "(52)" in first and "Page 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "Mona Mentor" in second and "Tom Tutor" not in second


def test_a_person_sees_only_looks_at_their_own_record(client, world):
    client.force_login(world.mentor)
    record_access_log(viewer=world.tutor, subject_id=world.trainee.pk, kind=Kind.EVIDENCE_FILE)
    html = client.get(reverse("pathway:my_record_accesses")).content.decode()
    assert "Tom Tutor" not in html and "No one else has looked" in html


def test_the_trainees_pages_link_to_who_has_looked(client, world):
    client.force_login(world.trainee)
    url = reverse("pathway:my_record_accesses")
    assert url in client.get(reverse("pathway:account")).content.decode()
    assert url in client.get(reverse("competencies:my_progress")).content.decode()


def _page_queries(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url, data or {})
    return len(captured)


def test_the_trainees_page_costs_the_same_however_long_the_log(client, world):
    client.force_login(world.trainee)
    url = reverse("pathway:my_record_accesses")
    _many_looks(world.trainee, world.mentor, 3)
    _page_queries(client, url)
    few = _page_queries(client, url)
    _many_looks(world.trainee, world.tutor, 120)
    assert _page_queries(client, url) == few


# The lead nurse's search ----------------------------------------------------------------------


def test_the_lead_nurse_searches_by_whose_record_who_looked_and_dates(client, world):
    other = factories.TraineeFactory(full_name="Omar Other")
    record_access_log(viewer=world.mentor, subject_id=world.trainee.pk, kind=Kind.TRAINING_RECORD)
    record_access_log(viewer=world.tutor, subject_id=other.pk, kind=Kind.EVIDENCE_FILE)
    old = RecordAccess.objects.create(
        viewer=world.tutor,
        subject=world.trainee,
        kind=Kind.CURRENT_COMPETENCE,
        at=timezone.now() - datetime.timedelta(days=40),
    )
    client.force_login(world.lead_nurse)
    url = reverse("pathway:record_access_log")

    def found(**query):
        page = client.get(url, query).context["page"]
        return {(a.viewer.full_name, a.subject.full_name, a.kind) for a in page.object_list}

    assert len(found()) == 3
    assert found(viewed="rita") == {
        ("Mona Mentor", "Rita Rich", Kind.TRAINING_RECORD),
        ("Tom Tutor", "Rita Rich", Kind.CURRENT_COMPETENCE),
    }
    assert found(viewer="tutor", viewed="rita") == {
        ("Tom Tutor", "Rita Rich", Kind.CURRENT_COMPETENCE)
    }
    day = timezone.localtime(old.at).date()
    assert found(
        since_day=day.day,
        since_month=day.month,
        since_year=day.year,
        until_day=day.day,
        until_month=day.month,
        until_year=day.year,
    ) == {("Tom Tutor", "Rita Rich", Kind.CURRENT_COMPETENCE)}


def test_a_mistyped_date_is_shown_and_left_out(client, world):
    record_access_log(viewer=world.mentor, subject_id=world.trainee.pk, kind=Kind.TRAINING_RECORD)
    client.force_login(world.administrator)
    response = client.get(
        reverse("pathway:record_access_log"),
        {"since_day": "31", "since_month": "2", "since_year": "2026", "viewed": "<b>rita</b>"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "must be a real date" in html and "&lt;b&gt;rita&lt;/b&gt;" in html
    assert response.context["page"].paginator.count == 0  # no one is called "<b>rita</b>"


def test_the_to_date_before_the_from_date_is_refused(client, world):
    client.force_login(world.lead_nurse)
    response = client.get(
        reverse("pathway:record_access_log"),
        {
            "since_day": 2,
            "since_month": 3,
            "since_year": 2026,
            "until_day": 1,
            "until_month": 3,
            "until_year": 2026,
        },
    )
    assert "The to date must be the same as or after the from date" in response.content.decode()


def test_the_search_costs_the_same_however_long_the_log(client, world):
    client.force_login(world.lead_nurse)
    url = reverse("pathway:record_access_log")
    _many_looks(world.trainee, world.mentor, 3)
    _page_queries(client, url, {"viewed": "rita"})
    few = _page_queries(client, url, {"viewed": "rita"})
    _many_looks(world.trainee, world.tutor, 120)
    assert _page_queries(client, url, {"viewed": "rita"}) == few


@pytest.mark.parametrize("who", ["trainee", "mentor", "tutor"])
def test_only_the_lead_nurse_and_administrator_may_search(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("pathway:record_access_log")).status_code == 403


def test_roledesign_keeps_the_look_in_both_logs(world):
    view = roledesign_services.competence_view_record(actor=world.lead_nurse, person=world.trainee)
    assert view.pk is not None and view.history.count() == 1
    assert _looks(subject=world.trainee) == [(world.lead_nurse.pk, Kind.CURRENT_COMPETENCE)]
