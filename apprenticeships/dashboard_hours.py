"""The cohort dashboard's tag for apprentices behind on off-the-job hours: registered with
cohorts (cohorts.selectors.dashboards.row_notes_register), which knows nothing of
apprenticeships. The whole cohort in a fixed number of queries, none per row; a cohort that is
not an apprenticeship costs one query."""

from __future__ import annotations

import datetime

from apprenticeships.models import ApprenticeshipProgramme
from apprenticeships.selectors.hours import behind_enrolment_ids

BEHIND = "Behind on off-the-job hours"


def note_behind_on_hours(cohort, rows, today: datetime.date) -> None:
    if (
        not rows
        or not ApprenticeshipProgramme.objects.filter(programme_id=cohort.programme_id).exists()
    ):
        return
    behind = behind_enrolment_ids(cohort, today=today)
    for row in rows:
        if row.enrolment_pk in behind:
            row.notes.append(BEHIND)
