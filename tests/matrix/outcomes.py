"""The permission matrix for the career pathway and its outcomes (outcomes/).

The lead nurse reads the outcomes and records moves, stages and bridging modules; a person
reads their own pathway history; everyone else is refused: 403 on the lead nurse's pages, 404
on someone's history (it is private: strangers do not learn whose exists).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests import factories
from tests.matrix.common import ANON, LEAD, LOGIN, TRAINEE, lead_only

MATRIX = {
    "outcomes:dashboard": lead_only(post=405),
    "outcomes:dashboard_export": lead_only(post=405),
    "outcomes:cohort_detail": lead_only(post=405),
    "outcomes:person_history": {
        "GET": {"*": 404, ANON: LOGIN, TRAINEE: 200, LEAD: 200},
        "POST": {"*": 405, ANON: LOGIN},
    },
    "outcomes:my_pathway": {
        "GET": {"*": 200, ANON: LOGIN},
        "POST": {"*": 405, ANON: LOGIN},
    },
    "outcomes:move_add": lead_only(),
    "outcomes:move_delete": lead_only(),
    "outcomes:stage_list": lead_only(post=405),
    "outcomes:stage_edit": lead_only(),
    "outcomes:bridging_list": lead_only(post=405),
    "outcomes:bridging_module_add": lead_only(),
    "outcomes:bridging_module": lead_only(post=405),
    "outcomes:bridging_enrol": lead_only(),
    "outcomes:bridging_result": lead_only(),
}

KWARGS = {
    "outcomes:dashboard_export": lambda w: {"fmt": "csv"},
    "outcomes:cohort_detail": lambda w: {"pk": w.cohort.pk},
    "outcomes:person_history": lambda w: {"pk": w.trainee.pk},
    "outcomes:move_add": lambda w: {"pk": w.trainee.pk},
    "outcomes:move_delete": lambda w: {"pk": w.outcomes_move.pk},
    "outcomes:stage_edit": lambda w: {"pk": w.outcomes_stage.pk},
    "outcomes:bridging_module": lambda w: {"pk": w.bridging_module.pk},
    "outcomes:bridging_enrol": lambda w: {"pk": w.bridging_module.pk},
    "outcomes:bridging_result": lambda w: {"pk": w.bridging_enrolment.pk},
}


def extend_world(world) -> None:
    """The trainee's band 3 post before training (a recorded move), a bridging module and a
    qualified assistant practitioner enrolled on it."""
    from outcomes.models import BridgingEnrolment

    today = timezone.localdate()
    world.outcomes_stage = factories.pathway_stage("support_worker")
    world.outcomes_move = factories.PathwayMoveFactory(
        person=world.trainee,
        stage=world.outcomes_stage,
        on=today - datetime.timedelta(weeks=150),
    )
    world.bridging_module = factories.BridgingModuleFactory(title="Foundations for nursing")
    qualified = factories.UserFactory(full_name="Quinn Qualified")
    factories.PathwayMoveFactory(
        person=qualified,
        stage=factories.pathway_stage("qualified_ap"),
        on=today - datetime.timedelta(weeks=60),
    )
    world.bridging_enrolment = BridgingEnrolment.objects.create(
        module=world.bridging_module,
        person=qualified,
        started_on=today - datetime.timedelta(weeks=4),
    )
