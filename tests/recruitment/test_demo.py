"""The demo: the second cohort's recruitment history and the third cohort open now; funding
for the first and second cohorts; twice is safe and changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cohorts.models import Cohort
from funding import selectors as funding_selectors
from funding.models import CostLine, FundingSource
from pathway.models import User
from recruitment import selectors
from recruitment.models import Application, ApplicationEvent, RecruitmentRound

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(
        m.objects.count()
        for m in (RecruitmentRound, Application, ApplicationEvent, FundingSource, CostLine, User)
    )


def test_demo_recruitment_and_funding_and_twice_is_safe():
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first

    second = RecruitmentRound.objects.get(cohort__name="Cohort 2")
    figures = selectors.figures_of(second)
    assert (figures.applications, figures.shortlisted, figures.offered, figures.enrolled) == (
        23,
        19,
        17,
        16,
    )
    assert Application.objects.filter(round=second, enrolment__isnull=False).count() == 16

    third = RecruitmentRound.objects.get(cohort__name="Cohort 3")
    assert third.is_open()
    states = set(Application.objects.filter(round=third).values_list("status", flat=True))
    assert states == {
        "awaiting_support",
        "supported",
        "not_supported",
        "shortlisted",
        "appointable",
        "offered",
        "accepted",
    }

    finances = {f.cohort.name: f for f in funding_selectors.finances()}
    one, two = finances["Cohort 1"], finances["Cohort 2"]
    assert one.qualified == 5 and one.cost_per_qualified is not None
    assert two.qualified == 0 and two.cost_per_qualified is None
    assert two.trainees == 16 and two.cost_per_trainee is not None
    assert one.funding > 0 and two.costs > 0

    # The demo people's pages answer.
    lead = User.objects.get(email="lead.nurse@example.nhs.uk")
    client = Client()
    client.force_login(lead)
    for url in (
        reverse("recruitment:index"),
        reverse("recruitment:round_detail", args=[third.pk]),
        reverse("recruitment:round_detail", args=[second.pk]),
        reverse("funding:index"),
        reverse("funding:cohort_detail", args=[Cohort.objects.get(name="Cohort 1").pk]),
    ):
        assert client.get(url).status_code == 200, url
    manager = User.objects.get(email="angela.brooks@example.nhs.uk")
    client.force_login(manager)
    page = client.get(reverse("recruitment:support_requests")).content.decode()
    assert "Zoe Fairbairn" in page
    olivia = User.objects.get(email="olivia.dunn@example.nhs.uk")
    client.force_login(olivia)
    page = client.get(reverse("recruitment:my_applications")).content.decode()
    assert reverse("recruitment:apply", args=[third.pk]) in page
