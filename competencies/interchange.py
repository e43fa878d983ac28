"""Import and export of a whole competency framework.

Three layouts, described for people in docs/framework-file-format.md:

- ``csv``: Pathway's own CSV, one row per framework, domain or competency;
- ``xlsx``: the same columns in a spreadsheet (sheet "Framework");
- ``moodle``: Moodle's competency framework CSV (the tool_lpimportcsv layout), so that a
  framework can move between Pathway and a university's Moodle.

Import reads and checks the whole file first and collects every problem as (row, message).
If there is any, it raises FrameworkImportError and writes nothing; otherwise it writes the
framework, as a draft, in one transaction. Export gives back the same content: export, import,
export again and the two exports are the same (apart from the version number when the first
framework still exists, because the import then becomes its next version).

Moodle has no domains: every node below the framework row is a competency. Pathway keeps that:
every Moodle competency becomes a Pathway competency with its own Moodle ID number, and each
top-level Moodle competency also gives its name to a domain holding it and everything beneath
it. Deeper nodes keep their Moodle parent as Competency.parent; the framework keeps its Moodle
ID number as Framework.source_id_number (its own ID number must be a slug).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from operator import attrgetter
from os import PathLike
from pathlib import Path

import filetype
import nh3
import openpyxl
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.text import slugify
from openpyxl.styles import Alignment, Font

from competencies.models import AssessmentMethod, Competency, Domain, Framework
from competencies.tree import CompetencyTree
from pathway.models import ClinicalArea

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
    row: int | None = field(default=None, compare=False)
    parent: str = field(default="", compare=False)  # while reading: the domain's code
    area_objects: list = field(default_factory=list, compare=False, repr=False)


@dataclass
class DomainData:
    code: str
    title: str
    description: str = ""
    order: int = 0
    competencies: list[CompetencyData] = field(default_factory=list)
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
    row: int | None = field(default=None, compare=False)

    @property
    def competency_count(self) -> int:
        return sum(len(d.competencies) for d in self.domains)


# Reading bytes: files, CSV text, spreadsheets --------------------------------------------


def _read_source(source) -> tuple[bytes, str]:
    """The bytes and file name of a path, bytes or a (binary) file object."""
    if isinstance(source, str | PathLike):
        path = Path(source)
        return path.read_bytes(), path.name
    if isinstance(source, bytes | bytearray):
        return bytes(source), ""
    name = Path(str(getattr(source, "name", "") or "")).name
    if hasattr(source, "seek"):
        with contextlib.suppress(OSError, ValueError):
            source.seek(0)
    data = b"".join(source.chunks()) if hasattr(source, "chunks") else source.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data, name


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _clean_cell(value) -> str:
    """A cell as text: newlines made \\n, control characters dropped, outer spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def _protect(text: str) -> str:
    """Stop a spreadsheet program running a cell as a formula (CSV injection): a text cell
    that starts with = + - or @ gets a leading apostrophe. _unprotect reverses it exactly."""
    if text and text.lstrip("'").startswith(_FORMULA_START):
        return "'" + text
    return text


def _unprotect(text: str) -> str:
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START):
        return text[1:]
    return text


def _not_csv(data: bytes) -> str | None:
    """Why these bytes are not CSV text, or None if they could be."""
    if data[:4] == b"PK\x03\x04":
        return (
            "This is a spreadsheet (or another zipped file), not a CSV file: choose the "
            "Pathway spreadsheet (XLSX) layout, or save it as CSV"
        )
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return f"This is a {kind.extension.upper()} file, not a CSV file"
    return None


