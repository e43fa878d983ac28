from django.urls import include, path

from outcomes import views

app_name = "outcomes"

urlpatterns = [path("", include(views.urlpatterns))]
