import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_in_page_renders_nhs_page_template(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="nhsuk-skip-link"' in html
    assert "nhsuk-header" in html
