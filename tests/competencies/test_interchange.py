"""Import and export of whole frameworks: Pathway CSV and XLSX, Moodle CSV, the commands."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from competencies import interchange
from competencies.interchange import (
    FrameworkExportError,
    FrameworkImportError,
    framework_export,
    framework_import,
)
from competencies.models import AssessmentMethod, Competency, Domain, Framework
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "frameworks"
SHARED_MOODLE = (
    Path(__file__).resolve().parents[2].parent / "shared/fixtures/moodle-framework-example.csv"
)


@pytest.fixture
def areas(db):
    return [
        factories.ClinicalAreaFactory(code="critical-care", name="Critical care"),
        factories.ClinicalAreaFactory(code="emergency", name="Emergency department"),
    ]


def counts():
    return Framework.objects.count(), Domain.objects.count(), Competency.objects.count()


def moodle_pairs(data: bytes) -> list[tuple[str, str]]:
    """(parent ID number, ID number) of every non-framework row, in file order."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return [(r[0], r[1]) for r in rows[1:] if r and r[12] not in ("1", "true")]


def moodle_framework_row(data: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    [row] = [r for r in rows[1:] if r and r[12] in ("1", "true")]
    return row


# Pathway CSV ------------------------------------------------------------------------------


def test_pathway_csv_import_recreates_the_framework(areas):
    framework = framework_import(actor=None, source=FIXTURES / "good-pathway.csv", format="csv")

    assert framework.status == Framework.Status.DRAFT
    assert (framework.code, framework.version) == ("ap-critical-care", 1)
    assert framework.name == "Assistant practitioner: critical care"
    assert [(d.code, d.title, d.order) for d in framework.domains.order_by("order")] == [
        ("COM", "Communication", 1),
        ("CS", "Clinical skills", 2),
    ]
    com1 = framework.competencies.get(code="COM1")
    assert com1.domain.code == "COM"
    assert com1.description == 'Adapts communication to the patient\'s needs, "in plain words".'
    assert com1.performance_criteria == [
        "Introduces self by name and role",
        "Checks the patient has understood",
    ]
    assert com1.underpinning_knowledge == "Barriers to communication."
    assert com1.is_core is True
    assert com1.assessment_methods == [
        AssessmentMethod.DIRECT_OBSERVATION,
        AssessmentMethod.QUESTIONING,
    ]
    assert com1.supervised_practices_required == 2
    assert com1.reassessment_months is None
    # CS1 comes before its domain's row in the file.
    cs1 = framework.competencies.get(code="CS1")
    assert (cs1.domain.code, cs1.reassessment_months, cs1.order) == ("CS", 12, 1)
    cs2 = framework.competencies.get(code="CS2")
    assert cs2.is_core is False
    assert sorted(a.code for a in cs2.clinical_areas.all()) == ["critical-care", "emergency"]


def test_pathway_xlsx_import_matches_the_csv_import(areas):
    from_csv = framework_import(actor=None, source=FIXTURES / "good-pathway.csv", format="csv")
    from_xlsx = framework_import(
        actor=None, source=FIXTURES / "good-pathway.xlsx", format="xlsx", on_existing="new_version"
    )

    assert from_xlsx.version == 2  # asked for: the next version
    assert interchange.framework_data(from_xlsx).domains == (
        interchange.framework_data(from_csv).domains
    )


def test_import_from_a_binary_file_object_with_a_new_name(areas):
    with open(FIXTURES / "good-pathway.csv", "rb") as handle:
        framework = framework_import(
            actor=None, source=handle, format="csv", name="Critical care pathway 2025"
        )
    assert framework.name == "Critical care pathway 2025"
    assert framework.competencies.count() == 4


def test_the_same_file_again_writes_nothing(areas):
    first = framework_import(actor=None, source=FIXTURES / "good-pathway.csv", format="csv")
    again = framework_import(actor=None, source=FIXTURES / "good-pathway.csv", format="csv")
    assert again.pk == first.pk
    assert Framework.objects.count() == 1
    assert interchange.import_summary(again).startswith("Nothing imported: the file is the same")


def test_a_different_file_with_an_existing_id_number_asks_which_it_is(areas):
    first = framework_import(actor=None, source=FIXTURES / "good-pathway.csv", format="csv")
    changed = (FIXTURES / "good-pathway.csv").read_bytes().replace(b"Clinical skills", b"Skills")
    with pytest.raises(interchange.FrameworkExistsError) as caught:
        framework_import(actor=None, source=changed, format="csv")
    assert "already exists" in caught.value.lines[0]
    assert Framework.objects.count() == 1

    second = framework_import(actor=None, source=changed, format="csv", on_existing="new_version")
    assert (first.version, second.version) == (1, 2)
    assert second.previous_version == first
    assert second.status == Framework.Status.DRAFT

    separate = framework_import(
        actor=None, source=changed, format="csv", on_existing="separate", new_code="ap-skills"
    )
    assert (separate.code, separate.version, separate.previous_version) == ("ap-skills", 1, None)


@pytest.mark.parametrize(
    ("new_code", "message"),
    [
        ("", "Enter a new ID number for the separate framework"),
        ("ap-critical-care", "A framework with the ID number 'ap-critical-care' already exists"),
        ("has space", "The new ID number can only have letters, numbers, hyphens and underscores"),
    ],
)
def test_a_separate_framework_needs_a_new_free_id_number(areas, new_code, message):
    framework_import(actor=None, source=FIXTURES / "good-pathway.csv", format="csv")
    changed = (FIXTURES / "good-pathway.csv").read_bytes().replace(b"Clinical skills", b"Skills")
    with pytest.raises(FrameworkImportError) as caught:
        framework_import(
            actor=None, source=changed, format="csv", on_existing="separate", new_code=new_code
        )
    assert caught.value.lines == [message]
    assert Framework.objects.count() == 1


# Bad files: the right row and reason, and nothing written -----------------------------------

BAD_FILES = [
    ("bad-unknown-parent.csv", "csv", [(5, "unknown parent 'abc'")]),
    ("bad-duplicate-id.csv", "csv", [(5, "duplicate ID number 'COM1'")]),
    ("bad-missing-title.csv", "csv", [(6, "missing title")]),
    ("bad-unknown-method.csv", "csv", [(4, "unknown assessment method 'observation'")]),
    ("bad-unknown-area.csv", "csv", [(8, "unknown clinical area 'xyz'")]),
    ("bad-number.csv", "csv", [(5, "bad number 'three' for Supervised practices required")]),
    ("bad-header.csv", "csv", [(1, "unknown column 'Titel'"), (1, "missing column 'Title'")]),
    ("empty.csv", "csv", [(None, "The file is empty")]),
    ("empty.csv", "moodle", [(None, "The file is empty")]),
    ("empty.csv", "xlsx", [(None, "The file is empty")]),
    ("not-a-csv.csv", "csv", [(None, "This is a PNG file, not a CSV file")]),
    ("not-a-csv.csv", "moodle", [(None, "This is a PNG file, not a CSV file")]),
    ("not-a-spreadsheet.xlsx", "xlsx", [(None, "This is not an Excel spreadsheet (.xlsx)")]),
    ("good-pathway.xlsx", "csv", [(None, "not a CSV file")]),
    (
        "bad-pathway.xlsx",
        "xlsx",
        [(5, "bad number '-3' for Reassessment months"), (8, "unknown clinical area 'xyz'")],
    ),
    (
        "bad-several.csv",
        "csv",
        [
            (4, "unknown assessment method 'telepathy'"),
            (5, "unknown parent 'NOPE'"),
            (6, "bad number '1.5' for Reassessment months"),
            (8, "unknown clinical area 'moon-base'"),
        ],
    ),
    (
        "moodle-bad-json.csv",
        "moodle",
        [(2, "Scale configuration is not valid JSON"), (9, "Rule config is not valid JSON")],
    ),
    ("moodle-unknown-parent.csv", "moodle", [(7, "unknown parent 'abc'")]),
    ("moodle-missing-shortname.csv", "moodle", [(6, "missing short name")]),
    ("moodle-duplicate-id.csv", "moodle", [(10, "duplicate ID number 'CLIN-OBS-2'")]),
    ("moodle-no-framework.csv", "moodle", [(None, "There is no framework row")]),
    ("moodle-bad-header.csv", "moodle", [(1, "this is not Moodle's header row")]),
    ("moodle-bad-number.csv", "moodle", [(10, "bad number 'lots' for Rule outcome")]),
    ("good-moodle.csv", "csv", [(1, "choose the Moodle layout")]),
    ("good-pathway.csv", "moodle", [(1, "this is a Pathway CSV, not a Moodle one")]),
    (
        "moodle-parent-loop.csv",
        "moodle",
        [
            (3, "parent loop: 'CLIN' → 'COMM-1' → 'COMM' → 'CLIN-OBS' → 'CLIN'"),
            (5, "parent loop: 'CLIN-OBS' → 'CLIN'"),
            (9, "parent loop: 'COMM' → 'CLIN-OBS'"),
            (10, "parent loop: 'COMM-1' → 'COMM'"),
        ],
    ),
]


@pytest.mark.parametrize(("filename", "fmt", "expected"), BAD_FILES)
def test_a_bad_file_names_each_row_and_reason_and_imports_nothing(areas, filename, fmt, expected):
    factories.CompetencyFactory()  # something already there, which must stay as it is
    before = counts()

    with pytest.raises(FrameworkImportError) as caught:
        framework_import(actor=None, source=FIXTURES / filename, format=fmt)

    assert counts() == before
    errors = caught.value.errors
    for row, text in expected:
        assert any(r == row and text in message for r, message in errors), (row, text, errors)
    # Every reported problem is about a row the expectations name (or the whole file).
    assert {r for r, _ in errors} <= {row for row, _ in expected}


def test_import_error_lines_read_row_by_row(areas):
    with pytest.raises(FrameworkImportError) as caught:
        framework_import(actor=None, source=FIXTURES / "bad-several.csv", format="csv")
    lines = caught.value.lines
    assert lines[0].startswith("Row 4: unknown assessment method 'telepathy'")
    assert "Row 5: unknown parent 'NOPE'" in lines
    assert [line.split(":")[0] for line in lines] == ["Row 4", "Row 5", "Row 6", "Row 8"]
    # It is a ValidationError too, with one message per problem.
    assert len(caught.value.messages) == 4


def test_a_header_only_file_has_no_framework_row(areas):
    with pytest.raises(FrameworkImportError) as caught:
        framework_import(
            actor=None,
            source=(FIXTURES / "good-pathway.csv").read_bytes().split(b"\r\n")[0],
            format="csv",
        )
    assert caught.value.errors == [
        (None, "There is no framework row: add one row with row type 'framework'")
    ]


def test_a_core_competency_with_clinical_areas_and_a_specific_one_without(areas):
    text = (FIXTURES / "good-pathway.csv").read_text()
    text = text.replace(
        ",core,,direct_observation;questioning,", ",core,emergency,direct_observation;questioning,"
    )
    text = text.replace(",specific,critical-care;emergency,", ",specific,,")
    with pytest.raises(FrameworkImportError) as caught:
        framework_import(actor=None, source=text.encode(), format="csv")
    assert (
        4,
        "a core competency applies in every clinical area: leave 'Clinical areas' "
        "empty or make it specific",
    ) in caught.value.errors
    assert (8, "a specific competency needs at least one clinical area") in caught.value.errors


def test_a_field_too_long_for_the_database_is_an_error_row(areas):
    text = (FIXTURES / "good-pathway.csv").read_text().replace("Hands over care", "H" * 300)
    with pytest.raises(FrameworkImportError) as caught:
        framework_import(actor=None, source=text.encode(), format="csv")
    assert [(row, message.split(":")[0]) for row, message in caught.value.errors] == [(5, "Title")]


def test_semicolon_separated_csv_from_a_european_excel(areas):
    rows = list(csv.reader(io.StringIO((FIXTURES / "good-pathway.csv").read_text())))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    framework = framework_import(
        actor=None, source=buffer.getvalue().encode("cp1252"), format="csv"
    )
    assert framework.competencies.count() == 4


# Permission ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "factory",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.PracticeEducatorFactory,
        factories.ManagerFactory,
    ],
)
def test_only_the_lead_nurse_or_the_system_may_import(areas, factory):
    with pytest.raises(PermissionDenied):
        framework_import(actor=factory(), source=FIXTURES / "good-pathway.csv", format="csv")
    assert Framework.objects.count() == 0


