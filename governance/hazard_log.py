"""The clinical safety hazard log (DCB0129), read from docs/clinical-safety/hazard-log.toml.

The TOML file is the single source: the hazard-log pages show it, the safety case report points
to it, and `problems()` (run by tests/governance/test_hazard_log.py and by
`manage.py check_hazard_log`) refuses a log whose ratings do not follow its own matrix, whose
ids repeat, which has a hazard without a tested control, or which names a test that no longer
exists. A test is found by reading its file with `ast`, never by collecting or running it.
"""

from __future__ import annotations

import ast
import datetime
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings

LOG_PATH = Path("docs") / "clinical-safety" / "hazard-log.toml"
STATUSES = {
    "open": "Open",
    "closed": "Closed",
    "transferred": "Transferred to deployment",
}
HAZARD_ID = re.compile(r"H-\d{3}")
LEVELS = range(1, 6)
# NHS.UK tag colours, lowest level to highest: the words on the tag carry the meaning.
TAG_CLASSES = {
    1: "nhsuk-tag--green",
    2: "nhsuk-tag--aqua-green",
    3: "nhsuk-tag--yellow",
    4: "nhsuk-tag--orange",
    5: "nhsuk-tag--red",
}


class HazardLogError(ValueError):
    """The file cannot be read as a hazard log at all."""


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    meaning: str

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES.get(self.level, "nhsuk-tag--grey")


@dataclass(frozen=True)
class Risk:
    severity: Level
    likelihood: Level
    rating: Level


@dataclass(frozen=True)
class Control:
    description: str
    where: str
    tests: tuple[str, ...]


