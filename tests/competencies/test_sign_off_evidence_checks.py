"""Checks before asking for sign-off (issue 16, point 4): a competency whose assessment rests
on evidence (a reflective account, a witness statement) that is not there yet is refused when
the framework allows no other way of assessing it, and warned about otherwise, saying exactly
what is missing; the service checks it, whoever calls it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from competencies import selectors, services
from competencies.models import AssessmentMethod, ProgressState, SignOffRequest
from tests import factories

pytestmark = pytest.mark.django_db

RA, WT, DO = (
    AssessmentMethod.REFLECTIVE_ACCOUNT,
    AssessmentMethod.WITNESS_TESTIMONY,
    AssessmentMethod.DIRECT_OBSERVATION,
)


def assessed_by(*methods):
    record, mentor, (competency,) = factories.enrolled_trainee(competencies=1)
    competency.assessment_methods = list(methods)
    competency.save()
    return record, mentor, competency


def ask(record, competency, mentor):
    return services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )


def add(record, competency, kind):
    return services.evidence_add(
        actor=record.trainee,
        record=record,
        competencies=[competency],
        kind=kind,
        title="Evidence",
        text="What happened and what I learned",
        witness_name="Sam Patel" if kind == "witness_statement" else "",
    )


def test_refused_when_only_a_reflective_account_can_show_it():
    record, mentor, competency = assessed_by(RA)
    with pytest.raises(ValidationError) as refused:
        ask(record, competency, mentor)
    assert refused.value.messages == [
        f"Add a reflective account to {competency.code} before asking for sign-off: "
        "it is assessed only by reflective account"
    ]
    assert not SignOffRequest.objects.exists()
    assert record.progress.get(competency=competency).state == ProgressState.NOT_STARTED
    add(record, competency, "reflective_account")
    assert ask(record, competency, mentor).status == SignOffRequest.Status.OPEN


def test_each_missing_piece_is_named():
    record, mentor, competency = assessed_by(RA, WT)
    with pytest.raises(ValidationError) as refused:
        ask(record, competency, mentor)
    assert refused.value.messages == [
        f"Add a reflective account to {competency.code} before asking for sign-off: "
        "it is assessed only by reflective account or witness testimony",
        f"Add a witness statement to {competency.code} before asking for sign-off: "
        "it is assessed only by reflective account or witness testimony",
    ]
    add(record, competency, "witness_statement")
    with pytest.raises(ValidationError, match="Add a reflective account") as refused:
        ask(record, competency, mentor)
    assert len(refused.value.messages) == 1


def test_evidence_for_another_competency_does_not_count():
    record, mentor, competency = assessed_by(RA)
    other = factories.CompetencyFactory(domain=competency.domain)
    record.progress.create(competency=other)
    add(record, other, "reflective_account")
    with pytest.raises(ValidationError):
        ask(record, competency, mentor)


def test_warned_but_allowed_when_the_mentor_may_assess_another_way():
    record, mentor, competency = assessed_by(DO, RA)
    (gap,) = selectors.evidence_gaps(record, competency)
    assert not gap.required
    assert gap.message == (
        f"You have not added a reflective account to {competency.code} yet. Your mentor may "
        "assess it by direct observation or reflective account: add one first if they will "
        "need it"
    )
    assert ask(record, competency, mentor).status == SignOffRequest.Status.OPEN


def test_nothing_to_check_for_observation_and_questioning(django_assert_num_queries):
    record, _mentor, competency = assessed_by(DO, AssessmentMethod.QUESTIONING)
    with django_assert_num_queries(0):
        assert selectors.evidence_gaps(record, competency) == []


def test_the_request_page_says_what_is_missing_and_offers_no_form(client):
    record, _mentor, competency = assessed_by(RA)
    client.force_login(record.trainee)
    url = reverse("competencies:request_sign_off", args=[record.pk, competency.pk])
    html = client.get(url).content.decode()
    assert "Evidence needed first" in html
    assert f"Add a reflective account to {competency.code} before asking for sign-off" in html
    assert reverse("competencies:evidence_add", args=[record.pk]) in html
    assert "Ask for sign-off</button>" not in html


def test_a_post_anyway_is_refused_in_the_error_summary(client):
    record, mentor, competency = assessed_by(RA)
    client.force_login(record.trainee)
    url = reverse("competencies:request_sign_off", args=[record.pk, competency.pk])
    answer = client.post(url, {"mentor": mentor.pk})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "nhsuk-error-summary" in html
    assert f"Add a reflective account to {competency.code}" in html
    assert not SignOffRequest.objects.exists()


def test_the_request_page_warns_and_still_offers_the_form(client):
    record, mentor, competency = assessed_by(DO, WT)
    client.force_login(record.trainee)
    url = reverse("competencies:request_sign_off", args=[record.pk, competency.pk])
    html = client.get(url).content.decode()
    assert "nhsuk-inset-text" in html
    assert f"You have not added a witness statement to {competency.code} yet" in html
    assert "Ask for sign-off" in html
    assert client.post(url, {"mentor": mentor.pk}).status_code == 302
    assert SignOffRequest.objects.get().competency == competency


def test_the_mentor_sees_what_is_not_there(client):
    record, mentor, competency = assessed_by(DO, RA)
    request = ask(record, competency, mentor)
    client.force_login(mentor)
    html = client.get(reverse("competencies:sign_off", args=[request.pk])).content.decode()
    assert "No reflective account added yet." in html
