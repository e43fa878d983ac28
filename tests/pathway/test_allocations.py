import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from pathway import services
from pathway.models import Allocation
from tests import factories

pytestmark = pytest.mark.django_db


def test_lead_nurse_allocates_a_registered_mentor(lead_nurse):
    trainee, mentor = factories.TraineeFactory(), factories.MentorFactory()
    allocation = services.allocation_create(
        actor=lead_nurse,
        trainee=trainee,
        supporter=mentor,
        kind=Allocation.Kind.MENTOR,
        start_date=timezone.localdate(),
    )
    assert allocation.is_current()


@pytest.mark.parametrize(
    "factory",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.PracticeEducatorFactory,
        factories.ManagerFactory,
    ],
)
def test_only_the_lead_nurse_allocates(factory):
    with pytest.raises(PermissionDenied):
        services.allocation_create(
            actor=factory(),
            trainee=factories.TraineeFactory(),
            supporter=factories.MentorFactory(),
            kind=Allocation.Kind.MENTOR,
            start_date=timezone.localdate(),
        )
    assert Allocation.objects.count() == 0


def test_mentor_must_hold_the_role_and_a_registration(lead_nurse):
    trainee = factories.TraineeFactory()
    not_a_mentor = factories.TutorFactory()
    with pytest.raises(ValidationError) as error:
        services.allocation_create(
            actor=lead_nurse,
            trainee=trainee,
            supporter=not_a_mentor,
            kind=Allocation.Kind.MENTOR,
            start_date=timezone.localdate(),
        )
    assert "supporter" in error.value.message_dict
    unregistered = factories.UserFactory(roles=["mentor"])
    with pytest.raises(ValidationError, match="registered nurse"):
        services.allocation_create(
            actor=lead_nurse,
            trainee=trainee,
            supporter=unregistered,
            kind=Allocation.Kind.MENTOR,
            start_date=timezone.localdate(),
        )


def test_allocation_page_saves_and_shows_on_the_trainee(client, lead_nurse):
    trainee, mentor = factories.TraineeFactory(), factories.MentorFactory(full_name="Mo Mentor")
    client.force_login(lead_nurse)
    today = timezone.localdate()
    response = client.post(
        reverse("pathway:allocation_add", args=[trainee.pk]),
        {
            "kind": "mentor",
            "supporter": mentor.pk,
            "start_date_day": today.day,
            "start_date_month": today.month,
            "start_date_year": today.year,
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("pathway:person_detail", args=[trainee.pk]))
    assert "Mo Mentor" in page.content.decode()
    assert Allocation.objects.get().supporter == mentor


def test_allocation_page_with_mistakes_keeps_input_and_writes_nothing(client, lead_nurse):
    trainee, mentor = factories.TraineeFactory(), factories.MentorFactory()
    client.force_login(lead_nurse)
    response = client.post(
        reverse("pathway:allocation_add", args=[trainee.pk]),
        {
            "kind": "mentor",
            "supporter": mentor.pk,
            "start_date_day": "31",
            "start_date_month": "2",
            "start_date_year": "2026",
            "end_date_day": "1",
            "end_date_month": "",
            "end_date_year": "2026",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "The start date must be a real date" in html
    assert "The end date must include a month" in html
    assert 'value="31"' in html  # what was typed is kept
    assert html.count("<title>Error: ") == 1
    assert Allocation.objects.count() == 0


def test_mentor_without_registration_is_refused_on_the_page(client, lead_nurse):
    trainee = factories.TraineeFactory()
    unregistered = factories.UserFactory(roles=["mentor"], full_name="Una Registered")
    client.force_login(lead_nurse)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("pathway:allocation_add", args=[trainee.pk]),
        {
            "kind": "mentor",
            "supporter": unregistered.pk,
            "start_date_day": yesterday.day,
            "start_date_month": yesterday.month,
            "start_date_year": yesterday.year,
        },
    )
    assert response.status_code == 200
    assert "must be a registered nurse" in response.content.decode()
    assert Allocation.objects.count() == 0


@pytest.mark.parametrize(
    "factory",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.PracticeEducatorFactory,
        factories.ManagerFactory,
    ],
)
def test_allocation_page_refuses_other_roles(client, factory):
    trainee = factories.TraineeFactory()
    client.force_login(factory())
    url = reverse("pathway:allocation_add", args=[trainee.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "mentor"}).status_code == 403


def test_allocation_page_sends_anonymous_to_sign_in(client):
    trainee = factories.TraineeFactory()
    response = client.get(reverse("pathway:allocation_add", args=[trainee.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_person_page_is_shown_to_those_with_a_part_and_does_not_exist_for_others(client):
    record, mentor, _ = factories.enrolled_trainee()
    trainee = record.trainee
    url = reverse("pathway:person_detail", args=[trainee.pk])
    missing = reverse("pathway:person_detail", args=[trainee.pk + 1000])
    for reader in (trainee, mentor, factories.LeadNurseFactory(), factories.AdministratorFactory()):
        client.force_login(reader)
        assert client.get(url).status_code == 200, reader
    for stranger in (
        factories.TraineeFactory(),
        factories.MentorFactory(),
        factories.TutorFactory(),
        factories.PracticeEducatorFactory(),
        factories.ManagerFactory(),
    ):
        client.force_login(stranger)
        assert client.get(url).status_code == 404, stranger
        assert client.get(missing).status_code == 404, stranger


def test_allocating_to_someone_who_is_not_a_trainee_is_refused_and_a_missing_one_is_404(
    client, lead_nurse
):
    client.force_login(lead_nurse)
    mentor = factories.MentorFactory()
    assert client.get(reverse("pathway:allocation_add", args=[mentor.pk])).status_code == 403
    assert client.get(reverse("pathway:allocation_add", args=[mentor.pk + 1000])).status_code == 404
