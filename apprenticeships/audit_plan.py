"""Inspection access and gateway evidence in the lead nurse's audit history (the `/audit/`
page in cohorts), registered from ApprenticeshipsConfig.ready() as roledesign does: who gave
an inspector access to which cohorts, until when, who ended it; who evidenced a gateway item."""

from __future__ import annotations


def _grant_name(row, names) -> str:
    from pathway.models import User

    return f"Inspection access for {names.get(User, row.inspector_id)}"


def _evidence_name(row, names) -> str:
    return f"Gateway evidence: {row.requirement} (apprenticeship #{row.apprenticeship_id})"


def register() -> None:
    from apprenticeships.models import GatewayEvidence, InspectionGrant
    from cohorts.selectors import audit

    audit.register(
        audit.AuditedKind(
            "inspection_grant",
            "Inspection access",
            InspectionGrant,
            subject="inspector_id",
            m2m=("cohorts",),
            describe=_grant_name,
        )
    )
    audit.register(
        audit.AuditedKind(
            "gateway_evidence", "Gateway evidence", GatewayEvidence, describe=_evidence_name
        )
    )
