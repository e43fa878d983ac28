"""The lead nurse's pages for importing and exporting whole frameworks."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies import interchange
from competencies.models import Competency, Framework
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "frameworks"
IMPORT_URL = "/frameworks/import/"


@pytest.fixture
def areas(db):
    return [
        factories.ClinicalAreaFactory(code="critical-care", name="Critical care"),
        factories.ClinicalAreaFactory(code="emergency", name="Emergency department"),
    ]


@pytest.fixture
def nurse_client(client, lead_nurse):
    client.force_login(lead_nurse)
    return client


@pytest.fixture
def framework(areas):
    return interchange.framework_import(
        actor=None, source=FIXTURES / "good-pathway.csv", format="csv"
    )


def test_the_urls():
    assert reverse("competencies:framework_import") == IMPORT_URL
    assert reverse("competencies:framework_export", args=[7, "csv"]) == "/frameworks/7/export/csv/"
    assert (
        reverse("competencies:framework_import_example", args=["moodle"])
        == "/frameworks/import/example/moodle/"
    )


# Import -----------------------------------------------------------------------------------


def test_the_import_page(nurse_client):
    response = nurse_client.get(IMPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Import a competency framework</h1>" in html
    assert 'class="nhsuk-back-link"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and 'name="file"' in html
    for label in ("Pathway CSV", "Pathway spreadsheet (XLSX)", "Moodle competency framework CSV"):
        assert label in html
    assert "Import framework" in html
    for fmt in ("csv", "xlsx", "moodle"):
        assert reverse("competencies:framework_import_example", args=[fmt]) in html
    assert "nhsuk-error-summary" not in html


def upload_and_confirm(client, path: Path, fmt: str, confirm: dict | None = None):
    """Upload, see the preview (nothing written yet), confirm; the confirmation's response."""
    with open(path, "rb") as handle:
        response = client.post(IMPORT_URL, {"file": handle, "format": fmt})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "/frameworks/import/" in response["Location"]
    return client.post(response["Location"], confirm or {})


def test_the_lead_nurse_imports_a_pathway_csv(nurse_client, areas):
    with open(FIXTURES / "good-pathway.csv", "rb") as handle:
        uploaded = nurse_client.post(IMPORT_URL, {"file": handle, "format": "csv"})
    assert Framework.objects.count() == 0  # the preview comes first
    preview = nurse_client.get(uploaded["Location"]).content.decode()
    assert "Check the framework before you import it" in preview
    assert "Assistant practitioner: critical care" in preview
    response = nurse_client.post(uploaded["Location"], {})

    framework = Framework.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/frameworks/{framework.pk}/")
    assert framework.competencies.count() == 4
    assert framework.status == Framework.Status.DRAFT
    page = nurse_client.get(response["Location"])
    assert "Imported &quot;Assistant practitioner: critical care&quot; (version 1)" in (
        page.content.decode()
    )


@pytest.mark.parametrize(
    ("filename", "fmt", "count"),
    [("good-pathway.xlsx", "xlsx", 4), ("good-moodle.csv", "moodle", 9)],
)
def test_the_lead_nurse_imports_other_layouts(nurse_client, areas, filename, fmt, count):
    response = upload_and_confirm(nurse_client, FIXTURES / filename, fmt)
    framework = Framework.objects.get()
    assert response["Location"].endswith(f"/frameworks/{framework.pk}/")
    assert framework.competencies.count() == count


def test_a_deep_moodle_import_shows_clean_codes_nested_under_their_parents(nurse_client):
    response = upload_and_confirm(nurse_client, FIXTURES / "good-moodle.csv", "moodle")
    framework = Framework.objects.get()
    html = nurse_client.get(response["Location"]).content.decode()

    assert "/CLIN-OBS-1" not in html and "%2F" not in html  # no more "parent/ID" codes
    section = html[html.index('id="domain-') : html.index("Communication</h2>")]
    rows = re.findall(r'<tr class="nhsuk-table__row" role="row" id="competency-(\d+)">', section)
    codes = {c.pk: c.code for c in framework.competencies.all()}
    # Each competency after the one it sits under, siblings in order.
    assert [codes[int(pk)] for pk in rows] == [
        "CLIN",
        "CLIN-OBS",
        "CLIN-OBS-1",
        "CLIN-OBS-1a",
        "CLIN-OBS-2",
        "OBS/3",
    ]
    child = section[
        section.index(f'id="competency-{framework.competencies.get(code="CLIN-OBS-1a").pk}"') :
    ]
    child = child[: child.index("</tr>")]
    assert "Part of: CLIN-OBS-1" in child
    assert "nhsuk-u-padding-left-6" in child  # two levels down
    top = section[
        section.index(f'id="competency-{framework.competencies.get(code="CLIN-OBS").pk}"') :
    ]
    top = top[: top.index("</tr>")]
    assert "Part of" not in top and "nhsuk-u-padding-left" not in top


