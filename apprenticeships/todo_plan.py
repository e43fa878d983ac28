"""Training plans waiting for this person's signature (pathway/things_to_do.py)."""

from __future__ import annotations

from django.urls import reverse

from apprenticeships.models import PlanParty
from apprenticeships.selectors.plan import plans_to_sign
from pathway.things_to_do import Todo


def for_person(person, today):
    for plan, party in plans_to_sign(person, today):
        name = plan.apprenticeship.enrolment.trainee.full_name
        whose = "your" if party == PlanParty.APPRENTICE else f"{name}'s"
        yield Todo(
            text=f"Sign {whose} training plan (version {plan.version}) as the"
            f" {party.label.lower()}",
            url=reverse("apprenticeships:apprentice_plan", args=[plan.apprenticeship_id]),
        )
