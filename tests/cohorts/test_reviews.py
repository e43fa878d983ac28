"""Progress reviews: recording, confirming, actions, the due/overdue schedule, pages, refusals
and the demo data.

Refusals: anonymous people are sent to /sign-in/; every signed-in person without the permission
(another trainee, an unrelated mentor or tutor, a manager trying to record) gets 403.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Review,
    ReviewAction,
    ReviewConfirmation,
)
from cohorts.review_due import review_due_refresh
from cohorts.selectors.reviews import (
    DueStatus,
    review_due_status,
    review_schedule,
    reviews_due,
)
from cohorts.services import reviews as services
from cohorts.services.cohorts import enrolment_change_status
from pathway.models import Allocation
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(weeks=1)


def _dates(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


class World:
    """A running cohort (started 20 weeks ago) and a trainee with two mentors, a tutor, a
    practice educator and a line manager; plus people with no part in that trainee."""

    def __init__(self):
        self.cohort = factories.CohortFactory()
        self.mentor = factories.MentorFactory(full_name="Mona Mentor")
        self.mentor_two = factories.MentorFactory(full_name="Milo Mentor")
        self.tutor = factories.TutorFactory(full_name="Tara Tutor")
        self.educator = factories.PracticeEducatorFactory(full_name="Ed Educator")
        self.manager = factories.ManagerFactory(full_name="Max Manager")
        self.trainee = factories.TraineeFactory(full_name="Tess Trainee")
        self.enrolment = factories.enrol(
            self.cohort,
            trainee=self.trainee,
            mentor=self.mentor,
            tutor=self.tutor,
            educator=self.educator,
        )
        for person, kind in (
            (self.mentor_two, Allocation.Kind.MENTOR),
            (self.manager, Allocation.Kind.MANAGER),
        ):
            factories.AllocationFactory(
                trainee=self.trainee,
                supporter=person,
                kind=kind,
                start_date=self.cohort.intake_date,
            )
        self.lead = factories.LeadNurseFactory(full_name="Lena Lead")
        self.other_trainee = factories.enrol(self.cohort).trainee
        self.stranger_mentor = factories.MentorFactory()
        self.stranger_tutor = factories.TutorFactory()
        self.stranger_educator = factories.PracticeEducatorFactory()

    def record(self, *, actor=None, held_on=None, actions=None, **fields):
        held_on = held_on or TODAY() - WEEK
        values = {
            "progress_summary": "Five competencies signed off; module 1 passed.",
            "concerns": "",
            "rag": Review.Rag.GREEN,
            "rag_reason": "Ahead of the plan.",
            **fields,
        }
        if actions is None:
            actions = [
                {"description": "Ask for sign-off of CLS2", "owner": self.trainee,
                 "due_date": held_on + 2 * WEEK},
                {"description": "Arrange a shared shift", "owner": self.mentor,
                 "due_date": held_on + WEEK},
            ]  # fmt: skip
        return services.review_record(
            actor=actor or self.tutor,
            enrolment=self.enrolment,
            held_on=held_on,
            actions=actions,
            **values,
        )


@pytest.fixture
def world():
    return World()


# Services -----------------------------------------------------------------------------------


def test_record_a_review_with_its_actions(world):
    review = world.record()
    assert review.recorded_by == world.tutor
    assert review.rag == Review.Rag.GREEN
    actions = list(review.actions.order_by("due_date"))
    assert [(a.description, a.owner) for a in actions] == [
        ("Arrange a shared shift", world.mentor),
        ("Ask for sign-off of CLS2", world.trainee),
    ]
    assert all(a.done_on is None for a in actions)


@pytest.mark.parametrize("who", ["mentor", "educator", "lead"])
def test_mentors_educators_and_the_lead_nurse_can_record(world, who):
    review = world.record(actor=getattr(world, who), actions=[])
    assert review.recorded_by == getattr(world, who)


def test_the_lead_nurse_can_own_an_action(world):
    held_on = TODAY() - WEEK
    review = world.record(
        actions=[{"description": "Agree protected time", "owner": world.lead, "due_date": held_on}]
    )
    assert review.actions.get().owner == world.lead


def _bad(world, key):
    held_on = TODAY() - WEEK
    good_action = {"description": "Practise", "owner": world.trainee, "due_date": held_on}
    changes = {
        "future": ("held_on", {"held_on": TODAY() + DAY}),
        "before start": ("held_on", {"held_on": world.enrolment.start_date - DAY}),
        "no summary": ("progress_summary", {"progress_summary": "   "}),
        "no reason": ("rag_reason", {"rag_reason": ""}),
        "no rating": ("rag", {"rag": "purple"}),
        "stranger owns": (
            "actions",
            {"actions": [good_action, {**good_action, "owner": world.stranger_mentor}]},
        ),
        "due before review": (
            "actions",
            {"actions": [good_action, {**good_action, "due_date": held_on - DAY}]},
        ),
        "no description": (
            "actions",
            {"actions": [good_action, {**good_action, "description": ""}]},
        ),
    }
    return changes[key]


@pytest.mark.parametrize(
    "case",
    [
        "future",
        "before start",
        "no summary",
        "no reason",
        "no rating",
        "stranger owns",
        "due before review",
        "no description",
    ],
)
def test_invalid_reviews_are_refused_and_nothing_is_written(world, case):
    field, change = _bad(world, case)
    with pytest.raises(ValidationError) as refused:
        world.record(**change)
    assert field in refused.value.message_dict
    assert Review.objects.count() == 0
    assert ReviewAction.objects.count() == 0


def test_a_manager_cannot_record_a_review(world):
    with pytest.raises(PermissionDenied):
        world.record(actor=world.manager)
    assert Review.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "party"),
    [
        ("trainee", ReviewConfirmation.Party.TRAINEE),
        ("mentor", ReviewConfirmation.Party.MENTOR),
        ("tutor", ReviewConfirmation.Party.TUTOR),
    ],
)
def test_each_party_confirms(world, who, party):
    review = world.record()
    person = getattr(world, who)
    confirmation = services.review_confirm(actor=person, review=review)
    assert (confirmation.party, confirmation.person) == (party, person)


def test_all_three_confirm_the_same_review(world):
    review = world.record()
    for person in (world.trainee, world.mentor, world.tutor):
        services.review_confirm(actor=person, review=review)
    assert set(review.confirmations.values_list("party", flat=True)) == {
        "trainee",
        "mentor",
        "tutor",
    }


def test_a_second_confirmation_for_the_same_party_is_refused(world):
    review = world.record()
    services.review_confirm(actor=world.mentor, review=review)
    with pytest.raises(ValidationError, match="The mentor has already confirmed this review"):
        services.review_confirm(actor=world.mentor_two, review=review)
    with pytest.raises(ValidationError, match="You have already confirmed this review"):
        services.review_confirm(actor=world.mentor, review=review)
    assert review.confirmations.count() == 1


@pytest.mark.parametrize(
    "who", ["other_trainee", "stranger_mentor", "stranger_tutor", "educator", "manager", "lead"]
)
def test_people_who_are_not_a_party_cannot_confirm(world, who):
    review = world.record()
    with pytest.raises(PermissionDenied):
        services.review_confirm(actor=getattr(world, who), review=review)
    assert review.confirmations.count() == 0


def test_the_owner_completes_an_action(world):
    review = world.record()
    action = review.actions.get(owner=world.trainee)
    services.review_action_complete(actor=world.trainee, action=action, done_on=TODAY())
    action.refresh_from_db()
    assert action.done_on == TODAY()
    with pytest.raises(ValidationError, match="already marked as done"):
        services.review_action_complete(actor=world.trainee, action=action)


def test_the_lead_nurse_completes_anyones_action_but_others_cannot(world):
    review = world.record()
    action = review.actions.get(owner=world.trainee)
    with pytest.raises(PermissionDenied):
        services.review_action_complete(actor=world.mentor, action=action)
    services.review_action_complete(actor=world.lead, action=action)
    action.refresh_from_db()
    assert action.done_on == TODAY()


@pytest.mark.parametrize("days", [1, -30])
def test_an_action_cannot_be_done_in_the_future_or_before_the_review(world, days):
    review = world.record(held_on=TODAY() - WEEK)
    action = review.actions.get(owner=world.trainee)
    with pytest.raises(ValidationError):
        services.review_action_complete(
            actor=world.trainee, action=action, done_on=TODAY() + datetime.timedelta(days=days)
        )
    action.refresh_from_db()
    assert action.done_on is None


# Due and overdue ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ahead", "status"),
    [
        (-1, DueStatus.OVERDUE),
        (0, DueStatus.DUE_SOON),
        (1, DueStatus.DUE_SOON),
        (14, DueStatus.DUE_SOON),
        (15, DueStatus.NOT_DUE),
    ],
)
def test_due_status_boundaries(days_ahead, status):
    today = datetime.date(2026, 3, 2)
    assert review_due_status(today + datetime.timedelta(days=days_ahead), today) == status


def _review_on(enrolment, held_on, by):
    review = Review.objects.create(
        enrolment=enrolment,
        held_on=held_on,
        progress_summary="Progress",
        rag=Review.Rag.GREEN,
        rag_reason="Fine",
        recorded_by=by,
    )
    # Written behind the services' back: the enrolment's review due date is recounted.
    review_due_refresh(Enrolment.objects.filter(pk=enrolment.pk))
    return review


def test_schedule_flags_overdue_and_due_soon_but_not_a_break_or_an_ended_enrolment(world):
    cohort = world.cohort  # started 20 weeks ago; reviews every 12 weeks
    start = cohort.intake_date
    overdue = world.enrolment  # no review yet: was due at week 12
    due_soon = factories.enrol(cohort)
    _review_on(due_soon, TODAY() - 12 * WEEK + 10 * DAY, world.lead)  # due in 10 days
    fine = factories.enrol(cohort)
    _review_on(fine, start + 8 * WEEK, world.lead)  # older review: the latest one counts
    _review_on(fine, TODAY() - 2 * WEEK, world.lead)
    on_break = factories.enrol(cohort)  # no review either, but on a break
    enrolment_change_status(
        actor=None, enrolment=on_break, status=EnrolmentStatus.ON_BREAK, reason="Leave"
    )
    withdrawn = factories.enrol(cohort)
    enrolment_change_status(
        actor=None, enrolment=withdrawn, status=EnrolmentStatus.WITHDRAWN, reason="Left"
    )

    rows = {row.enrolment.pk: row for row in review_schedule(cohort)}

    assert rows[overdue.pk].status == DueStatus.OVERDUE
    assert rows[overdue.pk].next_due == start + 12 * WEEK
    assert rows[overdue.pk].last_review_on is None
    assert rows[due_soon.pk].status == DueStatus.DUE_SOON
    assert rows[due_soon.pk].next_due == TODAY() + 10 * DAY
    assert rows[fine.pk].status == DueStatus.NOT_DUE
    assert rows[fine.pk].last_review_on == TODAY() - 2 * WEEK
    assert rows[fine.pk].next_due == TODAY() + 10 * WEEK
    assert rows[on_break.pk].status == DueStatus.ON_BREAK
    assert not rows[on_break.pk].is_flagged
    assert rows[withdrawn.pk].status == DueStatus.ENDED
    assert rows[withdrawn.pk].next_due is None
    flagged = {row.enrolment.pk for row in reviews_due()}
    assert flagged == {overdue.pk, due_soon.pk, world.other_trainee.enrolments.get().pk}
    # A mentor sees only the trainees they support today.
    assert [row.enrolment for row in reviews_due(supporter=world.mentor)] == [overdue]


def test_the_schedule_uses_the_cohorts_interval(world):
    cohort = world.cohort
    cohort.review_interval_weeks = 26
    cohort.save()
    row = review_schedule(cohort)[0]
    assert row.next_due == cohort.intake_date + 26 * WEEK
    assert row.status == DueStatus.NOT_DUE


def _cohort_with(count):
    cohort = factories.CohortFactory()
    lead = factories.LeadNurseFactory()
    for index in range(count):
        enrolment = factories.enrol(cohort)
        if index % 2:
            _review_on(enrolment, TODAY() - index * DAY, lead)
    return cohort


def _queries(fn):
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_the_schedule_takes_the_same_queries_for_2_and_20_trainees():
    small, large = _cohort_with(2), _cohort_with(20)

    def run(cohort):
        rows = review_schedule(cohort)
        for row in rows:  # what the pages read from each row
            str(row.enrolment.trainee), row.enrolment.cohort.name, row.status, row.next_due
        return rows

    assert len(run(large)) == 20
    assert _queries(lambda: run(small)) == _queries(lambda: run(large)) == 1


# Template tags ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("{% rag_tag 'red' %}", '<strong class="nhsuk-tag nhsuk-tag--red">Red</strong>'),
        ("{% rag_tag 'amber' %}", '<strong class="nhsuk-tag nhsuk-tag--orange">Amber</strong>'),
        ("{% rag_tag 'green' %}", '<strong class="nhsuk-tag nhsuk-tag--green">Green</strong>'),
        ("{% due_tag 'overdue' %}", '<strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>'),
        (
            "{% due_tag 'due_soon' %}",
            '<strong class="nhsuk-tag nhsuk-tag--yellow">Due soon</strong>',
        ),
        ("{% due_tag 'not_due' %}", '<strong class="nhsuk-tag nhsuk-tag--grey">Not due</strong>'),
    ],
)
def test_tags_have_text_and_colour(markup, expected):
    assert Template("{% load review_tags %}" + markup).render(Context()) == expected


# Pages --------------------------------------------------------------------------------------


def _form(world, held_on=None, **changes):
    held_on = held_on or TODAY() - DAY
    data = {
        **_dates("held_on", held_on),
        "progress_summary": "Seven competencies achieved.",
        "concerns": "",
        "rag": "amber",
        "rag_reason": "Few sign-offs in the pipeline.",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "3",
        "actions-0-description": "Book two shared shifts",
        "actions-0-owner": str(world.mentor.pk),
        **_dates("actions-0-due_date", held_on + 2 * WEEK),
    }
    for row in (1, 2):
        data.update({f"actions-{row}-description": "", f"actions-{row}-owner": ""})
        data.update({f"actions-{row}-due_date_{part}": "" for part in ("day", "month", "year")})
    data.update(changes)
    return data


def test_record_a_review_through_the_form(client, world):
    client.force_login(world.tutor)
    url = reverse("cohorts:review_add", args=[world.enrolment.pk])
    page = client.get(url).content.decode()
    assert "Action 3" in page
    assert f"{world.mentor.full_name} (mentor)" in page
    response = client.post(url, _form(world))
    review = Review.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cohorts:review_detail", args=[review.pk])
    assert review.rag == Review.Rag.AMBER
    assert review.recorded_by == world.tutor
    action = review.actions.get()  # the two empty rows were ignored
    assert (action.description, action.owner) == ("Book two shared shifts", world.mentor)
    assert action.due_date == TODAY() - DAY + 2 * WEEK


def test_form_mistakes_are_shown_with_what_was_typed_and_nothing_is_saved(client, world):
    client.force_login(world.tutor)
    data = _form(
        world,
        progress_summary="",
        rag_reason="Typed reason that must survive",
        **{"actions-1-description": "Half-filled action"},
    )
    response = client.post(reverse("cohorts:review_add", args=[world.enrolment.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "There is a problem" in html
    for message in (
        "Enter the progress since the last review",
        "Select who will do action 2",
        "Enter the due date for action 2",
    ):
        assert message in html
    assert 'href="#id_actions-1-owner"' in html
    assert "Typed reason that must survive" in html
    assert 'value="Half-filled action"' in html
    assert Review.objects.count() == 0
    assert ReviewAction.objects.count() == 0


def test_only_action_rows_wrong_still_shows_an_error_page(client, world):
    client.force_login(world.tutor)
    held_on = TODAY() - DAY
    data = _form(world, held_on=held_on, **_dates("actions-0-due_date", held_on - WEEK))
    response = client.post(reverse("cohorts:review_add", args=[world.enrolment.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "The due date for action 1 must be the same as or after the date of the review" in html
    assert Review.objects.count() == 0


def test_service_errors_are_shown_on_the_form(client, world):
    client.force_login(world.tutor)
    data = _form(world, held_on=TODAY() + WEEK, **_dates("actions-0-due_date", TODAY() + WEEK))
    response = client.post(reverse("cohorts:review_add", args=[world.enrolment.pk]), data)
    assert response.status_code == 200
    assert "The date of the review must be today or in the past" in response.content.decode()
    assert Review.objects.count() == 0


def test_review_list_shows_rating_confirmations_actions_and_next_due(client, world):
    review = world.record(held_on=TODAY() - 12 * WEEK + 5 * DAY)
    services.review_confirm(actor=world.mentor, review=review)
    client.force_login(world.trainee)
    html = client.get(reverse("cohorts:review_list", args=[world.enrolment.pk])).content.decode()
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Green</strong>' in html
    assert "Ask for sign-off of CLS2" in html
    assert "Mona Mentor" in html
    assert html.count("Not confirmed yet") == 2  # trainee and tutor
    assert '<strong class="nhsuk-tag nhsuk-tag--yellow">Due soon</strong>' in html
    assert "Record a review" not in html  # the trainee cannot record one


def test_review_list_takes_the_same_queries_for_1_and_4_reviews(client, world):
    client.force_login(world.lead)
    url = reverse("cohorts:review_list", args=[world.enrolment.pk])
    review = world.record(held_on=TODAY() - 4 * WEEK)
    services.review_confirm(actor=world.trainee, review=review)
    client.get(url)  # warm caches (roles, session)
    one = _queries(lambda: client.get(url))
    for weeks in (3, 2, 1):
        review = world.record(held_on=TODAY() - weeks * WEEK)
        services.review_confirm(actor=world.mentor, review=review)
        services.review_confirm(actor=world.tutor, review=review)
    response = client.get(url)
    assert response.content.decode().count("Ask for sign-off of CLS2") == 4
    assert _queries(lambda: client.get(url)) == one


def test_a_tampered_form_is_an_error_not_a_crash(client, world):
    client.force_login(world.tutor)
    data = _form(world)
    del data["actions-TOTAL_FORMS"]
    response = client.post(reverse("cohorts:review_add", args=[world.enrolment.pk]), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Review.objects.count() == 0


def test_confirm_through_the_page(client, world):
    review = world.record()
    client.force_login(world.trainee)
    detail = reverse("cohorts:review_detail", args=[review.pk])
    assert "Confirm this review" in client.get(detail).content.decode()
    response = client.post(reverse("cohorts:review_confirm", args=[review.pk]), follow=True)
    assert response.redirect_chain[-1][0] == detail
    html = response.content.decode()
    assert "You have confirmed this review" in html
    assert "Confirm this review" not in html
    assert review.confirmations.get().person == world.trainee
    again = client.post(reverse("cohorts:review_confirm", args=[review.pk]), follow=True)
    assert "You have already confirmed this review" in again.content.decode()
    assert review.confirmations.count() == 1


def test_confirm_is_post_only(client, world):
    review = world.record()
    client.force_login(world.trainee)
    assert client.get(reverse("cohorts:review_confirm", args=[review.pk])).status_code == 405
    assert review.confirmations.count() == 0


def test_complete_an_action_through_the_page(client, world):
    review = world.record()
    action = review.actions.get(owner=world.trainee)
    client.force_login(world.trainee)
    html = client.get(reverse("cohorts:review_detail", args=[review.pk])).content.decode()
    assert html.count("Mark as done") == 1  # only the trainee's own action
    response = client.post(reverse("cohorts:review_action_complete", args=[action.pk]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_on == TODAY()


def test_reviews_due_for_the_lead_nurse_and_for_a_mentor(client, world):
    fine = factories.enrol(world.cohort)
    _review_on(fine, TODAY() - WEEK, world.lead)
    client.force_login(world.lead)
    html = client.get(reverse("cohorts:reviews_due")).content.decode()
    assert "<caption" in html
    assert world.trainee.full_name in html and world.other_trainee.full_name in html
    assert fine.trainee.full_name not in html
    assert '<strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>' in html
    client.force_login(world.mentor)
    html = client.get(reverse("cohorts:reviews_due")).content.decode()
    assert world.trainee.full_name in html
    assert world.other_trainee.full_name not in html


def test_reviews_due_takes_the_same_queries_for_few_and_many(client, world):
    client.force_login(world.lead)
    url = reverse("cohorts:reviews_due")
    client.get(url)  # warm caches (roles, session)
    few = _queries(lambda: client.get(url))
    for _ in range(8):
        factories.enrol(world.cohort)
    assert _queries(lambda: client.get(url)) == few


def test_reviews_due_come_a_page_at_a_time(client, world, monkeypatch):
    monkeypatch.setattr("pathway.paging.PAGE_SIZE", 2)
    for _ in range(3):
        factories.enrol(world.cohort)  # never reviewed: due
    client.force_login(world.lead)
    url = reverse("cohorts:reviews_due")
    first = client.get(url).content.decode()
    assert first.count('<tr class="nhsuk-table__row">') == 3  # the header row and two
    assert "most urgent first (5)" in first and 'href="?page=2"' in first
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count('<tr class="nhsuk-table__row">') == 2


# Refusals: one per role per page ------------------------------------------------------------


def _pages(world):
    review = world.record()
    action = review.actions.get(owner=world.trainee)
    return {
        "review_list": ("get", reverse("cohorts:review_list", args=[world.enrolment.pk])),
        "review_add": ("get", reverse("cohorts:review_add", args=[world.enrolment.pk])),
        "review_add_post": ("post", reverse("cohorts:review_add", args=[world.enrolment.pk])),
        "review_detail": ("get", reverse("cohorts:review_detail", args=[review.pk])),
        "review_confirm": ("post", reverse("cohorts:review_confirm", args=[review.pk])),
        "action_complete": (
            "post",
            reverse("cohorts:review_action_complete", args=[action.pk]),
        ),
    }


PAGES = [
    "review_list",
    "review_add",
    "review_add_post",
    "review_detail",
    "review_confirm",
    "action_complete",
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, world, page):
    method, url = _pages(world)[page]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["other_trainee", "stranger_mentor", "stranger_tutor"])
def test_people_with_no_part_in_the_trainee_are_refused(client, world, page, who):
    method, url = _pages(world)[page]
    client.force_login(getattr(world, who))
    assert getattr(client, method)(url).status_code == 403
    assert ReviewConfirmation.objects.count() == 0
    assert ReviewAction.objects.filter(done_on__isnull=False).count() == 0
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    ("page", "status"),
    [
        ("review_list", 200),
        ("review_detail", 200),
        ("review_add", 403),
        ("review_add_post", 403),
        ("review_confirm", 403),
        ("action_complete", 403),
    ],
)
def test_the_trainees_manager_can_read_but_not_record(client, world, page, status):
    method, url = _pages(world)[page]
    client.force_login(world.manager)
    assert getattr(client, method)(url).status_code == status
    assert Review.objects.count() == 1
    assert ReviewConfirmation.objects.count() == 0


def test_a_mentor_who_does_not_own_an_action_cannot_complete_it(client, world):
    method, url = _pages(world)["action_complete"]
    client.force_login(world.mentor)
    assert client.post(url).status_code == 403
    assert ReviewAction.objects.filter(done_on__isnull=False).count() == 0


def test_reviews_due_refusals(client, world):
    url = reverse("cohorts:reviews_due")
    assert client.get(url).url.startswith("/sign-in/")
    for person in (world.trainee, world.manager):
        client.force_login(person)
        assert client.get(url).status_code == 403
    for person in (world.educator, world.tutor, world.mentor, world.lead):
        client.force_login(person)
        assert client.get(url).status_code == 200


# Demo data ----------------------------------------------------------------------------------


def test_the_demo_has_reviews_with_exactly_one_overdue_in_the_second_cohort():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # safe twice: nothing is added

    second = Cohort.objects.get(name="Cohort 2")
    rows = review_schedule(second)
    statuses = [row.status for row in rows]
    assert len(rows) == 16
    assert statuses.count(DueStatus.OVERDUE) == 1
    assert statuses.count(DueStatus.DUE_SOON) == 2
    assert statuses.count(DueStatus.ON_BREAK) == 1
    assert Review.objects.filter(enrolment__cohort=second).count() == 15
    assert set(Review.objects.filter(enrolment__cohort=second).values_list("rag", flat=True)) == {
        "red",
        "amber",
        "green",
    }
    second_confirmations = ReviewConfirmation.objects.filter(review__enrolment__cohort=second)
    assert 40 <= second_confirmations.count() < 45  # mostly complete

    first = Cohort.objects.get(name="Cohort 1")
    for enrolment in first.enrolments.all():
        reviews = enrolment.reviews.all()
        assert reviews.count() == 4
        assert all(review.confirmations.count() == 3 for review in reviews)
    assert not Review.objects.filter(held_on__gt=TODAY()).exists()


def test_completing_an_action_twice_through_the_page_is_one_effect_and_a_normal_page(client, world):
    """A double press of "Mark as done" (issue 14, point 10): done once, and the second press
    is told so on the review's page, not given an error page."""
    review = world.record()
    action = review.actions.get(owner=world.mentor)
    client.force_login(world.mentor)
    url = reverse("cohorts:review_action_complete", args=[action.pk])
    first = client.post(url)
    again = client.post(url, follow=True)
    assert first.status_code == 302 and again.status_code == 200
    assert "already marked as done" in again.content.decode()
    action.refresh_from_db()
    assert action.done_on == TODAY()
