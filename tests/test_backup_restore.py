"""Backup and restore: dump everything, restore into an empty database, find the same records
with their sign-off chains intact. The commands are the ones docs/operations.md documents."""

from io import StringIO

import pytest
from django.core.management import call_command

from competencies.integrity import verify_chains
from competencies.models import Assessment, Evidence, PracticeEntry, TrainingRecord
from pathway.models import Allocation, User

BACKUP_EXCLUDES = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
]


def _snapshot():
    return {
        "people": sorted(User.objects.values_list("email", flat=True)),
        "allocations": Allocation.objects.count(),
        "records": TrainingRecord.objects.count(),
        "practice": PracticeEntry.objects.count(),
        "evidence": Evidence.objects.count(),
        "assessments": sorted(
            Assessment.objects.values_list("trainee__email", "sequence", "record_hash")
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_dump_and_restore_into_an_empty_database_keeps_every_record_and_chain(tmp_path):
    call_command("seed_demo", stdout=StringIO())
    before = _snapshot()
    assert before["assessments"], "the demo should have sign-offs to back up"
    backup = tmp_path / "pathway-backup.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--indent=0",
        *[f"--exclude={label}" for label in BACKUP_EXCLUDES],
        f"--output={backup}",
    )

    call_command("flush", "--no-input")
    assert User.objects.count() == 0 and Assessment.objects.count() == 0

    call_command("loaddata", str(backup), stdout=StringIO())
    assert _snapshot() == before
    checked, breaks = verify_chains()
    assert checked == len(before["assessments"])
    assert breaks == []
