from django.urls import path

from api.views import clients

app_name = "api_clients"

urlpatterns = [
    path("api-clients/", clients.client_list, name="client_list"),
    path("api-clients/new/", clients.client_create, name="client_create"),
    path("api-clients/<int:pk>/", clients.client_detail, name="client_detail"),
    path("api-clients/<int:pk>/revoke/", clients.client_revoke, name="client_revoke"),
]
