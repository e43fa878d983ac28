"""Checks that every trainee's chain of assessment records is unbroken and unaltered."""

from __future__ import annotations

from dataclasses import dataclass

from competencies.models import Assessment


@dataclass(frozen=True)
class ChainBreak:
    trainee_id: int
    trainee_name: str
    assessment_id: int
    sequence: int
    problem: str


def verify_chains() -> tuple[int, list[ChainBreak]]:
    """Recompute every record's hash in chain order. Returns (records checked, breaks found)."""
    breaks: list[ChainBreak] = []
    checked = 0
    previous_trainee, previous_hash, expected_sequence = None, "", 1
    rows = (
        Assessment.objects.select_related("trainee")
        .order_by("trainee_id", "sequence")
        .iterator(chunk_size=2000)
    )
    for assessment in rows:
        checked += 1
        if assessment.trainee_id != previous_trainee:
            previous_trainee, previous_hash, expected_sequence = assessment.trainee_id, "", 1

        def problem(text, a=assessment):
            breaks.append(ChainBreak(a.trainee_id, a.trainee.full_name, a.pk, a.sequence, text))

        if assessment.sequence != expected_sequence:
            problem(f"expected position {expected_sequence}, found {assessment.sequence}")
        if assessment.previous_hash != previous_hash:
            problem("does not follow the record before it (previous hash differs)")
        if assessment.compute_hash() != assessment.record_hash:
            problem("content has changed since it was signed (hash differs)")
        previous_hash, expected_sequence = assessment.record_hash, assessment.sequence + 1
    return checked, breaks
