"""The in-between shape of a framework (what a file holds, before it is written or after it
is read), the errors, and the helpers both layouts' readers share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

FORMATS = ("csv", "xlsx", "moodle")
FORMAT_LABELS = {
    "csv": "Pathway CSV",
    "xlsx": "Pathway spreadsheet (XLSX)",
    "moodle": "Moodle competency framework CSV",
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "moodle": "text/csv; charset=utf-8",
}
SMALLINT_MAX = 32767
CODE_MAX = 100


# Errors -------------------------------------------------------------------------------------


def format_error(row: int | None, message: str) -> str:
    return f"Row {row}: {message}" if row else message


class FrameworkImportError(ValidationError):
    """Every problem found in an import file, as (row number or None, message). Nothing was
    written. Row numbers are those a spreadsheet shows: the header is row 1."""

    def __init__(self, errors: list[tuple[int | None, str]]):
        # File-wide problems first, then by row; the order within a row is kept.
        self.errors = sorted(errors, key=lambda e: (e[0] is not None, e[0] or 0))
        super().__init__([format_error(row, message) for row, message in self.errors])

    @property
    def lines(self) -> list[str]:
        return [format_error(row, message) for row, message in self.errors]


class FrameworkExportError(ValidationError):
    """The framework cannot be written in the asked layout (Moodle needs unique ID numbers)."""


# The in-between shape: what a file holds, before it is written or after it is read ----------


@dataclass
class CompetencyData:
    code: str
    title: str
    description: str = ""
    performance_criteria: list[str] = field(default_factory=list)
    underpinning_knowledge: str = ""
    is_core: bool = True
    clinical_areas: list[str] = field(default_factory=list)  # ClinicalArea codes
    assessment_methods: list[str] = field(default_factory=list)
    supervised_practices_required: int = 0
    reassessment_months: int | None = None
    order: int = 0
    # The ID number of the competency this one sits under, in the same domain; "" when it sits
    # directly in its domain.
    parent_competency: str = ""
    # The codes of the apprenticeship standard's KSBs (K1, S4...) the competency evidences.
    ksbs: list[str] = field(default_factory=list)
    description_format: str = "text"  # DescriptionFormat: text, html, moodle, markdown
    # From Moodle, kept as data (Competency.scale, .rule, .related, .export_id).
    scale: dict = field(default_factory=dict)
    rule: dict = field(default_factory=dict)
    related: list[str] = field(default_factory=list)
    export_id: str = field(default="", compare=False)  # renumbered by an export when empty
    row: int | None = field(default=None, compare=False)
    parent: str = field(default="", compare=False)  # while reading: the domain's code
    area_objects: list = field(default_factory=list, compare=False, repr=False)
    ksb_objects: list = field(default_factory=list, compare=False, repr=False)


@dataclass
class DomainData:
    code: str
    title: str
    description: str = ""
    order: int = 0
    competencies: list[CompetencyData] = field(default_factory=list)
    description_format: str = "text"
    export_id: str = field(default="", compare=False)  # renumbered by an export when empty
    row: int | None = field(default=None, compare=False)
    parent: str = field(default="", compare=False)  # while reading: the framework's code


@dataclass
class FrameworkData:
    code: str
    name: str
    description: str = ""
    version: int = 1
    domains: list[DomainData] = field(default_factory=list)
    # The framework's ID number in the system it came from (Moodle's may be no slug).
    source_id_number: str = ""
    description_format: str = "text"
    scale: dict = field(default_factory=dict)  # Framework.scale
    taxonomy: list[str] = field(default_factory=list)
    # The apprenticeship standard its competencies map to, as "ST0215 v1.1"; "" for none.
    standard: str = ""
    standard_object: object = field(default=None, compare=False, repr=False)
    row: int | None = field(default=None, compare=False)
    # What the reader changed or could not keep, for the preview: (row or None, message).
    notices: list[tuple[int | None, str]] = field(default_factory=list, compare=False)
    not_kept: list[tuple[int | None, str]] = field(default_factory=list, compare=False)

    @property
    def competency_count(self) -> int:
        return sum(len(d.competencies) for d in self.domains)

    def competencies(self) -> list[CompetencyData]:
        return [c for d in self.domains for c in d.competencies]


# Helpers for both readers ------------------------------------------------------------------


def is_blank(cells: list[str]) -> bool:
    return not any(cells)


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower().replace("(optional)", ""))


def words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", value) if part.strip()]


class RowChecker:
    """Helpers shared by both readers: errors, numbers."""

    def __init__(self):
        self.errors: list[tuple[int | None, str]] = []

    def error(self, row: int | None, message: str) -> None:
        self.errors.append((row, message))

    def number(
        self, row: int, value: str, label: str, *, minimum: int = 0, default=None
    ) -> int | None:
        if value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            try:
                as_float = float(value)
            except ValueError:
                as_float = float("nan")
            if not as_float.is_integer():
                self.error(row, f"bad number '{value}' for {label}: enter a whole number")
                return default
            number = int(as_float)
        if not minimum <= number <= SMALLINT_MAX:
            self.error(
                row,
                f"bad number '{value}' for {label}: enter a whole number from {minimum} "
                f"to {SMALLINT_MAX}",
            )
            return default
        return number
