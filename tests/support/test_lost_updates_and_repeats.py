"""The practice educator team's forms under two people and double presses (issue 14, points 9
and 10): a stale mentor preparation save is refused with the other change shown; a support log
or a caseload addition sent twice has one effect and gives a normal page, never a 500."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pathway.models import MentorPreparation
from support import services
from support.models import MentorCaseload, SupportLog
from tests import factories

pytestmark = pytest.mark.django_db


def _version_on_page(response) -> str:
    return re.search(r'name="version" value="([^"]+)"', response.content.decode()).group(1)


def _dates(name: str, day: datetime.date) -> dict:
    return factories.date_fields(name, day)


# Mentor preparation: lost updates -------------------------------------------------------------


def test_a_stale_preparation_save_is_refused_with_the_other_change_shown(client):
    mentor = factories.UnpreparedMentorFactory()
    lead, educator = factories.LeadNurseFactory(), factories.PracticeEducatorFactory()
    url = reverse("support:mentor_preparation_edit", args=[mentor.pk])

    client.force_login(educator)
    seen_by_educator = _version_on_page(client.get(url))
    client.force_login(lead)
    saved = client.post(
        url,
        {
            **_dates("prepared_on", datetime.date(2025, 6, 1)),
            "version": _version_on_page(client.get(url)),
        },
    )
    assert saved.status_code == 302

    # The educator's form was drawn before anyone recorded the dates: refused, not overwritten.
    client.force_login(educator)
    refused = client.post(
        url, {**_dates("prepared_on", datetime.date(2025, 3, 1)), "version": seen_by_educator}
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "changed this while you were editing it" in page and "Now: 1 June 2025" in page
    assert 'value="2025"' in page and 'value="3"' in page  # what she typed is kept
    assert MentorPreparation.objects.get(mentor=mentor).prepared_on == datetime.date(2025, 6, 1)

    again = client.post(
        url,
        {**_dates("prepared_on", datetime.date(2025, 3, 1)), "version": _version_on_page(refused)},
    )
    assert again.status_code == 302
    assert MentorPreparation.objects.get(mentor=mentor).prepared_on == datetime.date(2025, 3, 1)


def test_the_service_refuses_a_stale_version_from_any_caller():
    from pathway.concurrency import StaleEdit, version_of

    mentor = factories.UnpreparedMentorFactory()
    lead = factories.LeadNurseFactory()
    version = version_of(MentorPreparation(mentor=mentor), services.PREPARATION_EDITED)
    first = datetime.date(2025, 6, 1)
    services.mentor_preparation_update(
        actor=lead, mentor=mentor, prepared_on=first, version=version
    )
    with pytest.raises(StaleEdit):
        services.mentor_preparation_update(
            actor=lead, mentor=mentor, prepared_on=datetime.date(2025, 1, 1), version=version
        )
    assert MentorPreparation.objects.get(mentor=mentor).prepared_on == first


# Double presses --------------------------------------------------------------------------------


def _support_log_post(person) -> dict:
    return {
        "kind": "mentors",
        "person": person.pk,
        **_dates("on", timezone.localdate()),
        "hours": "1",
        "minutes": "15",
        "notes": "Talked through the sign-off queue",
    }


def test_saving_the_same_support_twice_logs_it_once(client):
    educator, mentor = factories.PracticeEducatorFactory(), factories.MentorFactory()
    MentorCaseload.objects.create(
        educator=educator,
        mentor=mentor,
        start_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    client.force_login(educator)
    url = reverse("support:support_log_add")
    responses = [client.post(url, _support_log_post(mentor)) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert SupportLog.objects.filter(educator=educator).count() == 1
    # Different support the same day is a second log.
    other = {**_support_log_post(mentor), "minutes": "30"}
    assert client.post(url, other).status_code == 302
    assert SupportLog.objects.filter(educator=educator).count() == 2


def test_adding_a_mentor_to_a_caseload_twice_adds_once_and_says_so(client):
    educator, mentor = factories.PracticeEducatorFactory(), factories.MentorFactory()
    client.force_login(factories.LeadNurseFactory())
    url = reverse("support:mentor_caseload_add", args=[educator.pk])
    data = {"mentor": mentor.pk, **_dates("start_date", timezone.localdate())}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "is already in this caseload" in second.content.decode()
    assert MentorCaseload.objects.filter(educator=educator, mentor=mentor).count() == 1


def test_a_caseload_clash_in_the_database_is_a_form_error_not_a_500(monkeypatch):
    """Two presses that both pass the checks (a database without row locks): the second meets
    the unique constraint, and is told so as a form error."""
    educator, mentor = factories.PracticeEducatorFactory(), factories.MentorFactory()
    lead = factories.LeadNurseFactory()
    today = timezone.localdate()
    services.mentor_caseload_add(actor=lead, educator=educator, mentor=mentor, start_date=today)
    # As though the checks had run before the first press's row was written.
    monkeypatch.setattr(
        MentorCaseload.objects, "filter", lambda *a, **k: MentorCaseload.objects.none()
    )
    monkeypatch.setattr(
        MentorCaseload.objects, "current", lambda *a, **k: MentorCaseload.objects.none()
    )
    with pytest.raises(ValidationError) as refused:
        services.mentor_caseload_add(actor=lead, educator=educator, mentor=mentor, start_date=today)
    assert "already in this caseload" in str(refused.value)
