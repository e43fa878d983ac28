"""The skills scan in the lead nurse's audit history (the `/audit/` page in cohorts): each
decision on prior learning, each change to it before the scan is complete, and the completion
with its reduction in hours, with who made it and when. Registered from the app's ready()."""

from __future__ import annotations


def _scan_name(row, names) -> str:
    return f"Skills scan {row.id}"


def _item_name(row, names) -> str:
    what = f"KSB {row.ksb_id}" if row.ksb_id else f"competency {row.competency_id}"
    return f"Skills scan {row.scan_id}: {what}"


def register() -> None:
    from apprenticeships.models import SkillsScan, SkillsScanItem
    from cohorts.selectors import audit

    audit.register(audit.AuditedKind("skills_scan", "Skills scan", SkillsScan, describe=_scan_name))
    audit.register(
        audit.AuditedKind(
            "skills_scan_item", "Prior learning decision", SkillsScanItem, describe=_item_name
        )
    )
