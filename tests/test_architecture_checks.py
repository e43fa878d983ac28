"""The architecture's four checks in `make lint` (docs/adr/0020-architecture-checks.md): each
refuses a deliberate breach and passes a clean example.

Each test runs the command the Makefile's lint target runs, read from the Makefile, on a small
project written to a temporary directory, so a change to a check's flags is tested too.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
APPS = [
    "pathway",
    "notifications",
    "competencies",
    "cohorts",
    "roledesign",
    "recruitment",
    "funding",
    "evaluation",
    "outcomes",
    "support",
    "apprenticeships",
    "governance",
    "api",
    "bench",
]


def lint_step(word: str) -> list[str]:
    """The command of the Makefile's lint recipe that mentions `word`, ready to run."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nlint: install\n", 1)[1].split("\n\n", 1)[0]
    line = next(line for line in recipe.splitlines() if word in line)
    command = []
    for token in shlex.split(line):
        if token == "$(APPS)":
            continue
        token = token.replace("$(VENV)/bin", str(BIN)).replace("$(PY)", sys.executable)
        command.append(str(ROOT / token) if token.startswith(".ci/") else token)
    return command


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A project with every app as an empty package, plus `files` (packages made as needed)."""
    for app in APPS:
        (tmp_path / app).mkdir(exist_ok=True)
        (tmp_path / app / "__init__.py").touch()
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for package in path.relative_to(tmp_path).parents[:-1]:
            (tmp_path / package / "__init__.py").touch()
        path.write_text(textwrap.dedent(text))
    return tmp_path


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_lint_runs_all_four_checks():
    assert lint_step("lint-imports")[0] == str(BIN / "lint-imports")
    assert lint_step("private_imports")[-1] == str(ROOT / ".ci/checks/private_imports.py")
    assert lint_step("queries_in_views")[-1] == str(ROOT / ".ci/checks/queries_in_views.py")
    assert lint_step("xenon")[1:] == ["--max-absolute", "C", "--ignore", "migrations"]


# Layers (import-linter, with the project's own contracts) -------------------------------------


def lint_imports(tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess:
    root = project(tmp_path, files)
    (root / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    return run(lint_step("lint-imports"), cwd=root)


ALLOWED_IMPORTS = {
    "cohorts/services.py": "from competencies import models\nfrom pathway import models\n",
    "support/selectors.py": "from cohorts.selectors import dashboards\n",
    "bench/scale.py": "from cohorts import services\n",
    "recruitment/demo.py": "from pathway.demo import DEMO_PASSWORD\n",
    "pathway/demo.py": "DEMO_PASSWORD = 'x'\n",
    "cohorts/demo/__init__.py": "from cohorts.demo import core\n",
    "cohorts/demo/core.py": "",
    "pathway/management/commands/seed_demo.py": "from pathway.demo import DEMO_PASSWORD\n",
}


def test_import_contracts_pass_a_project_that_keeps_its_layers(tmp_path):
    result = lint_imports(tmp_path, ALLOWED_IMPORTS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    "module, source, refusal",
    [
        (
            "pathway/people.py",
            "import cohorts.models\n",
            "pathway is not allowed to import cohorts",
        ),
        (
            "competencies/rules.py",
            "from outcomes import selectors\n",
            "competencies is not allowed to import outcomes",
        ),
        (
            "recruitment/services.py",
            "def cost():\n    from funding import selectors\n",
            "recruitment is not allowed to import funding",
        ),
        (
            "cohorts/management/commands/bench.py",
            "from bench import runner\n",
            "cohorts is not allowed to import bench",
        ),
        (
            "cohorts/views.py",
            "from pathway.demo import DEMO_PASSWORD\n",
            "cohorts.views is not allowed to import pathway.demo",
        ),
    ],
    ids=[
        "core-imports-cohorts",
        "lower-imports-later",
        "later-apps-not-independent",
        "bench",
        "demo",
    ],
)
def test_import_contracts_refuse_a_breach(tmp_path, module, source, refusal):
    result = lint_imports(tmp_path, {**ALLOWED_IMPORTS, module: source})
    assert result.returncode == 1, result.stdout + result.stderr
    assert refusal in result.stdout
    assert "1 broken" in result.stdout


# No private name from another app ----------------------------------------------------------

DASHBOARDS = {
    "cohorts/selectors/dashboards.py": "def trainee_rows(): ...\ndef _row(): ...\n",
    "cohorts/_helpers.py": "def helper(): ...\n",
    "cohorts/models.py": "class Cohort: ...\n",
}


def private_imports(tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess:
    root = project(tmp_path, {**DASHBOARDS, **files})
    return run([*lint_step("private_imports"), "--root", str(root)], cwd=ROOT)


def test_private_names_may_be_used_within_their_app_and_public_ones_anywhere(tmp_path):
    result = private_imports(
        tmp_path,
        {
            "cohorts/selectors/charts.py": """\
                from cohorts import _helpers
                from cohorts.selectors.dashboards import _row
                """,
            "support/selectors.py": """\
                import cohorts.selectors.dashboards as dashboards
                from cohorts import __version__
                from cohorts.models import Cohort
                from cohorts.selectors.dashboards import trainee_rows

                rows = dashboards.trainee_rows()
                fields = Cohort._meta.fields  # Django's public API on a class, not a module
                """,
            # Tests are not an app: they may reach into anything.
            "tests/test_dashboards.py": "from cohorts.selectors.dashboards import _row\n",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "source, refusal",
    [
        (
            "from cohorts.selectors.dashboards import _row\n",
            "support/selectors.py:1: support uses the private name "
            "cohorts.selectors.dashboards._row",
        ),
        (
            "from cohorts.selectors import dashboards\n\nrows = dashboards._row()\n",
            "support/selectors.py:3: support uses the private name "
            "cohorts.selectors.dashboards._row",
        ),
        (
            "import cohorts.selectors.dashboards\n\ncohorts.selectors.dashboards._row()\n",
            "support/selectors.py:3: support uses the private name "
            "cohorts.selectors.dashboards._row",
        ),
        (
            "import cohorts.selectors.dashboards as d\n\nd._row()\n",
            "support/selectors.py:3: support uses the private name "
            "cohorts.selectors.dashboards._row",
        ),
        (
            "from cohorts import _helpers\n",
            "support/selectors.py:1: support uses the private name cohorts._helpers",
        ),
        (
            "from cohorts._helpers import helper\n",
            "support/selectors.py:1: support uses the private module cohorts._helpers",
        ),
    ],
    ids=["from-import", "module-attribute", "dotted-attribute", "alias", "module", "from-module"],
)
def test_a_private_name_from_another_app_is_refused(tmp_path, source, refusal):
    result = private_imports(tmp_path, {"support/selectors.py": source})
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == refusal
    assert "1 private name(s) used across apps" in result.stdout


# No query in a view ------------------------------------------------------------------------

VIEWS = textwrap.dedent("""\
    from django.shortcuts import get_object_or_404, render

    from cohorts import selectors
    from cohorts.models import Cohort


    def cohort_detail(request, pk):
        cohort = get_object_or_404(selectors.cohorts_for(request.user), pk=pk)
        return render(request, "cohort.html", {"cohort": cohort})
    """)
FIRST_NEW_LINE = len(VIEWS.splitlines()) + 1  # the first line a test adds to the views


def queries_in_views(tmp_path: Path, views: str, allowed: str = "") -> subprocess.CompletedProcess:
    root = project(tmp_path, {"cohorts/views/cohorts.py": VIEWS + views})
    (root / "allowed.txt").write_text(allowed)
    command = [*lint_step("queries_in_views"), "--root", str(root), "--allowed"]
    return run([*command, str(root / "allowed.txt")], cwd=ROOT)


def test_a_view_that_calls_selectors_passes(tmp_path):
    # The same query in a selector is not a view's business: only view modules are read.
    (tmp_path / "cohorts").mkdir()
    (tmp_path / "cohorts" / "selectors.py").write_text(
        "from cohorts.models import Cohort\n\ndef cohorts():\n    return Cohort.objects.all()\n"
    )
    result = queries_in_views(tmp_path, "")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "views, entry, what",
    [
        (
            "def cohort_list(request):\n    return Cohort.objects.all()\n",
            "cohorts/views/cohorts.py:cohort_list",
            f"line {FIRST_NEW_LINE + 1}: .objects",
        ),
        (
            "def cohort_edit(request, pk):\n    return get_object_or_404(Cohort, pk=pk)\n",
            "cohorts/views/cohorts.py:cohort_edit",
            f"line {FIRST_NEW_LINE + 1}: get_object_or_404(Cohort, ...)",
        ),
        (
            "class CohortView:\n    def get(self, request):\n"
            "        return Cohort._default_manager.first()\n",
            "cohorts/views/cohorts.py:CohortView.get",
            f"line {FIRST_NEW_LINE + 2}: ._default_manager",
        ),
    ],
    ids=["objects", "get_object_or_404", "method"],
)
def test_a_new_query_in_a_view_is_refused(tmp_path, views, entry, what):
    result = queries_in_views(tmp_path, views)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{entry}: a query in a view ({what}): call a selector instead"
    ]


def test_an_allowed_view_passes_until_its_query_goes_then_must_leave_the_list(tmp_path):
    offender = "def cohort_list(request):\n    return Cohort.objects.all()\n"
    allowed = "# views from before the check\ncohorts/views/cohorts.py:cohort_list\n"
    assert queries_in_views(tmp_path, offender, allowed).returncode == 0

    result = queries_in_views(tmp_path, "", allowed)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "cohorts/views/cohorts.py:cohort_list: no longer queries in the view; "
        "take it out of allowed.txt"
    ]


def test_the_allow_list_names_only_views_that_query_today():
    """The project's own list is exact: the check passes on the project as it is."""
    result = run(lint_step("queries_in_views"), cwd=ROOT)
    assert result.returncode == 0, result.stdout


# Complexity (xenon) --------------------------------------------------------------------------


def branches(n: int) -> str:
    """A function of cyclomatic complexity n + 1: one path, and n `if`s."""
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(n))
    return f"def decide(x):\n{body}    return -1\n"


def xenon(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    root = project(tmp_path, {"cohorts/decisions.py": source})
    return run([*lint_step("xenon"), *APPS], cwd=root)


def test_a_function_of_complexity_20_passes(tmp_path):
    result = xenon(tmp_path, branches(19))
    assert result.returncode == 0, result.stderr


def test_a_function_over_complexity_20_is_refused(tmp_path):
    result = xenon(tmp_path, branches(20))
    assert result.returncode == 1
    assert 'block "cohorts/decisions.py:1 decide" has a rank of D' in result.stderr


def test_migrations_are_not_measured(tmp_path):
    root = project(tmp_path, {"cohorts/migrations/0002_data.py": branches(30)})
    assert run([*lint_step("xenon"), *APPS], cwd=root).returncode == 0
