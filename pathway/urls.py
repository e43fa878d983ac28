"""URL configuration for Pathway."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pathway import esr_views, job_views, views
from pathway.identity import views as identity_views

app_urls = (
    [
        path("account/", views.account, name="account"),
        path(
            "account/password/",
            views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
            name="password_change",
        ),
        path("account/who-has-looked/", views.my_record_accesses, name="my_record_accesses"),
        path("access-log/", views.record_access_log, name="record_access_log"),
        path("people/", views.people, name="people"),
        path("people/<int:pk>/", views.person_detail, name="person_detail"),
        path("people/import-esr/", esr_views.esr_import, name="esr_import"),
        path(
            "people/import-esr/<str:token>/",
            esr_views.esr_import_preview,
            name="esr_import_preview",
        ),
        path("people/<int:pk>/allocations/add/", views.allocation_add, name="allocation_add"),
        path("jobs/<uuid:pk>/", job_views.job_detail, name="job_detail"),
        path("jobs/<uuid:pk>/status/", job_views.job_status, name="job_status"),
        path("jobs/<uuid:pk>/download/", job_views.job_download, name="job_download"),
        path("accessibility/", views.accessibility, name="accessibility"),
        path("privacy/", views.privacy, name="privacy"),
    ],
    "pathway",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    # Signing out ends the NHS account's session too (pathway/identity/views.py).
    path("sign-out/", identity_views.sign_out, name="logout"),
    path("", include("pathway.identity.urls")),
    path(
        "password-reset/",
        views.PasswordResetView.as_view(template_name="registration/password_reset.html"),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_sent.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("", include(app_urls)),
    path("", include("competencies.urls")),
    path("", include("cohorts.urls")),
    path("", include("roledesign.urls")),
    path("", include("notifications.urls")),
    path("", include("recruitment.urls")),
    path("", include("funding.urls")),
    path("", include("evaluation.urls")),
    path("", include("outcomes.urls")),
    path("", include("support.urls")),
    path("", include("apprenticeships.urls")),
    path("", include("governance.urls")),
    path("", include("api.urls")),
    # The integration API: its own authentication (bearer tokens), refusals as problem details.
    path("", include("api.api_urls")),
    path("admin/", admin.site.urls),
]

handler403 = "pathway.views.error_403"
handler404 = "pathway.views.error_404"
handler500 = "pathway.views.error_500"
