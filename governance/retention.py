"""The default retention schedule, from the NHS Records Management Code of Practice (2023), and
the dates it gives. docs/retention.md explains each choice and where the Code is unclear.

A kind with no RetentionRule row uses its default here: the schedule is complete from the first
start, and the administrator's edits are rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from governance.models import Disposal, RecordKind, RetentionRule, Start, Unit


@dataclass(frozen=True)
class Default:
    period: int
    unit: str
    starts: str
    disposal: str
    note: str


DEFAULTS: dict[str, Default] = {
    RecordKind.CLINICAL_TRAINING: Default(
        6,
        Unit.YEARS,
        Start.LEAVING,
        Disposal.REVIEW,
        "Records Management Code (2023), staff training records: clinical training records are"
        " kept until the person's 75th birthday or 6 years after they leave, whichever is"
        " later. Pathway does not hold dates of birth, so it counts 6 years from leaving and"
        " lists each person for the administrator to review (checking the date of birth in ESR)"
        " instead of erasing them by itself.",
    ),
    RecordKind.OTHER_TRAINING: Default(
        6,
        Unit.YEARS,
        Start.LEAVING,
        Disposal.REVIEW,
        "Records Management Code (2023), staff training records that are not clinical: 6 years"
        " after the person leaves.",
    ),
    RecordKind.EVALUATION: Default(
        6,
        Unit.YEARS,
        Start.MADE,
        Disposal.AUTOMATIC,
        "The Code has no entry for programme evaluation questionnaires. Pathway keeps them as"
        " long as the training records they evaluate (6 years); review locally.",
    ),
    RecordKind.NOTIFICATIONS: Default(
        1,
        Unit.YEARS,
        Start.MADE,
        Disposal.AUTOMATIC,
        "The Code has no entry for a system's notifications; they are copies of messages about"
        " records kept elsewhere, treated as short-lived (transitory) records.",
    ),
    RecordKind.ACCESS_LOGS: Default(
        6,
        Unit.YEARS,
        Start.MADE,
        Disposal.AUTOMATIC,
        "The Code asks for audit trails to be kept as long as the records they relate to, which"
        " differs per person; Pathway keeps them 6 years, as training records.",
    ),
    RecordKind.HELD_UPLOADS: Default(
        1,
        Unit.DAYS,
        Start.MADE,
        Disposal.AUTOMATIC,
        "Working copies of an uploaded import file, not records: an import removes them after"
        " an hour; the scheduled job removes any left after this period.",
    ),
}


def default_rule(kind: str) -> RetentionRule:
    """The default as an unsaved rule."""
    d = DEFAULTS[kind]
    return RetentionRule(
        kind=kind, period=d.period, unit=d.unit, starts=d.starts, disposal=d.disposal, note=d.note
    )


def kept_until(rule: RetentionRule, start: datetime.date) -> datetime.date:
    """The first day the record may be disposed of."""
    if rule.unit == Unit.YEARS:
        try:
            return start.replace(year=start.year + rule.period)
        except ValueError:  # 29 February
            return start.replace(year=start.year + rule.period, day=28) + datetime.timedelta(1)
    return start + datetime.timedelta(days=rule.period)


class ErasureBasis:
    """Why a person is erased: the grounds in UK GDPR Article 17(1) that can apply to staff
    training records held for a public task, and the end of the retention period."""

    RETENTION_ENDED = "retention_ended"
    NOT_NEEDED = "not_needed"
    OBJECTION = "objection"
    UNLAWFUL = "unlawful"
    LEGAL_OBLIGATION = "legal_obligation"

    choices = [
        (RETENTION_ENDED, "The retention period has ended"),
        (NOT_NEEDED, "No longer needed for the purpose it was collected for (Article 17(1)(a))"),
        (OBJECTION, "The person objected and there are no overriding grounds (Article 17(1)(c))"),
        (UNLAWFUL, "The data was processed unlawfully (Article 17(1)(d))"),
        (LEGAL_OBLIGATION, "The law requires it to be erased (Article 17(1)(e))"),
    ]
    # The rule named in the audit log and in each redaction: no personal data.
    rule_names = {
        RETENTION_ENDED: "retention period ended",
        NOT_NEEDED: "UK GDPR Article 17(1)(a)",
        OBJECTION: "UK GDPR Article 17(1)(c)",
        UNLAWFUL: "UK GDPR Article 17(1)(d)",
        LEGAL_OBLIGATION: "UK GDPR Article 17(1)(e)",
    }
