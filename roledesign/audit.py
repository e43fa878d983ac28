"""Job descriptions in the lead nurse's audit history (the `/audit/` page in cohorts).

Cohorts may not import this app (dependencies run one way), so the app registers its audited
models with the audit page from `RoledesignConfig.ready()`: every change to a job description
(its fields, its clinical areas, its approval and supersession) and to its person specification
criteria shows there with who made it, when, and the old and new values. Each look at a
person's current competence, or at a ward's "who can do this now", shows there too (a created
competence view: who looked, at whom, when), filtered under the person looked at.
"""

from __future__ import annotations


def _jd_name(title, version) -> str:
    return f"{title} (version {version})"


def _criterion_name(row, names) -> str:
    from roledesign.models import JobDescription

    text = row.text if len(row.text) <= 80 else f"{row.text[:79]}…"
    requirement = "essential" if row.essential else "desirable"
    return f"{text} ({requirement}, {names.get(JobDescription, row.job_description_id)})"


def _view_name(row, names) -> str:
    from pathway.models import ClinicalArea, User

    if row.person_id is not None:
        return f"Current competence of {names.get(User, row.person_id)}"
    asked = f": who can do {row.competency}" if row.competency else ""
    return f"Ward competence of {names.get(ClinicalArea, row.clinical_area_id)}{asked}"


def register() -> None:
    from cohorts.selectors import audit
    from roledesign.models import CompetenceView, JobDescription, PersonSpecCriterion

    related = {JobDescription: (("title", "version"), _jd_name)}
    audit.register(
        audit.AuditedKind(
            "job_description",
            "Job description",
            JobDescription,
            m2m=("clinical_areas",),
            describe=lambda row, names: _jd_name(row.title, row.version),
        ),
        related_names=related,
    )
    audit.register(
        audit.AuditedKind(
            "job_description_criterion",
            "Person specification criterion",
            PersonSpecCriterion,
            describe=_criterion_name,
        ),
        related_names=related,
    )
    audit.register(
        audit.AuditedKind(
            "competence_view",
            "Look at current competence",
            CompetenceView,
            subject="person_id",
            describe=_view_name,
        )
    )
