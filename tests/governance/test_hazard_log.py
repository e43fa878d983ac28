"""The clinical safety hazard log (docs/clinical-safety/hazard-log.toml, DCB0129) stays true:
every test it names exists (found by reading the file with ast, not by collecting it), every
hazard has a control with a test, ratings follow the matrix, ids are unique. And the check
itself refuses each of those faults, so a broken log cannot pass by a broken check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from governance import hazard_log

ROOT = Path(__file__).resolve().parents[2]
LOG_FILE = ROOT / hazard_log.LOG_PATH
# The hazards issue 20 asks the log to cover, by words their titles must hold.
REQUIRED = {
    "wrong trainee or the wrong competency": "H-001",
    "expired or revoked competency is shown as current": "H-002",
    "task the role design excluded": "H-003",
    "record is lost or altered": "H-004",
    "stale page is shown on a shared computer": "H-005",
    "import silently drops": "H-006",
}


@pytest.fixture(scope="module")
def text() -> str:
    return LOG_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def log(text):
    return hazard_log.parse(text)


def test_the_hazard_log_has_no_problems(log):
    assert hazard_log.problems(log, ROOT) == []


def test_every_named_test_exists_in_its_file(log):
    named = {test for h in log.hazards for c in h.controls for test in c.tests}
    assert len(named) > 50
    for test in named:
        path, _, name = test.partition("::")
        source = (ROOT / path).read_text(encoding="utf-8")
        function = name.split("::")[-1]
        assert re.search(rf"^\s*(async )?def {function}\(", source, re.M), test


def test_the_log_covers_the_hazards_the_issue_names(log):
    titles = {h.id: h.title for h in log.hazards}
    for words, hazard_id in REQUIRED.items():
        assert words in titles[hazard_id], (hazard_id, titles[hazard_id])


def test_every_hazard_has_a_tested_control_and_ratings_from_the_matrix(log):
    ids = [h.id for h in log.hazards]
    assert len(ids) == len(set(ids))
    for hazard in log.hazards:
        assert hazard.controls and all(c.tests for c in hazard.controls), hazard.id
        for risk in (hazard.initial, hazard.residual):
            expected = log.matrix.table[risk.likelihood.level - 1][risk.severity.level - 1]
            assert risk.rating.level == expected, hazard.id


def test_the_matrix_is_the_usual_dcb0129_five_by_five(log):
    assert log.matrix.table == (
        (1, 1, 2, 2, 3),
        (1, 2, 2, 3, 4),
        (2, 2, 3, 3, 4),
        (2, 3, 3, 4, 5),
        (3, 4, 4, 5, 5),
    )
    assert [s.name for s in log.matrix.severities] == [
        "Minor",
        "Significant",
        "Considerable",
        "Major",
        "Catastrophic",
    ]
    assert [s.name for s in log.matrix.likelihoods] == [
        "Very low",
        "Low",
        "Medium",
        "High",
        "Very high",
    ]


def test_no_residual_risk_is_left_unacceptable(log):
    assert all(h.residual.rating.level <= 3 for h in log.hazards)
    # An "undesirable" residual risk is never closed quietly: it is transferred with actions.
    for hazard in log.hazards:
        if hazard.residual.rating.level == 3:
            assert hazard.status == "transferred" and hazard.deployment_actions, hazard.id


# The check refuses each fault ------------------------------------------------------------------


def _broken(text: str, old: str, new: str):
    assert old in text, old
    return hazard_log.problems(hazard_log.parse(text.replace(old, new, 1)), ROOT)


def test_a_test_that_no_longer_exists_is_named(text):
    old = "tests/competencies/test_record_services.py::test_trainee_can_never_sign_off"
    found = _broken(text, old, old + "_renamed")
    assert found == [
        "H-007 control 1: tests/competencies/test_record_services.py::"
        "test_trainee_can_never_sign_off_renamed: tests/competencies/test_record_services.py "
        "defines no test test_trainee_can_never_sign_off_renamed"
    ]


def test_a_missing_file_a_bad_node_id_and_a_class_method_are_told_apart(text, tmp_path):
    old = '"tests/roledesign/test_task_import.py::test_import_is_all_or_nothing_and_names_rows"'
    found = _broken(text, old, '"tests/nowhere/test_gone.py::test_x", "test_x"')
    assert any("there is no file tests/nowhere/test_gone.py" in p for p in found)
    assert any("give a file under tests/ and a test" in p for p in found)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_c.py").write_text(
        "class TestThing:\n    def test_a(self):\n        pass\n\ndef helper():\n    pass\n"
    )
    definitions: dict = {}
    assert (
        hazard_log._test_problem("tests/test_c.py::TestThing::test_a", tmp_path, definitions)
        is None
    )
    assert hazard_log._test_problem("tests/test_c.py::test_a", tmp_path, definitions)
    assert hazard_log._test_problem("tests/test_c.py::helper", tmp_path, definitions)


def test_a_rating_that_does_not_follow_the_matrix_is_named(text):
    old = "initial = { severity = 4, likelihood = 3, rating = 3 }"
    found = _broken(text, old, "initial = { severity = 4, likelihood = 3, rating = 2 }")
    assert found == ["H-001: the initial rating is 2, but severity 4 and likelihood 3 give 3"]
    old = "residual = { severity = 4, likelihood = 1, rating = 2 }"
    found = _broken(text, old, "residual = { severity = 4, likelihood = 3, rating = 3 }")
    assert found == []  # as high as before the controls is allowed, higher is not
    found = _broken(text, old, "residual = { severity = 4, likelihood = 4, rating = 4 }")
    assert found == ["H-001: the residual rating is higher than the initial one"]


def test_a_repeated_id_is_named(text):
    found = _broken(text, 'id = "H-002"', 'id = "H-001"')
    assert "H-001: the id is used by more than one hazard" in found


def test_a_hazard_or_control_without_tests_is_named(text):
    old = """tests = [
  "tests/competencies/test_framework_editor.py::test_editing_a_framework_that_is_not_a_draft_is_refused",
  "tests/competencies/test_framework_editor.py::test_lead_nurse_builds_publishes_versions_and_retires_a_framework",
]"""
    found = _broken(text, old, "tests = []")
    assert found == ["H-012 control 1: name the tests that prove it"]
    cut = text.split("[[hazards]]")
    last = cut[-1].split("[[hazards.controls]]")[0]
    found = hazard_log.problems(hazard_log.parse("[[hazards]]".join([*cut[:-1], last])), ROOT)
    assert found == ["H-013: a hazard needs at least one control"]


def test_a_bad_matrix_or_level_is_named(text):
    found = _broken(text, "  [1, 1, 2, 2, 3],  # very low", "  [1, 1, 2, 2],")
    assert found == ["The matrix table must have 5 rows (likelihood) of 5 ratings (severity)"]
    old = "residual = { severity = 3, likelihood = 1, rating = 2 }"
    found = _broken(text, old, "residual = { severity = 3, likelihood = 0, rating = 2 }")
    assert "H-006: the residual severity, likelihood and rating must each be 1 to 5" in found


def test_a_file_that_is_not_a_hazard_log_is_refused_plainly():
    with pytest.raises(hazard_log.HazardLogError, match="cannot be read"):
        hazard_log.parse("this is = not [toml")
    with pytest.raises(hazard_log.HazardLogError, match="cannot be read"):
        hazard_log.parse('[log]\ntitle = "x"\n')


def test_the_command_passes_the_log_and_fails_a_broken_one(text, tmp_path, capsys):
    call_command("check_hazard_log")
    log = hazard_log.load()
    assert f"{len(log.hazards)} hazards; every control names tests" in capsys.readouterr().out
    broken = tmp_path / "log.toml"
    broken.write_text(text.replace('id = "H-002"', 'id = "H-001"', 1))
    with pytest.raises(CommandError, match="H-001: the id is used by more than one hazard"):
        call_command("check_hazard_log", path=broken)
    with pytest.raises(CommandError):
        call_command("check_hazard_log", path=tmp_path / "missing.toml")


# The safety case report quotes the log -------------------------------------------------------


def test_the_safety_case_reports_summary_table_is_the_logs(log):
    report = (LOG_FILE.parent / "safety-case-report.md").read_text(encoding="utf-8")
    assert hazard_log.summary_markdown(log) in report, (
        "The safety case report's hazard table is out of date: run "
        "`manage.py hazard_log_summary --write`"
    )
    for hazard in log.hazards:
        if hazard.residual.rating.level >= 3:
            # A residual risk rated undesirable is named in the report's residual risk section.
            residual = report.split("## 5. Residual risk", 1)[1].split("## 6.", 1)[0]
            assert f"**{hazard.id}" in residual, hazard.id


def test_the_summary_is_written_between_its_markers_only(log):
    report = f"Before\n{hazard_log.SUMMARY_START}\nold table\n{hazard_log.SUMMARY_END}\nAfter\n"
    written = hazard_log.with_summary(report, log)
    assert written.startswith("Before\n") and written.endswith("\nAfter\n")
    assert "old table" not in written and "| H-013 |" in written
    with pytest.raises(hazard_log.HazardLogError):
        hazard_log.with_summary("A report without markers", log)
