"""Who may do what in recruitment.

- The lead nurse runs recruitment: opens rounds, records applications for people, shortlists,
  interviews, offers and enrols.
- Band 3 staff apply for themselves, and see only their own applications.
- A manager confirms or declines support only for applications that name them.
"""

import rules

from pathway.models import Band
from pathway.rules import is_lead_nurse, is_manager


@rules.predicate
def is_band_3(user):
    return bool(user and user.is_authenticated and user.band == Band.BAND_3)


@rules.predicate
def has_applied(user):
    return bool(user and user.is_authenticated and user.applications.exists())


@rules.predicate
def is_applicant(user, application):
    return application is not None and application.applicant_id == user.pk


@rules.predicate
def is_named_manager(user, application):
    return application is not None and application.manager_id == user.pk


rules.add_perm("recruitment.manage", is_lead_nurse)
rules.add_perm("recruitment.apply", is_band_3)
rules.add_perm("recruitment.view_own_applications", is_band_3 | has_applied)
rules.add_perm("recruitment.view_application", is_lead_nurse | is_applicant | is_named_manager)
rules.add_perm("recruitment.view_support_requests", is_manager)
rules.add_perm("recruitment.decide_support", is_manager & is_named_manager)
rules.add_perm("recruitment.respond", is_applicant)
