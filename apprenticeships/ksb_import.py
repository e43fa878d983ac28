"""Reading a standard's knowledge, skills and behaviours (KSBs) from a CSV file or an Excel
spreadsheet (.xlsx); the service apprenticeships.services.standards.ksbs_import writes them.

The first row is the header, with the columns (any order, any letter case):

    Code   required   K1, S4, B2: unique in the file, 10 characters at most
    Kind   required   Knowledge, Skill or Behaviour (or K, S, B)
    Text   required   what the apprentice knows, can do or shows

All or nothing: if any row has a problem nothing is saved, and every problem is listed with its
row number as a spreadsheet shows it (the header is row 1). Blank rows are skipped.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from competencies.models import KsbKind
from pathway import spreadsheets

LIMITS_USE = "ksb"  # PATHWAY_SPREADSHEET_LIMITS["ksb"], else the defaults
COLUMNS = {"code": "code", "kind": "kind", "text": "text", "description": "text", "type": "kind"}
REQUIRED = ["Code", "Kind", "Text"]
KINDS = {label.lower(): value for value, label in KsbKind.choices} | {
    value.lower(): value for value in KsbKind.values
}
CODE_MAX = 10

TEMPLATE_HEADER = ["Code", "Kind", "Text"]
TEMPLATE_ROWS = [
    ["K1", "Knowledge", "What the apprentice knows, in one sentence"],
    ["S1", "Skill", "What the apprentice can do"],
    ["B1", "Behaviour", "How the apprentice behaves at work"],
]
TEMPLATE_FORMATS = {
    "csv": (spreadsheets.CSV_CONTENT_TYPE, "ksb-import-template.csv"),
    "xlsx": (spreadsheets.XLSX_CONTENT_TYPE, "ksb-import-template.xlsx"),
}


def template_file(fmt: str) -> bytes:
    """The template to fill in, as CSV or XLSX. KeyError for another format."""
    TEMPLATE_FORMATS[fmt]  # noqa: B018 - refuses an unknown format
    table = spreadsheets.Table(
        "KSBs",
        [
            spreadsheets.Column("Code", lambda r: r[0], width=10),
            spreadsheets.Column("Kind", lambda r: r[1], width=14),
            spreadsheets.Column("Text", lambda r: r[2], width=80),
        ],
        TEMPLATE_ROWS,
    )
    return spreadsheets.render(table, fmt)


def _file_error(message) -> ValidationError:
    return ValidationError({"file": message})


def _records(upload) -> list[tuple[int, list[str]]]:
    name = (getattr(upload, "name", "") or "").lower()
    limits = spreadsheets.limits(LIMITS_USE)
    try:
        if name.endswith(".csv"):
            return spreadsheets.read_csv(upload, limits=limits, rows_called="KSBs")
        if name.endswith(".xlsx"):
            return spreadsheets.read_xlsx(upload, limits=limits, rows_called="KSBs")
    except spreadsheets.SpreadsheetError as error:
        if error.code == "not_xlsx":
            raise _file_error("The file could not be read as a spreadsheet") from None
        if error.code == "empty":
            raise _file_error("The file is empty") from None
        raise _file_error(error.messages[0]) from None
    raise _file_error("The selected file must be a CSV or an Excel (.xlsx) file")


def _header_index(cells: list[str]) -> dict[str, int]:
    header = [h.strip().lower() for h in cells]
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in COLUMNS and COLUMNS[name] not in index:
            index[COLUMNS[name]] = i
    missing = [name for name in REQUIRED if name.lower() not in index]
    if missing:
        raise _file_error(
            f"The first row must name the columns Code, Kind and Text: it is missing "
            f"{', '.join(missing)}"
        )
    return index


def _row_problems(values: dict, number: int, seen: dict[str, int]) -> list[str]:
    problems = []
    code = values["code"]
    if not code:
        problems.append("enter the code, like K1")
    elif len(code) > CODE_MAX:
        problems.append(f"the code must be {CODE_MAX} characters or fewer")
    elif code.upper() in seen:
        problems.append(f"the code {code} repeats row {seen[code.upper()]}")
    else:
        seen[code.upper()] = number
    kind = KINDS.get(values["kind"].lower())
    if kind is None:
        problems.append("the kind must be Knowledge, Skill or Behaviour")
    values["kind"] = kind
    if not values["text"]:
        problems.append("enter the text of the KSB")
    return problems


def parse(upload) -> list[tuple[int, dict]]:
    """The rows as (row number, {code, kind, text}), or a ValidationError listing every
    problem by row."""
    records = _records(upload)
    (_, header), body = records[0], records[1:]
    index = _header_index(header)
    items, errors, seen = [], [], {}
    for number, cells in body:
        values = {
            f: spreadsheets.revive(cells[i].strip()) if i < len(cells) else ""
            for f, i in index.items()
        }
        errors.extend(f"Row {number}: {p}" for p in _row_problems(values, number, seen))
        items.append((number, values))
    if not items:
        raise _file_error("The file has no KSBs below its header")
    if errors:
        raise _file_error(errors)
    return items
