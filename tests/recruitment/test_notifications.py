"""Recruitment tells the people it waits on: the manager asked for support, the applicant
offered a place or turned down by their manager."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Kind, Notification
from tests import factories

pytestmark = pytest.mark.django_db


def test_applying_asks_the_named_manager_for_support():
    recruitment = factories.open_round()
    manager = factories.ManagerFactory()
    application = factories.make_application(recruitment, manager=manager)
    [notification] = Notification.objects.filter(recipient=manager)
    assert notification.kind == Kind.SUPPORT_REQUESTED
    assert application.applicant.full_name in notification.subject
    assert notification.url == reverse("recruitment:support_decide", args=[application.pk])


def test_an_offer_tells_the_applicant():
    application = factories.make_application(factories.open_round(), status="offered")
    [notification] = Notification.objects.filter(recipient=application.applicant)
    assert notification.kind == Kind.APPLICATION_DECIDED
    assert "offered a place" in notification.subject
    assert notification.url == reverse("recruitment:application_detail", args=[application.pk])


def test_support_declined_tells_the_applicant_why():
    application = factories.make_application(factories.open_round(), status="not_supported")
    [notification] = Notification.objects.filter(recipient=application.applicant)
    assert "cannot support" in notification.subject
    assert "Not this year" in notification.body


def test_support_given_is_not_a_notification_to_the_applicant():
    application = factories.make_application(factories.open_round(), status="supported")
    assert not Notification.objects.filter(recipient=application.applicant).exists()


# Finding the pages from the header ------------------------------------------------------------


def test_band_3_staff_find_their_applications_in_the_header(client):
    client.force_login(factories.Band3StaffFactory())
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("recruitment:my_applications")}"' in page


def test_managers_find_support_requests_in_the_header(client):
    client.force_login(factories.ManagerFactory())
    page = client.get(reverse("pathway:account")).content.decode()
    assert f'href="{reverse("recruitment:support_requests")}"' in page
    assert reverse("recruitment:my_applications") not in page
