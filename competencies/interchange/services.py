"""The framework import and export services, and reading a file in any layout."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError
from django.utils.text import slugify

from competencies.interchange import reading
from competencies.interchange.data import (
    FORMATS,
    FrameworkData,
    FrameworkExportError,
    FrameworkImportError,
)
from competencies.interchange.database import (
    check_against_database,
    framework_data,
    latest_with_code,
    save_framework,
)
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
    return "moodle" if records and looks_like_moodle(records[0][1]) else "csv"  # by shape


def parse(source, format: str) -> tuple[FrameworkData | None, list]:
    """Read and check a file (a path, bytes or a binary file) without the database. Raises
    FrameworkImportError when the file cannot be read at all; otherwise returns what it found
    and the problems in its rows."""
    if format == "csv":
        return parse_pathway(reading.csv_records(source, strip=False), unprotect=True)
    if format == "xlsx":
        return parse_pathway(reading.xlsx_records(source, strip=False), unprotect=False)
    if format == "moodle":
        return parse_moodle(reading.csv_records(source, strip=False))
    raise ValueError(f"Unknown framework file format {format!r}: use one of {FORMATS}")


# The service -------------------------------------------------------------------------------


NEW_VERSION = "new_version"
SEPARATE = "separate"
ON_EXISTING = (NEW_VERSION, SEPARATE)


class FrameworkExistsError(FrameworkImportError):
    """A framework with the file's ID number exists and the file differs from it: the import
    must be told whether the file is its new version or a separate framework."""

    def __init__(self, existing: Framework, code: str):
        self.existing = existing
        super().__init__(
            [
                (
                    None,
                    f"A framework with the ID number '{code}' already exists (\"{existing.name}\""
                    f", version {existing.version}) and this file is different: choose whether "
                    "it is a new version of that framework, or a separate framework with a new "
                    "ID number",
                )
            ]
        )


def _comparable(data: FrameworkData, format: str) -> bytes:
    """What a file in `format` can say about a framework: two frameworks that give the same are
    the same as far as that file can tell."""
    if format == "moodle":
        return write_moodle(data)
    return write_pathway_csv(replace(data, version=1))


def _unchanged(data: FrameworkData, existing: Framework, format: str) -> bool:
    try:
        return _comparable(data, format) == _comparable(framework_data(existing), format)
    except FrameworkExportError:
        return False


def _check_new_code(new_code: str | None, errors: list) -> str:
    code = (new_code or "").strip()
    if not code:
        errors.append((None, "Enter a new ID number for the separate framework"))
    elif Framework.objects.filter(code=code).exists():
        errors.append((None, f"A framework with the ID number '{code}' already exists"))
    else:
        try:
            validate_slug(code)
        except ValidationError:
            errors.append(
                (None, "The new ID number can only have letters, numbers, hyphens and underscores")
            )
    return code


@dataclass
class ImportPreview:
    """What an import would write, before anything is: for the preview page."""

    data: FrameworkData
    format: str
    existing: Framework | None  # the latest framework with the file's ID number
    unchanged: bool  # the file says nothing the existing framework does not

    @property
    def asks_which(self) -> bool:
        return self.existing is not None and not self.unchanged

    def domain_rows(self) -> list[dict]:
        """Per domain: its ID number, title, how many competencies, and how many at each depth
        (1: directly in the domain, 2: beneath one of those...)."""
        return [
            {
                "code": d.code,
                "title": d.title,
                "count": len(d.competencies),
                "depths": sorted(Counter(_depths(d).values()).items()),
            }
            for d in self.data.domains
        ]

    def counts(self) -> dict:
        competencies = self.data.competencies()
        return {
            "domains": len(self.data.domains),
            "competencies": len(competencies),
            "own_scales": sum(1 for c in competencies if c.scale),
            "rules": sum(1 for c in competencies if c.rule),
            "related": sum(len(c.related) for c in competencies),
            # A domain that is also a competency (Moodle's top level) is counted once.
            "html": sum(1 for c in competencies if c.description_format == "html")
            + sum(
                1
                for d in self.data.domains
                if d.description_format == "html" and d.code not in {c.code for c in competencies}
            ),
        }


def _depths(domain) -> dict[str, int]:
    """Each competency's level in its domain's tree: 1 at the top. When the domain is also a
    competency (Moodle's top level), that one is the top and the others are beneath it."""
    parents = {c.code: c.parent_competency for c in domain.competencies}
    own = domain.code in parents
    depths: dict[str, int] = {}
    for code in parents:
        depth, current, seen = 1 if code == domain.code or not own else 2, code, {code}
        while parents.get(current) and parents[current] not in seen:
            current = parents[current]
            seen.add(current)
            depth += 1
        depths[code] = depth
    return depths


def framework_preview(*, actor, source, format: str, name: str | None = None) -> ImportPreview:
    """Read and check a whole file as framework_import would, writing nothing. Raises
    FrameworkImportError listing every problem."""
    _check_may_import(actor, format)
    data, errors = parse(source, format)
    if data is not None:
        if name:
            data.name = name.strip()
        check_against_database(data, errors)
    if errors:
        raise FrameworkImportError(errors)
    existing = latest_with_code(data.code)
    return ImportPreview(
        data=data,
        format=format,
        existing=existing,
        unchanged=existing is not None and _unchanged(data, existing, format),
    )


def _check_may_import(actor, format: str) -> None:
    if actor is not None and not actor.has_perm("competencies.manage_frameworks"):
        raise PermissionDenied("Only the lead nurse can import a framework")
    if format not in FORMATS:
        raise ValueError(f"Unknown framework file format {format!r}: use one of {FORMATS}")


def framework_import(
    *,
    actor,
    source,
    format: str,
    name: str | None = None,
    on_existing: str | None = None,
    new_code: str | None = None,
) -> Framework:
    """Import a whole framework as a new draft.

    `source` is a path or a binary file object; `format` one of "csv", "xlsx", "moodle".
    Checks everything first: any problem raises FrameworkImportError listing them all, and
    nothing is written. When a framework with the file's ID number exists: if the file says
    nothing different from its latest version and `on_existing` is not given, nothing is
    written and that version is returned (its `import_unchanged` is True); otherwise
    `on_existing` says what the file is: "new_version" (the next version of that framework) or
    "separate" (a framework of its own, with the ID number `new_code`); without it,
    FrameworkExistsError. `actor` None is the system (the
    command line); anyone else needs the lead nurse's permission.
    """
    if on_existing not in (None, *ON_EXISTING):
        raise ValueError(f"on_existing must be one of {ON_EXISTING} or None")
    preview = framework_preview(actor=actor, source=source, format=format, name=name)
    data = preview.data
    if preview.unchanged and on_existing is None:
        preview.existing.import_unchanged = True
        return preview.existing
    if preview.asks_which and on_existing is None:
        raise FrameworkExistsError(preview.existing, data.code)
    if preview.existing is not None and on_existing == SEPARATE:
        errors: list = []
        data.code = _check_new_code(new_code, errors)
        if errors:
            raise FrameworkImportError(errors)
        data.version = 1
    try:
        framework = save_framework(data)
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
    framework.import_unchanged = False
    return framework


def import_summary(framework: Framework) -> str:
    competencies = framework.competencies.count()
    domains = framework.domains.count()
    counts = (
        f"{competencies} {'competency' if competencies == 1 else 'competencies'} in {domains} "
        f"{'domain' if domains == 1 else 'domains'}"
    )
    if getattr(framework, "import_unchanged", False):
        return (
            f'Nothing imported: the file is the same as "{framework.name}" (version '
            f"{framework.version}, {counts}), so no new version was made"
        )
    return f'Imported "{framework.name}" (version {framework.version}): {counts}'


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
