"""The NHS.UK header navigation for each role.

Items name URL patterns by string, so the core does not import the apps that provide them;
an item whose page does not exist yet is simply left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from pathway.links import url_or_none
from pathway.models import RoleCode

AP = RoleCode.ASSISTANT_PRACTITIONER


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    staff_only: bool = False
    # Shown also to anyone with this permission, whatever their roles (e.g. band 3 staff who
    # may apply to the programme before they have any role in Pathway).
    perm: str = ""
    # What the area is for, in a sentence: shown on the home page beside its link (issue 16).
    purpose: str = ""


NAV_ITEMS = [
    # A qualified assistant practitioner keeps their record (sign-offs fall due for
    # reassessment) and their pathway after the course.
    NavItem(
        "My progress",
        "competencies:my_progress",
        frozenset({RoleCode.TRAINEE, AP}),
        purpose="Your competencies, the practice you have logged and your sign-offs.",
    ),
    NavItem(
        "My programme",
        "cohorts:my_programme",
        frozenset({RoleCode.TRAINEE}),
        purpose="Your cohort, training days, modules and progress reviews.",
    ),
    NavItem(
        "My pathway",
        "outcomes:my_pathway",
        frozenset({RoleCode.TRAINEE, AP}),
        purpose="Where you have worked and trained, before and after the programme.",
    ),
    NavItem(
        "My trainees",
        "competencies:my_trainees",
        frozenset({RoleCode.MENTOR, RoleCode.TUTOR, RoleCode.PRACTICE_EDUCATOR, RoleCode.MANAGER}),
        purpose="Sign-off requests waiting for you and the trainees you support.",
    ),
    # Registered staff without "My trainees" (where supporters find it) confirm practice here.
    NavItem(
        "Practice to confirm",
        "competencies:practice_queue",
        frozenset(),
        perm="competencies.practice_queue_in_menu",
        purpose="Supervised practice in which a trainee named you, to confirm with one tap.",
    ),
    NavItem(
        "Programme",
        "cohorts:programme_overview",
        frozenset({RoleCode.LEAD_NURSE}),
        purpose="How every running cohort is doing, and the trainees behind the plan.",
    ),
    NavItem(
        "Cohorts",
        "cohorts:cohort_list",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.PRACTICE_EDUCATOR}),
        purpose="Each cohort: its trainees, competency grid, training days and modules.",
    ),
    NavItem(
        "Reviews due",
        "cohorts:reviews_due",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.PRACTICE_EDUCATOR, RoleCode.TUTOR}),
        purpose="Progress reviews overdue or due within 14 days.",
    ),
    NavItem(
        "Hours to confirm",
        "apprenticeships:hours_to_confirm",
        frozenset({RoleCode.MANAGER}),
        purpose="Off-the-job training hours your apprentices logged, to confirm or decline.",
    ),
    NavItem(
        "Frameworks",
        "competencies:framework_list",
        frozenset({RoleCode.LEAD_NURSE}),
        purpose="The competency frameworks trainees are assessed against, and their versions.",
    ),
    NavItem(
        "Role design",
        "roledesign:project_list",
        frozenset({RoleCode.LEAD_NURSE}),
        purpose="Which tasks an assistant practitioner may take on, and under what conditions.",
    ),
    NavItem(
        "Job descriptions",
        "roledesign:jd_list",
        frozenset({RoleCode.LEAD_NURSE}),
        purpose="The assistant practitioner's job description, its versions and approval.",
    ),
    NavItem(
        "Recruitment",
        "recruitment:index",
        frozenset({RoleCode.LEAD_NURSE}),
        purpose="Rounds of applications to the programme, shortlisting, interviews and offers.",
    ),
    NavItem(
        "Support requests",
        "recruitment:support_requests",
        frozenset({RoleCode.MANAGER}),
        purpose="Applications from staff you manage, waiting for your support.",
    ),
    NavItem(
        "My applications",
        "recruitment:my_applications",
        frozenset(),
        perm="recruitment.apply",
        purpose="Apply to train as an assistant practitioner, and follow your application.",
    ),
    NavItem(
        "Questionnaires",
        "evaluation:index",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.TRAINEE, AP, RoleCode.MENTOR}),
        purpose="Evaluation questionnaires: answer them, or read the results.",
    ),
    NavItem(
        "Outcomes",
        "outcomes:dashboard",
        frozenset({RoleCode.LEAD_NURSE}),
        purpose="Completion, time to qualify, retention and where qualifiers went next.",
    ),
    NavItem(
        "Funding",
        "funding:index",
        frozenset({RoleCode.LEAD_NURSE}),
        purpose="Grants and costs by cohort, and the cost per qualified assistant practitioner.",
    ),
    NavItem(
        "Apprenticeships",
        "apprenticeships:standard_list",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.ADMINISTRATOR}),
        purpose="Apprenticeship standards and KSBs, apprentices' terms, training plans, "
        "off-the-job hours, the gateway and inspection access.",
    ),
    NavItem(
        "My caseload",
        "support:caseload",
        frozenset({RoleCode.PRACTICE_EDUCATOR}),
        purpose="The mentors you support, and the support you have logged.",
    ),
    NavItem(
        "Mentors",
        "support:mentor_register",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.PRACTICE_EDUCATOR}),
        purpose="The mentor register: who is prepared to mentor, and their workload.",
    ),
    NavItem(
        "Inspection",
        "apprenticeships:inspection_home",
        frozenset(),
        perm="apprenticeships.inspect_in_menu",
        purpose="The cohorts you have been given read-only access to inspect.",
    ),
    NavItem(
        "People",
        "pathway:people",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.ADMINISTRATOR}),
        purpose="Everyone who uses Pathway: add people, give them roles, set their ward.",
    ),
    NavItem(
        "Audit",
        "cohorts:audit_log",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.ADMINISTRATOR}),
        purpose="Who changed what, and when, across Pathway.",
    ),
    # One entry for the information governance and clinical safety areas (issue 20), which the
    # governance page lists with what each is for, so the header stays short.
    NavItem(
        "Governance",
        "governance:index",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.ADMINISTRATOR}),
        purpose="The clinical safety hazard log, who looked at records, how long records are "
        "kept, and subject access.",
    ),
    NavItem(
        "API clients",
        "api_clients:client_list",
        frozenset({RoleCode.ADMINISTRATOR}),
        purpose="The systems that exchange data with Pathway (ESR, the university, rostering), "
        "and their access tokens.",
    ),
    NavItem(
        "Admin",
        "admin:index",
        frozenset({RoleCode.ADMINISTRATOR}),
        staff_only=True,
        purpose="Django's administration pages, for reference data and corrections.",
    ),
]


def items_for(user, current_path: str = "") -> list[dict]:
    if not user.is_authenticated:
        return []
    # Asked of the person once, not once an item: the signed-in person is a lazy object, each
    # attribute a few calls deep (the roles were read with the person: no query).
    held, staff = user.role_codes, user.is_staff
    items = []
    for item in NAV_ITEMS:
        allowed = not held.isdisjoint(item.roles) or bool(item.perm and user.has_perm(item.perm))
        if not allowed or (item.staff_only and not staff):
            continue
        href = url_or_none(item.url_name)
        if href is None:
            continue
        current = current_path == href or (href != "/" and current_path.startswith(href))
        items.append(
            {"label": item.label, "href": href, "current": current, "purpose": item.purpose}
        )
    return items
