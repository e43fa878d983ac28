"""Bad input, fuzzed with hypothesis, on the apprenticeship set-up forms (standard, programme
standard, apprentice's terms), the KSB import and the skills scan's forms.

The same promise and machinery as tests/test_fuzz_forms.py (`submit`): never a 500; a success
redirect, or the page again with the NHS.UK error summary and nothing written (the
apprenticeship tables are fingerprinted too).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apprenticeships.models import Apprenticeship, ApprenticeshipProgramme
from apprenticeships.services import prior_learning
from tests import factories
from tests import test_fuzz_forms as fuzz
from tests.test_fuzz_forms import FUZZ, PLAIN, SHORT, TEXT, choices, form_body, refs, submit

pytestmark = pytest.mark.django_db

QUICK = hypothesis_settings(FUZZ, max_examples=25)
NUMBER = st.one_of(SHORT, st.integers(-5, 100_000).map(str), st.just("1e9"), st.just("٣"))


class World:
    def __init__(self):
        self.lead = factories.LeadNurseFactory()
        self.standard = factories.ApprenticeshipStandardFactory(minimum_otj_hours=400)
        self.other_standard = factories.ApprenticeshipStandardFactory()
        self.programme = factories.ProgrammeFactory()
        ApprenticeshipProgramme.objects.create(programme=self.programme, standard=self.standard)
        cohort = factories.CohortFactory(programme=self.programme)
        self.enrolment = factories.enrol(cohort)
        start = datetime.date(2025, 9, 1)
        self.apprenticeship = Apprenticeship.objects.create(
            enrolment=self.enrolment,
            practical_period_start=start,
            planned_end_date=datetime.date(2027, 3, 1),
            planned_otj_hours=400,
        )
        factories.KsbFactory(standard=self.standard, code="K1")
        self.scan = prior_learning.skills_scan_start(actor=None, apprenticeship=self.apprenticeship)
        self.item = self.scan.items.first()
        # A draft framework naming the standard, for the competency form's KSB lists.
        self.draft = factories.FrameworkFactory(standard=self.standard)
        self.competency = factories.CompetencyFactory(
            domain=factories.DomainFactory(framework=self.draft)
        )
        self.k1 = self.standard.ksbs.get(code="K1")
        self.s1 = factories.KsbFactory(standard=self.standard, code="S1", kind="S")
        self.stranger = factories.KsbFactory(standard=self.other_standard, code="K1")


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(fuzz, "CHECKED_APPS", {*fuzz.CHECKED_APPS, "apprenticeships"})
    return World()


@QUICK
@given(
    data=form_body(
        {
            "reference": choices("ST0215", "st0999", "X", "ST02155"),
            "title": st.one_of(PLAIN, TEXT),
            "level": NUMBER,
            "version": choices("1.0", "1.1", "v1", ""),
            "typical_duration_months": NUMBER,
            "minimum_otj_hours": NUMBER,
            "funding_band": NUMBER,
        }
    )
)
def test_standard_create(world, data):
    submit(world, world.lead, reverse("apprenticeships:standard_create"), data)


@QUICK
@given(
    data=form_body(
        {
            "reference": choices("ST0215", "X"),
            "title": st.one_of(PLAIN, TEXT),
            "level": NUMBER,
            "version": choices("1.0", "1.1", ""),
            "typical_duration_months": NUMBER,
            "minimum_otj_hours": NUMBER,
            "funding_band": NUMBER,
        }
    )
)
def test_standard_edit(world, data):
    url = reverse("apprenticeships:standard_edit", args=[world.standard.pk])
    submit(world, world.lead, url, data)


@QUICK
@given(data=form_body({"standard": refs("standard.pk", "other_standard.pk", "lead.pk")}))
def test_programme_standard(world, data):
    url = reverse("apprenticeships:programme_standard", args=[world.programme.pk])
    submit(world, world.lead, url, data)


@QUICK
@given(
    data=form_body(
        {"planned_otj_hours": NUMBER, "levy_funded": choices("yes", "no", "maybe")},
        dates=("practical_period_start", "planned_end_date"),
    )
)
def test_terms_edit(world, data):
    url = reverse("apprenticeships:terms_edit", args=[world.enrolment.pk])
    submit(world, world.lead, url, data)


@QUICK
@given(
    data=form_body(
        {
            "outcome": choices("accepted", "to_learn", "to_assess"),
            "evidence": st.one_of(PLAIN, TEXT),
            "reason": st.one_of(PLAIN, TEXT),
        }
    )
)
def test_scan_item(world, data):
    url = reverse("apprenticeships:scan_item", args=[world.apprenticeship.pk, world.item.pk])
    submit(world, world.lead, url, data)


@QUICK
@given(data=form_body({"hours_reduction": NUMBER, "reason": st.one_of(PLAIN, TEXT)}))
def test_scan_complete(world, data):
    url = reverse("apprenticeships:scan_complete", args=[world.apprenticeship.pk])
    submit(world, world.lead, url, data)


@QUICK
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: ("Code,Kind,Text\n" + t).encode()),
    ),
    name=choices("ksbs.csv", "ksbs.xlsx", "ksbs.txt"),
)
def test_ksb_import(world, content, name):
    url = reverse("apprenticeships:ksb_import", args=[world.standard.pk])
    submit(
        world,
        world.lead,
        url,
        {"file": SimpleUploadedFile(name, content)},
        multipart=True,
    )


@QUICK
@given(
    data=form_body(
        {
            "code": choices("C1", ""),
            "title": st.one_of(PLAIN, TEXT),
            "applies_to": choices("core", "specific"),
            "assessment_methods": choices("direct_observation", "nonsense"),
            "supervised_practices_required": NUMBER,
            "domain": refs("competency.domain_id", "lead.pk"),
            "ksbs_knowledge": refs("k1.pk", "s1.pk", "stranger.pk"),
            "ksbs_skill": refs("s1.pk", "k1.pk"),
            "ksbs_behaviour": refs("k1.pk"),
        }
    )
)
def test_competency_edit_with_ksbs(world, data):
    url = reverse("competencies:competency_edit", args=[world.competency.pk])
    submit(world, world.lead, url, data)
