"""The files the gateway and inspection produce: the portfolio for the end-point assessment
organisation (EPAO), the per-apprentice evidence pack, and the cohort's gateway status table.

The portfolio is a ZIP: index.html (to read), portfolio.json (the same, for a machine) and the
gateway evidence files under evidence/. Each entry names the signed-off record (a competencies
Assessment) it rests on, with that record's position in the apprentice's chain, its hash and the
hash before it. How the EPAO verifies them (docs/apprenticeship-gateway.md): the hashes are
HMAC-SHA256 under the trust's ledger key (competencies/ledger.py), so the trust, asked by the
EPAO, runs `manage.py verify_records` (competencies/integrity.py: every chain recomputed and
matched to its head) and confirms the chain head in the export is the one it holds; the EPAO
checks each entry's previous hash is the hash of the entry before it in the chain.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from django.template.loader import render_to_string
from django.utils import timezone

from apprenticeships.models import Apprenticeship
from apprenticeships.selectors import coverage as coverage_selectors
from apprenticeships.selectors import gateway as gateway_selectors
from apprenticeships.selectors import hours as hours_selectors
from apprenticeships.selectors import plan as plan_selectors
from pathway.spreadsheets import Column, Kind, Table


def _safe(name: str) -> str:
    kept = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in name)
    return kept.strip(".-")[:80] or "file"


def _entries(apprenticeship: Apprenticeship) -> list[dict]:
    return [
        {
            "competency": record.competency.code,
            "title": record.competency.title,
            "ksbs": [ksb.code for ksb in record.competency.ksbs.all()],
            "assessment_id": record.pk,
            "sequence": record.sequence,
            "assessed_on": record.assessed_on.isoformat(),
            "assessor": record.assessor_name,
            "assessor_role": record.assessor_role,
            "method": record.get_method_display() if record.method else "",
            "record_hash": record.record_hash,
            "previous_hash": record.previous_hash,
            "hash_version": record.hash_version,
            "hash_key_id": record.hash_key_id,
        }
        for record in gateway_selectors.signed_off_records(apprenticeship)
    ]


def _gateway_part(state, files: dict[str, tuple[str, bytes]]) -> dict:
    items = []
    for item in state.items:
        evidence = item.evidence
        entry = {"item": item.requirement.code, "label": item.requirement.label}
        if evidence is not None:
            entry |= {
                "reference": evidence.reference,
                "confirmed_by": str(evidence.confirmed_by),
                "confirmed_at": evidence.confirmed_at.isoformat(),
            }
            if item.requirement.code in files:
                path, data = files[item.requirement.code]
                entry |= {"file": path, "file_sha256": hashlib.sha256(data).hexdigest()}
        items.append(entry)
    return {
        "items": items,
        "checklist_hash": state.content_hash,
        "declaration": [
            {
                "party": party.label,
                "signed_by": signature.person_name if signature else None,
                "signed_at": signature.signed_at.isoformat() if signature else None,
                "checklist_hash": signature.content_hash if signature else None,
            }
            for party, signature in state.signatures
        ],
        "predicted_gateway_date": (
            state.predicted_date.isoformat() if state.predicted_date else None
        ),
    }


def _evidence_files(state) -> dict[str, tuple[str, bytes]]:
    """Each evidenced file's path in the ZIP and its bytes (OSError when storage fails)."""
    files = {}
    for item in state.items:
        if item.evidence is not None and item.evidence.file:
            with item.evidence.file.open("rb") as handle:
                data = handle.read()
            path = f"evidence/{item.requirement.code}-{_safe(item.evidence.file_name)}"
            files[item.requirement.code] = (path, data)
    return files


