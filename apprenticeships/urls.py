from django.urls import path  # noqa: F401

from apprenticeships.urls_ksb import ksb_patterns

app_name = "apprenticeships"

urlpatterns: list = []
urlpatterns += ksb_patterns
