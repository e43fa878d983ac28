"""The framework import and export services, and reading a file in any layout."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils.text import slugify

from competencies.interchange import reading
from competencies.interchange.data import (
    FORMATS,
    FrameworkData,
    FrameworkImportError,
)
from competencies.interchange.database import check_against_database, framework_data, save_framework
from competencies.interchange.examples import example_data
from competencies.interchange.moodle_layout import looks_like_moodle, parse_moodle, write_moodle
from competencies.interchange.pathway_layout import (
    parse_pathway,
    write_pathway_csv,
    write_pathway_xlsx,
)
from competencies.models import Framework
from pathway import spreadsheets

# Reading a file into FrameworkData ----------------------------------------------------------


def guess_format(source, filename: str = "") -> str:
    """xlsx for a spreadsheet; for CSV, moodle if the header is Moodle's, else csv. Reads only
    the file's first bytes. `source` is a path, bytes or a binary file."""
    filename = filename or spreadsheets.source_name(source)
    first_bytes = spreadsheets.head(source)
    if Path(filename).suffix.lower() in (".xlsx", ".xlsm") or spreadsheets.looks_like_xlsx(
        first_bytes
    ):
        return "xlsx"
    try:
        records = reading.csv_records(first_bytes)
    except FrameworkImportError:
        return "csv"
    return "moodle" if records and looks_like_moodle(records[0][1]) else "csv"


def parse(source, format: str) -> tuple[FrameworkData | None, list]:
    """Read and check a file (a path, bytes or a binary file) without the database. Raises
    FrameworkImportError when the file cannot be read at all; otherwise returns what it found
    and the problems in its rows."""
    if format == "csv":
        return parse_pathway(reading.csv_records(source), unprotect=True)
    if format == "xlsx":
        return parse_pathway(reading.xlsx_records(source), unprotect=False)
    if format == "moodle":
        return parse_moodle(reading.csv_records(source))
    raise ValueError(f"Unknown framework file format {format!r}: use one of {FORMATS}")


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
    framework_data, errors = parse(source, format)
    if framework_data is not None:
        if name:
            framework_data.name = name.strip()
        check_against_database(framework_data, errors)
    if errors:
        raise FrameworkImportError(errors)
    try:
        return save_framework(framework_data)
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


def serialise(data: FrameworkData, format: str) -> bytes:
    if format == "csv":
        return write_pathway_csv(data)
    if format == "xlsx":
        return write_pathway_xlsx(data)
    if format == "moodle":
        return write_moodle(data)
    raise ValueError(f"Unknown framework file format {format!r}: use one of {FORMATS}")


def framework_export(*, framework: Framework, format: str) -> bytes:
    """The whole framework as a file in the given layout. Raises FrameworkExportError when a
    Moodle export would need two rows with the same ID number."""
    return serialise(framework_data(framework), format)


def export_filename(framework: Framework, format: str) -> str:
    stem = slugify(f"{framework.code}-v{framework.version}") or "framework"
    return {"csv": f"{stem}.csv", "xlsx": f"{stem}.xlsx", "moodle": f"{stem}-moodle.csv"}[format]


def example_file(format: str) -> bytes:
    return serialise(example_data(), format)
