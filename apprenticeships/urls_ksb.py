"""Setting up the apprenticeship route, KSB coverage and prior learning (issue 19, parts 1, 2
and 4)."""

from django.urls import path

from apprenticeships.views import standards as views

ksb_patterns = [
    path("apprenticeships/standards/", views.standard_list, name="standard_list"),
    path("apprenticeships/standards/new/", views.standard_create, name="standard_create"),
    path("apprenticeships/standards/<int:pk>/", views.standard_detail, name="standard_detail"),
    path("apprenticeships/standards/<int:pk>/edit/", views.standard_edit, name="standard_edit"),
    path("apprenticeships/standards/<int:pk>/ksbs/import/", views.ksb_import, name="ksb_import"),
    path(
        "apprenticeships/standards/ksb-template.<str:fmt>",
        views.ksb_import_template,
        name="ksb_import_template",
    ),
    path(
        "apprenticeships/standards/<int:pk>/coverage/<int:framework_pk>/",
        views.framework_coverage,
        name="framework_coverage",
    ),
    path(
        "apprenticeships/standards/<int:pk>/coverage/<int:framework_pk>/export.<str:fmt>",
        views.framework_coverage_export,
        name="framework_coverage_export",
    ),
    path("apprenticeships/programmes/", views.programme_list, name="programme_list"),
    path(
        "apprenticeships/programmes/<int:pk>/",
        views.programme_standard,
        name="programme_standard",
    ),
    path("apprenticeships/enrolments/<int:pk>/terms/", views.terms_edit, name="terms_edit"),
    path("apprenticeships/apprentices/<int:pk>/", views.apprentice, name="apprentice"),
    path(
        "apprenticeships/apprentices/<int:pk>/ksbs.<str:fmt>",
        views.apprentice_ksb_export,
        name="apprentice_ksb_export",
    ),
    path(
        "apprenticeships/apprentices/<int:pk>/skills-scan/",
        views.skills_scan,
        name="skills_scan",
    ),
    path(
        "apprenticeships/apprentices/<int:pk>/skills-scan/complete/",
        views.scan_complete,
        name="scan_complete",
    ),
    path(
        "apprenticeships/apprentices/<int:pk>/skills-scan/<int:item_pk>/",
        views.scan_item,
        name="scan_item",
    ),
    path(
        "apprenticeships/apprentices/<int:pk>/skills-scan/<int:item_pk>/evidence/",
        views.scan_evidence,
        name="scan_evidence",
    ),
]
