"""What a signature on a competency record covers, and which ways of signing its programme
allows (pathway/signatures.py checks the signature itself).

A statement is the exact decision, as text: the same whether the page asking a passkey for
its challenge or the service recording the decision makes it, so a passkey's signature (or a
fresh NHS sign-in) given for one decision is refused for any other.

The programme a training record belongs to is known to cohorts (an enrolment puts a record
in a cohort of a programme), which competencies must not import. cohorts tells us at start-up
how to find it (`programme_finder_register`, from cohorts/apps.py): docs/adr/0022.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

from pathway.models import Programme

_programme_finders: list[Callable[[object], Programme | None]] = []


def programme_finder_register(finder: Callable[[object], Programme | None]) -> None:
    """Register how to find a training record's programme (a layer above competencies)."""
    if finder not in _programme_finders:
        _programme_finders.append(finder)


def allowed_methods(record) -> frozenset[str] | None:
    """The ways of signing the record's programme allows; None when it sets no rule (or the
    record is on no programme)."""
    for finder in _programme_finders:
        programme = finder(record)
        if programme is not None:
            return programme.allowed_signature_methods
    return None


def _digest(text: str) -> str:
    return hashlib.sha256((text or "").strip().encode()).hexdigest()


def decision_statement(
    sign_off_request,
    *,
    outcome: str,
    method: str,
    assessed_on: datetime.date,
    feedback: str,
    criteria_met=(),
) -> str:
    day = assessed_on.isoformat() if isinstance(assessed_on, datetime.date) else ""
    # The criteria ticked join the statement only when there are any, so a decision without a
    # checklist is worded exactly as before.
    ticked = [_digest("\n".join(criteria_met))] if criteria_met else []
    return "|".join(
        [
            "sign-off",
            str(sign_off_request.pk),
            str(sign_off_request.record_id),
            str(sign_off_request.competency_id),
            outcome or "",
            method or "",
            day,
            _digest(feedback),
            *ticked,
        ]
    )


def revocation_statement(assessment, *, reason: str) -> str:
    return "|".join(["revoke", str(assessment.pk), assessment.record_hash, _digest(reason)])


def transcription_statement(
    record, competency, *, assessed_on: datetime.date, signed_by: str
) -> str:
    day = assessed_on.isoformat() if isinstance(assessed_on, datetime.date) else ""
    return "|".join(["transcribe", str(record.pk), str(competency.pk), day, _digest(signed_by)])
