"""Clinical safety controls (docs/clinical-safety/hazard-log.toml) that no other test proved
on its own: the sign-off names whom and what it is for, a decision lands on that trainee and
competency only, a sign-off stops counting on its expiry day, and a mentor whose registration
is recorded as lapsed can no longer sign."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from competencies.models import Assessment, CompetencyProgress, ProgressState
from tests import factories

pytestmark = pytest.mark.django_db


# H-001: a sign-off recorded against the wrong trainee or competency ---------------------------


def test_the_sign_off_page_names_the_trainee_and_the_competency_before_the_decision(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    record.trainee.full_name = "Tom Barker"
    record.trainee.save()
    request = factories.ask_for_sign_off(record, competency, mentor)
    client.force_login(mentor)
    html = client.get(reverse("competencies:sign_off", args=[request.pk])).content.decode()
    decision = html.index("Your decision")
    assert -1 < html.find("Tom Barker") < decision
    assert -1 < html.find(competency.code) < decision
    assert -1 < html.find(competency.title) < decision


def test_a_decision_lands_on_the_requests_trainee_and_competency_and_nowhere_else():
    mentor = factories.MentorFactory()
    record, _, (asked, other, _third) = factories.enrolled_trainee(mentor=mentor)
    second_record, _, (elsewhere, *_) = factories.enrolled_trainee(mentor=mentor)
    request = factories.ask_for_sign_off(record, asked, mentor)
    factories.ask_for_sign_off(second_record, elsewhere, mentor)

    assessment = factories.decide_achieved(request, mentor)

    assert (assessment.record, assessment.trainee, assessment.competency) == (
        record,
        record.trainee,
        asked,
    )
    assert list(Assessment.objects.all()) == [assessment]
    states = dict(
        CompetencyProgress.objects.filter(
            record__trainee__in=[record.trainee, second_record.trainee]
        ).values_list("competency_id", "state")
    )
    assert states[asked.pk] == ProgressState.ACHIEVED
    assert states[other.pk] == ProgressState.NOT_STARTED
    assert states[elsewhere.pk] == ProgressState.AWAITING_SIGN_OFF


# H-002: an expired competency shown as current ------------------------------------------------


def test_a_sign_off_stops_counting_on_its_expiry_day():
    record, _, (competency, *_) = factories.enrolled_trainee()
    expires = datetime.date(2026, 3, 31)
    CompetencyProgress.objects.filter(record=record, competency=competency).update(
        state=ProgressState.ACHIEVED, achieved_on=datetime.date(2025, 3, 31), expires_on=expires
    )
    progress = CompetencyProgress.objects.get(record=record, competency=competency)
    day_before = expires - datetime.timedelta(days=1)
    held = CompetencyProgress.objects.currently_achieved
    assert held(day_before).filter(pk=progress.pk).exists()
    assert not held(expires).filter(pk=progress.pk).exists()
    assert progress.state_on(day_before) == ProgressState.ACHIEVED
    assert progress.state_on(expires) == ProgressState.REASSESSMENT_DUE
    shown = CompetencyProgress.objects.with_display_state(expires).get(pk=progress.pk)
    assert shown.display_state == ProgressState.REASSESSMENT_DUE


# H-008: a sign-off by a mentor whose registration has lapsed ----------------------------------


def test_a_mentor_whose_registration_is_recorded_as_lapsed_can_no_longer_sign(client, password):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = factories.ask_for_sign_off(record, competency, mentor)
    mentor.registration_body = ""
    mentor.registration_number = ""
    mentor.save()

    with pytest.raises(PermissionDenied):
        factories.decide_achieved(request, mentor)
    client.force_login(mentor)
    url = reverse("competencies:sign_off", args=[request.pk])
    assert client.get(url).status_code == 403
    posted = client.post(url, factories.sign_off_data(competency, password))
    assert posted.status_code == 403
    assert not Assessment.objects.exists()
