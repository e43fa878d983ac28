"""What every signed-in page costs before its own work (docs/adr/0027-signed-in-floor.md): two
queries, the session and the person with their clinical area and roles, read afresh for every
request. Nothing about the person is kept between requests, so whatever changes them counts on
the very next request, on every server and worker: each test below makes the change as another
server would (through the database, not the signed-in person's object) and uses a second client
holding the same session cookie as "another worker"."""

from __future__ import annotations

import datetime

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user
from django.contrib.sessions.models import Session
from django.db import connection
from django.template import Context, Template
from django.templatetags.static import static
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from pathway import inline_assets, links, selectors
from pathway.identity.backends import PersonBackend
from pathway.models import Role, RoleCode, User
from pathway.sessions import SessionStore
from tests import factories

pytestmark = pytest.mark.django_db


def _signed_in(person) -> tuple[Client, Client]:
    """The person's browser, and another worker (or server) serving the same session."""
    browser = Client()
    browser.force_login(person)
    other = Client()
    other.cookies = browser.cookies
    return browser, other


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured]


def _is_signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


# Two queries ----------------------------------------------------------------------------------


def test_a_signed_in_page_reads_the_session_and_the_person_and_nothing_else(client):
    area = factories.ClinicalAreaFactory(name="Critical care")
    person = factories.TraineeFactory(clinical_area=area)
    person.grant_roles(RoleCode.MENTOR)
    client.force_login(person)
    url = reverse("pathway:account")
    client.get(url)  # the unread notifications count is then in the cache
    queries = _queries(client, url)
    assert len(queries) == 2, queries
    assert "django_session" in queries[0]
    assert "pathway_user" in queries[1] and "pathway_role" in queries[1]
    assert "pathway_clinicalarea" in queries[1]
    # The page shows what the one query read.
    html = client.get(url).content.decode()
    assert "Critical care" in html and "Mentor, Trainee" in html


@pytest.mark.parametrize(
    "factory, count",
    [
        (factories.LeadNurseFactory, 2),
        (factories.MentorFactory, 2),
        (factories.AdministratorFactory, 2),
        # Someone without any role: whether they were given inspection access (the menu's
        # "Inspection", apprenticeships/rules_plan.py), asked afresh as every permission is.
        (factories.UserFactory, 3),
    ],
)
def test_the_menu_costs_no_query_of_its_own(client, factory, count):
    client.force_login(factory())
    url = reverse("pathway:account")
    client.get(url)
    assert len(_queries(client, url)) == count


def test_the_signed_in_person_is_the_orms_person_field_for_field(db):
    area = factories.ClinicalAreaFactory()
    person = factories.MentorFactory(clinical_area=area, band="5", job_title="Staff nurse")
    person.grant_roles(RoleCode.PRACTICE_EDUCATOR)
    User.objects.filter(pk=person.pk).update(last_login=timezone.now())
    loaded, expected = selectors.signed_in_person(person.pk), User.objects.get(pk=person.pk)
    for field in User._meta.concrete_fields:
        mine, theirs = getattr(loaded, field.attname), getattr(expected, field.attname)
        assert (mine, type(mine)) == (theirs, type(theirs)), field.name
    assert (loaded._state.db, loaded._state.adding) == (expected._state.db, False)
    assert loaded.get_session_auth_hash() == expected.get_session_auth_hash()
    for field in area._meta.concrete_fields:
        assert getattr(loaded.clinical_area, field.attname) == getattr(area, field.attname)
    assert not loaded.clinical_area._state.adding
    assert loaded.held_roles == sorted(expected.roles.all(), key=str)
    assert loaded.role_codes == {RoleCode.MENTOR, RoleCode.PRACTICE_EDUCATOR}
    with CaptureQueriesContext(connection) as captured:
        assert loaded.clinical_area == area and loaded.held_roles and loaded.has_role("mentor")
    assert len(captured) == 0


def test_a_person_without_roles_or_area_and_one_who_is_not_there(db):
    person = factories.UserFactory(clinical_area=None, last_login=None)
    loaded = selectors.signed_in_person(person.pk)
    assert loaded.held_roles == [] and loaded.role_codes == frozenset()
    assert loaded.clinical_area is None and loaded.last_login is None
    assert loaded.is_active is True and loaded.is_staff is False
    assert selectors.signed_in_person(person.pk + 1000) is None


def test_roles_read_with_the_person_are_real_roles(db):
    person = factories.LeadNurseFactory()
    (role,) = selectors.signed_in_person(person.pk).held_roles
    assert role == Role.objects.get(code=RoleCode.LEAD_NURSE)
    assert not role._state.adding


# Whatever changes counts on the next request, everywhere ----------------------------------------


def test_a_person_made_inactive_is_signed_out_at_their_next_request_on_every_worker():
    person = factories.TraineeFactory()
    browser, other = _signed_in(person)
    url = reverse("pathway:account")
    assert browser.get(url).status_code == other.get(url).status_code == 200
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert _is_signed_out(other.get(url))
    assert _is_signed_out(browser.get(url))


def test_a_new_password_ends_the_other_sessions_at_their_next_request(password):
    person = factories.TraineeFactory()
    browser, other = _signed_in(person)
    url = reverse("pathway:account")
    assert other.get(url).status_code == 200
    elsewhere = User.objects.get(pk=person.pk)
    elsewhere.set_password("a-brand-new-passphrase-42")
    elsewhere.save()
    assert _is_signed_out(other.get(url))
    assert _is_signed_out(browser.get(url))


