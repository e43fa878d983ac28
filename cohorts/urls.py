from django.urls import include, path

from cohorts.views import cohorts, dashboards, enrolment_import, reviews, training

app_name = "cohorts"

urlpatterns = [
    path("", include(cohorts.urlpatterns)),
    path("", include(enrolment_import.urlpatterns)),
    path("", include(training.urlpatterns)),
    path("", include(reviews.urlpatterns)),
    path("", include(dashboards.urlpatterns)),
    path("", include("cohorts.views.charts")),
    path("", include("cohorts.views.audit")),
]
