from django.urls import include, path

from evaluation import views

app_name = "evaluation"

urlpatterns = [path("evaluation/", include(views.urlpatterns))]
