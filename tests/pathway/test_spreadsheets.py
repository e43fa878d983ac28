"""The shared file layer: reading CSV and XLSX within limits, writing with the formula guard."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathway import spreadsheets
from pathway.spreadsheets import Column, Kind, SpreadsheetError, Table
from tests.uploads import CountingFile, bomb_xlsx, two_million_row_xlsx, workbook_bytes

LIMITS = spreadsheets.Limits(max_bytes=10 * 1024 * 1024, max_rows=1000)


workbook = workbook_bytes


# Reading CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "Name,Ward\nZoë Brontë,Critical care\n".encode(),
        "\ufeffName,Ward\nZoë Brontë,Critical care\n".encode(),
        "Name,Ward\r\nZoë Brontë,Critical care\r\n".encode("cp1252"),
        "Name,Ward\nZoë Brontë,Critical care\n".encode("latin-1"),
        "Name,Ward\nZoë Brontë,Critical care\n".encode("utf-16"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252", "latin-1", "utf-16 with BOM"],
)
def test_csv_in_any_common_encoding(data):
    assert spreadsheets.read_csv(data, limits=LIMITS) == [
        (1, ["Name", "Ward"]),
        (2, ["Zoë Brontë", "Critical care"]),
    ]


def test_windows_1252_punctuation_is_read_as_windows_1252():
    data = "Name,Note\nAlex,“quoted” – £5\n".encode("cp1252")
    assert spreadsheets.read_csv(data, limits=LIMITS)[1] == (2, ["Alex", "“quoted” – £5"])


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_separated_by_commas_semicolons_or_tabs(delimiter):
    data = delimiter.join(["Name", "Ward", "Note"]) + "\n"
    data += delimiter.join(["Alex", "ICU", '"one, two; three"']) + "\n"
    assert spreadsheets.read_csv(data.encode(), limits=LIMITS)[1] == (
        2,
        ["Alex", "ICU", "one, two; three"],
    )


def test_csv_rows_are_numbered_as_a_spreadsheet_numbers_them():
    data = b'Name,Note\n\nAlex,"two\nlines"\n,\nSam,x\n'
    assert spreadsheets.read_csv(data, limits=LIMITS) == [
        (1, ["Name", "Note"]),
        (3, ["Alex", "two\nlines"]),
        (5, ["Sam", "x"]),
    ]


def test_csv_cells_are_tidied():
    long_note = b"n" * 200  # a stray control character in a long enough file is tidied away
    data = b"Name,Note\n  Alex \x07 ," + long_note + b"\r\nb\n"
    [_, (number, cells), _] = spreadsheets.read_csv(data, limits=LIMITS)
    assert cells == ["Alex", long_note.decode()]
    assert spreadsheets.read_csv(b'A,B\n"x\r\ny",z\n', limits=LIMITS)[1][1] == ["x\ny", "z"]


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "empty", "The selected file is empty"),
        (b"\n\n ,\n", "empty", "The selected file is empty"),
        (b"\x00\x01\x02binary\x00" * 50, "binary", "The selected file is not a CSV file"),
    ],
)
def test_csv_refusals(data, code, message):
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_csv(data, limits=LIMITS)
    assert caught.value.code == code
    assert caught.value.messages[0].startswith(message)


def test_a_file_over_the_size_limit_is_refused_before_a_byte_is_read():
    upload = CountingFile(b"Name\nAlex\n", size=11 * 1024 * 1024)
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_table(upload, limits=LIMITS)
    assert caught.value.messages == ["The selected file must be smaller than 10.0\xa0MB"]
    assert upload.bytes_read == 0


def test_reading_stops_at_the_first_row_over_the_limit():
    rows = "".join(f"Trainee {n},t{n}@nhs.net\n" for n in range(200_000))
    upload = CountingFile(("Name,Email\n" + rows).encode())
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_csv(upload, limits=LIMITS, rows_called="trainees")
    assert caught.value.messages == [
        "The file has more than 1,000 trainees. Split it into smaller files."
    ]
    assert caught.value.row == 1002  # the header, 1,000 rows, and one more: then it stops
    assert upload.bytes_read < len(upload.getvalue()) // 20


def test_blank_rows_cannot_go_on_for_ever():
    limits = dataclasses.replace(LIMITS, max_rows=10)
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_csv(b"Name\n" + b",\n" * 1000 + b"Alex\n", limits=limits)
    assert caught.value.code == "too_many_rows"


def test_exactly_the_row_limit_is_accepted():
    limits = dataclasses.replace(LIMITS, max_rows=3)
    data = b"Name\n" + b"".join(b"p%d\n" % n for n in range(3))
    assert len(spreadsheets.read_csv(data, limits=limits)) == 4
    with pytest.raises(SpreadsheetError):
        spreadsheets.read_csv(data + b"one more\n", limits=limits)


def test_a_cell_longer_than_the_limit_is_refused():
    limits = dataclasses.replace(LIMITS, max_cell_chars=100)
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_csv(b"Name,Note\nAlex," + b"x" * 101 + b"\n", limits=limits)
    assert caught.value.messages == [
        "Row 2, column 2 (B) has a cell with more than 100 characters. Shorten it and try again."
    ]


def test_a_cell_longer_than_python_csv_allows_is_a_clear_message():
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_csv(b'Name\n"' + b"x" * 200_000 + b'"\n', limits=LIMITS)
    assert caught.value.code == "cell_too_long"
    assert caught.value.messages[0].startswith("Row 2, column 1 (A) has a cell with more than")
    assert "field larger" not in caught.value.messages[0]


def test_a_long_cell_past_python_csv_limit_names_its_column():
    data = b"A,B,C\n1,2," + b"x" * 140_000 + b"\n3,4,5\n"
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_csv(data, limits=dataclasses.replace(LIMITS, max_cell_chars=131_072))
    assert caught.value.messages == [
        "Row 2, column 3 (C) has a cell with more than 131,072 characters. Shorten it and try "
        "again."
    ]


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b'A,B\n1,"two\n3,4\n', "Row 2, column 2 (B)"),  # runs to the end of the file
        (b'A,B\n1,2\n"three,4', "Row 3, column 1 (A)"),  # no line end at all
        (b'A,B\n1,"' + b"x" * 140_000 + b"\n3,4\n", "Row 2, column 2 (B)"),  # past Python's limit
    ],
)
def test_a_quotation_mark_never_closed_is_reported_as_such(data, where):
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_csv(data, limits=dataclasses.replace(LIMITS, max_cell_chars=131_072))
    assert caught.value.code == "unclosed_quote"
    assert caught.value.messages[0].startswith(f"{where} opens a quotation mark that is never")


def test_doubled_quotation_marks_inside_a_cell_are_not_an_open_quote():
    rows = spreadsheets.read_csv(b'A,B\n1,"say ""hi"""\n', limits=LIMITS)
    assert rows[1] == (2, ["1", 'say "hi"'])


