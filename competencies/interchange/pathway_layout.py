"""Pathway's own layout, as CSV or as a spreadsheet (XLSX): one row per framework, domain or
competency (docs/framework-file-format.md)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from competencies import richtext
from competencies.interchange.data import (
    CompetencyData,
    DomainData,
    FrameworkData,
    FrameworkImportError,
    RowChecker,
    is_blank,
    split_list,
    words,
)
from competencies.interchange.moodle_layout import looks_like_moodle, moodle_header_problem
from competencies.models import AssessmentMethod
from pathway import spreadsheets
from pathway.models import ClinicalArea

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
    ("standard", "Apprenticeship standard"),
    ("ksbs", "KSBs"),
    ("parent_competency", "Parent competency ID number"),
]
HEADERS = dict(COLUMNS)
# Columns a file may leave out: files written before the column was added still import.
OPTIONAL_COLUMNS = {"parent_competency", "standard", "ksbs"}
_HEADER_KEYS = {words(header): key for key, header in COLUMNS} | {
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
    "standard": "standard",
    "ksb codes": "ksbs",
    "ksb": "ksbs",
}
# Which columns each kind of row may fill; "row_type" and "parent" are checked separately.
_APPLIES = {
    "framework": {"id_number", "title", "description", "version", "standard"},
    "domain": {"id_number", "title", "description", "order"},
    "competency": {key for key, _ in COLUMNS} - {"row_type", "parent", "version", "standard"},
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
    "standard",
    "ksbs",
)


_METHODS = {m.value: m.value for m in AssessmentMethod} | {
    m.label.lower(): m.value for m in AssessmentMethod
}


def parse_pathway(
    records: list[tuple[int, list[str]]], *, unprotect: bool
) -> tuple[FrameworkData | None, list]:
    """Read Pathway's layout. `unprotect` (CSV only: a spreadsheet stores text cells as text)
    undoes the formula guard the export adds."""
    check = RowChecker()
    raw = {n: cells for n, cells in records}
    records = [(n, [c.strip() for c in cells]) for n, cells in records]
    records = [(n, cells) for n, cells in records if not is_blank(cells)]
    if not records:
        raise FrameworkImportError([(None, "The file is empty")])
    header_row, header = records[0]
    columns = _pathway_columns(header_row, header)
    found = _Found()
    notices = []
    width = max(columns.values()) + 1
    for row, cells in records[1:]:
        notices.extend(_trimmed_notices(row, raw[row], columns))
        if any(cells[width:]):
            check.error(row, "this row has more cells than the header has columns")
        values = _row_values(cells, columns, unprotect=unprotect)
        row_type = _row_type(check, row, values)
        if row_type is not None:
            _ROW_READERS[row_type](check, row, values, found)
    framework = _assemble(check, found)
    if framework is not None:
        _read_html_descriptions(framework)
        framework.notices = notices
    return framework, check.errors


_TRIM_NOTICED = ("id_number", "parent", "title", "parent_competency")


def _trimmed_notices(row: int, raw_cells: list[str], columns: dict[str, int]) -> list:
    """A notice for each identifying cell that had spaces around it (they are removed)."""
    notices = []
    for key in _TRIM_NOTICED:
        index = columns.get(key)
        cell = raw_cells[index] if index is not None and index < len(raw_cells) else ""
        if cell.strip() and cell != cell.strip():
            label = HEADERS[key]
            if not label.startswith("ID"):
                label = label[:1].lower() + label[1:]
            notices.append(
                (
                    row,
                    f"spaces before or after the {label} "
                    f"{json.dumps(cell, ensure_ascii=False)} were removed",
                )
            )
    return notices


_STARTS_WITH_A_TAG = re.compile(
    r"^\s*<(p|div|ul|ol|h[1-6]|table|blockquote|pre|strong|em|b|i|a|img|span)[\s>/]", re.I
)


def _read_html_descriptions(framework: FrameworkData) -> None:
    """A description that starts with an HTML tag (one exported from a framework imported from
    Moodle) is read as HTML, sanitised (competencies.richtext); the others stay text."""
    for item in [framework, *framework.domains, *framework.competencies()]:
        if _STARTS_WITH_A_TAG.match(item.description):
            item.description = richtext.sanitise(item.description)
            item.description_format = "html"


@dataclass
class _Found:
    """What the rows hold, before the tree is put together."""

    framework: FrameworkData | None = None
    domains: list[DomainData] = field(default_factory=list)
    competencies: list[CompetencyData] = field(default_factory=list)


def _pathway_columns(header_row: int, header: list[str]) -> dict[str, int]:
    """Which cell holds which column. Raises for a Moodle header, and for unknown, repeated or
    missing columns."""
    if looks_like_moodle(header):
        problem = moodle_header_problem(header)
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
    check = RowChecker()
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        key = _HEADER_KEYS.get(words(name))
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
                + HEADERS["parent_competency"]
                + ")",
            )
        )
        raise FrameworkImportError(check.errors)
    return columns


def _row_values(cells: list[str], columns: dict[str, int], *, unprotect: bool) -> dict[str, str]:
    values = {key: "" for key in OPTIONAL_COLUMNS}
    values |= {key: (cells[i] if i < len(cells) else "") for key, i in columns.items()}
    if unprotect:
        for key in _TEXT_KEYS:
            values[key] = spreadsheets.revive(values[key])
    return values


def _row_type(check: RowChecker, row: int, values: dict) -> str | None:
    """The row's type, once its columns are checked to apply to it; None for a bad type."""
    row_type = values["row_type"].lower()
    if row_type not in _APPLIES:
        if row_type:
            check.error(
                row,
                f"unknown row type '{values['row_type']}': use framework, domain or competency",
            )
        else:
            check.error(row, "missing row type: use framework, domain or competency")
        return None
    for key, value in values.items():
        if value and key not in _APPLIES[row_type] | {"row_type", "parent"}:
            check.error(row, f"'{HEADERS[key]}' does not apply to a {row_type} row")
    if not values["id_number"]:
        check.error(row, "missing ID number")
    if not values["title"]:
        check.error(row, "missing title")
    return row_type