def test_the_lead_nurse_may_import(areas, lead_nurse):
    framework = framework_import(
        actor=lead_nurse, source=FIXTURES / "good-pathway.csv", format="csv"
    )
    assert framework.pk


# Round trips -------------------------------------------------------------------------------


@pytest.fixture
def rich_framework(areas):
    """A framework made in Pathway (not from a file), with awkward content."""
    framework = factories.FrameworkFactory(
        code="ap-rich", name='Rich, "quoted" framework', description="Line one\nLine two"
    )
    d1 = factories.DomainFactory(framework=framework, code="D1", title="First", order=1)
    d2 = factories.DomainFactory(
        framework=framework,
        code="D2",
        title="Second",
        order=2,
        description="=SUM(A1:A2) looks like a formula",
    )
    factories.CompetencyFactory(
        domain=d1,
        code="D1.1",
        title="-starts with a minus",
        order=1,
        performance_criteria=["+ one", "two, with comma", "@three"],
        reassessment_months=6,
        supervised_practices_required=4,
    )
    factories.CompetencyFactory(
        domain=d1,
        code="D1.2",
        title="Ünïcødé ’quotes’ — dash",
        order=2,
        assessment_methods=[],
        performance_criteria=[],
        underpinning_knowledge="",
    )
    factories.CompetencyFactory(
        domain=d2,
        code="D2.1",
        title="Specific one",
        order=1,
        is_core=False,
        clinical_areas=areas,
        assessment_methods=["simulation", "witness_testimony"],
    )
    factories.DomainFactory(framework=framework, code="D3", title="Empty domain", order=3)
    return framework


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_export_import_export_keeps_everything(rich_framework, fmt):
    first = framework_export(framework=rich_framework, format=fmt)
    # Unchanged, so nothing would be written unless asked for a new version.
    assert framework_import(actor=None, source=first, format=fmt).pk == rich_framework.pk
    imported = framework_import(actor=None, source=first, format=fmt, on_existing="new_version")

    assert imported.version == rich_framework.version + 1
    before = interchange.framework_data(rich_framework)
    after = interchange.framework_data(imported)
    assert after.domains == before.domains
    assert (after.code, after.name, after.description) == (
        before.code,
        before.name,
        before.description,
    )
    # Exporting the import gives the same file, the version number apart.
    second = framework_export(framework=imported, format=fmt)
    in_first, in_second = interchange.parse(first, fmt)[0], interchange.parse(second, fmt)[0]
    in_first.version = imported.version
    assert in_second == in_first