def test_spaces_can_be_kept_for_an_import_that_reports_them():
    rows = spreadsheets.read_csv(b"A,B\n x ,y\n", limits=LIMITS, strip=False)
    assert rows[1] == (2, [" x ", "y"])
    assert spreadsheets.read_csv(b"A,B\n x ,y\n", limits=LIMITS)[1] == (2, ["x", "y"])


def test_too_many_columns_is_refused():
    limits = dataclasses.replace(LIMITS, max_columns=5)
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_csv(b"A,B,C,D,E,F\n", limits=limits)
    assert caught.value.messages == [
        "Row 1 has something beyond column E: a file can have at most 5 columns."
    ]


def test_limits_come_from_settings_per_use(settings):
    settings.PATHWAY_MAX_UPLOAD_BYTES = 5000
    settings.PATHWAY_SPREADSHEET_LIMITS = {"task": {"max_rows": 7, "max_bytes": 100}}
    assert spreadsheets.limits("task").max_rows == 7
    assert spreadsheets.limits("task").max_bytes == 100
    assert spreadsheets.limits("enrolment").max_bytes == 5000  # the default


# Reading XLSX ------------------------------------------------------------------------------


def test_xlsx_rows_as_text():
    data = workbook(
        [["Name", "Count", "Day", "Flag"], [], ["Alex", 3.0, datetime.date(2026, 3, 27), True]]
    )
    assert spreadsheets.read_xlsx(data, limits=LIMITS) == [
        (1, ["Name", "Count", "Day", "Flag"]),
        (3, ["Alex", "3", "2026-03-27T00:00:00", "TRUE"]),
    ]


