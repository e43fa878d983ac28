"""Demo role design project (Calderdale Framework) and the approved assistant practitioner job
description. Runs after pathway and competencies (INSTALLED_APPS order); safe to run twice: the
second run finds the project and the job description in place and leaves them alone."""

from __future__ import annotations

import datetime

from competencies.models import Framework
from roledesign import services
from roledesign.models import (
    CriterionCategory,
    DelegationDecision,
    JobDescription,
    RoleDesignProject,
    Stage,
    StageKind,
)

PROJECT_NAME = "Assistant practitioner, critical care"
JD_LINEAGE = "assistant-practitioner-critical-care"

S, C, N = (
    DelegationDecision.SUITABLE,
    DelegationDecision.WITH_CONDITIONS,
    DelegationDecision.NOT_SUITABLE,
)

# (name, who now, how often, patients, decision, conditions, likelihood, impact, training,
#  demo framework competency code to link, or "")
TASKS = [
    (
        "Arterial line blood sampling",
        "Registered nurses",
        "Hourly to four-hourly per patient",
        "Ventilated and unstable patients with an arterial line",
        C,
        "Only from an established line, after the nurse in charge has checked the transducer "
        "set; results handed to the registered nurse at once.",
        2,
        4,
        "Arterial line workshop, five supervised samples",
        "CC1",
    ),
    (
        "Tracheostomy care",
        "Registered nurses",
        "Every shift",
        "Patients with an established tracheostomy (over 7 days)",
        S,
        "",
        2,
        3,
        "Tracheostomy study day and simulation",
        "CC2",
    ),
    (
        "Titrating vasoactive infusions",
        "Registered nurses",
        "Continuously",
        "Patients on noradrenaline, adrenaline or vasopressin",
        N,
        "",
        4,
        5,
        "",
        "",
    ),
    (
        "Closed-system endotracheal suctioning",
        "Registered nurses and physiotherapists",
        "As needed, several times a shift",
        "Intubated, ventilated patients",
        C,
        "Pre-oxygenation as prescribed; a registered nurse present for unstable patients.",
        2,
        3,
        "Suction competency with the respiratory physiotherapists",
        "",
    ),
    (
        "Fluid balance monitoring and totalling",
        "Registered nurses and healthcare assistants",
        "Hourly",
        "All level 2 and 3 patients",
        S,
        "",
        2,
        2,
        "Fluid balance e-learning",
        "",
    ),
    (
        "Repositioning a ventilated patient",
        "Registered nurses with healthcare assistants",
        "Two- to four-hourly",
        "Ventilated patients",
        C,
        "A registered nurse or anaesthetist holds the airway during every turn.",
        3,
        4,
        "Moving and handling of the ventilated patient",
        "",
    ),
    (
        "Preparing infusions for the nurse to check",
        "Registered nurses",
        "Several times a shift",
        "Patients on continuous infusions",
        C,
        "Preparation only: the registered nurse checks, connects and starts every infusion.",
        3,
        3,
        "Medicines management module",
        "",
    ),
    (
        "Adjusting ventilator settings",
        "Registered nurses, anaesthetists and physiotherapists",
        "As needed",
        "Ventilated patients",
        N,
        "",
        4,
        5,
        "",
        "",
    ),
]

STAGES = {
    StageKind.AWARENESS: (
        Stage.Status.COMPLETED,
        70,
        60,
        "Briefings at the critical care governance meeting and the staff forum.",
    ),
    StageKind.SERVICE_ANALYSIS: (
        Stage.Status.COMPLETED,
        60,
        45,
        "Patient pathway and staffing mapped against the critical care standards.",
    ),
    StageKind.TASK_ANALYSIS: (
        Stage.Status.COMPLETED,
        45,
        30,
        "Task list agreed with the multidisciplinary team; risk rated on the 5×5 matrix.",
    ),
    StageKind.COMPETENCIES: (
        Stage.Status.COMPLETED,
        30,
        14,
        "Delegable tasks mapped to the assistant practitioner framework.",
    ),
    StageKind.SUPPORTING_SYSTEMS: (
        Stage.Status.IN_PROGRESS,
        14,
        None,
        "Delegation policy and supervision agreement with the governance lead.",
    ),
    StageKind.TRAINING: (Stage.Status.NOT_STARTED, None, None, ""),
    StageKind.SUSTAINING: (Stage.Status.NOT_STARTED, None, None, ""),
}

