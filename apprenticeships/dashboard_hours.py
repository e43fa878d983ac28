"""The cohort dashboard's tag for apprentices behind on off-the-job hours, and its link to the
cohort's hours: registered with cohorts (dashboard_addition_register), which knows nothing of
apprenticeships. The whole cohort in a fixed number of queries, none per row; a cohort that is
not an apprenticeship costs one query."""

from __future__ import annotations

from django.urls import reverse

from apprenticeships.models import ApprenticeshipProgramme
from apprenticeships.selectors.hours import behind_enrolment_ids

BEHIND = "Behind on off-the-job hours"


def add_hours(dashboard) -> None:
    cohort = dashboard.cohort
    if not ApprenticeshipProgramme.objects.filter(programme_id=cohort.programme_id).exists():
        return
    dashboard.links.append(
        ("Off-the-job training hours", reverse("apprenticeships:cohort_hours", args=[cohort.pk]))
    )
    if not dashboard.all_rows:
        return
    behind = behind_enrolment_ids(cohort, today=dashboard.today)
    for row in dashboard.all_rows:
        if row.enrolment_pk in behind:
            row.notes.append(BEHIND)
