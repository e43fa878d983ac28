"""The integration API's addresses: /api/v1/... (ninja names them in the "api" namespace)."""

from django.urls import path

from api.views.endpoints import api

urlpatterns = [path("api/v1/", api.urls)]
