"""The example files the import page offers: a small framework showing each column."""

from __future__ import annotations

from competencies.interchange.data import CompetencyData, DomainData, FrameworkData
from pathway.models import ClinicalArea

EXAMPLE_FILENAMES = {
    "csv": "pathway-framework-example.csv",
    "xlsx": "pathway-framework-example.xlsx",
    "moodle": "moodle-framework-example.csv",
}


def example_data() -> FrameworkData:
    """A small framework showing each column. The specific competency uses a real clinical
    area when there is one, so the example imports as it is."""
    area = ClinicalArea.objects.order_by("code").first()
    clinical = [
        CompetencyData(
            code="CS1",
            title="Measures and records vital signs",
            description="Measures temperature, pulse, respirations, blood pressure and oxygen "
            "saturation, and records them on the observation chart.",
            performance_criteria=[
                "Explains the procedure and gains consent",
                "Uses the equipment correctly",
                "Escalates a raised early warning score at once",
            ],
            underpinning_knowledge="Normal ranges of vital signs; the NEWS2 escalation policy.",
            assessment_methods=["direct_observation", "questioning"],
            supervised_practices_required=5,
            reassessment_months=12,
            order=1,
        )
    ]
    if area is not None:
        clinical.append(
            CompetencyData(
                code="CS2",
                title="Cares for a patient with a tracheostomy",
                description="Carries out routine tracheostomy care under the care plan.",
                performance_criteria=["Checks the emergency equipment at the bedside"],
                is_core=False,
                clinical_areas=[area.code],
                assessment_methods=["direct_observation", "simulation"],
                supervised_practices_required=3,
                reassessment_months=12,
                order=2,
            )
        )
    return FrameworkData(
        code="example-framework",
        name="Example assistant practitioner framework",
        description="An example to copy: replace these rows with your own.",
        version=1,
        domains=[
            DomainData(
                code="COM",
                title="Communication",
                description="Talking with patients, families and colleagues.",
                order=1,
                competencies=[
                    CompetencyData(
                        code="COM1",
                        title="Communicates effectively with patients",
                        description="Adapts communication to the patient's needs.",
                        performance_criteria=[
                            "Introduces self by name and role",
                            "Checks the patient has understood",
                        ],
                        underpinning_knowledge="Barriers to communication.",
                        assessment_methods=["direct_observation", "reflective_account"],
                        supervised_practices_required=2,
                        order=1,
                    )
                ],
            ),
            DomainData(
                code="CS",
                title="Clinical skills",
                description="Skills used at the bedside.",
                order=2,
                competencies=clinical,
            ),
        ],
    )
