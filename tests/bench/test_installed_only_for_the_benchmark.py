"""The bench app is tooling: the product's settings leave it out unless PATHWAY_BENCH is set
(`make bench` and `make load` set it), so `manage.py bench` exists only there."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ASK = (
    "import django; django.setup(); "
    "from django.apps import apps; from django.core.management import get_commands; "
    "print(apps.is_installed('bench'), 'bench' in get_commands(), 'seed_scale' in get_commands())"
)


def _installed_with(**extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PATHWAY_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "pathway.settings", **extra_env})
    result = subprocess.run(
        [sys.executable, "-c", ASK], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_the_product_settings_leave_the_bench_app_and_its_commands_out():
    assert _installed_with() == ["False", "False", "False"]


@pytest.mark.parametrize("value", ["1", "true"])
def test_pathway_bench_installs_the_bench_app_and_its_commands(value):
    assert _installed_with(PATHWAY_BENCH=value) == ["True", "True", "True"]


def test_the_test_settings_install_the_bench_app():
    from django.apps import apps

    assert apps.is_installed("bench")
