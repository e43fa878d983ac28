"""The mentor's sign-off page, evidence first (issue 16, point 2): the order of what it shows,
the criteria checklist kept with the decision, feedback only under "not yet competent" (and
asked for by the server without JavaScript), and the next request one tap away after signing."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from competencies import services, signing
from competencies.integrity import verify_chains
from competencies.models import Assessment, ProgressState, SignOffRequest
from tests import factories

pytestmark = pytest.mark.django_db

CRITERIA = ["Explains the procedure to the patient", "Records the outcome accurately"]


@pytest.fixture
def world():
    record, mentor, competencies = factories.enrolled_trainee(competencies=3, practices_required=1)
    record.trainee.full_name = "Tom Barker"
    record.trainee.save()
    first, second, third = competencies
    request = factories.ask_for_sign_off(record, first, mentor)
    return record, mentor, competencies, request


def page(client, request):
    return client.get(reverse("competencies:sign_off", args=[request.pk]))


def test_the_page_shows_the_evidence_before_the_decision(client, world):
    record, mentor, (first, *_), request = world
    # An earlier "not yet competent" with feedback, so there is a decision to look back on.
    services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome="not_yet_competent",
        method=first.assessment_methods[0],
        assessed_on=timezone.localdate(),
        feedback="Check the identity band first",
    )
    request = factories.ask_for_sign_off(record, first, mentor)
    services.evidence_add(
        actor=record.trainee,
        record=record,
        competencies=[first],
        kind="reflective_account",
        title="What I learned about NEWS2",
        text="I escalated a score of 5.",
    )
    client.force_login(mentor)
    html = page(client, request).content.decode()
    order = [
        first.description,
        'name="criteria_met"',
        "Supervised practice",
        "Observations",  # the practice logged
        "Evidence and reflections",
        "What I learned about NEWS2",
        "Earlier decisions",
        "Check the identity band first",
        "Your decision",
        'name="outcome"',
        'name="method"',
        'name="assessed_on_day"',
        'name="password"',
        "Sign and save",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions), list(zip(order, positions, strict=True))
    for criterion in CRITERIA:
        assert f">{criterion}</label>" in html


def test_feedback_is_revealed_by_not_yet_competent_only(client, world):
    _record, mentor, _competencies, request = world
    client.force_login(mentor)
    html = page(client, request).content.decode()
    radio = re.search(r'<input[^>]*value="not_yet_competent"[^>]*>', html).group(0)
    assert 'data-aria-controls="conditional-feedback"' in radio
    achieved = re.search(r'<input[^>]*value="achieved"[^>]*>', html).group(0)
    assert "data-aria-controls" not in achieved
    conditional = re.search(
        r'<div class="nhsuk-radios__conditional([^"]*)" id="conditional-feedback">(.*?)</fieldset>',
        html,
        re.S,
    )
    assert "nhsuk-radios__conditional--hidden" in conditional.group(1)
    assert 'name="feedback"' in conditional.group(2)
    assert html.count('name="feedback"') == 1
    # The method the framework lists first is chosen already: one tap fewer at the bedside.
    method = re.search(r'<input[^>]*name="method"[^>]*>', html).group(0)
    assert "checked" in method


def test_without_javascript_feedback_is_asked_for_and_started_from_the_unticked_criteria(
    client, world, password
):
    _record, mentor, (first, *_), request = world
    client.force_login(mentor)
    data = {
        **factories.sign_off_data(first, password, outcome="not_yet_competent"),
        "criteria_met": ["0"],
    }
    answer = client.post(reverse("competencies:sign_off", args=[request.pk]), data)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Give feedback: what the trainee needs to do next" in html
    assert "nhsuk-error-summary" in html
    # The box is shown open, starting from the criterion not ticked; the tick is kept.
    assert 'class="nhsuk-radios__conditional" id="conditional-feedback"' in html
    assert f"Not yet shown:\n- {CRITERIA[1]}</textarea>" in html
    assert re.search(r'<input[^>]*value="0"[^>]*checked', html)
    assert not Assessment.objects.exists()
    request.refresh_from_db()
    assert request.status == SignOffRequest.Status.OPEN


def test_the_ticked_criteria_are_kept_with_the_decision_and_in_its_hash(client, world, password):
    record, mentor, (first, *_), request = world
    client.force_login(mentor)
    data = {
        **factories.sign_off_data(first, password, outcome="not_yet_competent"),
        "criteria_met": ["1"],
        "feedback": f"Not yet shown:\r\n- {CRITERIA[0]}",  # as a browser sends a textarea
    }
    answer = client.post(reverse("competencies:sign_off", args=[request.pk]), data)
    assert answer.status_code == 302
    assessment = Assessment.objects.get(request=request)
    assert assessment.criteria_met == [CRITERIA[1]]
    assert assessment.feedback == f"Not yet shown:\n- {CRITERIA[0]}"
    assert record.progress.get(competency=first).state == ProgressState.NOT_YET_COMPETENT
    assert verify_chains()[1] == []
    # The hash covers them: other criteria would give another hash.
    assert assessment.compute_hash() == assessment.record_hash
    assessment.criteria_met = list(CRITERIA)
    assert assessment.compute_hash() != assessment.record_hash


def test_a_decision_without_ticks_hashes_as_before():
    record, mentor, (first, *_) = factories.enrolled_trainee()
    request = factories.ask_for_sign_off(record, first, mentor)
    assessment = services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome="achieved",
        method=first.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )
    assert assessment.criteria_met == []
    assert "criteria_met" not in assessment.hash_payload_v2()


def test_the_service_refuses_criteria_the_competency_does_not_list(world):
    _record, mentor, (first, *_), request = world
    with pytest.raises(ValidationError) as refused:
        services.sign_off_request_decide(
            actor=mentor,
            sign_off_request=request,
            signature=factories.signature(),
            outcome="achieved",
            method=first.assessment_methods[0],
            assessed_on=timezone.localdate(),
            criteria_met=["Something else entirely"],
        )
    assert "criteria_met" in refused.value.message_dict
    assert not Assessment.objects.exists()


def test_the_signed_statement_covers_the_ticked_criteria(world):
    _record, _mentor, _competencies, request = world
    decision = {
        "outcome": "achieved",
        "method": "direct_observation",
        "assessed_on": timezone.localdate(),
        "feedback": "",
    }
    without = signing.decision_statement(request, **decision)
    assert signing.decision_statement(request, **decision, criteria_met=[]) == without
    one = signing.decision_statement(request, **decision, criteria_met=CRITERIA[:1])
    both = signing.decision_statement(request, **decision, criteria_met=CRITERIA)
    assert len({without, one, both}) == 3


def test_after_signing_the_next_request_is_one_tap_away(client, world, password):
    record, mentor, (first, second, third), request = world
    later = factories.ask_for_sign_off(record, second, mentor)
    client.force_login(mentor)
    data = factories.sign_off_data(first, password)
    answer = client.post(reverse("competencies:sign_off", args=[request.pk]), data)
    done = reverse("competencies:sign_off_done", args=[request.pk])
    assert answer["Location"] == done
    html = client.get(done).content.decode()
    assert f"Signed: {first.code} achieved for Tom Barker" in html
    assert "1 request waiting" in html
    link = re.search(r'<a class="nhsuk-button"[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    assert link.group(1) == reverse("competencies:sign_off", args=[later.pk])
    text = re.sub(r"<[^>]+>", "", link.group(2))
    assert text == f"Review next request: Tom Barker, {second.code} {second.title}"

    # The last one: nothing more is waiting.
    data = factories.sign_off_data(second, password)
    client.post(reverse("competencies:sign_off", args=[later.pk]), data)
    html = client.get(reverse("competencies:sign_off_done", args=[later.pk])).content.decode()
    assert "No more requests are waiting for you." in html
    assert "Review next request" not in html


def test_only_the_mentor_who_decided_sees_the_page_after_signing(client, world, password):
    record, mentor, (first, *_), request = world
    done = reverse("competencies:sign_off_done", args=[request.pk])
    client.force_login(mentor)
    # Not decided yet: there is nothing to confirm.
    assert client.get(done).status_code == 403
    data = factories.sign_off_data(first, password)
    client.post(reverse("competencies:sign_off", args=[request.pk]), data)
    assert client.get(done).status_code == 200
    assert client.post(done).status_code == 405
    # The trainee may read the record, but this page is the mentor's.
    client.force_login(record.trainee)
    assert client.get(done).status_code == 403
    # Another mentor has no part in the record: it is not there for them.
    client.force_login(factories.MentorFactory())
    assert client.get(done).status_code == 404
    client.logout()
    assert client.get(done).status_code == 302