def test_csv_round_trip_is_byte_for_byte_in_a_fresh_database(rich_framework):
    first = framework_export(framework=rich_framework, format="csv")
    Framework.objects.all().delete()

    imported = framework_import(actor=None, source=first, format="csv")

    assert imported.version == 1
    assert framework_export(framework=imported, format="csv") == first


def test_csv_export_layout_and_formula_protection(rich_framework):
    data = framework_export(framework=rich_framework, format="csv")
    assert data.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [header for _, header in interchange.COLUMNS]
    assert rows[1][:6] == [
        "framework",
        "ap-rich",
        "",
        'Rich, "quoted" framework',
        "Line one\nLine two",
        "1",
    ]
    by_code = {r[1]: r for r in rows[1:]}
    assert by_code["D2"][4] == "'=SUM(A1:A2) looks like a formula"
    assert by_code["D1.1"][3] == "'-starts with a minus"
    assert by_code["D1.1"][6] == "'+ one\ntwo, with comma\n@three"
    assert by_code["D2.1"][8:11] == [
        "specific",
        "critical-care;emergency",
        "simulation;witness_testimony",
    ]
    assert [r[0] for r in rows[1:]] == [
        "framework",
        "domain",
        "competency",
        "competency",
        "domain",
        "competency",
        "domain",
    ]


