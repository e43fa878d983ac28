"""Links to an apprentice's pages (terms and KSBs, off-the-job hours, training plan, gateway)
on the cohort dashboard's rows and the trainee's overview ("My programme" for the apprentice):
registered with cohorts (trainee_links_register), which knows nothing of apprenticeships.

Each link is checked with the permission its page checks (view_apprenticeship, view_hours,
view_training_plan), so nobody is offered a page that would refuse them. Two queries whatever
the number of enrolments: the apprenticeships, and how the viewer supports those apprentices
today (remembered for the request, so the rules ask nothing more); one for enrolments none of
which is an apprenticeship."""

from __future__ import annotations

from django.urls import reverse

from apprenticeships.models import Apprenticeship
from cohorts.selectors.trainee_links import TraineeLinkGroup
from pathway.selectors import allocation_kinds_preload

TITLE = "Apprenticeship"


def _apprenticeships(enrolment_ids) -> list[Apprenticeship]:
    return list(
        Apprenticeship.objects.filter(
            enrolment_id__in=list(enrolment_ids),
            enrolment__cohort__programme__apprenticeship__isnull=False,
        ).select_related("enrolment__trainee", "enrolment__record__trainee")
    )


def _links(viewer, apprenticeship: Apprenticeship) -> tuple[tuple[str, str], ...]:
    # The apprentice's page is the widest: whoever may read their training record. The others
    # are offered to those of them the other pages let in (hours: not mentors).
    if not viewer.has_perm("apprenticeships.view_apprenticeship", apprenticeship):
        return ()
    pk = apprenticeship.pk
    links = [("Terms, KSBs and prior learning", reverse("apprenticeships:apprentice", args=[pk]))]
    if viewer.has_perm("apprenticeships.view_hours", apprenticeship):
        links.append(("Off-the-job training hours", reverse("apprenticeships:hours", args=[pk])))
    if viewer.has_perm("apprenticeships.view_training_plan", apprenticeship):
        links.append(("Training plan", reverse("apprenticeships:apprentice_plan", args=[pk])))
        links.append(
            ("End-point assessment gateway", reverse("apprenticeships:gateway_detail", args=[pk]))
        )
    return tuple(links)


def apprentice_links(viewer, enrolment_ids) -> dict[int, TraineeLinkGroup]:
    if not (viewer and viewer.is_authenticated):
        return {}
    apprenticeships = _apprenticeships(enrolment_ids)
    if not apprenticeships:
        return {}
    allocation_kinds_preload(viewer, {a.enrolment.trainee_id for a in apprenticeships})
    return {
        a.enrolment_id: TraineeLinkGroup(TITLE, links)
        for a in apprenticeships
        if (links := _links(viewer, a))
    }
