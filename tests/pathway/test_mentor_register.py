"""The mentor register: preparation status rules, recording dates, and the confirmation asked
when allocating a trainee to a mentor who is not prepared or is out of date."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cohorts.services.enrolment_import import EnrolmentImportError, enrolment_import
from pathway import selectors, services
from pathway.models import Allocation, MentorPreparation
from pathway.preparation import PreparationStatus, add_months, preparation_status
from tests import factories
from tests.cohorts import test_enrolment_import as enrolment_tests

# The enrolment import tests' fixtures and files, reused here.
FIXTURES = enrolment_tests.FIXTURES
areas = enrolment_tests.areas
competencies = enrolment_tests.competencies
cohort = enrolment_tests.cohort
people = enrolment_tests.people

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 15)


@pytest.mark.parametrize(
    ("prepared", "update", "status"),
    [
        (None, None, PreparationStatus.NOT_PREPARED),
        (D(2025, 6, 15), None, PreparationStatus.DUE_SOON),  # due today
        (D(2025, 6, 14), None, PreparationStatus.OVERDUE),  # due yesterday
        (D(2025, 7, 15), None, PreparationStatus.DUE_SOON),  # due in exactly 30 days
        (D(2025, 7, 16), None, PreparationStatus.PREPARED),  # due in 31 days
        (D(2020, 1, 1), D(2026, 1, 1), PreparationStatus.PREPARED),  # the update counts
        (D(2020, 1, 1), D(2025, 6, 1), PreparationStatus.OVERDUE),
    ],
)
def test_preparation_status_boundaries(prepared, update, status):
    assert preparation_status(prepared, update, TODAY) == status


def test_a_year_after_29_february_is_28_february():
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2026, 1, 31), -2) == D(2025, 11, 30)


def test_lead_nurse_records_preparation_and_the_register_shows_it(lead_nurse):
    mentor = factories.UnpreparedMentorFactory(full_name="Una Prepared")
    today = timezone.localdate()
    services.mentor_preparation_record(
        actor=lead_nurse,
        mentor=mentor,
        prepared_on=today - datetime.timedelta(days=400),
        last_update_on=today - datetime.timedelta(days=10),
    )
    entry = next(e for e in selectors.mentor_register() if e.mentor == mentor)
    assert entry.status == PreparationStatus.PREPARED
    assert entry.update_due_on == add_months(today - datetime.timedelta(days=10), 12)


def test_an_educator_records_too_and_bad_dates_are_refused():
    educator = factories.PracticeEducatorFactory()
    mentor = factories.UnpreparedMentorFactory()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.mentor_preparation_record(
            actor=educator,
            mentor=mentor,
            prepared_on=today,
            last_update_on=today - datetime.timedelta(days=1),
        )
    assert "last_update_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.mentor_preparation_record(
            actor=educator, mentor=mentor, prepared_on=today + datetime.timedelta(days=1)
        )
    with pytest.raises(ValidationError):  # not a mentor
        services.mentor_preparation_record(
            actor=educator, mentor=factories.TutorFactory(), prepared_on=today
        )
    assert not MentorPreparation.objects.filter(mentor=mentor).exists()
    services.mentor_preparation_record(actor=educator, mentor=mentor, prepared_on=today)
    assert MentorPreparation.objects.get(mentor=mentor).recorded_by == educator


@pytest.mark.parametrize(
    "factory",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.ManagerFactory,
        factories.AdministratorFactory,
    ],
    ids=["trainee", "mentor", "tutor", "manager", "administrator"],
)
def test_only_the_lead_nurse_and_educators_keep_the_register(factory):
    mentor = factories.UnpreparedMentorFactory()
    with pytest.raises(PermissionDenied):
        services.mentor_preparation_record(
            actor=factory(), mentor=mentor, prepared_on=timezone.localdate()
        )
    assert not MentorPreparation.objects.filter(mentor=mentor).exists()


def _allocate(lead, mentor, **extra):
    return services.allocation_create(
        actor=lead,
        trainee=factories.TraineeFactory(),
        supporter=mentor,
        kind=Allocation.Kind.MENTOR,
        start_date=timezone.localdate(),
        **extra,
    )


def test_an_unprepared_mentor_is_allocated_only_with_confirmation(lead_nurse):
    mentor = factories.UnpreparedMentorFactory(full_name="Nat New")
    with pytest.raises(ValidationError) as error:
        _allocate(lead_nurse, mentor)
    assert "Nat New has no mentor preparation" in error.value.message_dict["confirm_unprepared"][0]
    assert Allocation.objects.count() == 0
    assert _allocate(lead_nurse, mentor, confirm_unprepared=True).supporter == mentor


def test_a_mentor_out_of_date_needs_confirmation_and_one_due_soon_does_not(lead_nurse):
    today = timezone.localdate()
    overdue = factories.MentorPreparationFactory(prepared_on=add_months(today, -13)).mentor
    due_soon = factories.MentorPreparationFactory(
        prepared_on=add_months(today, -12) + datetime.timedelta(days=10)
    ).mentor
    with pytest.raises(ValidationError, match="out of date"):
        _allocate(lead_nurse, overdue)
    assert _allocate(lead_nurse, due_soon).supporter == due_soon


def _post(client, trainee, mentor, **extra):
    today = timezone.localdate()
    return client.post(
        reverse("pathway:allocation_add", args=[trainee.pk]),
        {
            "kind": "mentor",
            "supporter": mentor.pk,
            "start_date_day": today.day,
            "start_date_month": today.month,
            "start_date_year": today.year,
            **extra,
        },
    )


def test_the_allocation_page_warns_and_asks_for_confirmation(client, lead_nurse):
    trainee = factories.TraineeFactory()
    mentor = factories.UnpreparedMentorFactory(full_name="Nat New")
    client.force_login(lead_nurse)
    get = client.get(reverse("pathway:allocation_add", args=[trainee.pk])).content.decode()
    assert "I understand" not in get  # only asked when needed
    html = _post(client, trainee, mentor).content.decode()
    assert "There is a problem" in html
    assert 'data-testid="unprepared-warning"' in html
    assert "Nat New has no mentor preparation in the mentor register" in html
    assert 'name="confirm_unprepared"' in html
    assert Allocation.objects.count() == 0
    response = _post(client, trainee, mentor, confirm_unprepared="on")
    assert response.status_code == 302
    assert Allocation.objects.get().supporter == mentor


def test_enrolment_import_asks_for_confirmation_for_an_unprepared_mentor(cohort, people):
    MentorPreparation.objects.filter(mentor=people["mentor"]).delete()
    with pytest.raises(EnrolmentImportError) as error:
        enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good.csv")
    assert error.value.needs_confirmation
    assert any("Sam Patel has no mentor preparation" in line for line in error.value.lines)
    assert Allocation.objects.count() == 0
    result = enrolment_import(
        actor=None, cohort=cohort, source=FIXTURES / "good.csv", confirm_unprepared=True
    )
    assert any(a.supporter == people["mentor"] for a in result.allocations)


def test_enrolment_import_page_shows_the_confirmation(client, lead_nurse, cohort, people):
    MentorPreparation.objects.filter(mentor=people["mentor"]).delete()
    client.force_login(lead_nurse)
    url = reverse("cohorts:enrolment_import", args=[cohort.pk])
    data = (FIXTURES / "good.csv").read_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    html = client.post(url, {"file": SimpleUploadedFile("good.csv", data)}).content.decode()
    assert 'data-testid="unprepared-warning"' in html and 'name="confirm_unprepared"' in html
    assert Allocation.objects.count() == 0
    response = client.post(
        url, {"file": SimpleUploadedFile("good.csv", data), "confirm_unprepared": "on"}
    )
    assert response.status_code == 302
    assert Allocation.objects.filter(supporter=people["mentor"]).exists()


def test_updates_due_soon_are_those_the_full_register_finds(lead_nurse):
    """National scale (issue #18): the register's "due within 30 days" list is a query of its
    own, narrowed by date in SQL; it finds exactly the mentors the full register flags, on days
    around each edge (a year after 29 February included)."""
    today = timezone.localdate()
    for days_ago in (300, 330, 334, 335, 336, 340, 360, 364, 365, 366, 367, 400):
        mentor = factories.UnpreparedMentorFactory()
        MentorPreparation.objects.create(
            mentor=mentor, prepared_on=today - datetime.timedelta(days=days_ago)
        )
    leap = factories.UnpreparedMentorFactory()
    MentorPreparation.objects.create(
        mentor=leap,
        prepared_on=datetime.date(2020, 1, 1),
        last_update_on=datetime.date(2024, 2, 29),
    )
    factories.UnpreparedMentorFactory()  # never prepared
    for day in (
        today,
        today + datetime.timedelta(days=20),
        datetime.date(2025, 1, 29),
        datetime.date(2025, 2, 28),
        datetime.date(2025, 3, 1),
    ):
        due = [e for e in selectors.mentor_register(today=day) if e.due_within_30_days]
        expected = [e.mentor for e in sorted(due, key=lambda e: e.update_due_on)]  # stable: names
        assert list(selectors.mentors_due_soon(today=day)) == expected
        first = selectors.mentor_updates_due_soon(today=day, first=2)
        assert [e.mentor for e in first.entries] == expected[:2]
        assert (first.total, first.more) == (len(expected), max(len(expected) - 2, 0))
    leap_day = selectors.mentor_updates_due_soon(today=datetime.date(2025, 2, 28))
    assert leap_day.entries[0].mentor == leap


def test_the_dates_due_soon_are_one_range_of_latest_dates_on_every_day():
    """The range the due-soon query reads, against the status itself, for each day of three
    years (a leap year's 28 and 29 February included) and every latest date near it."""
    day = datetime.date(2023, 1, 1)
    while day < datetime.date(2026, 1, 1):
        low, high = selectors._latest_between(day, day + datetime.timedelta(days=30))
        near = [day - datetime.timedelta(days=n) for n in range(300, 400)]
        due_soon = [
            latest
            for latest in near
            if preparation_status(latest, None, day) == PreparationStatus.DUE_SOON
        ]
        assert [latest for latest in near if low <= latest <= high] == due_soon, day
        day += datetime.timedelta(days=1)


def test_the_register_page_reads_the_same_queries_for_more_mentors(client, lead_nurse):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(lead_nurse)
    url = reverse("support:mentor_register")
    factories.MentorFactory()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(55):
        factories.MentorFactory()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert len(response.context["entries"]) == 50