def test_xlsx_export_cells(rich_framework):
    data = framework_export(framework=rich_framework, format="xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Framework"]
    assert [c.value for c in sheet[1]] == [header for _, header in interchange.COLUMNS]
    assert [c.value for c in sheet[2]][:6] == [
        "framework",
        "ap-rich",
        None,
        'Rich, "quoted" framework',
        "Line one\nLine two",
        1,
    ]
    d2 = [c for c in sheet[6]]
    assert d2[1].value == "D2"
    assert d2[4].value == "=SUM(A1:A2) looks like a formula"
    assert d2[4].data_type == "s"  # text, not a formula
    competency = {c.column_letter: c.value for c in sheet[4]}
    assert competency["A"] == "competency"
    assert competency["C"] == "D1"
    assert competency["G"] == "+ one\ntwo, with comma\n@three"
    assert competency["L"] == 4 and competency["M"] == 6 and competency["N"] == 1
    specific = {c.column_letter: c.value for c in sheet[7]}
    assert (specific["I"], specific["J"]) == ("specific", "critical-care;emergency")
    codes = workbook["Codes"]
    assert ("simulation", "Simulation") in [
        (row[0].value, row[1].value) for row in codes.iter_rows()
    ]
    assert ("critical-care", "Critical care") in [
        (row[0].value, row[1].value) for row in codes.iter_rows()
    ]


# Moodle -----------------------------------------------------------------------------------


def test_moodle_import_keeps_the_tree_and_sanitises_html(db):
    framework = framework_import(actor=None, source=FIXTURES / "good-moodle.csv", format="moodle")

    assert (framework.code, framework.name) == ("nursing-skills", "Nursing support skills")
    assert framework.source_id_number == "nursing-skills"
    assert framework.description == (
        "<p>Skills for <strong>healthcare support workers</strong>.</p>"
    )
    assert framework.description_format == "html"
    # Each top-level Moodle competency is a domain and the first competency in it.
    domains = list(framework.domains.order_by("order"))
    assert [(d.code, d.title) for d in domains] == [
        ("CLIN", "Clinical care"),
        ("COMM", "Communication"),
        ("SAFE", "Safeguarding"),
    ]
    assert framework.competencies.count() == 9
    clin = [
        (c.code, c.title, c.parent.code if c.parent else None)
        for c in framework.competencies.filter(domain=domains[0]).order_by("order")
    ]
    # Moodle's own ID numbers; below the second level, the parent competency is kept.
    assert clin == [
        ("CLIN", "Clinical care", None),
        ("CLIN-OBS", "Observations", None),
        ("CLIN-OBS-1", "Takes a temperature", "CLIN-OBS"),
        ("CLIN-OBS-1a", "Takes a temperature in a child", "CLIN-OBS-1"),
        ("CLIN-OBS-2", "Takes a pulse", "CLIN-OBS"),
        ("OBS/3", "Measures oxygen saturation", "CLIN-OBS"),
    ]
    # A top-level node without children is still a domain, holding itself.
    assert [c.code for c in domains[2].competencies.all()] == ["SAFE"]
    temperature = framework.competencies.get(code="CLIN-OBS-1")
    assert temperature.description == (
        "<p>Uses a tympanic thermometer &amp; records it.<br>Escalates a fever.</p>"
    )
    child = framework.competencies.get(code="CLIN-OBS-1a")
    assert (
        child.description == "<ul><li>Explains to the parent</li><li>Uses the right probe</li></ul>"
    )
    observations = framework.competencies.get(code="CLIN-OBS")
    assert observations.description == "<p>Vital signs.</p>\n<p>Second paragraph</p>"
    everything = " ".join(
        [framework.description]
        + list(framework.competencies.values_list("description", flat=True))
        + list(framework.domains.values_list("description", flat=True))
    )
    for unsafe in ("<script", "alert(", "document.cookie", "onclick", "steal()"):
        assert unsafe not in everything
    pulse = framework.competencies.get(code="CLIN-OBS-2")
    assert pulse.description == "Counts for a full minute."  # plain text format, kept
    assert pulse.description_format == "text"
    # Kept as data: the rule on COMM, the related competency of COMM-1, the scale.
    assert framework.competencies.get(code="COMM").rule == {
        "type": "core_competency\\competency_rule_all",
        "outcome": "1",
        "config": "null",
    }
    assert framework.competencies.get(code="COMM-1").related == ["CLIN-OBS-1"]
    assert framework.scale["values"] == ["Not yet competent", "Competent"]


