"""Importing a task analysis from CSV or XLSX: all or nothing, errors naming rows."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roledesign import services
from roledesign.models import Task
from tests.factories import ClinicalAreaFactory

pytestmark = pytest.mark.django_db

HEADER = "Task,Delegation decision,Likelihood,Impact,Conditions,Who does it now\n"


def _project(lead):
    return services.project_create(
        actor=lead, name="AP", clinical_area=ClinicalAreaFactory(), lead=lead
    )


def _csv(text, name="tasks.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def test_csv_import_adds_every_task(client, lead_nurse):
    project = _project(lead_nurse)
    client.force_login(lead_nurse)
    body = (
        HEADER
        + "Tracheostomy care,Suitable,2,3,,Registered nurses\n"
        + '"Arterial sampling",suitable with conditions,2,4,"Established lines only",RNs\n'
        + "\n"
        + "Titrating vasoactive infusions,Not suitable,4,5,,RNs\n"
    )
    response = client.post(
        reverse("roledesign:task_import", args=[project.pk]), {"file": _csv(body)}
    )
    assert response.status_code == 302
    tasks = {t.name: t for t in project.tasks.all()}
    assert set(tasks) == {
        "Tracheostomy care",
        "Arterial sampling",
        "Titrating vasoactive infusions",
    }
    assert tasks["Arterial sampling"].decision == "with_conditions"
    assert tasks["Arterial sampling"].conditions == "Established lines only"
    assert tasks["Tracheostomy care"].done_by_now == "Registered nurses"


def test_import_is_all_or_nothing_and_names_rows(client, lead_nurse):
    project = _project(lead_nurse)
    services.task_create(
        actor=lead_nurse,
        project=project,
        name="Existing",
        decision="suitable",
        likelihood=1,
        impact=1,
    )
    client.force_login(lead_nurse)
    body = (
        HEADER
        + "Good task,Suitable,2,3,,\n"
        + "Bad decision,Maybe,2,3,,\n"
        + "Needs conditions,Suitable with conditions,2,3,,\n"
        + "Out of range,Suitable,6,0,,\n"
        + "Good task,Suitable,1,1,,\n"
        + "existing,Suitable,1,1,,\n"
    )
    response = client.post(
        reverse("roledesign:task_import", args=[project.pk]), {"file": _csv(body)}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in html
    assert "Row 3: the delegation decision must be" in html
    assert "Row 4: enter the conditions" in html
    assert "Row 5: the likelihood must be a whole number from 1 to 5" in html
    assert "Row 5: the impact must be" in html
    assert "Row 6: the task repeats row 2" in html
    assert list(project.tasks.values_list("name", flat=True)) == ["Existing"]
    # Only the database clash left: still nothing written.
    response = client.post(
        reverse("roledesign:task_import", args=[project.pk]),
        {"file": _csv(HEADER + "Good task,Suitable,2,3,,\nexisting,Suitable,1,1,,\n")},
    )
    assert "Row 3: the project already has a task called existing" in response.content.decode()
    assert Task.objects.count() == 1


def test_missing_header_columns_and_wrong_file_type(client, lead_nurse):
    project = _project(lead_nurse)
    client.force_login(lead_nurse)
    url = reverse("roledesign:task_import", args=[project.pk])
    html = client.post(url, {"file": _csv("Task,Likelihood\nX,1\n")}).content.decode()
    assert "The header is missing: Delegation decision, Impact" in html
    html = client.post(url, {"file": _csv("hello", name="tasks.txt")}).content.decode()
    assert "must be a CSV or an Excel (.xlsx) file" in html
    html = client.post(url, {}).content.decode()
    assert "Select a CSV or Excel file" in html
    assert not Task.objects.exists()


def test_xlsx_import(client, lead_nurse):
    project = _project(lead_nurse)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Impact", "Task", "Likelihood", "Delegation decision"])
    sheet.append([4, "Repositioning", 3, "Suitable"])
    sheet.append([None, None, None, None])
    sheet.append([2, "Fluid balance", 1, "Suitable"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("tasks.xlsx", buffer.getvalue())
    client.force_login(lead_nurse)
    response = client.post(reverse("roledesign:task_import", args=[project.pk]), {"file": upload})
    assert response.status_code == 302
    repositioning = project.tasks.get(name="Repositioning")
    assert (repositioning.likelihood, repositioning.impact) == (3, 4)
    assert project.tasks.count() == 2
    bad = SimpleUploadedFile("tasks.xlsx", b"not a spreadsheet")
    html = client.post(
        reverse("roledesign:task_import", args=[project.pk]), {"file": bad}
    ).content.decode()
    assert "could not be read as a spreadsheet" in html
