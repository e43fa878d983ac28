"""Bad input, fuzzed with hypothesis, on the training plan, gateway evidence and inspection
access forms (issue 19, parts 5 to 7). The promise of tests/test_fuzz_forms.py (`submit`):
never a 500; a success redirect, or the page again with the error summary and nothing written
(the apprenticeships tables are fingerprinted too)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests import test_fuzz_forms as fuzz
from tests.apprenticeships.plan_world import PlanWorld
from tests.test_fuzz_forms import (
    FUZZ,
    MULTIPART_KEY,
    PLAIN,
    SHORT,
    TEXT,
    Ref,
    Upload,
    days_ago,
    form_body,
    ref_lists,
    refs,
    submit,
    upload_field,
)

pytestmark = pytest.mark.django_db

QUICK = hypothesis_settings(FUZZ, max_examples=25)
NUMBER = st.one_of(SHORT, st.integers(-5, 20000).map(str), st.just("1e9"), st.just("٣"))


@pytest.fixture
def world(db, monkeypatch, settings):
    monkeypatch.setattr(fuzz, "CHECKED_APPS", {*fuzz.CHECKED_APPS, "apprenticeships"})
    settings.PATHWAY_MAX_UPLOAD_BYTES = fuzz.UPLOAD_LIMIT
    world = PlanWorld()
    world.inspector = world.stranger
    return world


@example(
    data={
        **days_ago("practical_period_start", 100),
        **days_ago("planned_end_date", -400),
        "planned_otj_hours": "400",
        "provider_responsibilities": "Teach",
        "employer_responsibilities": "Release",
        "apprentice_responsibilities": "Attend",
    }
)
@QUICK
@given(
    data=form_body(
        {
            "planned_otj_hours": NUMBER,
            "provider_responsibilities": st.one_of(PLAIN, TEXT),
            "employer_responsibilities": st.one_of(PLAIN, TEXT),
            "apprentice_responsibilities": st.one_of(PLAIN, TEXT),
            "change_reason": st.one_of(PLAIN, TEXT),
        },
        dates=("practical_period_start", "planned_end_date"),
    )
)
def test_plan_edit(world, data):
    url = reverse("apprenticeships:plan_edit", args=[world.apprenticeship.pk])
    page = reverse("apprenticeships:apprentice_plan", args=[world.apprenticeship.pk])
    submit(world, world.tutor, url, data, also=[page])


@example(
    data={
        "reference": "GCSE",
        "upload": Upload(name="a\x00b.pdf", source="evidence/reflection.pdf"),
    }
)
@QUICK
@given(
    data=form_body(
        {"reference": st.one_of(PLAIN, TEXT), "upload": upload_field("evidence")},
        extra_key=MULTIPART_KEY,
    )
)
def test_gateway_evidence(world, data):
    url = reverse("apprenticeships:gateway_evidence", args=[world.apprenticeship.pk, "english"])
    also = [
        reverse("apprenticeships:gateway_detail", args=[world.apprenticeship.pk]),
        reverse("apprenticeships:portfolio_export", args=[world.apprenticeship.pk]),
    ]
    submit(world, world.tutor, url, data, multipart=True, also=also)


@example(
    data={
        "inspector": Ref("inspector.pk"),
        "cohorts": [Ref("cohort.pk")],
        **days_ago("expires_on", -10),
        "purpose": "Ofsted",
    }
)
@QUICK
@given(
    data=form_body(
        {
            "inspector": refs("inspector.pk", "lead.pk", "tutor.pk"),
            "full_name": PLAIN,
            "email": st.one_of(PLAIN, st.just("new@example.org"), st.just("lena@")),
            "cohorts": ref_lists("cohort.pk", "other_cohort.pk"),
            "purpose": st.one_of(PLAIN, TEXT),
        },
        dates=("expires_on",),
    )
)
def test_inspection_grant_add(world, data):
    url = reverse("apprenticeships:inspection_grant_add")
    submit(world, world.lead, url, data, also=[reverse("apprenticeships:inspection_grants")])
