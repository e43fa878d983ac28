"""Reading and writing spreadsheet files (CSV and Excel .xlsx) for every import and export.

Reading (ADR 0019). Every import reads its upload here, with the limits of its use (settings
PATHWAY_SPREADSHEET_LIMITS): the file's size is checked before a byte of it is read; an .xlsx
file's zip directory is checked (what its parts say they unpack to, and by how much they grow)
before anything is unpacked; rows are read one at a time and reading stops at the first row
over the limit, so no file is ever held whole as rows. A CSV file may be UTF-8 (with or without
a byte order mark), UTF-16 with a byte order mark, or Windows-1252/Latin-1, separated by commas,
semicolons or tabs. Every refusal is a SpreadsheetError whose message is a sentence for the
person who uploaded the file, never Python's own message; its `code` lets an import say it in
its own words.

Writing. `inert` is the one formula guard: text that a spreadsheet program would run as a
formula (it starts with = + - @, a tab or a carriage return) gets a leading apostrophe in CSV,
and is written as a text cell with Excel's "quote prefix" in XLSX. `Table` and `render` write a
list of typed columns as CSV or XLSX, for the dashboards' downloads.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from os import PathLike
from pathlib import Path
from typing import Any, BinaryIO

import filetype
import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}

# Limits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What one import accepts. Rows are counted below the header, blank rows left out."""

    max_bytes: int  # the file as uploaded
    max_rows: int
    max_unzipped_bytes: int = 30 * 1024 * 1024  # an .xlsx file's parts, as their headers say
    max_ratio: int = 100  # how many times larger a part may be unpacked than packed
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_columns: int = 100
    max_parts: int = 1000  # files inside an .xlsx file


# Past this size a part's growth is checked: small parts compress very well and are harmless.
RATIO_CHECKED_FROM = 1024 * 1024
# Blank rows cost little but are not free: a file may have this many per row allowed.
BLANK_ROWS_PER_ROW = 10


def limits(use: str) -> Limits:
    """The limits for `use` ("enrolment", "framework", "task"...): the defaults, with the upload
    limit PATHWAY_MAX_UPLOAD_BYTES, overridden by PATHWAY_SPREADSHEET_LIMITS[use]."""
    configured = getattr(settings, "PATHWAY_SPREADSHEET_LIMITS", {}).get(use, {})
    base = Limits(max_bytes=settings.PATHWAY_MAX_UPLOAD_BYTES, max_rows=1000)
    return replace(base, **configured)


# Errors ------------------------------------------------------------------------------------


class SpreadsheetError(ValidationError):
    """A file refused, with a message for the person who chose it. `code` says which check
    refused it; `row` is the spreadsheet row number when one row is to blame."""

    def __init__(self, message: str, *, code: str, row: int | None = None):
        super().__init__(message, code=code)
        self.row = row


def _number(value: int) -> str:
    return f"{value:,}"


def too_large_message(limit: int) -> str:
    return f"The selected file must be smaller than {filesizeformat(limit)}"


# Opening whatever was given ----------------------------------------------------------------


@contextlib.contextmanager
def _opened(source, max_bytes: int) -> Iterator[tuple[BinaryIO, int]]:
    """A seekable binary file for a path, bytes, an uploaded file or an open binary file, and
    its size, known without reading it. The file is rewound; one opened here is closed. A file
    that cannot seek (a pipe) is copied, but never more than `max_bytes` and one byte."""
    if isinstance(source, str | PathLike):
        path = Path(source)
        with path.open("rb") as file:
            yield file, path.stat().st_size
        return
    if isinstance(source, bytes | bytearray):
        yield io.BytesIO(source), len(source)
        return
    if not _seekable(source):
        copy = source.read(max_bytes + 1)
        yield io.BytesIO(copy), len(copy)
        return
    source.seek(0)
    size = getattr(source, "size", None)
    if not isinstance(size, int):
        size = source.seek(0, io.SEEK_END)
        source.seek(0)
    yield source, size