def _apprentice_part(apprenticeship: Apprenticeship) -> dict:
    enrolment = apprenticeship.enrolment
    standard = plan_selectors.standard_of(apprenticeship)
    return {
        "apprentice": enrolment.trainee.full_name,
        "cohort": enrolment.cohort.name,
        "programme": str(enrolment.cohort.programme),
        "standard": str(standard) if standard else "",
        "practical_period_start": apprenticeship.practical_period_start.isoformat(),
        "planned_end_date": apprenticeship.planned_end_date.isoformat(),
    }


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def portfolio_zip(apprenticeship: Apprenticeship) -> bytes:
    state = gateway_selectors.gateway(apprenticeship)
    files = _evidence_files(state)
    head = gateway_selectors.chain_head(apprenticeship)
    data = {
        "generated_at": timezone.now().isoformat(),
        **_apprentice_part(apprenticeship),
        "entries": _entries(apprenticeship),
        "chain_head": {"length": head.length, "last_hash": head.last_hash} if head else None,
        "gateway": _gateway_part(state, files),
    }
    index = render_to_string("apprenticeships/plan/portfolio_index.html", {"data": data})
    members = {"index.html": index.encode(), "portfolio.json": _json(data)}
    members.update(dict(files.values()))
    return _zip(members)


def _json(data) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


def evidence_pack_zip(apprenticeship: Apprenticeship) -> bytes:
    """For an inspector: the plan and its signatures, the off-the-job hours, the KSB coverage,
    the reviews with their agreement and gaps, the sign-offs and the gateway, as one HTML page
    and a JSON copy."""
    versions = plan_selectors.plan_versions(apprenticeship)
    hours = hours_selectors.hours_of(apprenticeship)
    coverage = coverage_selectors.apprentice_coverage(apprenticeship)
    reviews = plan_selectors.review_flags(apprenticeship)
    state = gateway_selectors.gateway(apprenticeship)
    data = {
        "generated_at": timezone.now().isoformat(),
        **_apprentice_part(apprenticeship),
        "planned_otj_hours": apprenticeship.planned_otj_hours,
        "otj_hours": {
            "standard_minimum": hours.plan.minimum_hours,
            "minimum_to_date": str(hours.plan.minimum_to_date),
            "confirmed_to_date": str(hours.actual),
            "by_source": {name: str(value) for name, value in hours.by_source.items()},
            "waiting_for_confirmation": str(hours.waiting_hours),
            "behind": hours.behind,
        },
        "ksb_coverage": [
            {
                "ksb": row.ksb.code,
                "text": row.ksb.text,
                "status": row.status,
                "competencies_held": [c.code for c in row.held],
            }
            for row in coverage.rows
        ],
        "plans": [
            {
                "version": plan.version,
                "content_hash": plan.content_hash,
                "signatures": [
                    {
                        "party": party.label,
                        "signed_by": s.person_name if s else None,
                        "signed_at": s.signed_at.isoformat() if s else None,
                    }
                    for party, s in plan.parties
                ],
            }
            for plan in versions
        ],
        "reviews": [
            {
                "held_on": row.review.held_on.isoformat(),
                "rag": row.review.get_rag_display(),
                "agreed_by_all_three": row.agreed_by_all,
                "more_than_12_weeks_after_last": row.too_long_after_last,
            }
            for row in reviews.rows
        ],
        "review_overdue_now": reviews.overdue_now,
        "sign_offs": _entries(apprenticeship),
        "gateway": _gateway_part(state, {}),
    }
    page = render_to_string(
        "apprenticeships/plan/evidence_pack.html",
        {
            "data": data,
            "versions": versions,
            "reviews": reviews,
            "gateway": state,
            "hours": hours,
            "coverage": coverage,
        },
    )
    return _zip({"evidence-pack.html": page.encode(), "evidence-pack.json": _json(data)})


def gateway_status_table(cohort, rows) -> Table:
    return Table(
        title=f"Gateway {cohort.name}",
        columns=[
            Column("Apprentice", lambda r: r.apprenticeship.enrolment.trainee.full_name, width=28),
            Column("Plan version", lambda r: r.plan_version, Kind.NUMBER),
            Column("Plan signed by all three", lambda r: "Yes" if r.plan_signed else "No"),
            Column("Review flagged", lambda r: "Yes" if r.review_flagged else "No"),
            Column("Gateway items evidenced", lambda r: r.gateway_items_done, Kind.NUMBER),
            Column("Gateway items", lambda r: r.gateway_items, Kind.NUMBER),
            Column("Declaration signed", lambda r: "Yes" if r.gateway_declared else "No"),
            Column("Planned end", lambda r: r.apprenticeship.planned_end_date, Kind.DATE, width=12),
        ],
        rows=rows,
    )
