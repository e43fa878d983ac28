from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("governance/", views.index, name="index"),
    path("governance/hazard-log/", views.hazard_log_page, name="hazard_log"),
    path("governance/hazard-log/<str:hazard_id>/", views.hazard_detail, name="hazard_detail"),
    path("governance/subject-access/", views.subject_access, name="subject_access"),
    path(
        "governance/subject-access/<int:pk>/",
        views.subject_access_produce,
        name="subject_access_produce",
    ),
    path("account/my-data/", views.my_data, name="my_data"),
    path("governance/retention/", views.retention_schedule, name="retention"),
    path("governance/retention/<str:kind>/", views.retention_rule_edit, name="retention_rule_edit"),
    path("governance/people/<int:pk>/erase/", views.person_erase, name="person_erase"),
]
