"""Passwords are stored with Argon2id at OWASP's minimum (ADR 0018). The suite otherwise hashes
with MD5 for speed, so these tests switch the production hashers back on."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import override_settings
from django.urls import reverse

from competencies.models import Assessment
from pathway import settings as production
from tests import factories

pytestmark = pytest.mark.django_db

production_hashers = override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


@production_hashers
def test_new_passwords_are_argon2id_with_19_mib_2_passes_1_lane():
    encoded = make_password("a-long-enough-passphrase")
    algorithm, variety, version, params, _salt, _hash = encoded.split("$")
    assert (algorithm, variety, version) == ("argon2", "argon2id", "v=19")
    assert params == "m=19456,t=2,p=1"
    assert check_password("a-long-enough-passphrase", encoded)
    assert not check_password("a-long-enough-passphrasf", encoded)


@production_hashers
def test_hashes_made_before_are_still_read():
    for hasher in ("pbkdf2_sha256", "argon2"):
        # Django's own Argon2 defaults (m=102400) and PBKDF2: both verify.
        encoded = make_password("an-old-passphrase-2025", hasher=hasher)
        assert check_password("an-old-passphrase-2025", encoded)


def _person_with_pbkdf2_password(password: str):
    person = factories.MentorFactory(email="sam.pbkdf2@trust.nhs.uk")
    with override_settings(PASSWORD_HASHERS=[PBKDF2]):
        person.set_password(password)
    person.save(update_fields=["password"])
    assert person.password.startswith("pbkdf2_sha256$")
    return person


@production_hashers
def test_signing_in_replaces_a_pbkdf2_hash_with_argon2id(client):
    person = _person_with_pbkdf2_password("an-old-passphrase-2025")
    response = client.post(
        reverse("login"),
        {"username": "sam.pbkdf2@trust.nhs.uk", "password": "an-old-passphrase-2025"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert identify_hasher(person.password).algorithm == "argon2"
    assert "$m=19456,t=2,p=1$" in person.password
    assert person.check_password("an-old-passphrase-2025")


@production_hashers
def test_a_wrong_password_leaves_the_old_hash_alone(client):
    person = _person_with_pbkdf2_password("an-old-passphrase-2025")
    before = person.password
    client.post(
        reverse("login"), {"username": "sam.pbkdf2@trust.nhs.uk", "password": "not-the-one"}
    )
    person.refresh_from_db()
    assert person.password == before


@production_hashers
def test_a_mentor_signs_off_with_a_pbkdf2_password_and_stays_signed_in(client):
    record, mentor, (competency,) = factories.enrolled_trainee(competencies=1)
    with override_settings(PASSWORD_HASHERS=[PBKDF2]):
        mentor.set_password("mentor-passphrase-2025")
    mentor.save(update_fields=["password"])
    request = factories.ask_for_sign_off(record, competency, mentor)
    client.force_login(mentor)
    response = client.post(
        reverse("competencies:sign_off", args=[request.pk]),
        factories.sign_off_data(competency, "mentor-passphrase-2025"),
    )
    assert response.status_code == 302
    assert Assessment.objects.filter(request=request).exists()
    # Re-hashing while signing would change the session's auth hash and sign the mentor out;
    # the hash waits for their next sign-in.
    before = mentor.password
    mentor.refresh_from_db()
    assert mentor.password == before
    assert client.get(reverse("competencies:my_trainees")).status_code == 200
