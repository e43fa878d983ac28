import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from competencies.models import Assessment, Framework, SignOffRequest, TrainingRecord
from pathway.models import Allocation, RoleCode, User

ROOT = Path(__file__).resolve().parents[2]


def _counts():
    return {
        "users": User.objects.count(),
        "allocations": Allocation.objects.count(),
        "frameworks": Framework.objects.count(),
        "records": TrainingRecord.objects.count(),
        "assessments": Assessment.objects.count(),
        "requests": SignOffRequest.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_builds_the_case_study_programme_and_is_safe_twice():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first

    trainees = User.objects.filter(roles__code=RoleCode.TRAINEE)
    assert trainees.count() == 21  # 5 in the first cohort, 16 in the second
    assert TrainingRecord.objects.filter(is_active=False).count() == 5
    assert TrainingRecord.objects.filter(is_active=True).count() == 16
    educators = User.objects.filter(roles__code=RoleCode.PRACTICE_EDUCATOR)
    assert sorted(educators.values_list("band", flat=True)) == ["5", "5", "6"]
    assert User.objects.filter(roles__code=RoleCode.TUTOR).count() == 2
    assert Framework.objects.get().status == Framework.Status.PUBLISHED

    printed = out.getvalue()
    for role in ("Trainee", "Mentor", "Tutor", "Practice educator", "Lead nurse", "Ward manager"):
        assert role in printed
    assert "Password for every demo account" in printed


@pytest.mark.django_db
def test_demo_mentor_has_a_queue_and_demo_trainee_a_not_yet_competent():
    call_command("seed_demo", stdout=StringIO())
    mentor = User.objects.get(email="sarah.mitchell@example.nhs.uk")
    trainee = User.objects.get(email="tom.barker@example.nhs.uk")
    assert SignOffRequest.objects.filter(mentor=mentor, status="open").count() >= 3
    assert Assessment.objects.filter(trainee=trainee, outcome="not_yet_competent").exists()
    assert Assessment.objects.filter(trainee=trainee, outcome="achieved").exists()


def test_check_deploy_is_clean_with_production_settings():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PATHWAY_", "PYTEST"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "pathway.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "k8#2nT!q9vLx$3pR7wZ^b1mY&6cF0hJ4sD@5gK*8eU+aQ-rV7yW2zN9",
            "DJANGO_ALLOWED_HOSTS": "pathway.example.nhs.uk",
            "PATHWAY_LEDGER_KEYS": "2026-12:Qm9va2xldHMgYXJlIG5vdCBrZXlzLCBidXQgdGhpcyBpcyBsb25n",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update({"DJANGO_SETTINGS_MODULE": "pathway.settings", "DJANGO_ALLOWED_HOSTS": "x"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "pathway.E001" in result.stderr + result.stdout


def test_check_deploy_fails_without_a_ledger_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PATHWAY_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "pathway.settings",
            "DJANGO_SECRET_KEY": "k8#2nT!q9vLx$3pR7wZ^b1mY&6cF0hJ4sD@5gK*8eU+aQ-rV7yW2zN9",
            "DJANGO_ALLOWED_HOSTS": "x",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "pathway.E002" in result.stderr + result.stdout
    assert "pathway.E001" not in result.stderr + result.stdout
