"""Who may do what on the apprenticeship route: the standards part here, the others in their
own modules (rules_hours, rules_plan)."""

import rules

from apprenticeships import rules_hours, rules_plan  # noqa: F401
from pathway.rules import (
    is_administrator,
    is_current_educator_of,
    is_current_tutor_of,
    is_lead_nurse,
)

# --- Standards, KSB coverage and prior learning ---
#
# - the lead nurse sets up standards, their KSBs, which programmes are apprenticeships and each
#   apprentice's terms; the administrator, who keeps the trust's reference data, may read the
#   standards (not change them, nor see anyone's training record);
# - an apprentice's page (terms, KSB coverage, prior learning): whoever may read their training
#   record (the apprentice, the staff supporting them now, the lead nurse);
# - the initial assessment (skills scan) and prior learning: the lead nurse, or the university
#   tutor or practice educator allocated to the apprentice today (the training provider's and
#   the employer's assessors). Nobody assesses their own prior learning.


@rules.predicate
def assesses_apprentice(user, apprenticeship):
    if apprenticeship is None:
        return False
    trainee = apprenticeship.enrolment.trainee
    return is_current_tutor_of(user, trainee) or is_current_educator_of(user, trainee)


@rules.predicate
def reads_apprentice_record(user, apprenticeship):
    from competencies.rules import can_view_record

    return apprenticeship is not None and can_view_record(user, apprenticeship.enrolment.record)


rules.add_perm("apprenticeships.manage_standards", is_lead_nurse)
rules.add_perm("apprenticeships.view_standards", is_lead_nurse | is_administrator)
rules.add_perm("apprenticeships.view_apprenticeship", reads_apprentice_record)
rules.add_perm("apprenticeships.assess_prior_learning", is_lead_nurse | assesses_apprentice)
