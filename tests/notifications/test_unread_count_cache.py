"""The header's unread count is kept in the cache, and every write that changes it forgets it
(issue #18 point 7): a signed-in page counts nothing once the count is known."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies import services as competency_services
from competencies.models import Assessment
from notifications import selectors, services
from notifications.models import Kind, Notification
from tests import factories

pytestmark = pytest.mark.django_db


def count_queries(person) -> int:
    with CaptureQueriesContext(connection) as captured:
        selectors.unread_count(person)
    return sum("notifications_notification" in q["sql"] for q in captured.captured_queries)


def tell(person, subject="x", url=""):
    return services.notify(
        recipient=person, kind=Kind.SIGN_OFF_DECIDED, subject=subject, body="", url=url
    )


def test_the_count_is_read_once_then_kept():
    person = factories.TraineeFactory()
    tell(person)
    assert count_queries(person) == 1
    assert count_queries(person) == 0
    assert selectors.unread_count(person) == 1


def test_notify_forgets_the_count():
    person = factories.TraineeFactory()
    assert selectors.unread_count(person) == 0
    tell(person)
    assert selectors.unread_count(person) == 1


def test_opening_forgets_the_count():
    person = factories.TraineeFactory()
    notification = tell(person)
    assert selectors.unread_count(person) == 1
    services.notification_open(actor=person, notification=notification)
    assert selectors.unread_count(person) == 0


def test_mark_all_read_forgets_the_count():
    person = factories.TraineeFactory()
    tell(person), tell(person)
    assert selectors.unread_count(person) == 2
    services.notifications_mark_all_read(actor=person)
    assert selectors.unread_count(person) == 0


def test_settling_for_one_recipient_forgets_their_count():
    person = factories.TraineeFactory()
    tell(person, url="/somewhere/")
    assert selectors.unread_count(person) == 1
    services.notifications_settle(actor=person, url="/somewhere/", did="did", recipient=person)
    assert selectors.unread_count(person) == 0


def test_settling_for_everyone_forgets_each_recipients_count_and_only_theirs():
    first, second, bystander = (factories.TraineeFactory() for _ in range(3))
    tell(first, url="/shared/"), tell(second, url="/shared/"), tell(bystander, url="/elsewhere/")
    for person in (first, second, bystander):
        assert selectors.unread_count(person) == 1
    with CaptureQueriesContext(connection) as captured:
        services.notifications_settle(actor=first, url="/shared/", did="did")
    assert selectors.unread_count(first) == selectors.unread_count(second) == 0
    # The bystander's count is still the one kept: no query reads it.
    assert count_queries(bystander) == 0 and selectors.unread_count(bystander) == 1
    assert len(captured) == 2  # who is affected, then the update


def test_a_sign_off_decision_clears_the_mentors_header(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee(competencies=1)
    sign_off_request = factories.ask_for_sign_off(record, competency, mentor)
    client.force_login(mentor)
    assert "Notifications (1 unread)" in client.get(reverse("pathway:account")).content.decode()
    competency_services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=sign_off_request,
        signature=factories.signature(),
        outcome=Assessment.Outcome.ACHIEVED,
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )
    page = client.get(reverse("pathway:account")).content.decode()
    assert "unread)" not in page
    assert not Notification.objects.unread().filter(recipient=mentor).exists()


def test_a_count_read_before_a_commit_is_forgotten_at_the_commit(
    django_capture_on_commit_callbacks,
):
    person = factories.TraineeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        tell(person)
        # Another request counted while the write was not yet visible to it, and kept that.
        cache.set(selectors.unread_count_key(person.pk), 0)
    assert selectors.unread_count(person) == 1


def test_a_signed_in_page_reads_the_session_then_the_person_with_their_roles(client):
    person = factories.MentorFactory()
    person.grant_roles("tutor")
    client.force_login(person)
    url = reverse("pathway:account")
    client.get(url)  # marks the session as in use; counts the unread notifications
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    # The main table of each (the person's query reads the roles in a subquery).
    tables = [q["sql"].rsplit(" FROM ", 1)[1].split()[0] for q in captured.captured_queries]
    assert tables == ['"django_session"', '"pathway_user"']
    assert '"pathway_role"' in captured.captured_queries[1]["sql"]
    assert "Mentor" in page and "Tutor" in page