@dataclass(frozen=True)
class Hazard:
    id: str
    title: str
    causes: tuple[str, ...]
    effect: str
    harm: str
    initial: Risk
    residual: Risk
    status: str
    controls: tuple[Control, ...]
    note: str = ""
    deployment_actions: tuple[str, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def test_count(self) -> int:
        return len({test for control in self.controls for test in control.tests})


@dataclass(frozen=True)
class Matrix:
    severities: tuple[Level, ...]
    likelihoods: tuple[Level, ...]
    ratings: tuple[Level, ...]
    table: tuple[tuple[int, ...], ...]

    def rating_for(self, severity: int, likelihood: int) -> int:
        return self.table[likelihood - 1][severity - 1]

    def rows(self) -> list[tuple[Level, list[tuple[Level, Level]]]]:
        """The matrix as shown: most likely first, each cell (severity, rating)."""
        named = {r.level: r for r in self.ratings}
        severities = sorted(self.severities, key=lambda s: s.level)
        return [
            (
                likelihood,
                [
                    (severity, named[self.rating_for(severity.level, likelihood.level)])
                    for severity in severities
                ],
            )
            for likelihood in sorted(self.likelihoods, key=lambda s: -s.level)
        ]


@dataclass(frozen=True)
class HazardLog:
    title: str
    standard: str
    version: str
    last_reviewed: datetime.date | None
    reviewed_by: str
    matrix: Matrix
    hazards: tuple[Hazard, ...]
    raw: dict = field(repr=False, compare=False, default_factory=dict)

    def hazard(self, hazard_id: str) -> Hazard | None:
        return next((h for h in self.hazards if h.id == hazard_id), None)

    def counts_by_residual_rating(self) -> list[tuple[Level, int]]:
        return [
            (rating, sum(1 for h in self.hazards if h.residual.rating.level == rating.level))
            for rating in self.matrix.ratings
        ]


# Reading ---------------------------------------------------------------------------------------


def default_path() -> Path:
    return Path(settings.BASE_DIR) / LOG_PATH


def _levels(rows) -> tuple[Level, ...]:
    return tuple(
        Level(int(row["level"]), str(row["name"]), str(row.get("meaning", ""))) for row in rows
    )


def _level(levels: tuple[Level, ...], value) -> Level:
    found = next((level for level in levels if level.level == value), None)
    return found or Level(value if isinstance(value, int) else 0, f"Unknown level {value!r}", "")


def _risk(matrix: Matrix, values: dict) -> Risk:
    return Risk(
        severity=_level(matrix.severities, values.get("severity")),
        likelihood=_level(matrix.likelihoods, values.get("likelihood")),
        rating=_level(matrix.ratings, values.get("rating")),
    )


def _hazard(matrix: Matrix, row: dict) -> Hazard:
    return Hazard(
        id=str(row["id"]),
        title=str(row["title"]),
        causes=tuple(row.get("causes", ())),
        effect=str(row.get("effect", "")),
        harm=str(row.get("harm", "")),
        initial=_risk(matrix, row.get("initial", {})),
        residual=_risk(matrix, row.get("residual", {})),
        status=str(row.get("status", "")),
        note=str(row.get("note", "")),
        deployment_actions=tuple(row.get("deployment_actions", ())),
        controls=tuple(
            Control(
                description=str(control.get("description", "")),
                where=str(control.get("where", "")),
                tests=tuple(control.get("tests", ())),
            )
            for control in row.get("controls", ())
        ),
    )


def parse(text: str) -> HazardLog:
    """The hazard log in `text`; HazardLogError when it is not TOML or lacks a part."""
    try:
        data = tomllib.loads(text)
        info, grid = data["log"], data["matrix"]
        matrix = Matrix(
            severities=_levels(grid["severity"]),
            likelihoods=_levels(grid["likelihood"]),
            ratings=_levels(grid["rating"]),
            table=tuple(tuple(row) for row in grid["table"]),
        )
        hazards = tuple(_hazard(matrix, row) for row in data.get("hazards", ()))
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        raise HazardLogError(f"The hazard log cannot be read: {error}") from error
    reviewed = info.get("last_reviewed")
    return HazardLog(
        title=str(info.get("title", "Hazard log")),
        standard=str(info.get("standard", "")),
        version=str(info.get("version", "")),
        last_reviewed=reviewed if isinstance(reviewed, datetime.date) else None,
        reviewed_by=str(info.get("reviewed_by", "")),
        matrix=matrix,
        hazards=hazards,
        raw=data,
    )


@cache
def _load(path: Path, modified: float) -> HazardLog:
    return parse(path.read_text(encoding="utf-8"))


def load(path: Path | None = None) -> HazardLog:
    """The hazard log from its file, read again only when the file changes."""
    path = path or default_path()
    return _load(path, path.stat().st_mtime)


# Checking --------------------------------------------------------------------------------------


def _matrix_problems(matrix: Matrix) -> list[str]:
    problems = []
    for name, levels in (
        ("severity", matrix.severities),
        ("likelihood", matrix.likelihoods),
        ("rating", matrix.ratings),
    ):
        if sorted(level.level for level in levels) != list(LEVELS):
            problems.append(f"The matrix must name {name} levels 1 to 5, once each")
    shape_ok = len(matrix.table) == 5 and all(len(row) == 5 for row in matrix.table)
    if not shape_ok:
        problems.append("The matrix table must have 5 rows (likelihood) of 5 ratings (severity)")
    elif any(cell not in LEVELS for row in matrix.table for cell in row):
        problems.append("Every rating in the matrix table must be 1 to 5")
    return problems


def _risk_problems(matrix: Matrix, hazard: Hazard, which: str, risk: Risk) -> list[str]:
    levels = (risk.severity.level, risk.likelihood.level, risk.rating.level)
    if any(level not in LEVELS for level in levels):
        return [f"{hazard.id}: the {which} severity, likelihood and rating must each be 1 to 5"]
    expected = matrix.rating_for(risk.severity.level, risk.likelihood.level)
    if risk.rating.level != expected:
        return [
            f"{hazard.id}: the {which} rating is {risk.rating.level}, but severity "
            f"{risk.severity.level} and likelihood {risk.likelihood.level} give {expected}"
        ]
    return []


def _test_problem(node_id: str, root: Path, definitions: dict) -> str | None:
    """Why this pytest node id names no test, or None when it does."""
    path, _, name = node_id.partition("::")
    if not path.startswith("tests/") or not path.endswith(".py") or not name:
        return f"{node_id}: give a file under tests/ and a test, as tests/x.py::test_name"
    if path not in definitions:
        file = root / path
        if not file.is_file():
            return f"{node_id}: there is no file {path}"
        definitions[path] = _defined_tests(file)
    if name.split("[", 1)[0] not in definitions[path]:
        return f"{node_id}: {path} defines no test {name}"
    return None


def _defined_tests(file: Path) -> set[str]:
    """Every test function in the file, and Class::method for the methods of test classes."""
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    found = set()
    for node in tree.body:
        if isinstance(node, functions) and node.name.startswith("test"):
            found.add(node.name)
        elif isinstance(node, ast.ClassDef):
            found.update(
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, functions) and item.name.startswith("test")
            )
    return found