def test_xlsx_reads_the_named_sheet_when_there_is_one():
    book = openpyxl.Workbook()
    book.active.append(["Notes"])
    book.create_sheet("Trainees").append(["Name"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert spreadsheets.read_xlsx(buffer.getvalue(), limits=LIMITS, sheet="Trainees") == [
        (1, ["Name"])
    ]
    assert spreadsheets.read_xlsx(buffer.getvalue(), limits=LIMITS, sheet="Other") == [
        (1, ["Notes"])
    ]


def test_read_table_tells_csv_and_xlsx_apart_by_content():
    assert spreadsheets.read_table(workbook([["A"]]), limits=LIMITS) == [(1, ["A"])]
    assert spreadsheets.read_table(b"A\n", limits=LIMITS) == [(1, ["A"])]


def test_xlsx_row_limit():
    limits = dataclasses.replace(LIMITS, max_rows=100)
    data = workbook([["Name"]] + [[f"p{n}"] for n in range(101)])
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_xlsx(data, limits=limits, rows_called="tasks")
    assert caught.value.messages == [
        "The file has more than 100 tasks. Split it into smaller files."
    ]


def test_a_sheet_that_says_it_is_one_cell_is_still_read_whole():
    data = workbook([["Name"], ["Alex"], ["Sam"]])
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'ref="A1:A3"', b'ref="A1"')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    assert len(spreadsheets.read_xlsx(out.getvalue(), limits=LIMITS)) == 3


def test_not_a_workbook():
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_xlsx(b"PK\x03\x04 not really a zip", limits=LIMITS)
    assert caught.value.code == "not_xlsx"
    assert caught.value.messages == ["The selected file is not an Excel spreadsheet (.xlsx)"]


def test_a_small_xlsx_that_unpacks_to_two_million_rows_is_refused_unopened():
    two_million_rows = two_million_row_xlsx()
    assert len(two_million_rows) < 400_000
    upload = CountingFile(two_million_rows)
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_table(upload, limits=LIMITS, rows_called="trainees")
    assert caught.value.messages == [
        "The spreadsheet is too large to read: copy the trainees into a new spreadsheet"
    ]
    # Only the zip's directory, at its end, was read: not the packed sheet.
    assert upload.bytes_read < len(two_million_rows) // 4


def test_a_sheet_with_more_elements_than_its_rows_allow_is_refused_before_parsing():
    # Grows less than the ratio allows, but holds far more than 1,000 rows' worth of XML.
    data = bomb_xlsx(60_000)
    limits = dataclasses.replace(LIMITS, max_ratio=10_000)
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_xlsx(data, limits=limits)
    assert caught.value.code == "unzipped_too_large"


def test_too_many_parts_or_too_much_unpacked_is_refused():
    data = workbook([["Name"], ["Alex"]])
    with pytest.raises(SpreadsheetError):
        spreadsheets.read_xlsx(data, limits=dataclasses.replace(LIMITS, max_parts=3))
    with pytest.raises(SpreadsheetError):
        spreadsheets.read_xlsx(data, limits=dataclasses.replace(LIMITS, max_unzipped_bytes=1000))


# Writing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=SUM(A1)", "+44 1234", "-5", "@cmd", "\tx", "\rx", "'=x"])
def test_the_formula_guard(text):
    assert spreadsheets.inert(text) == "'" + text
    assert spreadsheets.revive(spreadsheets.inert(text)) == text


@pytest.mark.parametrize("text", ["Alex", "", "it's", "'quoted'", "5 - 3"])
def test_ordinary_text_is_written_as_it_is(text):
    assert spreadsheets.inert(text) == text
    assert spreadsheets.revive(text) == text


def test_csv_bytes_guards_text_and_leaves_numbers():
    data = spreadsheets.csv_bytes([["Name", "Count"], ["=HYPERLINK(1)", -3]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Name", "Count"], ["'=HYPERLINK(1)", "-3"]]


def test_an_xlsx_text_cell_is_never_a_formula():
    book = openpyxl.Workbook()
    cell = spreadsheets.set_cell(book.active, 1, 1, "=HYPERLINK(1)")
    data = spreadsheets.workbook_bytes(book)
    read = openpyxl.load_workbook(io.BytesIO(data)).active["A1"]
    assert cell.data_type == "s"
    assert (read.value, read.data_type, read.quotePrefix) == ("=HYPERLINK(1)", "s", True)


TABLE = Table(
    title="People: [all]",
    columns=[
        Column("Name", lambda r: r[0], width=20),
        Column("Started", lambda r: r[1], Kind.DATE),
        Column("Share", lambda r: r[2], Kind.PERCENT),
        Column("Count", lambda r: r[3], Kind.NUMBER),
    ],
    rows=[("=1+1", datetime.date(2026, 3, 27), 0.5, 4), ("Sam", None, None, None)],
)


def test_a_table_as_csv():
    rows = list(csv.reader(io.StringIO(spreadsheets.render(TABLE, "csv").decode("utf-8-sig"))))
    assert rows == [
        ["Name", "Started", "Share", "Count"],
        ["'=1+1", "2026-03-27", "50.0", "4"],
        ["Sam", "", "", ""],
    ]


def test_a_table_as_xlsx():
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.render(TABLE, "xlsx"))).active
    assert sheet.title == "People   all"
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == datetime.datetime(2026, 3, 27)
    assert sheet["B2"].number_format == "dd/mm/yyyy"
    assert sheet["C2"].number_format == "0%"
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"


def test_export_file_names():
    day = datetime.date(2026, 3, 27)
    assert spreadsheets.filename("Cohort 1: ICU!", "csv", day) == "cohort-1-icu-2026-03-27.csv"
    assert spreadsheets.filename("!!!", "xlsx", day) == "export-2026-03-27.xlsx"


# Writing then reading ----------------------------------------------------------------------

# Text as people type it: no control characters, no spaces at either end (the reader tidies
# both away), and line breaks as \n.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
    | st.sampled_from(["=", "+", "-", "@", "'", "\n", ",", ";", '"']),
    max_size=40,
).map(str.strip)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=5))
def test_csv_round_trips_text_and_never_holds_a_live_formula(texts):
    rows = [["Text", "Row"]] + [[text, str(n)] for n, text in enumerate(texts)]
    data = spreadsheets.csv_bytes(rows)

    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        assert not any(cell.startswith(spreadsheets.FORMULA_STARTS) for cell in row)

    read = spreadsheets.read_csv(data, limits=LIMITS)
    assert [spreadsheets.revive(cells[0]) for _, cells in read[1:]] == texts


@settings(max_examples=50, deadline=None)
@given(texts=st.lists(TEXT.filter(bool), min_size=1, max_size=5))
def test_xlsx_round_trips_text_as_text_cells(texts):
    book = openpyxl.Workbook()
    for row, text in enumerate(texts, start=1):
        spreadsheets.set_cell(book.active, row, 1, text)
    data = spreadsheets.workbook_bytes(book)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert all(cell.data_type == "s" for (cell,) in sheet.iter_rows())
    assert [cells[0] for _, cells in spreadsheets.read_xlsx(data, limits=LIMITS)] == texts
