"""The NHS.UK header navigation for each role.

Items name URL patterns by string, so the core does not import the apps that provide them;
an item whose page does not exist yet is simply left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from pathway.models import RoleCode


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    staff_only: bool = False
    # Shown also to anyone with this permission, whatever their roles (e.g. band 3 staff who
    # may apply to the programme before they have any role in Pathway).
    perm: str = ""


NAV_ITEMS = [
    NavItem("My progress", "competencies:my_progress", frozenset({RoleCode.TRAINEE})),
    NavItem("My programme", "cohorts:my_programme", frozenset({RoleCode.TRAINEE})),
    NavItem("My pathway", "outcomes:my_pathway", frozenset({RoleCode.TRAINEE})),
    NavItem(
        "My trainees",
        "competencies:my_trainees",
        frozenset({RoleCode.MENTOR, RoleCode.TUTOR, RoleCode.PRACTICE_EDUCATOR, RoleCode.MANAGER}),
    ),
    # Registered staff without "My trainees" (where supporters find it) confirm practice here.
    NavItem(
        "Practice to confirm",
        "competencies:practice_queue",
        frozenset(),
        perm="competencies.practice_queue_in_menu",
    ),
    NavItem("Programme", "cohorts:programme_overview", frozenset({RoleCode.LEAD_NURSE})),
    NavItem(
        "Cohorts",
        "cohorts:cohort_list",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.PRACTICE_EDUCATOR}),
    ),
    NavItem(
        "Reviews due",
        "cohorts:reviews_due",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.PRACTICE_EDUCATOR, RoleCode.TUTOR}),
    ),
    NavItem("Frameworks", "competencies:framework_list", frozenset({RoleCode.LEAD_NURSE})),
    NavItem("Role design", "roledesign:project_list", frozenset({RoleCode.LEAD_NURSE})),
    NavItem("Job descriptions", "roledesign:jd_list", frozenset({RoleCode.LEAD_NURSE})),
    NavItem("Recruitment", "recruitment:index", frozenset({RoleCode.LEAD_NURSE})),
    NavItem("Support requests", "recruitment:support_requests", frozenset({RoleCode.MANAGER})),
    NavItem(
        "My applications",
        "recruitment:my_applications",
        frozenset(),
        perm="recruitment.apply",
    ),
    NavItem(
        "Questionnaires",
        "evaluation:index",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.TRAINEE, RoleCode.MENTOR}),
    ),
    NavItem("Outcomes", "outcomes:dashboard", frozenset({RoleCode.LEAD_NURSE})),
    NavItem("Funding", "funding:index", frozenset({RoleCode.LEAD_NURSE})),
    NavItem("My caseload", "support:caseload", frozenset({RoleCode.PRACTICE_EDUCATOR})),
    NavItem(
        "Mentors",
        "support:mentor_register",
        frozenset({RoleCode.LEAD_NURSE, RoleCode.PRACTICE_EDUCATOR}),
    ),
    NavItem("People", "pathway:people", frozenset({RoleCode.LEAD_NURSE, RoleCode.ADMINISTRATOR})),
    NavItem("Audit", "cohorts:audit_log", frozenset({RoleCode.LEAD_NURSE, RoleCode.ADMINISTRATOR})),
    NavItem("API clients", "api_clients:client_list", frozenset({RoleCode.ADMINISTRATOR})),
    NavItem("Admin", "admin:index", frozenset({RoleCode.ADMINISTRATOR}), staff_only=True),
]


def items_for(user, current_path: str = "") -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for item in NAV_ITEMS:
        allowed = user.has_role(*item.roles) or bool(item.perm and user.has_perm(item.perm))
        if not allowed or (item.staff_only and not user.is_staff):
            continue
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = current_path == href or (href != "/" and current_path.startswith(href))
        items.append({"label": item.label, "href": href, "current": current})
    return items
