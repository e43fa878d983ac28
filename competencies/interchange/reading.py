"""A framework file's rows, read by the shared reader (pathway/spreadsheets.py) within the
framework import's limits (PATHWAY_SPREADSHEET_LIMITS["framework"]), with this import's words
for the files it refuses."""

from __future__ import annotations

from competencies.interchange.data import FrameworkImportError
from pathway import spreadsheets

LIMITS_USE = "framework"
Records = list[tuple[int, list[str]]]


def _refuse(message: str):
    raise FrameworkImportError([(None, message)])


def _refused_csv(source) -> str | None:
    """Why a file is plainly not CSV text, from its first bytes; None if it could be."""
    first_bytes = spreadsheets.head(source, 8192)
    if not first_bytes.strip():
        return "The file is empty"
    if spreadsheets.looks_like_xlsx(first_bytes):
        return (
            "This is a spreadsheet (or another zipped file), not a CSV file: choose the "
            "Pathway spreadsheet (XLSX) layout, or save it as CSV"
        )
    kind = spreadsheets.other_file_kind(first_bytes)
    if kind is not None:
        return f"This is a {kind} file, not a CSV file"
    return None


def csv_records(source, *, strip: bool = True) -> Records:
    """`strip` False keeps the cells' outer spaces, for a reader that reports them."""
    limits = spreadsheets.limits(LIMITS_USE)
    try:
        spreadsheets.check_size(source, limits)
        reason = _refused_csv(source)
        if reason:
            _refuse(reason)
        return spreadsheets.read_csv(source, limits=limits, strip=strip)
    except spreadsheets.SpreadsheetError as error:
        _refuse(_csv_refusal(error))


def _csv_refusal(error: spreadsheets.SpreadsheetError) -> str:
    if error.code == "empty":
        return "The file is empty"
    if error.code == "binary":
        return "This is not a CSV file: it holds binary data"
    return error.messages[0]


def xlsx_records(source, *, strip: bool = True) -> Records:
    limits = spreadsheets.limits(LIMITS_USE)
    try:
        return spreadsheets.read_xlsx(source, limits=limits, sheet="Framework", strip=strip)
    except spreadsheets.SpreadsheetError as error:
        if error.code == "empty":
            _refuse("The file is empty")
        if error.code == "not_xlsx":
            _refuse(f"This is not an Excel spreadsheet (.xlsx){_not_xlsx_hint(source)}")
        _refuse(error.messages[0])


def _not_xlsx_hint(source) -> str:
    first_bytes = spreadsheets.head(source, 8192)
    if spreadsheets.looks_like_old_excel(first_bytes):
        return ": it may be an old Excel file (.xls); save it as .xlsx"
    looks_like_text = b"\x00" not in first_bytes and not spreadsheets.looks_like_xlsx(first_bytes)
    if looks_like_text and spreadsheets.other_file_kind(first_bytes) is None:
        return ": it looks like a CSV file; choose a CSV layout"
    return ""
