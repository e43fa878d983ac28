"""Notifications read as sentences, and say where an action led (issue 16, point 6): "You
supported this on 2 December 2026; Nina Patel has accepted a place". A supervisor named on a
practice entry is asked to confirm it, and the notice settles once they have."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from competencies import services as competency_services
from notifications.models import Kind, Notification
from notifications.services import notifications_add_news
from recruitment import services as recruitment_services
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_manager_who_supported_an_application_reads_where_it_led(client):
    recruitment = factories.open_round()
    manager = factories.ManagerFactory()
    applicant = factories.Band3StaffFactory(full_name="Nina Patel")
    application = factories.make_application(recruitment, applicant=applicant, manager=manager)
    recruitment_services.support_decide(actor=manager, application=application, supports=True)
    criteria = list(recruitment.criteria.all())
    recruitment_services.shortlist_decide(
        actor=None,
        application=application,
        assessments={c.pk: (True, "") for c in criteria},
        shortlist=True,
    )
    client.force_login(manager)
    today = f"{timezone.localdate():%-d %B %Y}"
    page = client.get(reverse("notifications:list")).content.decode()
    assert f"You supported this on {today}; Nina Patel has been shortlisted." in page

    recruitment_services.interview_record(
        actor=None,
        application=application,
        held_on=timezone.localdate(),
        panel="Lead nurse",
        outcome="appointable",
        score=70,
    )
    recruitment_services.offer_make(actor=None, application=application)
    recruitment_services.offer_respond(actor=None, application=application, accept=True)
    page = client.get(reverse("notifications:list")).content.decode()
    # The latest news replaces the last.
    assert f"You supported this on {today}; Nina Patel has accepted a place." in page
    assert "has been shortlisted" not in page


def test_news_never_reaches_a_notification_nobody_has_acted_on():
    application = factories.make_application(factories.open_round())
    updated = notifications_add_news(
        url=reverse("recruitment:support_decide", args=[application.pk]), news="Anything"
    )
    assert updated == 0
    assert not Notification.objects.exclude(news="").exists()


def _ward():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    record.trainee.full_name = "Tom Barker"
    record.trainee.save()
    return record, mentor, competency


def test_a_supervisor_named_on_practice_is_asked_to_confirm_it_and_it_settles(client):
    record, mentor, competency = _ward()
    day = timezone.localdate()
    entry = competency_services.practice_log(
        actor=record.trainee,
        record=record,
        competencies=[competency],
        practised_on=day,
        supervisor=mentor,
    )
    [notice] = Notification.objects.filter(recipient=mentor, kind=Kind.PRACTICE_TO_CONFIRM)
    assert notice.subject == (
        f"Tom Barker says you supervised their practice on {day:%-d %B}: please confirm it"
    )
    assert f"{competency.code} {competency.title}" in notice.body
    # One tap from the queue: the link lands on this entry's card, with its Confirm button.
    assert notice.url == reverse("competencies:practice_queue") + f"#practice-{entry.pk}"
    client.force_login(mentor)
    queue = client.get(reverse("competencies:practice_queue")).content.decode()
    assert f'id="practice-{entry.pk}"' in queue
    assert reverse("competencies:practice_confirm", args=[entry.pk]) in queue

    competency_services.practice_confirm(actor=mentor, practice=entry)
    notice.refresh_from_db()
    assert notice.done_at is not None and notice.done_by == mentor
    assert notice.done_what == "confirmed" and notice.read_at is not None
    page = client.get(reverse("notifications:list")).content.decode()
    assert f"You confirmed this on {day:%-d %B %Y}." in page


def test_practice_with_only_a_typed_name_notifies_nobody():
    record, mentor, competency = _ward()
    competency_services.practice_log(
        actor=record.trainee,
        record=record,
        competencies=[competency],
        practised_on=timezone.localdate(),
        supervisor_name="Agency nurse",
    )
    assert not Notification.objects.filter(kind=Kind.PRACTICE_TO_CONFIRM).exists()