def test_moodle_round_trip_gives_the_same_tree_and_parent_id_numbers(db):
    original = (FIXTURES / "good-moodle.csv").read_bytes()
    framework = framework_import(actor=None, source=original, format="moodle")

    exported = framework_export(framework=framework, format="moodle")

    assert sorted(moodle_pairs(exported)) == sorted(moodle_pairs(original))
    assert moodle_framework_row(exported)[:2] == ["", "nursing-skills"]
    # Unchanged: nothing written, no new version.
    assert framework_import(actor=None, source=exported, format="moodle").pk == framework.pk
    reimported = framework_import(
        actor=None, source=exported, format="moodle", on_existing="new_version"
    )
    assert reimported.version == 2
    assert interchange.framework_data(reimported).domains == (
        interchange.framework_data(framework).domains
    )
    assert framework_export(framework=reimported, format="moodle") == exported


def test_moodle_export_layout(db):
    framework = framework_import(actor=None, source=FIXTURES / "good-moodle.csv", format="moodle")
    rows = list(
        csv.reader(
            io.StringIO(framework_export(framework=framework, format="moodle").decode(), newline="")
        )
    )
    assert rows[0] == interchange.MOODLE_HEADER
    assert rows[1][:3] == ["", "nursing-skills", "Nursing support skills"]
    assert rows[1][12] == "1"
    assert rows[1][13] == "competency,competency,competency,competency"
    assert rows[1][5] == "Not yet competent,Competent"
    # Then each domain as a top-level node with its competencies beneath, parents first.
    assert [(r[0], r[1]) for r in rows[2:6]] == [
        ("", "CLIN"),
        ("CLIN", "CLIN-OBS"),
        ("CLIN-OBS", "CLIN-OBS-1"),
        ("CLIN-OBS-1", "CLIN-OBS-1a"),
    ]
    assert all(len(r) == 14 for r in rows)


def test_a_pathway_framework_exports_to_moodle_with_domains_on_top(rich_framework):
    data = framework_export(framework=rich_framework, format="moodle")
    assert moodle_pairs(data) == [
        ("", "D1"),
        ("D1", "D1.1"),
        ("D1", "D1.2"),
        ("", "D2"),
        ("D2", "D2.1"),
        ("", "D3"),
    ]
    # Moodle back into Pathway: the taxonomy says the top level is domains, so the top-level
    # nodes are domains again, not competencies too.
    assert moodle_framework_row(data)[13] == "domain,competency"
    imported = framework_import(
        actor=None, source=data, format="moodle", on_existing="separate", new_code="copy"
    )
    assert imported.domains.count() == 3
    assert imported.competencies.count() == 3
    assert framework_export(framework=imported, format="moodle") == data


def test_moodle_export_refuses_two_rows_with_one_id_number(db):
    framework = factories.FrameworkFactory()
    d1 = factories.DomainFactory(framework=framework, code="X")
    d2 = factories.DomainFactory(framework=framework, code="Y")
    factories.CompetencyFactory(domain=d1, code="Y")  # the same as domain Y's ID number
    factories.CompetencyFactory(domain=d2, code="Y1")
    with pytest.raises(FrameworkExportError, match="'?Y'?"):
        framework_export(framework=framework, format="moodle")


def test_shared_moodle_export_imports_as_one_framework_with_64_competencies(db):
    if not SHARED_MOODLE.exists():
        pytest.skip(f"{SHARED_MOODLE} is not here")
    original = SHARED_MOODLE.read_bytes()
    rows = list(csv.reader(io.StringIO(original.decode("utf-8-sig"), newline="")))
    assert len([r for r in rows[1:] if r[12] == "1"]) == 1
    assert len([r for r in rows[1:] if r[12] != "1"]) == 64

    framework = framework_import(actor=None, source=SHARED_MOODLE, format="moodle")

    assert Framework.objects.count() == 1
    assert (framework.code, framework.name) == ("OECD-CORE", "OECD")
    assert framework.competencies.count() == 64
    assert [d.code for d in framework.domains.order_by("order")] == ["levels", "competencies"]
    assert framework.domains.get(code="levels").competencies.count() == 6
    assert framework.domains.get(code="competencies").competencies.count() == 58
    # Moodle's HTML description is kept (sanitised, issue #17), paragraphs and all.
    assert framework.description.startswith("<p>The Core Competencies summarise")
    assert "OECD’s overall success" in framework.description
    assert framework.source_id_number == "OECD-CORE"
    # Every competency has its own Moodle ID number, and below the second level its parent.
    pairs = moodle_pairs(original)
    assert sorted(framework.competencies.values_list("code", flat=True)) == sorted(
        idnumber for _, idnumber in pairs
    )
    tops = {idnumber for parent, idnumber in pairs if not parent}
    expected_parents = {
        idnumber: (parent if parent and parent not in tops else None) for parent, idnumber in pairs
    }
    assert {
        c.code: (c.parent.code if c.parent else None)
        for c in framework.competencies.select_related("parent")
    } == expected_parents
    assert any(parent is not None for parent in expected_parents.values())  # it is deep
    assert not any("/" in code for code in expected_parents)
    # The hierarchy comes back out: the same parent ID number for every competency.
    exported = framework_export(framework=framework, format="moodle")
    assert sorted(moodle_pairs(exported)) == sorted(pairs)
    assert moodle_framework_row(exported)[1] == moodle_framework_row(original)[1] == "OECD-CORE"


