import re

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_in_any_case(client, password):
    person = factories.TraineeFactory(email="sam@trust.nhs.uk")
    response = client.post(reverse("login"), {"username": "SAM@Trust.nhs.uk", "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_wrong_password_shows_error_summary_and_keeps_email(client):
    factories.TraineeFactory(email="sam@trust.nhs.uk")
    response = client.post(reverse("login"), {"username": "sam@trust.nhs.uk", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in html
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html
    assert 'value="sam@trust.nhs.uk"' in html
    assert "_auth_user_id" not in client.session


def test_empty_sign_in_names_each_missing_field(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert 'href="#id_username"' in html and "Enter your email address" in html
    assert 'href="#id_password"' in html and "Enter your password" in html


def test_sign_out_is_post_only(client):
    client.force_login(factories.TraineeFactory())
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_header_shows_the_person_and_a_sign_out_button(client):
    client.force_login(factories.LeadNurseFactory(full_name="Lena Lead"))
    html = client.get(reverse("pathway:account")).content.decode()
    assert "Lena Lead" in html
    assert re.search(r'<form[^>]+action="/sign-out/"[^>]+method="post"', html)
    assert ">Sign out</button>" in html


def test_password_change_through_the_form(client, password):
    person = factories.TraineeFactory()
    client.force_login(person)
    response = client.post(
        reverse("pathway:password_change"),
        {
            "old_password": password,
            "new_password1": "a-much-longer-new-passphrase",
            "new_password2": "a-much-longer-new-passphrase",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-much-longer-new-passphrase")


def test_password_change_rejects_weak_password(client, password):
    person = factories.TraineeFactory()
    client.force_login(person)
    response = client.post(
        reverse("pathway:password_change"),
        {"old_password": password, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(password)


def test_password_reset_sends_an_email_with_a_working_link(client):
    person = factories.TraineeFactory(email="sam@trust.nhs.uk")
    response = client.post(reverse("password_reset"), {"email": "sam@trust.nhs.uk"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    client.post(
        set_url,
        {"new_password1": "fresh-passphrase-2026", "new_password2": "fresh-passphrase-2026"},
    )
    person.refresh_from_db()
    assert person.check_password("fresh-passphrase-2026")


@pytest.mark.parametrize(
    ("factory", "landing"),
    [
        (factories.TraineeFactory, "/progress/"),
        (factories.MentorFactory, "/mentor/"),
        (factories.TutorFactory, "/mentor/"),
        (factories.PracticeEducatorFactory, "/caseload/"),  # support:caseload
        (factories.ManagerFactory, "/mentor/"),
    ],
)
def test_home_page_fits_the_role(client, factory, landing):
    client.force_login(factory())
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == landing
    assert client.get(landing).status_code == 200


def test_home_sends_anonymous_people_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _nav_labels(html):
    nav = re.search(r'<nav class="nhsuk-header__navigation".*?</nav>', html, re.S)
    return (
        re.findall(
            r'nhsuk-header__navigation-link" href="[^"]+"[^>]*>\s*(?:<strong[^>]*>)?([^<]+)',
            nav.group(0),
        )
        if nav
        else []
    )


@pytest.mark.parametrize(
    ("factory", "expected", "absent"),
    [
        (factories.TraineeFactory, {"My progress"}, {"My trainees", "People", "Frameworks"}),
        (factories.MentorFactory, {"My trainees"}, {"My progress", "People", "Frameworks"}),
        (factories.LeadNurseFactory, {"People", "Frameworks"}, {"My progress", "Admin"}),
        (factories.AdministratorFactory, {"People", "Admin"}, {"My progress", "Frameworks"}),
    ],
)
def test_navigation_shows_what_the_role_can_reach(client, factory, expected, absent):
    client.force_login(factory())
    html = client.get(reverse("pathway:account")).content.decode()
    labels = {label.strip() for label in _nav_labels(html)}
    assert expected <= labels
    assert not (absent & labels)


def test_combined_roles_see_both_menus(client):
    person = factories.MentorFactory()
    person.grant_roles("manager", "trainee")
    client.force_login(person)
    labels = {label.strip() for label in _nav_labels(client.get("/account/").content.decode())}
    assert {"My trainees", "My progress"} <= labels


def test_page_template_has_skip_link_main_and_footer(client):
    client.force_login(factories.TraineeFactory())
    html = client.get(reverse("pathway:account")).content.decode()
    assert '<a class="nhsuk-skip-link" data-module="nhsuk-skip-link" href="#maincontent">' in html
    assert 'id="maincontent"' in html
    assert 'class="nhsuk-footer"' in html


def test_a_person_without_a_password_yet_can_choose_one_by_reset(client):
    person = factories.TraineeFactory(email="new.starter@trust.nhs.uk")
    person.set_unusable_password()
    person.save()
    client.post(reverse("password_reset"), {"email": "New.Starter@trust.nhs.uk"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.starter@trust.nhs.uk"]
