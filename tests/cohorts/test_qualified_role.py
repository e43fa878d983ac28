"""Qualified assistant practitioners no longer carry the trainee role (issue 16, point 7): the
service that records qualifying gives the assistant practitioner role instead, and the demo
and existing data follow."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from pathway.models import RoleCode
from pathway.navigation import items_for
from tests import factories

pytestmark = pytest.mark.django_db

AP = RoleCode.ASSISTANT_PRACTITIONER


def _finished_cohort():
    framework, _ = factories.published_framework_with(core=2)
    today = datetime.date.today()
    return factories.CohortFactory(
        framework=framework,
        status="running",
        intake_date=today - datetime.timedelta(weeks=60),
        planned_end_date=today - datetime.timedelta(weeks=8),
    )


def test_qualifying_swaps_the_trainee_role_for_the_assistant_practitioner_role(client):
    enrolment = factories.qualified_enrolment(_finished_cohort())
    person = type(enrolment.trainee).objects.get(pk=enrolment.trainee_id)
    assert person.has_role(AP) and not person.has_role(RoleCode.TRAINEE)

    # Their record and pathway stay theirs: the menu and the landing page follow the role.
    labels = [item["label"] for item in items_for(person)]
    assert "My progress" in labels and "My pathway" in labels
    assert "My programme" not in labels
    client.force_login(person)
    response = client.get(reverse("home"))
    assert response.url == reverse("competencies:my_progress")
    assert client.get(response.url).status_code == 200


def test_completing_alone_keeps_the_trainee_role():
    from cohorts.services.cohorts import enrolment_change_status

    enrolment = factories.enrol(_finished_cohort())
    enrolment_change_status(actor=None, enrolment=enrolment, status="completed")
    person = type(enrolment.trainee).objects.get(pk=enrolment.trainee_id)
    assert person.has_role(RoleCode.TRAINEE) and not person.has_role(AP)


def test_someone_without_either_role_is_refused_my_progress(client):
    client.force_login(factories.UserFactory())
    assert client.get(reverse("competencies:my_progress")).status_code == 403


def test_the_data_migration_moves_people_who_qualified_before_the_service_did():
    enrolment = factories.qualified_enrolment(_finished_cohort())
    person = type(enrolment.trainee).objects.get(pk=enrolment.trainee_id)
    # As the data stood before: qualified, yet still holding the trainee role only.
    person.roles.clear()
    person.grant_roles(RoleCode.TRAINEE)
    still_training = factories.enrol(_finished_cohort())

    migration = importlib.import_module(
        "cohorts.migrations.0004_qualified_are_assistant_practitioners"
    )
    migration.qualified_become_assistant_practitioners(apps, None)

    person = type(person).objects.get(pk=person.pk)
    assert person.has_role(AP) and not person.has_role(RoleCode.TRAINEE)
    other = type(person).objects.get(pk=still_training.trainee_id)
    assert other.has_role(RoleCode.TRAINEE) and not other.has_role(AP)


def test_the_demo_first_cohort_are_assistant_practitioners():
    from django.core.management import call_command

    call_command("seed_demo", stdout=__import__("io").StringIO())
    from cohorts.models import Enrolment

    qualified = Enrolment.objects.filter(status="qualified").select_related("trainee")
    assert qualified
    for enrolment in qualified:
        roles = set(enrolment.trainee.roles.values_list("code", flat=True))
        assert AP in roles and RoleCode.TRAINEE not in roles, enrolment.trainee
