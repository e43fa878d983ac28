from django.urls import include, path

from competencies.views import frameworks, interchange, records, sign_with, signoff

app_name = "competencies"

urlpatterns = [
    path("frameworks/", include(frameworks.urlpatterns)),
    path("frameworks/", include(interchange.urlpatterns)),
    path("", include(records.urlpatterns)),
    path("", include(signoff.urlpatterns)),
    path("", include(sign_with.urlpatterns)),
]
