"""Bad input, fuzzed with hypothesis, on the identity forms (the promise and machinery of
tests/test_fuzz_forms.py: never a 500; a redirect, or the error summary and nothing written):
adding, renaming and removing a passkey, signing in with one, the break-glass sign-in, a
programme's ways of signing, a sign-off carrying a passkey answer or a return from the NHS
account, and the single sign-on callback's query."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from competencies.models import AssessmentMethod
from pathway.identity.models import Passkey
from pathway.models import SignatureMethod
from tests import factories
from tests.identity.authenticator import SoftAuthenticator
from tests.test_fuzz_forms import FUZZ, HOSTILE, TEXT, choices, form_body, submit

pytestmark = pytest.mark.django_db

FEW = hypothesis_settings(FUZZ, max_examples=15)

# Passkey answers: nonsense, JSON of the wrong shape, and real-looking answers that are wrong.
_SOFT = SoftAuthenticator()
_REAL_LOOKING = _SOFT.get({"challenge": "bm8tc3VjaC1jaGFsbGVuZ2U"})
PASSKEY_ANSWERS = st.one_of(
    TEXT,
    HOSTILE,
    st.just(_REAL_LOOKING),
    st.just(_REAL_LOOKING.replace('"public-key"', '"secret-key"')),
    st.just(json.dumps({"id": 1, "response": []})),
    st.just(json.dumps({"id": "", "rawId": "", "type": "public-key", "response": {}})),
    st.builds(
        lambda value: json.dumps({**json.loads(_REAL_LOOKING), "response": value}),
        st.dictionaries(TEXT, TEXT, max_size=4),
    ),
)


class World:
    def __init__(self):
        record, self.mentor, (competency,) = factories.enrolled_trainee(competencies=1)
        self.competency = competency
        self.open_request = factories.ask_for_sign_off(record, competency, self.mentor)
        self.passkey = Passkey.objects.create(
            person=self.mentor,
            name="Phone",
            credential_id=_SOFT.id,
            public_key=_SOFT._cose_public_key(),
        )
        self.lead = factories.LeadNurseFactory()
        self.programme = factories.ProgrammeFactory()


@pytest.fixture
def world(db, settings):
    settings.PATHWAY_PASSKEYS = True
    settings.PATHWAY_BASE_URL = "http://testserver"
    return World()


@FEW
@given(data=form_body({"name": TEXT, "passkey_response": PASSKEY_ANSWERS}))
def test_passkey_add(world, data):
    submit(world, world.mentor, reverse("identity:passkey_add"), data)


@FEW
@given(data=form_body({"name": st.one_of(TEXT, st.just("Phone"), st.just("Ward 7"))}))
def test_passkey_rename(world, data):
    submit(world, world.mentor, reverse("identity:passkey_rename", args=[world.passkey.pk]), data)


@FEW
@given(data=form_body({}))
def test_passkey_remove(world, data):
    submit(world, world.mentor, reverse("identity:passkey_remove", args=[world.passkey.pk]), data)


@FEW
@given(data=form_body({"passkey_response": PASSKEY_ANSWERS, "next": TEXT}))
def test_passkey_sign_in(world, data):
    submit(world, None, reverse("identity:passkey_sign_in"), data)


@FEW
@given(
    data=form_body(
        {
            "methods": st.one_of(
                choices(*SignatureMethod.values),
                st.lists(choices(*SignatureMethod.values, "telepathy", ""), max_size=5),
                TEXT,
            )
        }
    )
)
def test_programme_signing(world, data):
    url = reverse("identity:programme_signing", args=[world.programme.pk])
    submit(world, world.lead, url, data)


@FEW
@given(data=form_body({"username": TEXT, "password": TEXT}))
def test_break_glass_sign_in(world, settings, data):
    settings.PATHWAY_LOCAL_PASSWORDS = False
    submit(world, None, reverse("identity:break_glass"), data)


@FUZZ
@given(
    data=form_body(
        {
            "outcome": choices("achieved", "not_yet_competent"),
            "method": choices(*AssessmentMethod.values),
            "feedback": TEXT,
            "sign_with": choices("password", "passkey", "sso", "", "telepathy"),
            "passkey_response": PASSKEY_ANSWERS,
            "signature_resume": TEXT,
        },
        dates=("assessed_on",),
    )
)
def test_sign_off_with_a_passkey_answer(world, data):
    # No password is sent: whatever else is, nothing is signed.
    url = reverse("competencies:sign_off", args=[world.open_request.pk])
    response = submit(world, world.mentor, url, data)
    assert response.status_code == 200


@FEW
@given(
    data=form_body(
        {
            "state": TEXT,
            "code": TEXT,
            "error": choices("access_denied", "login_required", "server_error", ""),
            "iss": TEXT,
        }
    )
)
def test_sso_callback_query(world, settings, data):
    settings.PATHWAY_OIDC_ISSUER = "http://127.0.0.1:9"
    settings.PATHWAY_OIDC_CLIENT_ID = "pathway"
    response = submit(
        world,
        None,
        reverse("identity:sso_callback"),
        data,
        method="get",
        bad_request_ok=True,
        summary=False,
    )
    assert response.status_code == 400