# Competencies beneath competencies ---------------------------------------------------------

DEEP_MOODLE = """Parent id number,Id number,Shortname,Description,Description format,Scale values,\
Scale configuration,Rule type (optional),Rule outcome (optional),Rule config (optional),\
Cross referenced competency id numbers,Exported id (optional),Is framework,Taxonomy
,DR Framework 2025,Digital readiness,,2,"Not yet competent,Competent",,,,,,,1,
DR,DR-DEL,Delivery,,2,,,,0,null,,,,
analytical-thinking,DR-AT1,Breaks a problem down,,2,,,,0,null,,,,
,DR,Digital readiness domains,,2,,,,0,null,,,,
DR-DEL,analytical-thinking,Analytical thinking,,2,,,,0,null,,,,
DR-AT1,DR-AT1.a,Uses data to decide,,2,,,,0,null,,,,
analytical-thinking,DR-AT2,Weighs options,,2,,,,0,null,,,,
DR,DR-COM,Communication,,2,,,,0,null,,,,
"""


def test_a_deep_moodle_import_has_clean_codes_and_parents(db):
    framework = framework_import(actor=None, source=DEEP_MOODLE.encode(), format="moodle")

    # The framework's ID number is a slug; the one in the file is kept as it was.
    assert (framework.code, framework.source_id_number) == (
        "dr-framework-2025",
        "DR Framework 2025",
    )
    [domain] = framework.domains.all()
    assert domain.code == "DR"
    nested = [
        (c.code, c.parent.code if c.parent else None, c.order)
        for c in framework.competencies.select_related("parent").order_by("order")
    ]
    assert nested == [
        ("DR", None, 1),
        ("DR-DEL", None, 2),
        ("analytical-thinking", "DR-DEL", 3),
        ("DR-AT1", "analytical-thinking", 4),
        ("DR-AT1.a", "DR-AT1", 5),
        ("DR-AT2", "analytical-thinking", 6),
        ("DR-COM", None, 7),
    ]
    assert all(c.domain_id == domain.pk for c in framework.competencies.all())

    # Back to Moodle: the same ID numbers, parent ID numbers and framework ID number.
    exported = framework_export(framework=framework, format="moodle")
    assert sorted(moodle_pairs(exported)) == sorted(moodle_pairs(DEEP_MOODLE.encode()))
    assert moodle_framework_row(exported)[1] == "DR Framework 2025"
    assert (
        moodle_framework_row(exported)[13]
        == "competency,competency,competency,competency,competency"
    )
    # Importing that again writes nothing; asked for, a new version has the same tree.
    assert framework_import(actor=None, source=exported, format="moodle").pk == framework.pk
    again = framework_import(
        actor=None, source=exported, format="moodle", on_existing="new_version"
    )
    assert (again.code, again.version, again.source_id_number) == (
        "dr-framework-2025",
        2,
        "DR Framework 2025",
    )
    assert (
        interchange.framework_data(again).domains == interchange.framework_data(framework).domains
    )


def test_a_deep_moodle_framework_round_trips_through_the_pathway_layouts(db):
    framework = framework_import(actor=None, source=DEEP_MOODLE.encode(), format="moodle")
    for fmt in ("csv", "xlsx"):
        copy = framework_import(
            actor=None, source=framework_export(framework=framework, format=fmt), format=fmt
        )
        assert interchange.framework_data(copy).domains == (
            interchange.framework_data(framework).domains
        )
        assert sorted(moodle_pairs(framework_export(framework=copy, format="moodle"))) == sorted(
            moodle_pairs(DEEP_MOODLE.encode())
        )


def test_a_repeated_id_number_in_a_deep_moodle_file_names_the_rows(db):
    text = DEEP_MOODLE.replace("DR-AT1,DR-AT1.a,", "DR-AT1,DR-AT2,")
    with pytest.raises(FrameworkImportError) as caught:
        framework_import(actor=None, source=text.encode(), format="moodle")
    assert caught.value.errors == [(8, "duplicate ID number 'DR-AT2' (also in row 7)")]
    assert Framework.objects.count() == 0