def _read_framework_row(check: RowChecker, row: int, values: dict, found: _Found) -> None:
    code = values["id_number"]
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
    if found.framework is not None:
        check.error(
            row,
            f"a second framework row (the first is row {found.framework.row}): "
            "a file holds one framework",
        )
        return
    found.framework = FrameworkData(
        code=code,
        name=values["title"],
        description=values["description"],
        version=version or 1,
        standard=values["standard"],
        row=row,
    )


def _read_domain_row(check: RowChecker, row: int, values: dict, found: _Found) -> None:
    order = check.number(row, values["order"], "Order")
    found.domains.append(
        DomainData(
            code=values["id_number"],
            title=values["title"],
            description=values["description"],
            row=row,
            order=-1 if order is None else order,
            parent=values["parent"],
        )
    )


def _read_competency_row(check: RowChecker, row: int, values: dict, found: _Found) -> None:
    found.competencies.append(
        _pathway_competency(check, row, values, values["id_number"], values["title"])
    )


_ROW_READERS = {
    "framework": _read_framework_row,
    "domain": _read_domain_row,
    "competency": _read_competency_row,
}


def _assemble(check: RowChecker, found: _Found) -> FrameworkData | None:
    """Put the tree together: domains under the framework, competencies under their domains and
    parent competencies, all in order. Adds what does not fit to `check`."""
    framework, domains, competencies = found.framework, found.domains, found.competencies
    if framework is None:
        check.error(None, "There is no framework row: add one row with row type 'framework'")
    _check_unique(check, domains, "domain")
    _check_unique(check, competencies, "competency")
    by_code = {d.code: d for d in domains if d.code}
    if framework is not None:
        _check_domain_parents(check, domains, framework)
    _place_competencies(check, competencies, by_code)
    _check_parent_competencies(check, competencies, by_code)
    if framework is not None:
        framework.domains = _ordered(domains)
        for domain in framework.domains:
            domain.competencies = _ordered(domain.competencies)
    return framework


def _check_domain_parents(
    check: RowChecker, domains: list[DomainData], framework: FrameworkData
) -> None:
    for domain in domains:
        if domain.parent and domain.parent != framework.code:
            check.error(
                domain.row,
                f"unknown parent '{domain.parent}': a domain's parent is the framework's "
                f"ID number '{framework.code}' (or leave it empty)",
            )


def _place_competencies(
    check: RowChecker, competencies: list[CompetencyData], by_code: dict[str, DomainData]
) -> None:
    """Each competency into the domain its parent names."""
    competency_codes = {c.code for c in competencies}
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


def _pathway_competency(check: RowChecker, row: int, values: dict, code: str, title: str):
    kind = values["core_or_specific"].lower()
    if kind not in ("", "core", "specific"):
        check.error(
            row, f"'Core or specific' must be core or specific, not '{values['core_or_specific']}'"
        )
    is_core = kind != "specific"
    areas = split_list(values["clinical_areas"])
    if is_core and areas:
        check.error(
            row,
            "a core competency applies in every clinical area: leave 'Clinical areas' empty "
            "or make it specific",
        )
    if kind == "specific" and not areas:
        check.error(row, "a specific competency needs at least one clinical area")
    methods = []
    for method in split_list(values["assessment_methods"]):
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
        ksbs=split_list(values["ksbs"]),
        row=row,
        parent=values["parent"],
    )


def _check_parent_competencies(check: RowChecker, competencies: list, domains: dict) -> None:
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


def _check_unique(check: RowChecker, items, kind: str) -> None:
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
            standard=data.standard,
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
                    ksbs=";".join(c.ksbs),
                )
            )
    return rows


def write_pathway_csv(data: FrameworkData) -> bytes:
    """With the formula guard, which the reader undoes (spreadsheets.revive): exact round trips."""
    return spreadsheets.csv_bytes(_pathway_table(data))


COLUMN_WIDTHS = [12, 18, 18, 40, 50, 9, 50, 40, 16, 24, 36, 14, 14, 8, 22, 20, 18]


def write_pathway_xlsx(data: FrameworkData) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Framework"
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(_pathway_table(data), start=1):
        for c, value in enumerate(values, start=1):
            if value == "" or value is None:
                continue
            cell = spreadsheets.set_cell(sheet, r, c, value)  # text is text, never a formula
            if isinstance(value, str):
                cell.alignment = wrap
            if r == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    _codes_sheet(workbook)
    return spreadsheets.workbook_bytes(workbook)


def _codes_sheet(workbook) -> None:
    """What the coded columns may hold: assessment methods, core or specific, clinical areas."""
    codes = workbook.create_sheet("Codes")
    rows = [
        ["Assessment method code", "Meaning"],
        *([method.value, method.label] for method in AssessmentMethod),
        [],
        ["Core or specific", "Meaning"],
        ["core", "Applies to every trainee"],
        ["specific", "Applies in the clinical areas listed (codes, separated by ;)"],
        [],
        ["Clinical area code", "Clinical area"],
        *ClinicalArea.objects.order_by("code").values_list("code", "name"),
    ]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = spreadsheets.set_cell(codes, r, c, value)
            if r == 1:
                cell.font = Font(bold=True)
    codes.column_dimensions["A"].width = 26
    codes.column_dimensions["B"].width = 60
