"""The off-the-job hours ledger's addresses (apprenticeships/views/hours.py)."""

from django.urls import path

from apprenticeships.views import hours as views

urlpatterns = [
    path("apprenticeship/hours/", views.my_hours, name="my_hours"),
    path("apprenticeship/hours/to-confirm/", views.hours_to_confirm, name="hours_to_confirm"),
    path("apprenticeship/hours/breaks/", views.breaks_to_approve, name="breaks_to_approve"),
    path("apprenticeship/hours/funding/", views.funding_at_risk, name="funding_at_risk"),
    path("apprenticeships/<int:pk>/hours/", views.hours, name="hours"),
    path(
        "apprenticeships/<int:pk>/hours/export.<str:fmt>", views.hours_export, name="hours_export"
    ),
    path("apprenticeships/<int:pk>/hours/log/", views.hours_log, name="hours_log"),
    path("apprenticeships/<int:pk>/breaks/add/", views.break_add, name="break_add"),
    path("apprenticeship/hours/entries/<int:pk>/", views.entry_decide, name="entry_decide"),
    path("apprenticeship/breaks/<int:pk>/", views.break_decide, name="break_decide"),
    path("cohorts/<int:pk>/hours/", views.cohort_hours, name="cohort_hours"),
    path(
        "cohorts/<int:pk>/hours/export.<str:fmt>",
        views.cohort_hours_export,
        name="cohort_hours_export",
    ),
]