@pytest.fixture
def nested_framework(db):
    """A framework made in Pathway with competencies beneath competencies."""
    framework = factories.FrameworkFactory(code="nested", name="Nested")
    d1 = factories.DomainFactory(framework=framework, code="D1", title="First", order=1)
    d2 = factories.DomainFactory(framework=framework, code="D2", title="Second", order=2)
    a = factories.CompetencyFactory(domain=d1, code="A", order=1)
    a1 = factories.CompetencyFactory(domain=d1, code="A.1", order=2, parent=a)
    factories.CompetencyFactory(domain=d1, code="A.1.i", order=3, parent=a1)
    factories.CompetencyFactory(domain=d1, code="A.2", order=4, parent=a)
    factories.CompetencyFactory(domain=d1, code="B", order=5)
    factories.CompetencyFactory(domain=d2, code="C", order=1)
    return framework


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_pathway_layouts_keep_parent_competencies(nested_framework, fmt):
    first = framework_export(framework=nested_framework, format=fmt)
    imported = framework_import(actor=None, source=first, format=fmt)

    parents = {
        c.code: c.parent.code if c.parent else None
        for c in imported.competencies.select_related("parent")
    }
    assert parents == {"A": None, "A.1": "A", "A.1.i": "A.1", "A.2": "A", "B": None, "C": None}
    before, after = (interchange.framework_data(f) for f in (nested_framework, imported))
    assert after.domains == before.domains


def test_pathway_csv_parent_competency_column_is_last_and_only_for_competencies(nested_framework):
    rows = list(
        csv.reader(
            io.StringIO(
                framework_export(framework=nested_framework, format="csv").decode("utf-8-sig"),
                newline="",
            )
        )
    )
    assert rows[0][-1] == "Parent competency ID number"
    assert {r[1]: r[-1] for r in rows[1:]} == {
        "nested": "",
        "D1": "",
        "A": "",
        "A.1": "A",
        "A.1.i": "A.1",
        "A.2": "A",
        "B": "",
        "D2": "",
        "C": "",
    }


def test_an_older_pathway_file_without_the_parent_competency_column_imports(areas):
    header = (FIXTURES / "good-pathway.csv").read_text().splitlines()[0]
    assert "Parent competency" not in header and len(header.split(",")) == 14

    framework = framework_import(actor=None, source=FIXTURES / "good-pathway.csv", format="csv")

    assert framework.competencies.count() == 4
    assert not framework.competencies.filter(parent__isnull=False).exists()


def _with_parent_column(rows: dict[str, str]) -> bytes:
    """good-pathway.csv with a Parent competency ID number column, filled in as given."""
    records = list(csv.reader(io.StringIO((FIXTURES / "good-pathway.csv").read_text())))
    records[0].append("Parent competency ID number")
    for record in records[1:]:
        record.append(rows.get(record[1], ""))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(records)
    return buffer.getvalue().encode()


def test_pathway_csv_with_a_parent_competency(areas):
    framework = framework_import(
        actor=None, source=_with_parent_column({"COM2": "COM1"}), format="csv"
    )
    assert framework.competencies.get(code="COM2").parent.code == "COM1"
    assert framework.competencies.get(code="COM1").parent is None


@pytest.mark.parametrize(
    ("parents", "expected"),
    [
        ({"COM2": "NOPE"}, [(5, "unknown parent competency 'NOPE'")]),
        ({"COM2": "COM2"}, [(5, "'COM2' cannot be its own parent competency")]),
        ({"COM2": "CS"}, [(5, "parent competency 'CS' is a domain")]),
        ({"COM2": "CS1"}, [(5, "parent competency 'CS1' is in another domain ('CS')")]),
        (
            {"COM1": "COM2", "COM2": "COM1"},
            [
                (4, "parent competency loop: 'COM1' → 'COM2' → 'COM1'"),
                (5, "parent competency loop: 'COM2' → 'COM1' → 'COM2'"),
            ],
        ),
        (
            {"COM": "COM1", "ap-critical-care": "COM1"},
            [
                (2, "'Parent competency ID number' does not apply to a framework row"),
                (3, "'Parent competency ID number' does not apply to a domain row"),
            ],
        ),
    ],
)
def test_a_bad_parent_competency_names_the_row(areas, parents, expected):
    with pytest.raises(FrameworkImportError) as caught:
        framework_import(actor=None, source=_with_parent_column(parents), format="csv")
    assert [
        (row, message[: len(text)])
        for (row, message), (_, text) in zip(caught.value.errors, expected, strict=True)
    ] == expected
    assert Framework.objects.count() == 0


def test_a_pathway_framework_with_parents_exports_to_moodle_beneath_them(nested_framework):
    data = framework_export(framework=nested_framework, format="moodle")
    assert moodle_pairs(data) == [
        ("", "D1"),
        ("D1", "A"),
        ("A", "A.1"),
        ("A.1", "A.1.i"),
        ("A", "A.2"),
        ("D1", "B"),
        ("", "D2"),
        ("D2", "C"),
    ]
    assert moodle_framework_row(data)[1] == "nested"  # no source ID number: its own
    assert moodle_framework_row(data)[13] == "domain,competency,competency,competency"


def test_moodle_export_puts_a_parent_loop_beneath_the_domain(db):
    """Data the application never makes (a loop of parents) still exports, each row once."""
    framework = factories.FrameworkFactory(code="loop")
    domain = factories.DomainFactory(framework=framework, code="D")
    a = factories.CompetencyFactory(domain=domain, code="A", order=1)
    b = factories.CompetencyFactory(domain=domain, code="B", order=2, parent=a)
    Competency.objects.filter(pk=a.pk).update(parent=b)
    assert moodle_pairs(framework_export(framework=framework, format="moodle")) == [
        ("", "D"),
        ("D", "A"),
        ("A", "B"),
    ]


