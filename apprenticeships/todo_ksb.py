"""Set-up and initial assessment still to do: apprentices without terms (the lead nurse), and
skills scans not yet complete (the lead nurse, and each apprentice's tutor or practice
educator)."""

from __future__ import annotations

from django.urls import reverse

from apprenticeships.selectors import coverage as selectors
from pathway.things_to_do import Todo


def for_person(person, today):
    if person.has_perm("apprenticeships.manage_standards"):
        yield from _lead_nurse(today)
    else:
        yield from _assessor(person, today)


def _lead_nurse(today):
    for programme, count in selectors.programmes_with_enrolments_without_terms():
        yield Todo(
            text=f"Record the apprenticeship terms of {count} "
            f"{'apprentice' if count == 1 else 'apprentices'} on {programme.name}",
            url=reverse("apprenticeships:programme_standard", args=[programme.pk]),
        )
    waiting = selectors.scans_to_do()
    if waiting:
        first = waiting[0]
        count = len(waiting)
        yield Todo(
            text=f"{count} {'apprentice has' if count == 1 else 'apprentices have'} no complete "
            f"skills scan: {first.enrolment.trainee.full_name} first",
            url=reverse("apprenticeships:skills_scan", args=[first.pk]),
            urgent=first.practical_period_start < today,
        )


def _assessor(person, today):
    for apprenticeship in selectors.scans_to_do(assessor=person):
        yield Todo(
            text=f"Do the skills scan of {apprenticeship.enrolment.trainee.full_name}",
            url=reverse("apprenticeships:skills_scan", args=[apprenticeship.pk]),
            urgent=apprenticeship.practical_period_start < today,
        )
