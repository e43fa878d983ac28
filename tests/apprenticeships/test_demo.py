"""The demo's second cohort as an ST0215 apprenticeship: built by seed_demo, safe to run twice."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from apprenticeships.models import Apprenticeship, SkillsScan
from apprenticeships.selectors import coverage
from cohorts.models import Cohort
from competencies.models import ApprenticeshipStandard, Ksb
from pathway.models import RoleCode, User

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_the_second_cohort_an_st0215_apprenticeship(client):
    call_command("seed_demo", verbosity=0)
    counts = (Ksb.objects.count(), Apprenticeship.objects.count(), SkillsScan.objects.count())
    call_command("seed_demo", verbosity=0)
    assert counts == (
        Ksb.objects.count(),
        Apprenticeship.objects.count(),
        SkillsScan.objects.count(),
    )
    standard = ApprenticeshipStandard.objects.get(reference="ST0215")
    assert standard.level == 5 and 15 <= standard.ksbs.count() <= 25
    second = Cohort.objects.get(name="Cohort 2")
    assert second.programme.apprenticeship.standard == standard
    assert Apprenticeship.objects.filter(enrolment__cohort=second).count() == (
        second.enrolments.count()
    )
    framework = second.framework
    covered = coverage.framework_coverage(standard, framework)
    assert covered.covered_count >= len(covered.rows) - 3  # a few KSBs left for the demo to show
    scan = SkillsScan.objects.get()
    assert scan.is_complete and scan.hours_reduction == 40
    assert scan.apprenticeship.planned_otj_hours == standard.minimum_otj_hours - 40
    # Some second-cohort apprentice has KSBs evidenced by their sign-offs.
    assert any(
        coverage.apprentice_coverage(a).evidenced
        for a in Apprenticeship.objects.filter(enrolment__cohort=second)
    )
    lead = User.objects.filter(roles__code=RoleCode.LEAD_NURSE).order_by("pk").first()
    client.force_login(lead)
    page = client.get(reverse("apprenticeships:apprentice", args=[scan.apprenticeship.pk]))
    assert "Reduced by 40 hours" in page.content.decode()