# Commands ---------------------------------------------------------------------------------


def test_import_command_prints_one_line(areas):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_framework", str(FIXTURES / "good-pathway.csv"), stdout=out, stderr=err)
    assert out.getvalue() == (
        'Imported "Assistant practitioner: critical care" (version 1): 4 competencies in '
        "2 domains\n"
    )
    assert err.getvalue() == ""


def test_import_command_guesses_moodle_from_the_header(db):
    out = io.StringIO()
    call_command("import_framework", str(FIXTURES / "good-moodle.csv"), stdout=out)
    assert out.getvalue() == (
        'Imported "Nursing support skills" (version 1): 9 competencies in 3 domains\n'
    )


def test_import_command_guesses_xlsx_from_the_extension(areas):
    out = io.StringIO()
    call_command("import_framework", str(FIXTURES / "good-pathway.xlsx"), stdout=out)
    assert "4 competencies in 2 domains" in out.getvalue()


def test_import_command_shared_moodle_file(db):
    if not SHARED_MOODLE.exists():
        pytest.skip(f"{SHARED_MOODLE} is not here")
    out = io.StringIO()
    call_command("import_framework", str(SHARED_MOODLE), stdout=out)
    assert out.getvalue() == 'Imported "OECD" (version 1): 64 competencies in 2 domains\n'


def test_import_command_reports_each_bad_row_and_fails(areas):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 4 problems"):
        call_command(
            "import_framework",
            str(FIXTURES / "bad-several.csv"),
            "--format",
            "csv",
            stdout=out,
            stderr=err,
        )
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Row 4: unknown assessment method 'telepathy'")
    assert "Row 5: unknown parent 'NOPE'" in lines
    assert len(lines) == 4
    assert out.getvalue() == ""
    assert Framework.objects.count() == 0


def test_import_command_missing_file(db):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_framework", str(FIXTURES / "nowhere.csv"))


def test_export_command_to_stdout_and_to_a_file(rich_framework, tmp_path):
    out = io.StringIO()
    call_command("export_framework", "ap-rich", stdout=out)
    assert out.getvalue() == framework_export(framework=rich_framework, format="csv").decode(
        "utf-8-sig"
    )

    target = tmp_path / "rich.xlsx"
    out = io.StringIO()
    call_command("export_framework", str(rich_framework.pk), "--output", str(target), stdout=out)
    assert out.getvalue() == f'Exported "{rich_framework.name}" (version 1) to {target}\n'
    assert openpyxl.load_workbook(target)["Framework"]["B2"].value == "ap-rich"

    out = io.StringIO()
    call_command("export_framework", "ap-rich", "--format", "moodle", stdout=out)
    assert out.getvalue().startswith("Parent id number,Id number,Shortname")


def test_export_command_picks_the_version(rich_framework):
    newer = framework_import(
        actor=None,
        source=framework_export(framework=rich_framework, format="csv"),
        format="csv",
        name="Rich v2",
        on_existing="new_version",
    )
    out = io.StringIO()
    call_command("export_framework", "ap-rich", stdout=out)
    assert "Rich v2" in out.getvalue()  # the latest by default
    out = io.StringIO()
    call_command("export_framework", "ap-rich", "--version", "1", stdout=out)
    assert "Rich v2" not in out.getvalue() and newer.version == 2
    with pytest.raises(CommandError, match="No framework"):
        call_command("export_framework", "ap-rich", "--version", "7")


def test_export_command_refusals(rich_framework):
    with pytest.raises(CommandError, match="No framework"):
        call_command("export_framework", "nothing-like-it")
    with pytest.raises(CommandError, match="--output"):
        call_command("export_framework", "ap-rich", "--format", "xlsx")


# Example files ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", interchange.FORMATS)
def test_example_files_import_as_they_are(areas, fmt):
    data = interchange.example_file(fmt)
    framework = framework_import(actor=None, source=data, format=fmt)
    # Moodle too: the export's taxonomy says its top level is domains.
    assert framework.competencies.count() == 3


def test_import_command_asks_which_for_a_changed_file_and_takes_the_answer(areas, tmp_path):
    call_command("import_framework", str(FIXTURES / "good-pathway.csv"), stdout=io.StringIO())
    changed = tmp_path / "changed.csv"
    changed.write_bytes(
        (FIXTURES / "good-pathway.csv").read_bytes().replace(b"Clinical skills", b"Skills")
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_framework", str(changed), stderr=err)
    assert "--new-version or --separate" in err.getvalue()
    out = io.StringIO()
    call_command("import_framework", str(changed), "--new-version", stdout=out)
    assert "(version 2)" in out.getvalue()
    call_command("import_framework", str(changed), "--separate", "ap-skills", stdout=out)
    assert Framework.objects.filter(code="ap-skills", version=1).exists()
    out = io.StringIO()
    call_command("import_framework", str(changed), stdout=out)  # the same as version 2
    assert out.getvalue().startswith("Nothing imported")