def _decode_text(data: bytes) -> str:
    if not data.strip():
        raise FrameworkImportError([(None, "The file is empty")])
    reason = _not_csv(data)
    if reason:
        raise FrameworkImportError([(None, reason)])
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        raise FrameworkImportError([(None, "This is not a CSV file: it holds binary data")])
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                # Excel's plain "CSV (Comma delimited)" on Windows.
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise FrameworkImportError(
                    [(None, 'This is not a CSV file: save it as "CSV UTF-8" and try again')]
                ) from None
    if len(_CONTROL.findall(text)) > len(text) // 100:  # a stray one is tidied away
        raise FrameworkImportError([(None, "This is not a CSV file: it holds binary data")])
    if not text.strip():
        raise FrameworkImportError([(None, "The file is empty")])
    return text


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    """(row number, cells) for each CSV record. Spreadsheets in some countries save with
    semicolons: the header line tells which separator the file uses."""
    text = _decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: (first_line.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            records.append((number, [_clean_cell(c) for c in cells]))
    except csv.Error as exc:
        raise FrameworkImportError(
            [(len(records) + 1, f"this row cannot be read as CSV ({exc})")]
        ) from None
    return records


def _xlsx_records(data: bytes) -> list[tuple[int, list[str]]]:
    if not data.strip():
        raise FrameworkImportError([(None, "The file is empty")])
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        hint = ""
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            hint = ": it may be an old Excel file (.xls); save it as .xlsx"
        elif _not_csv(data) is None and b"\x00" not in data:
            hint = ": it looks like a CSV file; choose a CSV layout"
        raise FrameworkImportError(
            [(None, f"This is not an Excel spreadsheet (.xlsx){hint}")]
        ) from None
    try:
        if not workbook.worksheets:
            raise FrameworkImportError([(None, "The spreadsheet has no sheets")])
        sheet = (
            workbook["Framework"] if "Framework" in workbook.sheetnames else workbook.worksheets[0]
        )
        records = [
            (number, [_clean_cell(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    return records


def _blank(cells: list[str]) -> bool:
    return not any(cells)


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower().replace("(optional)", ""))


def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# Pathway's own layout (CSV and XLSX) -------------------------------------------------------

COLUMNS = [
    ("row_type", "Row type"),
    ("id_number", "ID number"),
    ("parent", "Parent ID number"),
    ("title", "Title"),
    ("description", "Description"),
    ("version", "Version"),
    ("performance_criteria", "Performance criteria"),
    ("underpinning_knowledge", "Underpinning knowledge"),
    ("core_or_specific", "Core or specific"),
    ("clinical_areas", "Clinical areas"),
    ("assessment_methods", "Assessment methods"),
    ("supervised_practices", "Supervised practices required"),
    ("reassessment_months", "Reassessment months"),
    ("order", "Order"),
    ("parent_competency", "Parent competency ID number"),
]
HEADERS = dict(COLUMNS)
# Columns a file may leave out: files written before the column was added still import.
OPTIONAL_COLUMNS = {"parent_competency"}
_HEADER_KEYS = {_words(header): key for key, header in COLUMNS} | {
    "type": "row_type",
    "id": "id_number",
    "code": "id_number",
    "parent": "parent",
    "parent id": "parent",
    "name": "title",
    "title name": "title",
    "core specific": "core_or_specific",
    "supervised practices": "supervised_practices",
    "reassessment interval months": "reassessment_months",
    "parent competency": "parent_competency",
    "parent competency id": "parent_competency",
}
# Which columns each kind of row may fill; "row_type" and "parent" are checked separately.
_APPLIES = {
    "framework": {"id_number", "title", "description", "version"},
    "domain": {"id_number", "title", "description", "order"},
    "competency": {key for key, _ in COLUMNS} - {"row_type", "parent", "version"},
}
_TEXT_KEYS = (
    "id_number",
    "parent",
    "title",
    "description",
    "performance_criteria",
    "underpinning_knowledge",
    "clinical_areas",
    "assessment_methods",
    "parent_competency",
)


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", value) if part.strip()]


_METHODS = {m.value: m.value for m in AssessmentMethod} | {
    m.label.lower(): m.value for m in AssessmentMethod
}


class _Rows:
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


def _parse_pathway(
    records: list[tuple[int, list[str]]], *, unprotect: bool
) -> tuple[FrameworkData | None, list]:
    check = _Rows()
    records = [(n, cells) for n, cells in records if not _blank(cells)]
    if not records:
        raise FrameworkImportError([(None, "The file is empty")])
    header_row, header = records[0]
    if _looks_like_moodle(header):
        problem = _moodle_header_problem(header)
        raise FrameworkImportError(
            [
                (
                    header_row,
                    "this is a Moodle competency framework CSV: choose the Moodle layout"
                    if problem is None
                    else f"this looks like a Moodle competency framework CSV, but its header "
                    f"is not Moodle's: {problem}",
                )
            ]
        )
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        key = _HEADER_KEYS.get(_words(name))
        if key is None:
            check.error(header_row, f"unknown column '{name}'")
        elif key in columns:
            check.error(header_row, f"column '{HEADERS[key]}' appears twice")
        else:
            columns[key] = index
    for key, label in COLUMNS:
        if key not in columns and key not in OPTIONAL_COLUMNS:
            check.error(header_row, f"missing column '{label}'")
    if check.errors:
        check.errors.append(
            (
                header_row,
                "the first row must name the columns: "
                + ", ".join(label for key, label in COLUMNS if key not in OPTIONAL_COLUMNS)
                + " (and, if any competency sits under another, "
                + ", ".join(HEADERS[key] for key in OPTIONAL_COLUMNS)
                + ")",
            )
        )
        raise FrameworkImportError(check.errors)

    framework: FrameworkData | None = None
    domains: list[DomainData] = []
    competencies: list[CompetencyData] = []
    width = max(columns.values()) + 1
    for row, cells in records[1:]:
        if any(cells[width:]):
            check.error(row, "this row has more cells than the header has columns")
        values = {key: "" for key in OPTIONAL_COLUMNS}
        values |= {key: (cells[i] if i < len(cells) else "") for key, i in columns.items()}
        if unprotect:  # CSV only: a spreadsheet stores text cells as text
            for key in _TEXT_KEYS:
                values[key] = _unprotect(values[key])
        row_type = values["row_type"].lower()
        if row_type not in _APPLIES:
            if row_type:
                check.error(
                    row,
                    f"unknown row type '{values['row_type']}': use framework, domain or competency",
                )
            else:
                check.error(row, "missing row type: use framework, domain or competency")
            continue
        for key, value in values.items():
            if value and key not in _APPLIES[row_type] | {"row_type", "parent"}:
                check.error(row, f"'{HEADERS[key]}' does not apply to a {row_type} row")
        code, title = values["id_number"], values["title"]
        if not code:
            check.error(row, "missing ID number")
        if not title:
            check.error(row, "missing title")
        if row_type == "framework":
            if values["parent"]:
                check.error(row, "the framework row has no parent: leave it empty")
            if code:
                try:
                    validate_slug(code)
                except ValidationError:
                    check.error(
                        row,
                        f"bad framework ID number '{code}': use only letters, numbers, "
                        "hyphens and underscores",
                    )
            version = check.number(row, values["version"], "Version", minimum=1, default=1)
            if framework is not None:
                check.error(
                    row,
                    f"a second framework row (the first is row {framework.row}): "
                    "a file holds one framework",
                )
                continue
            framework = FrameworkData(
                code=code,
                name=title,
                description=values["description"],
                version=version or 1,
                row=row,
            )
        elif row_type == "domain":
            order = check.number(row, values["order"], "Order")
            domains.append(
                DomainData(
                    code=code,
                    title=title,
                    description=values["description"],
                    row=row,
                    order=-1 if order is None else order,
                    parent=values["parent"],
                )
            )
        else:
            competencies.append(_pathway_competency(check, row, values, code, title))

    if framework is None:
        check.error(None, "There is no framework row: add one row with row type 'framework'")
    _check_unique(check, domains, "domain")
    _check_unique(check, competencies, "competency")
    by_code = {d.code: d for d in domains if d.code}
    competency_codes = {c.code for c in competencies}
    for domain in domains:
        if domain.parent and framework is not None and domain.parent != framework.code:
            check.error(
                domain.row,
                f"unknown parent '{domain.parent}': a domain's parent is the framework's "
                f"ID number '{framework.code}' (or leave it empty)",
            )
    for competency in competencies:
        parent = competency.parent
        if not parent:
            check.error(competency.row, "missing parent ID number: give the domain's ID number")
        elif parent in by_code:
            by_code[parent].competencies.append(competency)
        elif parent in competency_codes:
            check.error(
                competency.row,
                f"parent '{parent}' is a competency: a competency's parent must be a domain",
            )
        else:
            check.error(competency.row, f"unknown parent '{parent}'")
    _check_parent_competencies(check, competencies, by_code)
    if framework is not None:
        framework.domains = _ordered(domains)
        for domain in framework.domains:
            domain.competencies = _ordered(domain.competencies)
    return framework, check.errors


def _pathway_competency(check: _Rows, row: int, values: dict, code: str, title: str):
    kind = values["core_or_specific"].lower()
    if kind not in ("", "core", "specific"):
        check.error(
            row, f"'Core or specific' must be core or specific, not '{values['core_or_specific']}'"
        )
    is_core = kind != "specific"
    areas = _split_list(values["clinical_areas"])
    if is_core and areas:
        check.error(
            row,
            "a core competency applies in every clinical area: leave 'Clinical areas' empty "
            "or make it specific",
        )
    if kind == "specific" and not areas:
        check.error(row, "a specific competency needs at least one clinical area")
    methods = []
    for method in _split_list(values["assessment_methods"]):
        value = _METHODS.get(method.lower()) or _METHODS.get(method.lower().replace(" ", "_"))
        if value is None:
            check.error(
                row,
                f"unknown assessment method '{method}': use " + ", ".join(AssessmentMethod.values),
            )
        elif value not in methods:
            methods.append(value)
    order = check.number(row, values["order"], "Order")
    return CompetencyData(
        code=code,
        title=title,
        description=values["description"],
        performance_criteria=[
            line.strip() for line in values["performance_criteria"].split("\n") if line.strip()
        ],
        underpinning_knowledge=values["underpinning_knowledge"],
        is_core=is_core,
        clinical_areas=areas,
        assessment_methods=methods,
        supervised_practices_required=check.number(
            row, values["supervised_practices"], "Supervised practices required", default=0
        )
        or 0,
        reassessment_months=check.number(row, values["reassessment_months"], "Reassessment months"),
        order=-1 if order is None else order,
        parent_competency=values["parent_competency"],
        row=row,
        parent=values["parent"],
    )


def _check_parent_competencies(check: _Rows, competencies: list, domains: dict) -> None:
    """A parent competency must be another competency of the same domain, and parents must not
    go round in a loop."""
    by_code: dict[str, CompetencyData] = {}
    for competency in competencies:
        by_code.setdefault(competency.code, competency)
    linked: dict[str, str] = {}  # competency code -> parent competency code, when both fine
    for competency in competencies:
        parent = competency.parent_competency
        if not parent:
            continue
        if parent == competency.code:
            check.error(competency.row, f"'{parent}' cannot be its own parent competency")
        elif parent not in by_code:
            if parent in domains:
                check.error(
                    competency.row,
                    f"parent competency '{parent}' is a domain: leave 'Parent competency ID "
                    "number' empty for a competency directly in its domain",
                )
            else:
                check.error(competency.row, f"unknown parent competency '{parent}'")
        elif by_code[parent].parent != competency.parent:
            check.error(
                competency.row,
                f"parent competency '{parent}' is in another domain "
                f"('{by_code[parent].parent}'): a competency can only sit under one of its "
                f"own domain ('{competency.parent}')",
            )
        elif by_code.get(competency.code) is competency:
            linked[competency.code] = parent
    for code, parent in linked.items():
        chain = [code]
        while parent in linked and parent not in chain:
            chain.append(parent)
            parent = linked[parent]
        if parent == code:  # the walk came back: this row is in the loop
            loop = " → ".join(f"'{c}'" for c in [*chain, code])
            check.error(by_code[code].row, f"parent competency loop: {loop}")


def _check_unique(check: _Rows, items, kind: str) -> None:
    first: dict[str, int | None] = {}
    for item in items:
        if not item.code:
            continue
        if item.code in first:
            check.error(
                item.row,
                f"duplicate ID number '{item.code}' (another {kind} has it in row "
                f"{first[item.code]})",
            )
        else:
            first[item.code] = item.row


def _ordered(items: list) -> list:
    """Siblings sorted by their Order, file order breaking ties; a blank Order (-1 here) takes
    the row's position among its siblings."""
    for position, item in enumerate(items, start=1):
        if item.order < 0:
            item.order = position
    return sorted(items, key=lambda item: item.order)  # stable: file order for equal orders


def _pathway_table(data: FrameworkData) -> list[list]:
    """The header and one list of cell values per row."""
    rows: list[list] = [[header for _, header in COLUMNS]]

    def row(**values) -> list:
        return [values.get(key, "") for key, _ in COLUMNS]

    rows.append(
        row(
            row_type="framework",
            id_number=data.code,
            title=data.name,
            description=data.description,
            version=data.version,
        )
    )
    for domain in data.domains:
        rows.append(
            row(
                row_type="domain",
                id_number=domain.code,
                parent=data.code,
                title=domain.title,
                description=domain.description,
                order=domain.order,
            )
        )
        for c in domain.competencies:
            rows.append(
                row(
                    row_type="competency",
                    id_number=c.code,
                    parent=domain.code,
                    title=c.title,
                    description=c.description,
                    performance_criteria="\n".join(c.performance_criteria),
                    underpinning_knowledge=c.underpinning_knowledge,
                    core_or_specific="core" if c.is_core else "specific",
                    clinical_areas=";".join(c.clinical_areas),
                    assessment_methods=";".join(c.assessment_methods),
                    supervised_practices=c.supervised_practices_required,
                    reassessment_months=(
                        "" if c.reassessment_months is None else c.reassessment_months
                    ),
                    order=c.order,
                    parent_competency=c.parent_competency,
                )
            )
    return rows


def _write_pathway_csv(data: FrameworkData) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for values in _pathway_table(data):
        writer.writerow([_protect(v) if isinstance(v, str) else v for v in values])
    # With a byte order mark, Excel opens the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _write_pathway_xlsx(data: FrameworkData) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Framework"
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(_pathway_table(data), start=1):
        for c, value in enumerate(values, start=1):
            if value == "" or value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
                cell.alignment = wrap
            if r == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [12, 18, 18, 40, 50, 9, 50, 40, 16, 24, 36, 14, 14, 8, 18]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width

    codes = workbook.create_sheet("Codes")
    codes.append(["Assessment method code", "Meaning"])
    for method in AssessmentMethod:
        codes.append([method.value, method.label])
    codes.append([])
    codes.append(["Core or specific", "Meaning"])
    codes.append(["core", "Applies to every trainee"])
    codes.append(["specific", "Applies in the clinical areas listed (codes, separated by ;)"])
    codes.append([])
    codes.append(["Clinical area code", "Clinical area"])
    for code, name in ClinicalArea.objects.order_by("code").values_list("code", "name"):
        codes.append([code, name])
    for cell in codes[1]:
        cell.font = Font(bold=True)
    codes.column_dimensions["A"].width = 26
    codes.column_dimensions["B"].width = 60

    workbook.properties.creator = "Pathway"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Moodle's layout ---------------------------------------------------------------------------

MOODLE_HEADER = [
    "Parent id number",
    "Id number",
    "Shortname",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross referenced competency id numbers",
    "Exported id (optional)",
    "Is framework",
    "Taxonomy",
]
# Each position accepts Moodle's label or its internal name (both squashed).
_MOODLE_KEYS = [
    {"parentidnumber"},
    {"idnumber"},
    {"shortname"},
    {"description"},
    {"descriptionformat"},
    {"scalevalues"},
    {"scaleconfiguration"},
    {"ruletype"},
    {"ruleoutcome"},
    {"ruleconfig"},
    {"crossreferencedcompetencyidnumbers", "relatedidnumbers"},
    {"exportedid", "exportid"},
    {"isframework"},
    {"taxonomy", "taxonomies"},
]
MOODLE_SCALE_VALUES = "Not yet competent,Competent"
# Moodle replaces the first item's scale id with the id of the scale it finds or makes.
MOODLE_SCALE_CONFIGURATION = '[{"scaleid":"0"},{"id":2,"scaledefault":1,"proficient":1}]'
_DESCRIPTION_FORMATS = {"": "html", "0": "moodle", "1": "html", "2": "plain", "4": "markdown"}
FORMAT_PLAIN = "2"


_MOODLE_ONLY = set().union(*_MOODLE_KEYS[4:]) | {"shortname"}


def _looks_like_moodle(cells: list[str]) -> bool:
    """Whether a header row is meant to be Moodle's, even if it is not quite right."""
    return len({_squash(c) for c in cells} & _MOODLE_ONLY) >= 2


def _moodle_header_problem(cells: list[str]) -> str | None:
    """None if these cells are Moodle's header row, else what is wrong with them."""
    trimmed = list(cells)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    if len(trimmed) != len(_MOODLE_KEYS):
        return f"Moodle's header has {len(_MOODLE_KEYS)} columns, this row has {len(trimmed)}"
    for position, (cell, accepted) in enumerate(zip(cells, _MOODLE_KEYS, strict=False), 1):
        if _squash(cell) not in accepted:
            return f"column {position} should be '{MOODLE_HEADER[position - 1]}', not '{cell}'"
    return None


@dataclass
class _MoodleNode:
    row: int
    parent: str
    idnumber: str
    shortname: str
    description: str
    is_framework: bool


class _TextFromHtml(HTMLParser):
    """Plain text from sanitised HTML: paragraphs become blank lines, <br> a line break,
    list items bullet lines; runs of spaces and source line breaks become one space."""

    BLOCKS = {
        "p",
        "div",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "table",
        "tr",
        "pre",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        return "".join(self.parts)


_SAFE_TAGS = {
    "p",
    "br",
    "div",
    "span",
    "ul",
    "ol",
    "li",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "pre",
    "code",
}


def html_to_text(html: str) -> str:
    """Sanitise with nh3 (scripts and styles go with their content), then keep the text."""
    parser = _TextFromHtml()
    parser.feed(nh3.clean(html, tags=_SAFE_TAGS, attributes={}))
    parser.close()
    return _tidy_text(parser.text())


def _tidy_text(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _moodle_text(description: str, description_format: str) -> str:
    kind = _DESCRIPTION_FORMATS.get(description_format, "html")
    if kind == "moodle":
        # Moodle's own format: line breaks count, HTML is allowed.
        return html_to_text(description.replace("\n", "<br>"))
    if kind == "html":
        return html_to_text(description)
    return description  # plain text or Markdown: text already, shown escaped


def _parse_moodle(records: list[tuple[int, list[str]]]) -> tuple[FrameworkData | None, list]:
    check = _Rows()
    records = [(n, cells) for n, cells in records if not _blank(cells)]
    if not records:
        raise FrameworkImportError([(None, "The file is empty")])
    header_row, header = records[0]
    problem = _moodle_header_problem(header)
    if problem:
        if "row type" in {_words(c) for c in header}:
            problem = "this is a Pathway CSV, not a Moodle one: choose the Pathway CSV layout"
        raise FrameworkImportError(
            [
                (
                    header_row,
                    f"this is not Moodle's header row: {problem}. The first row must be: "
                    + ", ".join(MOODLE_HEADER),
                )
            ]
        )

    nodes: list[_MoodleNode] = []
    framework_node: _MoodleNode | None = None
    for row, cells in records[1:]:
        if any(cells[len(MOODLE_HEADER) :]):
            check.error(row, f"this row has more than Moodle's {len(MOODLE_HEADER)} columns")
        cells = (cells + [""] * len(MOODLE_HEADER))[: len(MOODLE_HEADER)]
        (
            parent,
            idnumber,
            shortname,
            description,
            description_format,
            _scale_values,
            scale_configuration,
            _rule_type,
            rule_outcome,
            rule_config,
            _related,
            _exported_id,
            is_framework,
            _taxonomy,
        ) = cells
        if description_format not in _DESCRIPTION_FORMATS:
            check.error(
                row,
                f"Description format must be 0 (Moodle), 1 (HTML), 2 (plain text) or "
                f"4 (Markdown), not '{description_format}'",
            )
        for label, value in (
            ("Scale configuration", scale_configuration),
            ("Rule config", rule_config),
        ):
            if value:
                try:
                    json.loads(value)
                except json.JSONDecodeError as exc:
                    check.error(
                        row, f"{label} is not valid JSON ({exc.msg} at character {exc.pos + 1})"
                    )
        check.number(row, rule_outcome, "Rule outcome")
        if is_framework.lower() not in ("", "0", "1", "true", "false"):
            check.error(row, f"Is framework must be 1 or empty, not '{is_framework}'")
        if not idnumber:
            check.error(row, "missing ID number")
        elif len(idnumber) > CODE_MAX:
            check.error(row, f"ID number '{idnumber[:20]}…' is longer than {CODE_MAX} characters")
        if not shortname:
            check.error(row, "missing short name")
        node = _MoodleNode(
            row=row,
            parent=parent,
            idnumber=idnumber,
            shortname=shortname,
            description=_moodle_text(description, description_format),
            is_framework=is_framework.lower() in ("1", "true"),
        )
        if not node.is_framework:
            nodes.append(node)
        elif framework_node is not None:
            check.error(
                row,
                f"a second framework row (the first is row {framework_node.row}): "
                "a file holds one framework",
            )
        else:
            framework_node = node

    framework = None
    if framework_node is None:
        check.error(None, "There is no framework row: one row must have 'Is framework' set to 1")
    else:
        code = framework_node.idnumber
        try:
            validate_slug(code)
        except ValidationError:
            code = slugify(code)
        if framework_node.idnumber and not code:
            check.error(
                framework_node.row,
                f"the framework's ID number '{framework_node.idnumber}' cannot be made into a "
                "Pathway ID number: use letters, numbers and hyphens",
            )
        framework = FrameworkData(
            code=code,
            name=framework_node.shortname,
            description=framework_node.description,
            source_id_number=framework_node.idnumber,
            row=framework_node.row,
        )

    # The tree. Rows may come in any order: a child before its parent is fine.
    by_id: dict[str, _MoodleNode] = {}
    for node in nodes:
        if not node.idnumber:
            continue
        if node.idnumber in by_id:
            check.error(
                node.row,
                f"duplicate ID number '{node.idnumber}' (also in row {by_id[node.idnumber].row})",
            )
        else:
            by_id[node.idnumber] = node
    children: dict[str, list[_MoodleNode]] = defaultdict(list)
    tops: list[_MoodleNode] = []
    placed = [n for n in nodes if n.idnumber and by_id.get(n.idnumber) is n]
    for node in placed:
        if not node.parent:
            tops.append(node)
        elif node.parent == node.idnumber:
            check.error(node.row, f"'{node.idnumber}' cannot be its own parent")
        elif node.parent in by_id:
            children[node.parent].append(node)
        elif framework_node is not None and node.parent == framework_node.idnumber:
            check.error(
                node.row,
                f"parent '{node.parent}' is the framework: leave Parent id number empty for a "
                "top-level competency",
            )
        else:
            check.error(node.row, f"unknown parent '{node.parent}'")

    domains: list[DomainData] = []
    reached: set[str] = set()
    for order, top in enumerate(tops, start=1):
        domain = DomainData(
            code=top.idnumber,
            title=top.shortname,
            description=top.description,
            order=order,
            row=top.row,
        )
        domains.append(domain)
        # The top-level Moodle competency is a competency too (Moodle can rate it).
        subtree = [(top, None)]
        stack = [(child, top) for child in reversed(children[top.idnumber])]
        while stack:  # depth first, siblings in file order
            node, parent = stack.pop()
            subtree.append((node, parent))
            stack.extend((child, node) for child in reversed(children[node.idnumber]))
        for position, (node, parent) in enumerate(subtree, start=1):
            reached.add(node.idnumber)
            domain.competencies.append(
                CompetencyData(
                    code=node.idnumber,
                    title=node.shortname,
                    description=node.description,
                    order=position,
                    # Beneath the top-level node is directly in the domain; deeper, beneath
                    # the parent competency.
                    parent_competency="" if parent is None or parent is top else parent.idnumber,
                    row=node.row,
                )
            )
    # Rows never reached from the top hang below a loop. Report the rows that form it.
    for node in placed:
        if node.idnumber in reached or node.parent not in by_id or node.parent == node.idnumber:
            continue
        chain, current = [node.idnumber], node
        while current.parent in by_id and current.parent not in chain:
            current = by_id[current.parent]
            chain.append(current.idnumber)
        if current.parent == node.idnumber:  # the walk came back: this row is in the loop
            loop = " → ".join(f"'{c}'" for c in [*chain, node.idnumber])
            check.error(node.row, f"parent loop: {loop} never reaches a top-level competency")
    if framework is not None:
        framework.domains = domains
    return framework, check.errors


def _moodle_nodes(data: FrameworkData) -> tuple[list[tuple[str, str, str, str]], int]:
    """(parent ID number, ID number, short name, description) in tree order, and the depth.

    Each domain is a top-level node. A competency with the domain's ID number is the domain's
    own node; the others sit beneath their parent competency, or directly beneath the domain
    when they have none (or when it is not a competency of the same domain)."""
    rows: list[tuple[str, str, str, str]] = []
    depth = 1
    for domain in data.domains:
        rows.append(("", domain.code, domain.title, domain.description))
        tree = CompetencyTree(
            [c for c in domain.competencies if c.code != domain.code],
            key=attrgetter("code"),
            parent_key=attrgetter("parent_competency"),
        )
        for competency, level in tree.preorder():
            parent = tree.parent_of(competency)
            depth = max(depth, level + 2)
            rows.append(
                (
                    domain.code if parent is None else parent.code,
                    competency.code,
                    competency.title,
                    competency.description,
                )
            )
    counts = Counter(idnumber for _, idnumber, _, _ in rows)
    clashes = sorted(code for code, count in counts.items() if count > 1)
    if clashes:
        raise FrameworkExportError(
            "Moodle needs every ID number in a framework to be different, and these are used "
            "by more than one domain or competency: " + ", ".join(clashes)
        )
    return rows, depth


def _write_moodle(data: FrameworkData) -> bytes:
    nodes, depth = _moodle_nodes(data)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(MOODLE_HEADER)
    taxonomy = ",".join(["domain"] + ["competency"] * (depth - 1))
    writer.writerow(
        [
            "",
            data.source_id_number or data.code,
            data.name,
            data.description,
            FORMAT_PLAIN,
            MOODLE_SCALE_VALUES,
            MOODLE_SCALE_CONFIGURATION,
            "",
            "",
            "",
            "",
            "",
            "1",
            taxonomy,
        ]
    )
    for exported_id, (parent, idnumber, title, description) in enumerate(nodes, start=1):
        writer.writerow(
            [
                parent,
                idnumber,
                title,
                description,
                FORMAT_PLAIN,
                "",
                "",
                "",
                "0",
                "null",
                "",
                exported_id,
                "",
                "",
            ]
        )
    return buffer.getvalue().encode("utf-8")


# Reading a file into FrameworkData ----------------------------------------------------------


def guess_format(data: bytes, filename: str = "") -> str:
    """xlsx for a spreadsheet; for CSV, moodle if the header is Moodle's, else csv."""
    if Path(filename).suffix.lower() in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        return "xlsx"
    try:
        records = _csv_records(data)
    except FrameworkImportError:
        return "csv"
    for _, cells in records:
        if not _blank(cells):
            return "moodle" if _looks_like_moodle(cells) else "csv"
    return "csv"


def parse(data: bytes, format: str) -> tuple[FrameworkData | None, list]:
    """Read and check a file without the database. Raises FrameworkImportError when the file
    cannot be read at all; otherwise returns what it found and the problems in its rows."""
    if format == "csv":
        return _parse_pathway(_csv_records(data), unprotect=True)
    if format == "xlsx":
        return _parse_pathway(_xlsx_records(data), unprotect=False)
    if format == "moodle":
        return _parse_moodle(_csv_records(data))
    raise ValueError(f"Unknown framework file format {format!r}: use one of {FORMATS}")


def _model_problems(instance, exclude: list[str]) -> list[str]:
    # Blank ID numbers and titles are reported by the readers already.
    exclude = exclude + [n for n in ("code", "title", "name") if getattr(instance, n, None) == ""]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = []
        for name, messages in exc.message_dict.items():
            if name == NON_FIELD_ERRORS:
                problems.extend(messages)
            else:
                label = str(type(instance)._meta.get_field(name).verbose_name)
                problems.extend(f"{label[:1].upper()}{label[1:]}: {m}" for m in messages)
        return problems
    return []


def _check_against_database(data: FrameworkData, errors: list) -> None:
    """What only the database can tell: clinical areas, and the models' own rules."""
    wanted = {
        code.lower() for d in data.domains for c in d.competencies for code in c.clinical_areas
    }
    areas = {
        area.lowered: area
        for area in ClinicalArea.objects.annotate(lowered=Lower("code")).filter(lowered__in=wanted)
    }
    for message in _model_problems(
        Framework(
            code=data.code,
            name=data.name,
            description=data.description,
            version=data.version,
            source_id_number=data.source_id_number,
        ),
        exclude=["previous_version", "published_by"],
    ):
        errors.append((data.row, message))
    for domain in data.domains:
        for message in _model_problems(
            Domain(
                code=domain.code,
                title=domain.title,
                description=domain.description,
                order=domain.order,
            ),
            exclude=["framework"],
        ):
            errors.append((domain.row, message))
        for c in domain.competencies:
            c.area_objects = []
            for code in c.clinical_areas:
                area = areas.get(code.lower())
                if area is None:
                    errors.append(
                        (
                            c.row,
                            f"unknown clinical area '{code}': clinical areas are set up "
                            "by an administrator, so check the code or ask for the area to be "
                            "added",
                        )
                    )
                elif area not in c.area_objects:
                    c.area_objects.append(area)
            for message in _model_problems(_competency(c), exclude=["framework", "domain"]):
                errors.append((c.row, message))


def _competency(c: CompetencyData, **extra) -> Competency:
    return Competency(
        code=c.code,
        title=c.title,
        description=c.description,
        performance_criteria=c.performance_criteria,
        underpinning_knowledge=c.underpinning_knowledge,
        is_core=c.is_core,
        assessment_methods=c.assessment_methods,
        supervised_practices_required=c.supervised_practices_required,
        reassessment_months=c.reassessment_months,
        order=c.order,
        **extra,
    )


def _write(data: FrameworkData) -> Framework:
    with transaction.atomic():
        existing = list(
            Framework.objects.select_for_update().filter(code=data.code).order_by("version")
        )
        taken = {f.version for f in existing}
        version = data.version if data.version not in taken else max(taken) + 1
        previous = [f for f in existing if f.version < version]
        framework = Framework.objects.create(
            code=data.code,
            name=data.name,
            description=data.description,
            version=version,
            previous_version=previous[-1] if previous else None,
            source_id_number=data.source_id_number,
        )
        links = []
        through = Competency.clinical_areas.through
        saved: dict[str, Competency] = {}
        for d in data.domains:
            domain = Domain.objects.create(
                framework=framework,
                code=d.code,
                title=d.title,
                description=d.description,
                order=d.order,
            )
            for c in d.competencies:
                competency = _competency(c, framework=framework, domain=domain)
                competency.save()
                saved[c.code] = competency
                links.extend(
                    through(competency_id=competency.pk, clinicalarea_id=area.pk)
                    for area in c.area_objects
                )
        through.objects.bulk_create(links)
        # Parents once every competency exists: a child may come before its parent.
        nested = []
        for d in data.domains:
            for c in d.competencies:
                if c.parent_competency:
                    saved[c.code].parent = saved[c.parent_competency]
                    nested.append(saved[c.code])
        Competency.objects.bulk_update(nested, ["parent"])
    return framework


# The service -------------------------------------------------------------------------------


def framework_import(*, actor, source, format: str, name: str | None = None) -> Framework:
    """Import a whole framework as a new draft.

    `source` is a path or a binary file object; `format` one of "csv", "xlsx", "moodle".
    Checks everything first: any problem raises FrameworkImportError listing them all, and
    nothing is written. If the file's framework ID number and version already exist, the
    import becomes the next version of that framework. `actor` None is the system (the command
    line); anyone else needs the lead nurse's permission.
    """
    if actor is not None and not actor.has_perm("competencies.manage_frameworks"):
        raise PermissionDenied("Only the lead nurse can import a framework")
    if format not in FORMATS:
        raise ValueError(f"Unknown framework file format {format!r}: use one of {FORMATS}")
    data, _filename = _read_source(source)
    framework_data, errors = parse(data, format)
    if framework_data is not None:
        if name:
            framework_data.name = name.strip()
        _check_against_database(framework_data, errors)
    if errors:
        raise FrameworkImportError(errors)
    try:
        return _write(framework_data)
    except IntegrityError:
        raise FrameworkImportError(
            [
                (
                    None,
                    "The framework could not be saved: another import of it may have finished "
                    "at the same moment. Try again",
                )
            ]
        ) from None


def import_summary(framework: Framework) -> str:
    competencies = framework.competencies.count()
    domains = framework.domains.count()
    return (
        f'Imported "{framework.name}" (version {framework.version}): {competencies} '
        f"{'competency' if competencies == 1 else 'competencies'} in {domains} "
        f"{'domain' if domains == 1 else 'domains'}"
    )


def framework_data(framework: Framework) -> FrameworkData:
    """A framework as it is stored, in the in-between shape the writers take."""
    competencies = defaultdict(list)
    stored = list(
        Competency.objects.filter(framework=framework)
        .prefetch_related("clinical_areas")
        .order_by("order", "id")
    )
    codes = {c.pk: c.code for c in stored}
    for c in stored:
        competencies[c.domain_id].append(
            CompetencyData(
                code=c.code,
                title=c.title,
                description=c.description,
                performance_criteria=list(c.performance_criteria or []),
                underpinning_knowledge=c.underpinning_knowledge,
                is_core=c.is_core,
                clinical_areas=sorted(a.code for a in c.clinical_areas.all()),
                assessment_methods=list(c.assessment_methods or []),
                supervised_practices_required=c.supervised_practices_required,
                reassessment_months=c.reassessment_months,
                order=c.order,
                parent_competency=codes.get(c.parent_id, ""),
            )
        )
    return FrameworkData(
        code=framework.code,
        name=framework.name,
        description=framework.description,
        version=framework.version,
        source_id_number=framework.source_id_number,
        domains=[
            DomainData(
                code=d.code,
                title=d.title,
                description=d.description,
                order=d.order,
                competencies=competencies[d.pk],
            )
            for d in framework.domains.order_by("order", "id")
        ],
    )


def serialise(data: FrameworkData, format: str) -> bytes:
    if format == "csv":
        return _write_pathway_csv(data)
    if format == "xlsx":
        return _write_pathway_xlsx(data)
    if format == "moodle":
        return _write_moodle(data)
    raise ValueError(f"Unknown framework file format {format!r}: use one of {FORMATS}")


def framework_export(*, framework: Framework, format: str) -> bytes:
    """The whole framework as a file in the given layout. Raises FrameworkExportError when a
    Moodle export would need two rows with the same ID number."""
    return serialise(framework_data(framework), format)


def export_filename(framework: Framework, format: str) -> str:
    stem = slugify(f"{framework.code}-v{framework.version}") or "framework"
    return {"csv": f"{stem}.csv", "xlsx": f"{stem}.xlsx", "moodle": f"{stem}-moodle.csv"}[format]


EXAMPLE_FILENAMES = {
    "csv": "pathway-framework-example.csv",
    "xlsx": "pathway-framework-example.xlsx",
    "moodle": "moodle-framework-example.csv",
}


def example_data() -> FrameworkData:
    """A small framework showing each column. The specific competency uses a real clinical
    area when there is one, so the example imports as it is."""
    area = ClinicalArea.objects.order_by("code").first()
    clinical = [
        CompetencyData(
            code="CS1",
            title="Measures and records vital signs",
            description="Measures temperature, pulse, respirations, blood pressure and oxygen "
            "saturation, and records them on the observation chart.",
            performance_criteria=[
                "Explains the procedure and gains consent",
                "Uses the equipment correctly",
                "Escalates a raised early warning score at once",
            ],
            underpinning_knowledge="Normal ranges of vital signs; the NEWS2 escalation policy.",
            assessment_methods=["direct_observation", "questioning"],
            supervised_practices_required=5,
            reassessment_months=12,
            order=1,
        )
    ]
    if area is not None:
        clinical.append(
            CompetencyData(
                code="CS2",
                title="Cares for a patient with a tracheostomy",
                description="Carries out routine tracheostomy care under the care plan.",
                performance_criteria=["Checks the emergency equipment at the bedside"],
                is_core=False,
                clinical_areas=[area.code],
                assessment_methods=["direct_observation", "simulation"],
                supervised_practices_required=3,
                reassessment_months=12,
                order=2,
            )
        )
    return FrameworkData(
        code="example-framework",
        name="Example assistant practitioner framework",
        description="An example to copy: replace these rows with your own.",
        version=1,
        domains=[
            DomainData(
                code="COM",
                title="Communication",
                description="Talking with patients, families and colleagues.",
                order=1,
                competencies=[
                    CompetencyData(
                        code="COM1",
                        title="Communicates effectively with patients",
                        description="Adapts communication to the patient's needs.",
                        performance_criteria=[
                            "Introduces self by name and role",
                            "Checks the patient has understood",
                        ],
                        underpinning_knowledge="Barriers to communication.",
                        assessment_methods=["direct_observation", "reflective_account"],
                        supervised_practices_required=2,
                        order=1,
                    )
                ],
            ),
            DomainData(
                code="CS",
                title="Clinical skills",
                description="Skills used at the bedside.",
                order=2,
                competencies=clinical,
            ),
        ],
    )


def example_file(format: str) -> bytes:
    return serialise(example_data(), format)
