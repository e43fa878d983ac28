"""The training plan pages: writing a version, the three parties signing it, the reviews'
agreement and 12-week flags on the apprentice page and the cohort's list, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprenticeships.models import TrainingPlan
from apprenticeships.selectors.plan import review_gaps
from cohorts.services import reviews as review_services
from tests import factories
from tests.apprenticeships.plan_world import PlanWorld

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(weeks=1)


@pytest.fixture
def world(db):
    return PlanWorld()


def _post_plan(client, world, **changes):
    start = world.apprenticeship.practical_period_start
    end = world.apprenticeship.planned_end_date
    data = {
        **factories.date_fields("practical_period_start", start),
        **factories.date_fields("planned_end_date", end),
        "planned_otj_hours": "400",
        **factories.PLAN_TEXT,
        **changes,
    }
    return client.post(reverse("apprenticeships:plan_edit", args=[world.apprenticeship.pk]), data)


def _review(world, held_on, *, confirm=()):
    review = review_services.review_record(
        actor=world.tutor,
        enrolment=world.enrolment,
        held_on=held_on,
        progress_summary="Going well",
        rag="green",
        rag_reason="On plan",
    )
    for person in confirm:
        review_services.review_confirm(actor=person, review=review)
    return review


def test_the_tutor_writes_the_plan_and_all_three_sign_it(client, world):
    client.force_login(world.tutor)
    response = _post_plan(client, world)
    assert response.status_code == 302
    plan = TrainingPlan.objects.get()
    page = reverse("apprenticeships:apprentice_plan", args=[world.apprenticeship.pk])
    assert "waiting for: Apprentice, Employer, Training provider" in client.get(page).text
    for person in (world.trainee, world.manager, world.tutor):
        client.force_login(person)
        assert 'data-testid="plan-sign"' in client.get(page).text
        sign = reverse("apprenticeships:plan_sign", args=[plan.pk])
        assert client.get(sign).status_code == 200
        assert client.post(sign).status_code == 302
        assert 'data-testid="plan-sign"' not in client.get(page).text
    assert "Version 1 signed by all three parties" in client.get(page).text


def test_a_changed_plan_keeps_the_old_version_readable(client, world):
    client.force_login(world.lead)
    _post_plan(client, world)
    response = _post_plan(client, world, planned_otj_hours="450")
    assert response.status_code == 200
    assert "Enter what changed and why" in response.text
    assert 'value="450"' in response.text
    assert (
        _post_plan(client, world, planned_otj_hours="450", change_reason="More hours").status_code
        == 302
    )
    first, second = TrainingPlan.objects.order_by("version")
    text = client.get(
        reverse("apprenticeships:apprentice_plan", args=[world.apprenticeship.pk])
    ).text
    assert "Earlier versions" in text and "450 hours" in text
    old = client.get(reverse("apprenticeships:plan_version", args=[first.pk]))
    assert "400 hours" in old.text and "cannot be changed" in old.text
    # Signing the replaced version is refused on the page, nothing written.
    client.force_login(world.trainee)
    refused = client.post(reverse("apprenticeships:plan_sign", args=[first.pk]))
    assert "replaced by a newer one" in refused.text
    assert first.signatures.count() == 0


def test_review_agreement_and_the_12_week_flags(client, world):
    start = world.apprenticeship.practical_period_start
    _review(world, start + 10 * WEEK, confirm=(world.trainee, world.mentor, world.tutor))
    _review(world, start + 19 * WEEK, confirm=(world.trainee,))
    client.force_login(world.lead)
    text = client.get(
        reverse("apprenticeships:apprentice_plan", args=[world.apprenticeship.pk])
    ).text
    assert "Agreed by all three" in text
    assert "Waiting for: Mentor, Tutor" in text
    assert "More than 12 weeks after the last" not in text
    assert "Review overdue" not in text


def test_a_late_review_and_an_overdue_one_are_flagged(client, world):
    start = world.apprenticeship.practical_period_start  # 20 weeks ago
    _review(world, start + 13 * WEEK)
    client.force_login(world.lead)
    text = client.get(
        reverse("apprenticeships:apprentice_plan", args=[world.apprenticeship.pk])
    ).text
    assert "More than 12 weeks after the last" in text
    assert "Review overdue" not in text
    cohort_page = client.get(reverse("apprenticeships:cohort_plans", args=[world.cohort.pk])).text
    assert "A review came more than 12 weeks after the last" in cohort_page


def test_no_review_for_more_than_12_weeks_is_overdue(client, world):
    client.force_login(world.lead)
    text = client.get(
        reverse("apprenticeships:apprentice_plan", args=[world.apprenticeship.pk])
    ).text
    assert 'data-testid="review-overdue"' in text
    cohort_page = client.get(reverse("apprenticeships:cohort_plans", args=[world.cohort.pk])).text
    assert "Review overdue: more than 12 weeks since the last" in cohort_page


def test_review_gaps_boundaries():
    start = datetime.date(2026, 1, 1)
    twelve = start + 12 * WEEK
    assert review_gaps([twelve], start=start, today=twelve, active=True) == ([False], False)
    late = twelve + datetime.timedelta(days=1)
    assert review_gaps([late], start=start, today=late, active=True) == ([True], False)
    assert review_gaps([], start=start, today=late, active=True) == ([], True)
    assert review_gaps([], start=start, today=late, active=False) == ([], False)


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_constant_queries_on_the_apprentice_and_cohort_pages(client, world):
    client.force_login(world.lead)
    start = world.apprenticeship.practical_period_start
    page = reverse("apprenticeships:apprentice_plan", args=[world.apprenticeship.pk])
    cohort = reverse("apprenticeships:cohort_plans", args=[world.cohort.pk])
    gateway = reverse("apprenticeships:gateway_detail", args=[world.apprenticeship.pk])
    _post_plan(client, world)
    _review(world, start + 2 * WEEK, confirm=(world.trainee,))
    client.get(page)
    before = [_count(client, url) for url in (page, cohort, gateway)]
    _post_plan(client, world, change_reason="Again")
    _review(world, start + 4 * WEEK, confirm=(world.trainee, world.tutor))
    _review(world, start + 6 * WEEK)
    for _ in range(3):
        more = factories.enrol(world.cohort)
        factories.plan_apprenticeship(more)
    client.get(page)  # shows (and clears) the message the new version left
    after = [_count(client, url) for url in (page, cohort, gateway)]
    assert before == after


def test_plans_to_sign_are_things_to_do(client, world):
    client.force_login(world.tutor)
    _post_plan(client, world)
    from pathway.things_to_do import things_to_do

    trainee_items = [t.text for t in things_to_do(world.trainee)]
    assert "Sign your training plan (version 1) as the apprentice" in trainee_items
    tutor_items = [t.text for t in things_to_do(world.tutor)]
    assert "Sign Amy Apprentice's training plan (version 1) as the training provider" in tutor_items
    manager_items = [t.text for t in things_to_do(world.manager)]
    assert "Sign Amy Apprentice's training plan (version 1) as the employer" in manager_items
    assert not any("training plan" in t.text for t in things_to_do(world.mentor))
