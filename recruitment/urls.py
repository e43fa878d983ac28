from django.urls import include, path

from recruitment import views

app_name = "recruitment"

urlpatterns = [path("", include(views.urlpatterns))]