RESPONSIBILITIES = """\
Deliver planned care to critically ill patients under the supervision of a registered nurse
Record and interpret vital signs using NEWS2 and escalate deterioration at once
Take arterial blood samples from established arterial lines within agreed conditions
Care for patients with an established tracheostomy, including stoma care
Maintain accurate fluid balance records and report a positive or negative balance
Prepare infusions for a registered nurse to check, connect and start
Support patients and relatives, communicating clearly and with compassion
Keep accurate, contemporaneous records of the care given
Take part in the supervision and teaching of healthcare support workers and students
Work within the limits of the assistant practitioner role and the trust's delegation policy"""

CRITERIA = [
    (
        CriterionCategory.QUALIFICATIONS,
        True,
        "Foundation degree in health and social care, or equivalent (level 5)",
    ),
    (
        CriterionCategory.QUALIFICATIONS,
        True,
        "GCSE English and maths at grade 4 (C) or above, or equivalent",
    ),
    (CriterionCategory.QUALIFICATIONS, False, "Care Certificate"),
    (
        CriterionCategory.EXPERIENCE,
        True,
        "At least 12 months as a healthcare support worker in an acute setting",
    ),
    (CriterionCategory.EXPERIENCE, False, "Experience in critical care or high-dependency care"),
    (CriterionCategory.SKILLS, True, "Able to record and interpret clinical observations"),
    (
        CriterionCategory.SKILLS,
        True,
        "Clear, compassionate communication with patients, families and the team",
    ),
    (CriterionCategory.SKILLS, False, "Venepuncture and 12-lead ECG"),
    (
        CriterionCategory.KNOWLEDGE,
        True,
        "Understands the boundaries of the role and when to escalate",
    ),
    (CriterionCategory.KNOWLEDGE, True, "Knowledge of infection prevention and control"),
    (
        CriterionCategory.KNOWLEDGE,
        False,
        "Awareness of the NHS Long Term Workforce Plan and the assistant practitioner role",
    ),
]


def seed(context) -> None:
    framework = Framework.objects.filter(code="ap-critical-care", version=1).first()
    area = context.areas.get("critical-care")
    lead = context.people.get("lead")
    if framework is None or area is None or lead is None:
        return  # the apps this builds on have not seeded
    _project(context, area, lead, framework)
    _job_description(area, framework, lead)


def _project(context, area, lead, framework) -> None:
    if RoleDesignProject.objects.filter(name=PROJECT_NAME).exists():
        return
    project = services.project_create(actor=None, name=PROJECT_NAME, clinical_area=area, lead=lead)
    today = context.today
    educator = context.educators[0] if context.educators else lead
    for stage in project.stages.all():
        status, start_ago, end_ago, notes = STAGES[stage.kind]
        services.stage_update(
            actor=None,
            stage=stage,
            status=status,
            owner=educator if stage.kind >= StageKind.SUPPORTING_SYSTEMS else lead,
            start_date=today - datetime.timedelta(weeks=start_ago) if start_ago else None,
            end_date=today - datetime.timedelta(weeks=end_ago) if end_ago else None,
            notes=notes,
        )
    competencies = {c.code: c for c in framework.competencies.all()}
    for (
        name,
        now,
        often,
        patients,
        decision,
        conditions,
        likelihood,
        impact,
        training,
        code,
    ) in TASKS:
        task = services.task_create(
            actor=None,
            project=project,
            name=name,
            done_by_now=now,
            frequency=often,
            patients=patients,
            decision=decision,
            conditions=conditions,
            likelihood=likelihood,
            impact=impact,
            training_needed=training,
        )
        if code and code in competencies:
            # The framework is published: link its competency rather than make a new one.
            services.task_link_competency(actor=None, task=task, competency=competencies[code])


def _job_description(area, framework, lead) -> None:
    if JobDescription.objects.filter(lineage=JD_LINEAGE).exists():
        return
    jd = services.jd_create(
        actor=None,
        lineage=JD_LINEAGE,
        framework=framework,
        clinical_areas=[area],
        criteria=CRITERIA,
        title="Assistant practitioner (critical care)",
        band="4",
        reports_to="Ward manager, adult critical care unit",
        job_purpose=(
            "To deliver high-quality, person-centred care to critically ill patients as part of "
            "the multidisciplinary team, carrying out delegated clinical tasks within agreed "
            "protocols and under the supervision of a registered nurse."
        ),
        key_responsibilities=RESPONSIBILITIES,
        working_relationships=(
            "Registered nurses and the nurse in charge; ward manager; practice educators; "
            "critical care outreach; physiotherapists; anaesthetists; patients and families."
        ),
    )
    services.jd_approve(actor=lead, jd=jd)
