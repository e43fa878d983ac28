"""The task import template (CSV and XLSX): linked from the import page with its column rules,
downloaded by the lead nurse only, and it imports as it is, read back and uploaded again."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roledesign import services
from roledesign.models import DelegationDecision, Task
from roledesign.task_import import TEMPLATE_HEADER, TEMPLATE_ROWS, parse
from tests.factories import AdministratorFactory, ClinicalAreaFactory, MentorFactory

pytestmark = pytest.mark.django_db


def _project(lead):
    return services.project_create(
        actor=lead, name="AP", clinical_area=ClinicalAreaFactory(), lead=lead
    )


def _download(client, fmt):
    response = client.get(reverse("roledesign:task_import_template", args=[fmt]))
    assert response.status_code == 200
    assert f'filename="task-import-template.{fmt}"' in response["Content-Disposition"]
    return response


def test_import_page_links_both_templates_and_explains_the_columns(client, lead_nurse):
    project = _project(lead_nurse)
    client.force_login(lead_nurse)
    html = client.get(reverse("roledesign:task_import", args=[project.pk])).content.decode()
    for fmt in ("csv", "xlsx"):
        assert reverse("roledesign:task_import_template", args=[fmt]) in html
    assert "Columns of the task import file" in html
    for rule in (
        "Suitable, Suitable with conditions, Not suitable",
        "a whole number from 1 (rare) to 5 (almost certain)",
        'For "Suitable with conditions"',
        "up to 2 MB and 500 tasks",
    ):
        assert rule in html


def test_csv_template_reads_back_as_its_header_and_rows(client, lead_nurse):
    client.force_login(lead_nurse)
    response = _download(client, "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [TEMPLATE_HEADER, *TEMPLATE_ROWS]
    decisions = {row[TEMPLATE_HEADER.index("Delegation decision")] for row in rows[1:]}
    assert decisions == {label for _value, label in DelegationDecision.choices}


def test_xlsx_template_reads_back_as_its_header_and_rows(client, lead_nurse):
    client.force_login(lead_nurse)
    response = _download(client, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    values = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert values == [TEMPLATE_HEADER, *TEMPLATE_ROWS]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert isinstance(sheet["H2"].value, int)  # likelihood as a number, not text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_imports_as_it_is(client, lead_nurse, fmt):
    project = _project(lead_nurse)
    client.force_login(lead_nurse)
    content = _download(client, fmt).content
    upload = SimpleUploadedFile(f"task-import-template.{fmt}", content)
    response = client.post(reverse("roledesign:task_import", args=[project.pk]), {"file": upload})
    assert response.status_code == 302
    tasks = {task.name: task for task in Task.objects.filter(project=project)}
    assert set(tasks) == {row[0] for row in TEMPLATE_ROWS}
    trachy = tasks["Tracheostomy suctioning"]
    assert trachy.decision == DelegationDecision.WITH_CONDITIONS
    assert trachy.conditions.startswith("Established tracheostomy only")
    assert (trachy.likelihood, trachy.impact, trachy.risk_score) == (3, 4, 12)
    assert trachy.done_by_now == "Registered nurses and physiotherapists"
    assert tasks["Titrate vasoactive infusions"].decision == DelegationDecision.NOT_SUITABLE


def test_the_template_with_its_examples_deleted_is_refused_clearly():
    upload = SimpleUploadedFile("t.csv", ",".join(TEMPLATE_HEADER).encode())
    with pytest.raises(ValidationError) as error:
        parse(upload)
    assert error.value.message_dict == {"file": ["The file has no tasks"]}


def test_only_the_lead_nurse_downloads_the_template_and_only_known_formats(client, lead_nurse):
    url = reverse("roledesign:task_import_template", args=["csv"])
    assert client.get(url).status_code == 302  # sign in first
    for person in (MentorFactory(), AdministratorFactory()):
        client.force_login(person)
        assert client.get(url).status_code == 403
    client.force_login(lead_nurse)
    assert client.get(reverse("roledesign:task_import_template", args=["pdf"])).status_code == 404
    assert client.post(url).status_code == 405
