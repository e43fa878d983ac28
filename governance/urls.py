from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("governance/retention/", views.retention_schedule, name="retention"),
    path("governance/retention/<str:kind>/", views.retention_rule_edit, name="retention_rule_edit"),
    path("governance/people/<int:pk>/erase/", views.person_erase, name="person_erase"),
]
