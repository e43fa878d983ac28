"""Who may do what with training plans, the end-point assessment gateway and inspection access.

The object of each check is an Apprenticeship (its enrolment and trainee loaded), or a cohort
for the cohort pages. The three parties:
- the apprentice: the enrolled trainee;
- the employer: the apprentice's current line manager, or the lead nurse;
- the training provider: the apprentice's current tutor (the university).
An inspector or quality assurer holds no role: an unexpired, unrevoked InspectionGrant naming
the cohort lets them read, and nothing else.
"""

from __future__ import annotations

import rules
from django.utils import timezone

from apprenticeships.models import InspectionGrant, PlanParty
from pathway.rules import (
    is_current_manager_of,
    is_current_tutor_of,
    is_lead_nurse,
    supports_trainee,
)


def _trainee(apprenticeship):
    return apprenticeship.enrolment.trainee if apprenticeship is not None else None


@rules.predicate
def is_the_apprentice(user, apprenticeship) -> bool:
    return apprenticeship is not None and apprenticeship.enrolment.trainee_id == user.pk


@rules.predicate
def supports_the_apprentice(user, apprenticeship) -> bool:
    return apprenticeship is not None and supports_trainee(user, _trainee(apprenticeship))


@rules.predicate
def tutors_the_apprentice(user, apprenticeship) -> bool:
    return apprenticeship is not None and is_current_tutor_of(user, _trainee(apprenticeship))


@rules.predicate
def manages_the_apprentice(user, apprenticeship) -> bool:
    return apprenticeship is not None and is_current_manager_of(user, _trainee(apprenticeship))


def active_grants(user):
    """The grants in force now for this person: not revoked, not expired."""
    return InspectionGrant.objects.filter(
        inspector_id=user.pk, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


@rules.predicate
def inspects_cohort(user, cohort) -> bool:
    if not (user and user.is_authenticated and cohort is not None):
        return False
    return active_grants(user).filter(cohorts=cohort.pk).exists()


@rules.predicate
def inspects_the_apprentice(user, apprenticeship) -> bool:
    if not (user and user.is_authenticated and apprenticeship is not None):
        return False
    return active_grants(user).filter(cohorts=apprenticeship.enrolment.cohort_id).exists()


@rules.predicate
def holds_inspection_access(user) -> bool:
    return bool(user and user.is_authenticated and active_grants(user).exists())


@rules.predicate
def inspector_without_a_role(user) -> bool:
    """For the menu, asked on every page: the grants are looked up only for people who hold
    no role (external inspectors), so nobody else pays a query for it."""
    return bool(
        user and user.is_authenticated and not user.role_codes and active_grants(user).exists()
    )


def plan_party(user, apprenticeship) -> PlanParty | None:
    """Which party this person signs as for this apprentice, or None."""
    if not (user and user.is_authenticated and apprenticeship is not None):
        return None
    if is_the_apprentice(user, apprenticeship):
        return PlanParty.APPRENTICE
    if tutors_the_apprentice(user, apprenticeship):
        return PlanParty.PROVIDER
    if manages_the_apprentice(user, apprenticeship) or is_lead_nurse(user):
        return PlanParty.EMPLOYER
    return None


@rules.predicate
def is_a_party(user, apprenticeship) -> bool:
    return plan_party(user, apprenticeship) is not None


can_see = is_the_apprentice | supports_the_apprentice | is_lead_nurse | inspects_the_apprentice
rules.add_perm("apprenticeships.view_training_plan", can_see)
rules.add_perm("apprenticeships.change_training_plan", is_lead_nurse | tutors_the_apprentice)
rules.add_perm("apprenticeships.sign_training_plan", is_a_party)
rules.add_perm(
    "apprenticeships.evidence_gateway",
    is_lead_nurse | tutors_the_apprentice | manages_the_apprentice,
)
rules.add_perm("apprenticeships.sign_gateway", is_a_party)
rules.add_perm("apprenticeships.export_portfolio", is_lead_nurse | tutors_the_apprentice)
rules.add_perm("apprenticeships.export_evidence_pack", is_lead_nurse)
# Cohort pages (the object is a cohort): the lead nurse, and an inspector granted it.
rules.add_perm("apprenticeships.view_cohort_plans", is_lead_nurse | inspects_cohort)
rules.add_perm("apprenticeships.manage_inspection", is_lead_nurse)
rules.add_perm("apprenticeships.inspect", holds_inspection_access)
rules.add_perm("apprenticeships.inspect_in_menu", inspector_without_a_role)
