"""The retention periods the privacy notice shows (collected by pathway/privacy.py)."""

from __future__ import annotations

from governance.selectors import retention_schedule


def retention_periods() -> list[dict]:
    return [
        {
            "kind": rule.get_kind_display(),
            "period": rule.describe(),
            "end": rule.get_disposal_display(),
        }
        for rule in retention_schedule()
    ]