def _hazard_problems(log: HazardLog, hazard: Hazard, root: Path, definitions: dict) -> list:
    problems = []
    if not HAZARD_ID.fullmatch(hazard.id):
        problems.append(f"{hazard.id}: a hazard id is H- and three digits, as H-001")
    if hazard.status not in STATUSES:
        problems.append(f"{hazard.id}: the status must be one of {', '.join(STATUSES)}")
    if not (hazard.title and hazard.causes and hazard.effect and hazard.harm):
        problems.append(f"{hazard.id}: give its title, causes, effect and harm")
    problems += _risk_problems(log.matrix, hazard, "initial", hazard.initial)
    problems += _risk_problems(log.matrix, hazard, "residual", hazard.residual)
    if hazard.residual.rating.level > hazard.initial.rating.level:
        problems.append(f"{hazard.id}: the residual rating is higher than the initial one")
    if hazard.status == "transferred" and not hazard.deployment_actions:
        problems.append(f"{hazard.id}: a transferred hazard lists its deployment actions")
    if not hazard.controls:
        problems.append(f"{hazard.id}: a hazard needs at least one control")
    for number, control in enumerate(hazard.controls, start=1):
        if not (control.description and control.where):
            problems.append(f"{hazard.id} control {number}: say what it is and where it is")
        if not control.tests:
            problems.append(f"{hazard.id} control {number}: name the tests that prove it")
        problems += [
            f"{hazard.id} control {number}: {problem}"
            for test in control.tests
            if (problem := _test_problem(test, root, definitions))
        ]
    return problems


def problems(log: HazardLog, root: Path | None = None) -> list[str]:
    """Everything wrong with the log, in plain words; empty when it is sound. `root` is the
    project directory the tests' paths are relative to."""
    root = root or Path(settings.BASE_DIR)
    found = _matrix_problems(log.matrix)
    if found:
        return found
    if not log.hazards:
        found.append("The log has no hazards")
    seen: set[str] = set()
    definitions: dict[str, set[str]] = {}
    for hazard in log.hazards:
        if hazard.id in seen:
            found.append(f"{hazard.id}: the id is used by more than one hazard")
        seen.add(hazard.id)
        found += _hazard_problems(log, hazard, root, definitions)
    return found


# The summary the safety case report quotes -----------------------------------------------------

SUMMARY_START = "<!-- hazard-summary:start (manage.py hazard_log_summary writes this table) -->"
SUMMARY_END = "<!-- hazard-summary:end -->"


def summary_markdown(log: HazardLog) -> str:
    """The hazards as a Markdown table (id, hazard, ratings before and after, status, tests),
    between the markers the safety case report keeps it in."""
    lines = [
        SUMMARY_START,
        "| Id | Hazard | Before controls | After controls | Status | Tests |",
        "|---|---|---|---|---|---|",
    ]
    for h in log.hazards:
        before, after = h.initial, h.residual
        lines.append(
            f"| {h.id} | {h.title} "
            f"| S{before.severity.level} L{before.likelihood.level}: "
            f"{before.rating.level} {before.rating.name} "
            f"| S{after.severity.level} L{after.likelihood.level}: "
            f"{after.rating.level} {after.rating.name} "
            f"| {h.status_label} | {h.test_count} |"
        )
    lines.append(SUMMARY_END)
    return "\n".join(lines)


def with_summary(report: str, log: HazardLog) -> str:
    """The report with its summary table replaced by the log's current one."""
    before, found, rest = report.partition(SUMMARY_START)
    if not found or SUMMARY_END not in rest:
        raise HazardLogError("The report has no summary markers to write between")
    return before + summary_markdown(log) + rest.split(SUMMARY_END, 1)[1]
