"""A job description as a Word document (python-docx), for recruitment packs."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from roledesign import selectors
from roledesign.models import JobDescription

# A4 with 2 cm margins: a trust prints on A4, and Word's default here is US Letter.
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.0)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the page out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _repeat_heading_row(table) -> None:
    """Mark the first row as a heading row, so Word repeats it on every page the table spans."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    heading = OxmlElement("w:tblHeader")
    heading.set(qn("w:val"), "true")
    properties.append(heading)


def _page_setup(document, jd: JobDescription, employer: str) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    header = section.header.paragraphs[0]
    header.text = " · ".join(part for part in (employer, jd.title, f"Version {jd.version}") if part)
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    properties = document.core_properties
    properties.author = employer or "Pathway"
    properties.title = f"{jd.title}, version {jd.version}"
    properties.subject = "Job description"
    properties.last_modified_by = employer or "Pathway"


def jd_docx(jd: JobDescription) -> bytes:
    document = Document()
    _page_setup(document, jd, selectors.jd_employer(jd))
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
    _repeat_heading_row(table)
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