def test_a_bad_file_lists_every_row_problem_and_imports_nothing(nurse_client, areas):
    with open(FIXTURES / "bad-several.csv", "rb") as handle:
        response = nurse_client.post(IMPORT_URL, {"file": handle, "format": "csv"})

    assert response.status_code == 200
    assert Framework.objects.count() == 0 and Competency.objects.count() == 0
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "<title>Error: " in html
    summary = html[html.index("nhsuk-error-summary") : html.index("<h1>")]
    for line in (
        "Row 4: unknown assessment method &#x27;telepathy&#x27;",
        "Row 5: unknown parent &#x27;NOPE&#x27;",
        "Row 6: bad number &#x27;1.5&#x27; for Reassessment months",
        "Row 8: unknown clinical area &#x27;moon-base&#x27;",
    ):
        assert line in summary
    # And a table of them all, naming the file.
    assert "Problems found in bad-several.csv" in html
    assert '<td class="nhsuk-table__cell">Row 8</td>' in html


def test_many_problems_are_summarised_and_all_listed(nurse_client, areas):
    rows = [[header for _, header in interchange.COLUMNS]]
    rows.append(["framework", "big", "", "Big", "", "1"] + [""] * 8)
    rows.append(["domain", "D", "big", "Domain", "", "", "", "", "", "", "", "", "", "1"])
    for n in range(15):
        rows.append(
            [
                "competency",
                f"C{n}",
                "D",
                f"C {n}",
                "",
                "",
                "",
                "",
                "core",
                "",
                "mind-reading",
                "",
                "",
                "",
            ]
        )
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    upload = SimpleUploadedFile("big.csv", buffer.getvalue().encode(), "text/csv")

    response = nurse_client.post(IMPORT_URL, {"file": upload, "format": "csv"})

    html = response.content.decode()
    assert "and 5 more problems: see the full list below" in html
    assert '<td class="nhsuk-table__cell">Row 18</td>' in html
    assert Framework.objects.count() == 0


def test_the_wrong_layout_is_explained(nurse_client, areas):
    with open(FIXTURES / "good-moodle.csv", "rb") as handle:
        response = nurse_client.post(IMPORT_URL, {"file": handle, "format": "csv"})
    assert response.status_code == 200
    assert "choose the Moodle layout" in response.content.decode()
    assert Framework.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet(nurse_client):
    with open(FIXTURES / "not-a-csv.csv", "rb") as handle:
        response = nurse_client.post(IMPORT_URL, {"file": handle, "format": "xlsx"})
    assert response.status_code == 200
    assert "This is not an Excel spreadsheet (.xlsx)" in response.content.decode()


