"""The practice educator team's demo data: built by seed_demo, safe to run twice."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from pathway.models import MentorPreparation, RoleCode, User
from pathway.preparation import PreparationStatus
from pathway.selectors import mentor_register
from support.models import MentorCaseload, SupportLog

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_gives_logs_register_and_mentor_caseloads(client):
    call_command("seed_demo", verbosity=0)
    counts = (
        SupportLog.objects.count(),
        MentorCaseload.objects.count(),
        MentorPreparation.objects.count(),
    )
    call_command("seed_demo", verbosity=0)
    assert counts == (
        SupportLog.objects.count(),
        MentorCaseload.objects.count(),
        MentorPreparation.objects.count(),
    )
    assert all(counts)
    statuses = {entry.status for entry in mentor_register()}
    assert {
        PreparationStatus.PREPARED,
        PreparationStatus.DUE_SOON,
        PreparationStatus.OVERDUE,
        PreparationStatus.NOT_PREPARED,
    } <= statuses
    educator = User.objects.filter(roles__code=RoleCode.PRACTICE_EDUCATOR).order_by("pk").first()
    client.force_login(educator)
    html = client.get(reverse("support:caseload")).content.decode()
    assert 'data-testid="caseload-trainees"' in html
    assert 'data-testid="caseload-mentors"' in html
    assert 'data-testid="recent-support"' in html
