from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/log/", views.support_log_add, name="support_log_add"),
    path("educators/", views.educator_list, name="educator_list"),
    path("educators/<int:pk>/", views.educator_caseload, name="educator_caseload"),
    path("educators/<int:pk>/support/", views.support_log_list, name="support_log_list"),
    path("educators/<int:pk>/mentors/add/", views.mentor_caseload_add, name="mentor_caseload_add"),
    path("mentors/", views.mentor_register, name="mentor_register"),
    path("mentors/workload/", views.mentor_workload, name="mentor_workload"),
    path("mentors/<int:pk>/", views.mentor_entry, name="mentor_entry"),
    path(
        "mentors/<int:pk>/preparation/",
        views.mentor_preparation_edit,
        name="mentor_preparation_edit",
    ),
]
