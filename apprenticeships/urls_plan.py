"""Addresses of the training plan, gateway and inspection pages (included by urls.py)."""

from django.urls import path

from apprenticeships import views_plan as views

urlpatterns = [
    path("apprenticeships/plans/", views.plan_cohorts, name="plan_cohorts"),
    path("apprenticeships/plans/cohorts/<int:pk>/", views.cohort_plans, name="cohort_plans"),
    path(
        "apprenticeships/plans/cohorts/<int:pk>/gateway.<str:fmt>",
        views.cohort_gateway_export,
        name="cohort_gateway_export",
    ),
    path(
        "apprenticeships/apprentices/<int:pk>/plan/", views.apprentice_plan, name="apprentice_plan"
    ),
    path(
        "apprenticeships/apprentices/<int:pk>/plan/new-version/", views.plan_edit, name="plan_edit"
    ),
    path("apprenticeships/plans/versions/<int:pk>/", views.plan_version, name="plan_version"),
    path("apprenticeships/plans/versions/<int:pk>/sign/", views.plan_sign, name="plan_sign"),
    path(
        "apprenticeships/apprentices/<int:pk>/gateway/", views.gateway_detail, name="gateway_detail"
    ),
    path(
        "apprenticeships/apprentices/<int:pk>/gateway/<slug:code>/",
        views.gateway_evidence,
        name="gateway_evidence",
    ),
    path(
        "apprenticeships/apprentices/<int:pk>/gateway/<slug:code>/download",
        views.gateway_evidence_file,
        name="gateway_evidence_file",
    ),
    path(
        "apprenticeships/apprentices/<int:pk>/gateway-declaration/",
        views.gateway_declare,
        name="gateway_declare",
    ),
    path(
        "apprenticeships/apprentices/<int:pk>/portfolio.zip",
        views.portfolio_export,
        name="portfolio_export",
    ),
    path(
        "apprenticeships/apprentices/<int:pk>/evidence-pack.zip",
        views.evidence_pack,
        name="evidence_pack",
    ),
    path("apprenticeships/inspection/access/", views.inspection_grants, name="inspection_grants"),
    path(
        "apprenticeships/inspection/access/new/",
        views.inspection_grant_add,
        name="inspection_grant_add",
    ),
    path(
        "apprenticeships/inspection/access/<int:pk>/end/",
        views.inspection_grant_revoke,
        name="inspection_grant_revoke",
    ),
    path("apprenticeships/inspection/", views.inspection_home, name="inspection_home"),
]