def _seekable(file) -> bool:
    try:
        return bool(file.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def source_name(source) -> str:
    """The file name of a path or a (uploaded) file; "" for bytes."""
    if isinstance(source, str | PathLike):
        return Path(source).name
    return Path(str(getattr(source, "name", "") or "")).name


def check_size(source, limits: Limits) -> None:
    """Refuse a file over the size limit, or empty, without reading it."""
    with _opened(source, limits.max_bytes) as (_file, size):
        _check_opened_size(size, limits)


def _check_opened_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise SpreadsheetError(too_large_message(limits.max_bytes), code="too_large")
    if size == 0:
        raise SpreadsheetError("The selected file is empty", code="empty")


# What the first bytes say ------------------------------------------------------------------

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # old Office files: .xls, .doc
HEAD_BYTES = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def head(source, size: int = HEAD_BYTES) -> bytes:
    """The first bytes of a file, without reading the rest."""
    with _opened(source, size) as (file, _size):
        data = file.read(size)
        file.seek(0)
    return data


def looks_like_xlsx(first_bytes: bytes) -> bool:
    return first_bytes.startswith(ZIP_MAGIC)


def looks_like_old_excel(first_bytes: bytes) -> bool:
    return first_bytes.startswith(OLE_MAGIC)


def other_file_kind(first_bytes: bytes) -> str | None:
    """The kind of file ("PNG", "PDF"...) the bytes plainly are; None if no known kind."""
    kind = filetype.guess(first_bytes[:8192])
    return kind.extension.upper() if kind is not None else None


# Cells -------------------------------------------------------------------------------------


def clean_cell(value, *, strip: bool = True) -> str:
    """A cell as text: whole-number floats without ".0", dates as ISO dates, TRUE/FALSE, line
    breaks as \\n, control characters dropped, outer spaces trimmed (unless `strip` is False,
    for an import that tells the person which cells had spaces around them)."""
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
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip() if strip else text


Record = tuple[int, list[str]]  # (row number as a spreadsheet shows it, cells)


def _trimmed(values: Sequence, *, strip: bool = True) -> list[str]:
    """The cells as clean text, without the empty ones at the end (a sheet pads its rows)."""
    if not any(v is not None and v != "" for v in values):
        return []  # most often a blank row: nothing to clean
    cells = [clean_cell(v, strip=strip) for v in values]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


@dataclass
class _Collector:
    """Takes rows one at a time and keeps the non-blank ones, refusing the first row over a
    limit: the rest of the file is never read."""

    limits: Limits
    rows_called: str
    records: list[Record]
    rows_read: int = 0
    strip: bool = True

    def add(self, values: Sequence) -> None:
        self.rows_read += 1
        number = self.rows_read
        cells = _trimmed(values, strip=self.strip)
        self._check_cells(number, cells)
        if any(c.strip() for c in cells):
            self.records.append((number, cells))
            if len(self.records) > self.limits.max_rows + 1:  # the header and the rows
                raise SpreadsheetError(self.too_many_rows(), code="too_many_rows", row=number)
        elif number > (self.limits.max_rows + 1) * BLANK_ROWS_PER_ROW:
            raise SpreadsheetError(self.too_many_rows(), code="too_many_rows", row=number)

    def too_many_rows(self) -> str:
        return (
            f"The file has more than {_number(self.limits.max_rows)} {self.rows_called}. "
            "Split it into smaller files."
        )

    def _check_cells(self, number: int, cells: list[str]) -> None:
        for index, cell in enumerate(cells):
            if len(cell) > self.limits.max_cell_chars:
                raise cell_too_long(number, index + 1, self.limits)
        if any(cells[self.limits.max_columns :]):
            raise SpreadsheetError(
                f"Row {number} has something beyond column "
                f"{get_column_letter(self.limits.max_columns)}: a file can have at most "
                f"{self.limits.max_columns} columns.",
                code="too_many_columns",
                row=number,
            )


# CSV ---------------------------------------------------------------------------------------

NOT_CSV_BINARY = "The selected file is not a CSV file: it holds binary data"


def _csv_encoding(first_bytes: bytes) -> str:
    if first_bytes.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in first_bytes:
        raise SpreadsheetError(NOT_CSV_BINARY, code="binary")
    return "utf-8-sig"


def _delimiter(first_text: str) -> str:
    """Spreadsheets in some countries save with semicolons, some programs with tabs: the first
    line tells which separator the file uses."""
    first_line = first_text.lstrip("\r\n").split("\n", 1)[0]
    return max((",", ";", "\t"), key=lambda d: (first_line.count(d), d == ","))


class _LineTap:
    """The lines the CSV reader takes, kept for the record being read: when a record goes wrong
    (a cell too long, a quotation mark never closed) they say which column is to blame."""

    def __init__(self, text: io.TextIOBase, delimiter: str):
        self.text = text
        self.delimiter = delimiter
        self.lines: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.text.readline()
        if not line:
            raise StopIteration
        self.lines.append(line)
        return line


def _quote_scan(text: str, delimiter: str) -> tuple[int, int | None]:
    """For the raw text of one record: the column its end is in (1 for the first), and the
    column whose opening quotation mark is still open at the end (None when all are closed)."""
    column, quoted_column, at_field_start, index = 1, None, True, 0
    while index < len(text):
        char = text[index]
        if quoted_column is not None:
            if char == '"':
                if text.startswith('""', index):
                    index += 1  # a doubled quotation mark is one inside the cell
                else:
                    quoted_column = None
        elif char == '"' and at_field_start:
            quoted_column = column
        elif char == delimiter:
            column += 1
            at_field_start = True
            index += 1
            continue
        at_field_start = False
        index += 1
    return column, quoted_column


def _long_cell_column(text: str, delimiter: str, longest: int) -> int:
    """The column of the first cell in a record's raw text longer than `longest` characters."""
    column, quoted, at_field_start, length, index = 1, False, True, 0, 0
    while index < len(text):
        char = text[index]
        index += 1
        if quoted and char == '"' and text.startswith('"', index):
            index += 1  # a doubled quotation mark is one inside the cell
        elif char == '"' and (quoted or at_field_start):
            quoted = not quoted
            at_field_start = False
            continue
        elif char == delimiter and not quoted:
            column, at_field_start, length = column + 1, True, 0
            continue
        at_field_start = False
        length += 1
        if length > longest:
            return column
    return column


def cell_too_long(row: int, column: int, limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(
        f"Row {row}, column {column} ({get_column_letter(column)}) has a cell with more than "
        f"{_number(limits.max_cell_chars)} characters. Shorten it and try again.",
        code="cell_too_long",
        row=row,
    )


def unclosed_quote(row: int, column: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"Row {row}, column {column} ({get_column_letter(column)}) opens a quotation mark that "
        "is never closed, so the rest of the file would be read as one cell. Close the "
        'quotation mark (a quotation mark inside a cell is written twice: "").',
        code="unclosed_quote",
        row=row,
    )


def _csv_pass(file: BinaryIO, encoding: str, delimiter: str, collector: _Collector) -> None:
    """Read every record of the file into `collector`. UnicodeDecodeError when the file is not
    in `encoding`, after which it may be read again in another."""
    errors = "replace" if encoding == "cp1252" else "strict"
    text = io.TextIOWrapper(file, encoding=encoding, errors=errors, newline="")
    tap = _LineTap(text, delimiter)
    try:
        reader = csv.reader(tap, delimiter=delimiter)
        last_lines: list[str] = []
        while True:
            tap.lines = []
            try:
                cells = next(reader)
            except StopIteration:
                _check_last_record(last_lines, delimiter, collector.rows_read)
                return
            except csv.Error as error:
                raise _csv_error(error, collector.rows_read + 1, collector.limits, tap) from None
            collector.add(cells)
            last_lines = tap.lines
    finally:
        text.detach()  # the caller owns the file


def _check_last_record(lines: list[str], delimiter: str, row: int) -> None:
    """Python's reader quietly ends a quoted cell that is never closed at the end of the file,
    so only the last record can hold one."""
    _column, open_column = _quote_scan("".join(lines), delimiter)
    if open_column is not None:
        raise unclosed_quote(row, open_column)


def _csv_error(error: csv.Error, row: int, limits: Limits, tap: _LineTap) -> SpreadsheetError:
    reason = str(error)
    if "NUL" in reason:
        return SpreadsheetError(NOT_CSV_BINARY, code="binary")
    delimiter = tap.delimiter
    if "field larger" in reason:
        # Python's own limit on a cell (131,072 characters) was passed: either the cell is that
        # long, or a quotation mark is never closed and the rest of the file ran into it.
        read_so_far = "".join(tap.lines)
        _end, open_column = _quote_scan(read_so_far + tap.text.read(), delimiter)
        if open_column is not None:
            return unclosed_quote(row, open_column)
        longest = min(limits.max_cell_chars, csv.field_size_limit())
        return cell_too_long(row, _long_cell_column(read_so_far, delimiter, longest), limits)
    return SpreadsheetError(
        f"Row {row} cannot be read as CSV: check its quotation marks, or save the file from "
        "your spreadsheet program again.",
        code="bad_csv_row",
        row=row,
    )


def read_csv(
    source, *, limits: Limits, rows_called: str = "rows", strip: bool = True
) -> list[Record]:
    """The non-blank rows of a CSV file, as (row number, cells), the header among them. With
    `strip` False the cells keep their outer spaces, for an import that reports them."""
    with _opened(source, limits.max_bytes) as (file, size):
        _check_opened_size(size, limits)
        first_bytes = file.read(HEAD_BYTES)
        file.seek(0)
        if not first_bytes.strip():
            raise SpreadsheetError("The selected file is empty", code="empty")
        encoding = _csv_encoding(first_bytes)
        first_text = first_bytes.decode(encoding, errors="replace")
        if len(_CONTROL.findall(first_text)) > len(first_text) // 100:  # a stray one is tidied
            raise SpreadsheetError(NOT_CSV_BINARY, code="binary")
        delimiter = _delimiter(first_text)
        collector = _Collector(limits, rows_called, [], strip=strip)
        try:
            _csv_pass(file, encoding, delimiter, collector)
        except UnicodeDecodeError:
            # Not UTF-8: Excel's plain "CSV (Comma delimited)" on Windows is Windows-1252.
            file.seek(0)
            collector = _Collector(limits, rows_called, [], strip=strip)
            _csv_pass(file, "cp1252", delimiter, collector)
    if not collector.records:
        raise SpreadsheetError("The selected file is empty", code="empty")
    return collector.records


# XLSX --------------------------------------------------------------------------------------


def _unzipped_too_large(rows_called: str) -> SpreadsheetError:
    return SpreadsheetError(
        f"The spreadsheet is too large to read: copy the {rows_called} into a new spreadsheet",
        code="unzipped_too_large",
    )


NOT_XLSX = "The selected file is not an Excel spreadsheet (.xlsx)"


def check_zip(file: BinaryIO, limits: Limits, rows_called: str = "rows") -> None:
    """Refuse a zip that would unpack to too much, or hold too much to parse, before openpyxl
    reads it: first from its directory alone (the parts' sizes as their headers declare them,
    which Python's zipfile never goes beyond, and how much each grows), then by counting the
    XML elements of each part as it streams through, stopping at the limit."""
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
            _check_directory(parts, limits, rows_called)
            for part in parts:
                if part.filename.lower().endswith(".xml"):
                    _check_elements(archive, part, limits, rows_called)
    except SpreadsheetError:
        raise
    except Exception:  # noqa: BLE001 - a damaged zip fails in many ways; all mean "not a workbook"
        raise SpreadsheetError(NOT_XLSX, code="not_xlsx") from None
    finally:
        file.seek(0)


def _check_directory(parts: list[zipfile.ZipInfo], limits: Limits, rows_called: str) -> None:
    if len(parts) > limits.max_parts:
        raise _unzipped_too_large(rows_called)
    if sum(part.file_size for part in parts) > limits.max_unzipped_bytes:
        raise _unzipped_too_large(rows_called)
    for part in parts:
        grows = part.file_size > limits.max_ratio * max(part.compress_size, 1)
        if part.file_size > RATIO_CHECKED_FROM and grows:
            raise _unzipped_too_large(rows_called)


# What a sheet may hold, in XML elements, for each row allowed: a row and its cells with their
# values (two elements a cell) in every column a Pathway import uses, and room to spare. Parsing
# costs time by the element, so this bounds the time any one upload can take.
ELEMENTS_PER_ROW = 40


def _check_elements(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: Limits, rows_called: str
) -> None:
    """Count a part's XML elements (an opening "<" not followed by "/"), a chunk at a time."""
    allowed = (limits.max_rows + 1) * ELEMENTS_PER_ROW
    elements, previous = 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            joined = previous + chunk
            elements += joined.count(b"<") - joined.count(b"</") - previous.count(b"<")
            previous = joined[-1:]
            if elements > allowed:
                raise _unzipped_too_large(rows_called)


def _sheet_rows(workbook, sheet: str | None, limits: Limits) -> Iterable[Sequence]:
    if not workbook.worksheets:
        raise SpreadsheetError("The spreadsheet has no sheets", code="no_sheets")
    chosen = workbook[sheet] if sheet in workbook.sheetnames else workbook.worksheets[0]
    # The size a sheet declares may be wrong, or made up: read the rows it really has, and no
    # more columns than allowed plus one (to tell when there are more).
    chosen.reset_dimensions()
    return chosen.iter_rows(max_col=limits.max_columns + 1, values_only=True)


def read_xlsx(
    source,
    *,
    limits: Limits,
    sheet: str | None = None,
    rows_called: str = "rows",
    strip: bool = True,
) -> list[Record]:
    """The non-blank rows of a workbook's sheet `sheet` (else its first sheet), as
    (row number, cells), the header among them. Formulas give their saved values."""
    with _opened(source, limits.max_bytes) as (file, size):
        _check_opened_size(size, limits)
        check_zip(file, limits, rows_called)
        try:
            workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file not a workbook
            raise SpreadsheetError(NOT_XLSX, code="not_xlsx") from None
        collector = _Collector(limits, rows_called, [], strip=strip)
        try:
            for values in _sheet_rows(workbook, sheet, limits):
                collector.add(values)
        except SpreadsheetError:
            raise
        except Exception:  # noqa: BLE001 - a damaged sheet fails in many ways inside openpyxl
            raise SpreadsheetError(
                "The spreadsheet cannot be read: it may be damaged. Open it, save it again and "
                "try again.",
                code="damaged",
            ) from None
        finally:
            workbook.close()
    if not collector.records:
        raise SpreadsheetError("The selected file is empty", code="empty")
    return collector.records


def read_table(
    source,
    *,
    limits: Limits,
    sheet: str | None = None,
    rows_called: str = "rows",
    strip: bool = True,
) -> list[Record]:
    """A CSV file or a workbook, told apart by content, not name."""
    with _opened(source, limits.max_bytes) as (file, size):
        _check_opened_size(size, limits)
        is_workbook = looks_like_xlsx(file.read(len(ZIP_MAGIC)))
        file.seek(0)
        if is_workbook:
            return read_xlsx(file, limits=limits, sheet=sheet, rows_called=rows_called, strip=strip)
        return read_csv(file, limits=limits, rows_called=rows_called, strip=strip)


# Writing: the formula guard ----------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def inert(text: str) -> str:
    """Text a spreadsheet program will show, never run: a leading apostrophe when it starts
    like a formula. Text already starting with apostrophes and then a formula gets one more,
    so that `revive` gives back exactly what was written."""
    if text.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def revive(text: str) -> str:
    """What `inert` was given: for reading back a CSV file Pathway wrote."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def csv_bytes(rows: Iterable[Sequence], *, bom: bool = True, line_end: str = "\r\n") -> bytes:
    """Rows as CSV, every text cell made inert. With a byte order mark, Excel opens the file as
    UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    for row in rows:
        writer.writerow([inert(v) if isinstance(v, str) else v for v in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def unguarded_csv_bytes(rows: Iterable[Sequence], *, line_end: str = "\n") -> bytes:
    """Rows as CSV exactly as given: only for a file another system imports (Moodle), which
    would keep a guard's apostrophe as part of the text."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def set_cell(sheet, row: int, column: int, value):
    """Put a value in a worksheet cell. Text is always a text cell, never a formula; text that
    starts like one also gets Excel's quote prefix, as if typed after an apostrophe."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    return cell


def workbook_bytes(workbook) -> bytes:
    workbook.properties.creator = "Pathway"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Writing: tables of typed columns ----------------------------------------------------------


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    PERCENT = "percent"  # a share from 0 to 1


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    kind: Kind = Kind.TEXT
    width: int = 14
    number_format: str | None = None  # instead of the kind's own, in XLSX


@dataclass
class Table:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Any]

    def values(self) -> Iterable[list]:
        for row in self.rows:
            yield [column.value(row) for column in self.columns]


def _csv_value(value, kind: Kind):
    """In CSV dates are ISO dates (2026-03-27) and percentages numbers from 0 to 100."""
    if value is None:
        return ""
    if kind == Kind.DATE:
        return value.isoformat()
    if kind == Kind.PERCENT:
        return round(100 * value, 1)
    if kind == Kind.NUMBER:
        return value
    return str(value)


def to_csv(table: Table) -> bytes:
    rows = [[c.header for c in table.columns]]
    rows.extend(
        [_csv_value(v, c.kind) for v, c in zip(values, table.columns, strict=True)]
        for values in table.values()
    )
    return csv_bytes(rows, line_end="\r\n")


_XLSX_FORMATS = {Kind.DATE: "dd/mm/yyyy", Kind.PERCENT: "0%", Kind.NUMBER: "0"}


def sheet_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title.strip()[:31] or "Sheet"


def to_xlsx(table: Table) -> bytes:
    """A bold frozen header, column widths, real dates, percentages as numbers from 0 to 1
    shown as percentages, and a filter on the header when there are rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(table.title)
    for index, column in enumerate(table.columns, start=1):
        cell = set_cell(sheet, 1, index, column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row, values in enumerate(table.values(), start=2):
        for index, (value, column) in enumerate(zip(values, table.columns, strict=True), 1):
            if value is None:
                continue
            text = column.kind == Kind.TEXT
            cell = set_cell(sheet, row, index, str(value) if text else value)
            number_format = column.number_format or _XLSX_FORMATS.get(column.kind)
            if number_format:
                cell.number_format = number_format
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(column.width, 8)
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions
    return workbook_bytes(workbook)


def render(table: Table, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(table)
    if fmt == "xlsx":
        return to_xlsx(table)
    raise ValueError(f"Unknown export format: {fmt}")


def filename(stem: str, fmt: str, day: datetime.date) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in stem.lower()).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{safe or 'export'}-{day.isoformat()}.{fmt}"
