from django.urls import include, path

from funding import views

app_name = "funding"

urlpatterns = [path("", include(views.urlpatterns))]
