"""Clinical safety (docs/clinical-safety, hazard H-003): a delegation view never offers a task
the role design judged not suitable, even when the task was judged suitable before and made a
competency that people already hold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roledesign import services
from roledesign.models import DelegationDecision, TaskCompetencyLink
from tests.roledesign.test_ward_competence import ward  # noqa: F401  (the shared ward)

pytestmark = pytest.mark.django_db


def _rejudged_not_suitable(world):
    task = TaskCompetencyLink.objects.get(competency=world["codes"]["B1"]).task
    return services.task_update(
        actor=world["lead"], task=task, decision=DelegationDecision.NOT_SUITABLE, conditions=""
    )


def test_a_held_competency_whose_task_is_rejudged_not_suitable_is_not_done_on_their_own(
    client,
    ward,  # noqa: F811
):
    _rejudged_not_suitable(ward)
    client.force_login(ward["nurse"])
    html = client.get(
        reverse("roledesign:current_competence", args=[ward["tom"].pk])
    ).content.decode()
    own = html.split('id="on-their-own"')[1].split('id="under-supervision"')[0]
    never = html.split('id="never"')[1]
    assert 'data-testid="held-B1"' not in own and 'data-testid="supervised-B1"' not in html
    assert "Record vital signs" in never


def test_the_ward_is_told_nobody_does_a_competency_whose_task_is_rejudged_not_suitable(
    client,
    ward,  # noqa: F811
):
    client.force_login(ward["nurse"])
    url = reverse("roledesign:ward_competence", args=[ward["area"].pk])
    before = client.get(url, {"competency": "B1"}).content.decode()
    assert 'data-testid="ward-never-answer"' not in before and "Tom Barker" in before
    _rejudged_not_suitable(ward)
    html = client.get(url, {"competency": "B1"}).content.decode()
    assert 'data-testid="ward-never-answer"' in html
    assert 'id="ward-own"' not in html and 'data-testid="ward-supervised"' not in html


def test_the_task_itself_rejudged_not_suitable_is_answered_never(client, ward):  # noqa: F811
    task = _rejudged_not_suitable(ward)
    client.force_login(ward["nurse"])
    html = client.get(
        reverse("roledesign:ward_competence", args=[ward["area"].pk]),
        {"competency": f"task-{task.pk}"},
    ).content.decode()
    assert 'data-testid="ward-never-answer"' in html and 'id="ward-own"' not in html


# H-005: a stale page shown on a shared computer ------------------------------------------------


def test_the_delegation_pages_say_when_they_were_drawn_and_are_never_stored(
    client,
    ward,  # noqa: F811
):
    client.force_login(ward["nurse"])
    for url, query in (
        (reverse("roledesign:current_competence", args=[ward["tom"].pk]), {}),
        (reverse("roledesign:ward_competence", args=[ward["area"].pk]), {"competency": "B1"}),
    ):
        response = client.get(url, query)
        assert response.status_code == 200
        assert "As of " in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
    client.post(reverse("logout"))
    response = client.get(reverse("roledesign:current_competence", args=[ward["tom"].pk]))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
