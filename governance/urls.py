from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("governance/hazard-log/", views.hazard_log_page, name="hazard_log"),
    path("governance/hazard-log/<str:hazard_id>/", views.hazard_detail, name="hazard_detail"),
]
