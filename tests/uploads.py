"""Files for testing uploads: a spreadsheet that unpacks to millions of rows, and a file that
counts how much of it was read."""

from __future__ import annotations

import functools
import io
import zipfile

import openpyxl


class CountingFile(io.BytesIO):
    """A binary file that remembers how many bytes were read from it. `size` and `name` make
    it look like an upload, which says its size before it is read."""

    def __init__(self, data: bytes, *, size: int | None = None, name: str = ""):
        super().__init__(data)
        self.bytes_read = 0
        self.name = name
        self.size = len(data) if size is None else size

    def read(self, n=-1):
        data = super().read(n)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer):
        count = super().readinto(buffer)
        self.bytes_read += count
        return count

    def read1(self, n=-1):
        data = super().read1(n)
        self.bytes_read += len(data)
        return data


def workbook_bytes(rows, title: str = "Sheet") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<dimension ref="A1"/><sheetData>'
)


def bomb_xlsx(rows: int, *, cells: bytes = b"x") -> bytes:
    """A real, valid, small workbook whose one sheet holds `rows` rows of one cell: it packs
    about a thousand times smaller than it unpacks, as the one in the trust issue did (280 KB
    for 2 million rows). Built as it is written, never held unpacked."""
    template = workbook_bytes([["Name"]])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info))
        with target.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_START)
            row = b'<row><c t="inlineStr"><is><t>' + cells + b"</t></is></c></row>"
            block = row * 10_000
            for _ in range(rows // 10_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@functools.cache
def two_million_row_xlsx() -> bytes:
    """Built once for the whole run: it takes most of a second."""
    return bomb_xlsx(2_000_000)