def test_missing_file_and_layout(nurse_client):
    response = nurse_client.post(IMPORT_URL, {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a framework file to import" in html
    assert "Select the layout of the file" in html


def test_an_empty_upload(nurse_client):
    upload = SimpleUploadedFile("empty.csv", b"", "text/csv")
    response = nurse_client.post(IMPORT_URL, {"file": upload, "format": "csv"})
    assert "The selected file is empty" in response.content.decode()


def test_a_file_over_the_upload_limit_is_refused(nurse_client, areas, settings):
    settings.PATHWAY_MAX_UPLOAD_BYTES = 100
    with open(FIXTURES / "good-pathway.csv", "rb") as handle:
        response = nurse_client.post(IMPORT_URL, {"file": handle, "format": "csv"})
    assert response.status_code == 200
    assert "The selected file must be smaller than 100\xa0bytes" in response.content.decode()
    assert Framework.objects.count() == 0


# Export and examples -----------------------------------------------------------------------


def test_export_as_pathway_csv(nurse_client, framework):
    response = nurse_client.get(f"/frameworks/{framework.pk}/export/csv/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ap-critical-care-v1.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[1][:4] == ["framework", "ap-critical-care", "", framework.name]
    # Each domain followed by its competencies (the fixture had CS1 before its domain).
    assert [r[1] for r in rows[2:]] == ["COM", "COM1", "COM2", "CS", "CS1", "CS2"]
    assert rows[7][6] == "Checks the emergency equipment at the bedside"


def test_export_as_xlsx(nurse_client, framework):
    response = nurse_client.get(f"/frameworks/{framework.pk}/export/xlsx/")
    assert response["Content-Type"] == interchange.CONTENT_TYPES["xlsx"]
    assert response["Content-Disposition"] == 'attachment; filename="ap-critical-care-v1.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Framework"]
    assert sheet["A2"].value == "framework" and sheet["B2"].value == "ap-critical-care"
    assert sheet["B8"].value == "CS2" and sheet["J8"].value == "critical-care;emergency"


def test_export_for_moodle(nurse_client, framework):
    response = nurse_client.get(f"/frameworks/{framework.pk}/export/moodle/")
    assert response["Content-Disposition"] == (
        'attachment; filename="ap-critical-care-v1-moodle.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    assert rows[0] == interchange.MOODLE_HEADER
    assert [(r[0], r[1]) for r in rows[2:]] == [
        ("", "COM"),
        ("COM", "COM1"),
        ("COM", "COM2"),
        ("", "CS"),
        ("CS", "CS1"),
        ("CS", "CS2"),
    ]


def test_export_unknown_layout_or_framework_is_not_found(nurse_client, framework):
    assert nurse_client.get(f"/frameworks/{framework.pk}/export/pdf/").status_code == 404
    assert nurse_client.get("/frameworks/999999/export/csv/").status_code == 404


def test_moodle_export_conflict_goes_back_to_the_framework(nurse_client, db):
    framework = factories.FrameworkFactory()
    d1 = factories.DomainFactory(framework=framework, code="X")
    factories.DomainFactory(framework=framework, code="Y")
    factories.CompetencyFactory(domain=d1, code="Y")
    response = nurse_client.get(f"/frameworks/{framework.pk}/export/moodle/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/frameworks/{framework.pk}/")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "moodle"])
def test_example_downloads_import_cleanly(nurse_client, areas, fmt):
    response = nurse_client.get(f"/frameworks/import/example/{fmt}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{interchange.EXAMPLE_FILENAMES[fmt]}"'
    )
    upload = SimpleUploadedFile(interchange.EXAMPLE_FILENAMES[fmt], response.content)
    response = nurse_client.post(IMPORT_URL, {"file": upload, "format": fmt})
    assert response.status_code == 302
    assert nurse_client.post(response["Location"], {}).status_code == 302
    assert Framework.objects.get().name == "Example assistant practitioner framework"


# Refusals ---------------------------------------------------------------------------------


def _urls(framework):
    return [
        IMPORT_URL,
        "/frameworks/import/example/csv/",
        f"/frameworks/{framework.pk}/export/csv/",
        f"/frameworks/{framework.pk}/export/xlsx/",
        f"/frameworks/{framework.pk}/export/moodle/",
    ]


def test_anonymous_people_are_sent_to_sign_in(client, framework):
    for url in _urls(framework):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    with open(FIXTURES / "good-pathway.csv", "rb") as handle:
        response = client.post(IMPORT_URL, {"file": handle, "format": "csv"})
    assert response["Location"].startswith(reverse("login"))
    assert Framework.objects.count() == 1


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
def test_other_roles_are_refused(client, framework, factory):
    client.force_login(factory())
    for url in _urls(framework):
        assert client.get(url).status_code == 403, url
    with open(FIXTURES / "good-pathway.csv", "rb") as handle:
        response = client.post(IMPORT_URL, {"file": handle, "format": "csv"})
    assert response.status_code == 403
    assert Framework.objects.count() == 1
