"""The apprenticeship standards and each apprentice's terms in the lead nurse's audit history
(the `/audit/` page in cohorts), registered from ApprenticeshipsConfig.ready(): who changed a
standard's figures (minimum off-the-job hours, funding band), which standard a programme
follows, and an apprentice's practical period, planned hours and levy funding.

The standard's model lives in competencies, which cohorts may read; it is registered here with
the rest of the apprenticeship route so the audit's kinds for it stay together."""

from __future__ import annotations


def _standard_name(row, names) -> str:
    return f"Apprenticeship standard {row.reference} version {row.version}"


def _programme_name(row, names) -> str:
    from pathway.models import Programme

    return f"Apprenticeship standard of {names.get(Programme, row.programme_id)}"


def _terms_name(row, names) -> str:
    from cohorts.models import Enrolment

    return f"Apprenticeship terms: {names.get(Enrolment, row.enrolment_id)}"


def register() -> None:
    from apprenticeships.models import Apprenticeship, ApprenticeshipProgramme
    from cohorts.selectors import audit
    from competencies.models import ApprenticeshipStandard
    from pathway.models import Programme

    audit.register(
        audit.AuditedKind(
            "apprenticeship_standard",
            "Apprenticeship standard",
            ApprenticeshipStandard,
            describe=_standard_name,
        ),
        related_names={
            ApprenticeshipStandard: (
                ("reference", "version"),
                lambda reference, version: f"{reference} version {version}",
            )
        },
    )
    audit.register(
        audit.AuditedKind(
            "apprenticeship_programme",
            "Apprenticeship programme",
            ApprenticeshipProgramme,
            describe=_programme_name,
        ),
        related_names={Programme: (("name",), str)},
    )
    audit.register(
        audit.AuditedKind(
            "apprenticeship_terms", "Apprenticeship terms", Apprenticeship, describe=_terms_name
        )
    )
