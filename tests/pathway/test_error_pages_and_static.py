import pytest
from django.test import Client, override_settings
from django.urls import path

from pathway import urls as project_urls
from tests import factories

pytestmark = pytest.mark.django_db


def test_404_is_nhs_styled_and_reveals_nothing(client):
    client.force_login(factories.TraineeFactory())
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and "nhsuk-header" in html
    assert "Traceback" not in html and "urlpatterns" not in html


def test_403_is_nhs_styled(client):
    client.force_login(factories.TraineeFactory())
    response = client.get("/people/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


def _boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [*project_urls.urlpatterns, path("boom/", _boom)]
handler500 = project_urls.handler500


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_500_is_nhs_styled_and_hides_the_error():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "secret internal detail" not in html and "RuntimeError" not in html


@pytest.mark.parametrize(
    "url",
    [
        "/assets/nhsuk/nhsuk-frontend.min.css",
        "/assets/nhsuk/nhsuk-frontend.min.js",
        "/assets/images/favicon.ico",
        "/assets/images/favicon.svg",
        "/assets/images/nhsuk-icon-180.png",
        "/assets/css/pathway.css",
        "/assets/js/app.js",
    ],
)
def test_design_system_assets_are_served_by_the_app(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])


def test_stylesheet_icon_paths_resolve(client):
    # The NHS.UK stylesheet points at /assets/images/...: each must exist.
    import re

    css = b"".join(client.get("/assets/nhsuk/nhsuk-frontend.min.css").streaming_content).decode()
    for icon in set(re.findall(r"url\((/assets/images/[^)]+)\)", css)):
        assert client.get(icon).status_code == 200, icon
