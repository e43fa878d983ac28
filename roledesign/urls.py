from django.urls import include, path

from roledesign import views

app_name = "roledesign"

urlpatterns = [path("", include(views.urlpatterns))]