def test_ending_every_session_of_an_account_counts_at_the_next_request():
    # What an account that locks does (pathway/lockout.py): the session hash changes.
    person = factories.TraineeFactory()
    browser, other = _signed_in(person)
    url = reverse("pathway:account")
    assert other.get(url).status_code == 200
    User.objects.filter(pk=person.pk).update(session_generation=7)
    assert _is_signed_out(other.get(url))


def test_a_role_taken_away_counts_at_the_next_request_on_every_worker():
    lead = factories.LeadNurseFactory()
    browser, other = _signed_in(lead)
    overview = reverse("cohorts:programme_overview")
    assert browser.get(overview).status_code == other.get(overview).status_code == 200
    assert "Programme" in other.get(reverse("pathway:account")).content.decode()
    User.objects.get(pk=lead.pk).roles.remove(Role.objects.get(code=RoleCode.LEAD_NURSE))
    assert other.get(overview).status_code == 403
    assert browser.get(overview).status_code == 403
    menu = other.get(reverse("pathway:account")).content.decode()
    assert f'href="{overview}"' not in menu


def test_a_role_given_counts_at_the_next_request():
    person = factories.TraineeFactory()
    browser, _ = _signed_in(person)
    overview = reverse("cohorts:programme_overview")
    assert browser.get(overview).status_code == 403
    User.objects.get(pk=person.pk).grant_roles(RoleCode.LEAD_NURSE)
    assert browser.get(overview).status_code == 200


def test_signing_out_ends_the_session_for_every_worker_at_once():
    person = factories.TraineeFactory()
    browser, other = _signed_in(person)
    url = reverse("pathway:account")
    assert other.get(url).status_code == 200
    browser.post(reverse("logout"))
    assert _is_signed_out(other.get(url))


def test_a_session_deleted_from_the_database_is_gone_at_the_next_request():
    # An administrator's clean-up, or `clearsessions`: nothing kept it anywhere else.
    person = factories.TraineeFactory()
    browser, _ = _signed_in(person)
    Session.objects.all().delete()
    assert _is_signed_out(browser.get(reverse("pathway:account")))


def test_the_backend_refuses_an_inactive_person_and_loads_an_active_one():
    person = factories.TraineeFactory()
    backend = PersonBackend()
    assert backend.get_user(person.pk).pk == person.pk
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert backend.get_user(person.pk) is None
    assert backend.get_user(person.pk + 1000) is None


def test_the_async_read_is_the_same_read():
    person = factories.MentorFactory()
    loaded = async_to_sync(PersonBackend().aget_user)(person.pk)
    assert loaded.pk == person.pk and loaded.role_codes == {RoleCode.MENTOR}
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert async_to_sync(PersonBackend().aget_user)(person.pk) is None


# The session read ----------------------------------------------------------------------------


def test_the_session_read_finds_a_live_session_and_not_an_expired_or_unknown_one():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    assert SessionStore(store.session_key).load() == {"answer": 42}

    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None

    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_a_request_with_a_live_session_is_signed_in(rf):
    person = factories.TraineeFactory()
    client = Client()
    client.force_login(person)
    request = rf.get("/")
    request.session = SessionStore(client.cookies["sessionid"].value)
    assert get_user(request).pk == person.pk


# Addresses worked out once a process ---------------------------------------------------------


def test_remembered_addresses_are_djangos():
    for name in ("home", "pathway:account", "logout", "cohorts:programme_overview"):
        assert links.fixed_url(name) == reverse(name)
    assert links.url_or_none("no:such_page") is None
    assert links.static_url("js/app.js") == static("js/app.js")


def test_the_tags_write_what_djangos_url_and_static_tags_write():
    mine = Template("{% load links %}{% fixed_url 'pathway:account' %} {% static_url 'a&b.js' %}")
    django = Template("{% load static %}{% url 'pathway:account' %} {% static 'a&b.js' %}")
    assert mine.render(Context()) == django.render(Context()) == "/account/ /assets/a%26b.js"


def test_remembered_addresses_follow_a_new_url_configuration():
    assert links.url_or_none("pathway:account") == reverse("pathway:account")
    with override_settings(ROOT_URLCONF="tests.pathway.urls_without_pages"):
        clear_url_caches()
        assert links.url_or_none("pathway:account") is None
    clear_url_caches()
    assert links.url_or_none("pathway:account") == reverse("pathway:account")


def test_remembered_static_addresses_follow_a_new_static_url(settings):
    before = links.static_url("js/app.js")
    settings.STATIC_URL = "/elsewhere/"
    assert links.static_url("js/app.js") == "/elsewhere/js/app.js" != before


# A page of ASCII stays ASCII ------------------------------------------------------------------


def test_the_inline_styles_are_ascii_and_mean_the_same(settings):
    settings.PATHWAY_INLINE_ASSETS = True
    css = inline_assets._text(inline_assets.PURGED_STYLESHEET)
    assert css.isascii()
    # The NHS.UK stylesheet's no-break space, as a CSS escape of the same character.
    assert 'content:"\\0000a0"' in css


def test_a_signed_in_page_of_ascii_is_ascii_throughout(client, settings):
    # Python then encodes the ~150 kB page (mostly the inline styles) as it is, rather than
    # character by character (~0.14 ms a page).
    settings.PATHWAY_INLINE_ASSETS = True
    client.force_login(factories.TraineeFactory(full_name="Sam Jones"))
    html = client.get(reverse("pathway:account")).content.decode()
    assert "<style>" in html and "&ndash; Pathway &ndash; NHS</title>" in html
    assert html.isascii(), sorted({ch for ch in html if not ch.isascii()})
