import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from pathway.models import Allocation, RoleCode, User
from tests import factories

pytestmark = pytest.mark.django_db


def test_email_is_the_username_and_is_stored_lower_case():
    user = User.objects.create_user(email="Sam.Patel@Trust.NHS.uk", password="x", full_name="Sam")
    assert user.email == "sam.patel@trust.nhs.uk"
    assert User.objects.get_by_natural_key("SAM.PATEL@trust.nhs.uk") == user


def test_email_must_be_unique():
    factories.UserFactory(email="a@trust.nhs.uk")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.UserFactory(email="a@trust.nhs.uk")


def test_employee_number_unique_only_when_given():
    factories.UserFactory(employee_number="")
    factories.UserFactory(employee_number="")  # blanks never collide
    factories.UserFactory(employee_number="E1")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.UserFactory(employee_number="E1")


def test_registration_body_needs_a_number():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.UserFactory(registration_body="NMC", registration_number="")


def test_one_person_can_combine_roles():
    person = factories.MentorFactory()
    person.grant_roles(RoleCode.MANAGER)
    person = User.objects.get(pk=person.pk)
    assert person.has_role(RoleCode.MENTOR)
    assert person.has_role(RoleCode.MANAGER)
    assert not person.has_role(RoleCode.LEAD_NURSE)


def test_superuser_is_an_administrator():
    admin = User.objects.create_superuser(email="root@trust.nhs.uk", password="x", full_name="R")
    assert admin.has_role(RoleCode.ADMINISTRATOR)
    assert admin.is_staff


def test_allocation_is_current_between_its_dates():
    today = timezone.localdate()
    past = factories.AllocationFactory(
        start_date=today - datetime.timedelta(days=60), end_date=today - datetime.timedelta(days=1)
    )
    now = factories.AllocationFactory(start_date=today, end_date=today)
    future = factories.AllocationFactory(start_date=today + datetime.timedelta(days=1))
    open_ended = factories.AllocationFactory(start_date=today - datetime.timedelta(days=5))
    current = set(Allocation.objects.current())
    assert current == {now, open_ended}
    assert not past.is_current() and not future.is_current() and now.is_current()


def test_allocation_cannot_end_before_it_starts():
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AllocationFactory(start_date=today, end_date=today - datetime.timedelta(days=1))


def test_nobody_supports_themselves():
    person = factories.MentorFactory()
    person.grant_roles(RoleCode.TRAINEE)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AllocationFactory(trainee=person, supporter=person)


def test_superuser_status_does_not_bypass_our_rules():
    admin = factories.AdministratorFactory()
    assert admin.is_superuser
    assert not admin.has_perm("pathway.manage_allocations")
    assert admin.has_perm("pathway.manage_people")  # the rule grants administrators this
    assert admin.has_perm("pathway.view_user")  # Django's own model permissions still apply
