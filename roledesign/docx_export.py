"""A job description as a Word document (python-docx), for recruitment packs."""

from __future__ import annotations

import io

from docx import Document

from roledesign import selectors
from roledesign.models import JobDescription


def jd_docx(jd: JobDescription) -> bytes:
    document = Document()
    document.add_heading(jd.title, level=0)
    summary = document.add_table(rows=0, cols=2)
    summary.style = "Table Grid"
    for label, value in (
        ("Band", jd.get_band_display()),
        ("Clinical areas", ", ".join(a.name for a in jd.clinical_areas.all())),
        ("Reports to", jd.reports_to),
        ("Version", f"{jd.version} ({jd.get_status_display().lower()})"),
        ("Competency framework", str(jd.framework)),
    ):
        cells = summary.add_row().cells
        cells[0].text, cells[1].text = label, value

    document.add_heading("Job purpose", level=1)
    document.add_paragraph(jd.job_purpose)

    document.add_heading("Key responsibilities", level=1)
    for line in jd.responsibilities:
        document.add_paragraph(line, style="List Bullet")

    document.add_heading("Working relationships", level=1)
    document.add_paragraph(jd.working_relationships or "Not given")

    document.add_heading("Person specification", level=1)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    header = table.rows[0].cells
    header[0].text, header[1].text, header[2].text = (
        "Criterion",
        "Essential or desirable",
        "Category",
    )
    for criterion in jd.criteria.all():
        cells = table.add_row().cells
        cells[0].text = criterion.text
        cells[1].text = criterion.requirement
        cells[2].text = criterion.get_category_display()

    document.add_heading("Competencies", level=1)
    document.add_paragraph(
        f"From {jd.framework}: the core competencies and those specific to this role's "
        "clinical areas."
    )
    for group in selectors.jd_competencies(jd):
        document.add_heading(group.title, level=2)
        for competency in group.competencies:
            document.add_paragraph(f"{competency.code} {competency.title}", style="List Bullet")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
