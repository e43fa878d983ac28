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

The package, by part (ADR 0009):

- ``data``: the in-between shape (FrameworkData, DomainData, CompetencyData), the errors;
- ``reading``: a file's rows, through the shared reader and its limits (pathway/spreadsheets.py);
- ``pathway_layout`` and ``moodle_layout``: each layout's reader and writer;
- ``database``: the checks only the database can make, the writer, a stored framework read back;
- ``services``: framework_import and framework_export, and the helpers the pages and commands use;
- ``examples``: the example files offered on the import page.
"""

from competencies.interchange.data import (
    CONTENT_TYPES,
    FORMAT_LABELS,
    FORMATS,
    CompetencyData,
    DomainData,
    FrameworkData,
    FrameworkExportError,
    FrameworkImportError,
    format_error,
)
from competencies.interchange.database import framework_data
from competencies.interchange.examples import EXAMPLE_FILENAMES, example_data
from competencies.interchange.moodle_layout import MOODLE_HEADER, html_to_text
from competencies.interchange.pathway_layout import COLUMNS, HEADERS
from competencies.interchange.services import (
    NEW_VERSION,
    ON_EXISTING,
    SEPARATE,
    FrameworkExistsError,
    ImportPreview,
    example_file,
    export_filename,
    framework_export,
    framework_import,
    framework_preview,
    guess_format,
    import_summary,
    parse,
    serialise,
)

__all__ = [
    "NEW_VERSION",
    "ON_EXISTING",
    "SEPARATE",
    "FrameworkExistsError",
    "ImportPreview",
    "framework_preview",
    "COLUMNS",
    "CONTENT_TYPES",
    "EXAMPLE_FILENAMES",
    "FORMATS",
    "FORMAT_LABELS",
    "HEADERS",
    "MOODLE_HEADER",
    "CompetencyData",
    "DomainData",
    "FrameworkData",
    "FrameworkExportError",
    "FrameworkImportError",
    "example_data",
    "example_file",
    "export_filename",
    "format_error",
    "framework_data",
    "framework_export",
    "framework_import",
    "guess_format",
    "html_to_text",
    "import_summary",
    "parse",
    "serialise",
]
