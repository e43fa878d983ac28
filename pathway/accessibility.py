"""The accessibility statement's changing parts: its dates, what is known not to be accessible,
and when the service was last tested.

The known issues and the statement's dates are in pathway/accessibility_statement.toml (tests
keep each entry true: tests/pathway/test_accessibility_statement.py). The date it was last
tested comes from the last full, passing run of the browser journeys (tests/e2e), which check
every page they visit with axe-core at desktop width and at 390 px and then write
settings.PATHWAY_ACCESSIBILITY_LAST_TESTED_FILE (`record_test_run`); where that file is absent
(a server the suite never ran on), the date committed in the TOML file is shown instead.
"""

from __future__ import annotations

import datetime
import functools
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

STATEMENT_FILE = Path(__file__).with_name("accessibility_statement.toml")
WCAG_VERSION = "2.2"


@dataclass(frozen=True)
class KnownIssue:
    check: str
    summary: str
    title: str = ""
    criterion: str = ""
    plan: str = ""


@dataclass(frozen=True)
class LastTested:
    on: datetime.date
    # From the test run's record: pages checked by axe, and axe-core's version; None when the
    # date is the one committed with the statement.
    pages: int | None = None
    axe_version: str = ""

    @property
    def from_test_run(self) -> bool:
        return self.pages is not None


@dataclass(frozen=True)
class Statement:
    prepared: datetime.date
    reviewed: datetime.date
    last_tested: LastTested
    non_compliance: tuple[KnownIssue, ...]
    out_of_scope: tuple[KnownIssue, ...]
    not_tested: tuple[KnownIssue, ...]
    idle_minutes: int
    contact_email: str

    @property
    def compliance(self) -> str:
        """ "fully" or "partially" compliant with WCAG 2.2 AA, as the regulations word it."""
        return "partially" if self.non_compliance else "fully"


def _issues(entries, idle_minutes: int) -> tuple[KnownIssue, ...]:
    return tuple(
        KnownIssue(
            **{
                key: value.format(idle_minutes=idle_minutes) if key == "summary" else value
                for key, value in entry.items()
            }
        )
        for entry in entries
    )


@functools.cache
def statement_data() -> dict:
    with STATEMENT_FILE.open("rb") as handle:
        return tomllib.load(handle)


def last_tested(fallback: datetime.date) -> LastTested:
    """The date of the last full, passing browser test run, or `fallback` where there is no
    readable record of one."""
    path = Path(settings.PATHWAY_ACCESSIBILITY_LAST_TESTED_FILE)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return LastTested(
            on=datetime.date.fromisoformat(record["date"]),
            pages=int(record["pages"]),
            axe_version=str(record.get("axe_version", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return LastTested(on=fallback)


def statement() -> Statement:
    data = statement_data()
    idle_minutes = settings.SESSION_COOKIE_AGE // 60
    return Statement(
        prepared=data["prepared"],
        reviewed=data["reviewed"],
        last_tested=last_tested(data["last_tested"]),
        non_compliance=_issues(data.get("non_compliance", []), idle_minutes),
        out_of_scope=_issues(data.get("out_of_scope", []), idle_minutes),
        not_tested=_issues(data.get("not_tested", []), idle_minutes),
        idle_minutes=idle_minutes,
        contact_email=settings.PATHWAY_ACCESSIBILITY_CONTACT_EMAIL,
    )


def record_test_run(
    path: Path, *, on: datetime.date, pages: int, axe_version: str, tags: list[str]
) -> None:
    """Write the record of a full browser test run in which every page passed axe."""
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"date": on.isoformat(), "pages": pages, "axe_version": axe_version, "tags": tags}
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
