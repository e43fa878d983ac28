"""Bad input, fuzzed with hypothesis, on the recruitment and funding forms.

The same promise and machinery as tests/test_fuzz_forms.py (`submit`): never a 500; a success
redirect, or the page again with the NHS.UK error summary and nothing written (the recruitment
and funding tables are fingerprinted too). Each example runs in a savepoint rolled back after
it, so every example meets the same world: a cohort open for applications with an application
at each stage a form acts on.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from recruitment.models import ApplicationStatus
from tests import factories
from tests import test_fuzz_forms as fuzz
from tests.test_fuzz_forms import (
    FUZZ,
    PLAIN,
    TEXT,
    Ref,
    choices,
    days_ago,
    form_body,
    refs,
    submit,
)

pytestmark = pytest.mark.django_db

QUICK = hypothesis_settings(FUZZ, max_examples=25)
S = ApplicationStatus
MONEY = st.one_of(
    st.decimals(min_value=-10, max_value=10**12, places=2, allow_nan=False).map(str),
    st.sampled_from(["£4,500.00", "4500", "0", "-0.01", "1,2,3", "£", "12.345", "1e5", "NaN"]),
)


@dataclass(frozen=True)
class Key(Ref):
    """A field name made from a world object's id: Key("essential.pk", "met_") -> "met_12"."""

    prefix: str = ""

    def resolve(self, world) -> str:
        return f"{self.prefix}{super().resolve(world)}"


class World:
    def __init__(self):
        self.lead = factories.LeadNurseFactory()
        self.recruitment = factories.open_round()
        self.cohort = self.recruitment.cohort
        self.area = self.cohort.clinical_areas.get()
        self.other_area = factories.ClinicalAreaFactory()
        self.essential, self.desirable = self.recruitment.criteria.all()
        self.manager = factories.ManagerFactory()
        self.mentor = factories.MentorFactory()
        self.applicant = factories.Band3StaffFactory()
        self.someone = factories.Band3StaffFactory()
        for status in (S.AWAITING_SUPPORT, S.SUPPORTED, S.SHORTLISTED, S.APPOINTABLE, S.ACCEPTED):
            application = factories.make_application(
                self.recruitment, status=status, manager=self.manager
            )
            setattr(self, status, application)
        self.offered = factories.make_application(self.recruitment, status=S.OFFERED)
        self.unrecruited = factories.CohortFactory(status="planned")
        self.source = factories.FundingSourceFactory(cohort=self.cohort)


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(fuzz, "CHECKED_APPS", {*fuzz.CHECKED_APPS, "recruitment", "funding"})
    return World()


ROUND_FIELDS = {
    "places": st.integers(-5, 2000).map(str),
    "description": TEXT,
    "essential_criteria": st.one_of(PLAIN, TEXT),
    "desirable_criteria": st.one_of(PLAIN, TEXT),
}


@example(
    data={"essential_criteria": "Band 3", **days_ago("opens_on", 1), **days_ago("closes_on", -5)}
)
@QUICK
@given(data=form_body(ROUND_FIELDS, dates=["opens_on", "closes_on"]))
def test_round_open(world, data):
    url = reverse("recruitment:round_open", args=[world.unrecruited.pk])
    submit(world, world.lead, url, data, also=[reverse("recruitment:index")])


@QUICK
@given(data=form_body(ROUND_FIELDS, dates=["opens_on", "closes_on"]))
def test_round_edit(world, data):
    url = reverse("recruitment:round_edit", args=[world.recruitment.pk])
    submit(world, world.lead, url, data)


APPLICATION_FIELDS = {
    "job_title": PLAIN,
    "clinical_area": refs("area.pk", "other_area.pk"),
    "employee_number": TEXT,
    "phone": TEXT,
    "manager": refs("manager.pk", "mentor.pk", "applicant.pk"),
    "statement": st.one_of(PLAIN, TEXT),
}


@example(
    data={
        "job_title": "HCA",
        "clinical_area": Ref("area.pk"),
        "manager": Ref("manager.pk"),
        "statement": "Yes",
    }
)
@QUICK
@given(data=form_body(APPLICATION_FIELDS))
def test_apply(world, data):
    url = reverse("recruitment:apply", args=[world.recruitment.pk])
    submit(world, world.applicant, url, data, also=[reverse("recruitment:my_applications")])


@QUICK
@given(data=form_body({**APPLICATION_FIELDS, "applicant": refs("someone.pk", "lead.pk")}))
def test_application_add(world, data):
    url = reverse("recruitment:application_add", args=[world.recruitment.pk])
    submit(world, world.lead, url, data)


@QUICK
@given(data=form_body({"supports": choices("yes", "no", "maybe"), "comment": TEXT}))
def test_support_decide(world, data):
    url = reverse("recruitment:support_decide", args=[world.awaiting_support.pk])
    submit(world, world.manager, url, data, also=[reverse("recruitment:support_requests")])


@example(
    data={
        Key("essential.pk", "met_"): "no",
        Key("desirable.pk", "met_"): "yes",
        "decision": "yes",
    }
)
@QUICK
@given(
    data=form_body(
        {
            Key("essential.pk", "met_"): choices("yes", "no", "perhaps"),
            Key("desirable.pk", "met_"): choices("yes", "no"),
            Key("essential.pk", "notes_"): TEXT,
            "decision": choices("yes", "no", ""),
            "notes": TEXT,
        }
    )
)
def test_shortlist(world, data):
    url = reverse("recruitment:shortlist", args=[world.supported.pk])
    submit(world, world.lead, url, data)


@example(
    data={"panel": "Panel", "outcome": "appointable", "score": "101", **days_ago("held_on", 0)}
)
@QUICK
@given(
    data=form_body(
        {
            "panel": PLAIN,
            "score": st.integers(-10, 10**20).map(str),
            "outcome": choices("appointable", "not_appointable", "great"),
            "notes": TEXT,
        },
        dates=["held_on"],
    )
)
def test_interview(world, data):
    url = reverse("recruitment:interview", args=[world.shortlisted.pk])
    submit(world, world.lead, url, data)


@QUICK
@given(data=form_body({"notes": TEXT}))
def test_offer(world, data):
    url = reverse("recruitment:offer", args=[world.appointable.pk])
    submit(world, world.lead, url, data)


@QUICK
@given(data=form_body({"accept": choices("yes", "no", "later"), "comment": TEXT}))
def test_respond(world, data):
    url = reverse("recruitment:respond", args=[world.offered.pk])
    submit(world, world.offered.applicant, url, data)


@example(data={"clinical_area": Ref("other_area.pk")})
@QUICK
@given(data=form_body({"clinical_area": refs("area.pk", "other_area.pk")}, dates=["start_date"]))
def test_enrol(world, data):
    url = reverse("recruitment:enrol", args=[world.accepted.pk])
    submit(
        world,
        world.lead,
        url,
        data,
        also=[reverse("cohorts:cohort_detail", args=[world.cohort.pk])],
    )


@QUICK
@given(data=form_body({"notes": TEXT}))
def test_withdraw(world, data):
    url = reverse("recruitment:withdraw", args=[world.offered.pk])
    submit(world, world.offered.applicant, url, data)


# Funding --------------------------------------------------------------------------------------


@example(data={"name": "Grant", "amount": "£45,000.00"})
@QUICK
@given(data=form_body({"name": PLAIN, "organisation": st.just(""), "amount": MONEY, "notes": TEXT}))
def test_funding_source_add(world, data):
    url = reverse("funding:source_add", args=[world.cohort.pk])
    submit(world, world.lead, url, data, also=[reverse("funding:index")])


@QUICK
@given(data=form_body({"name": PLAIN, "amount": MONEY}))
def test_funding_source_edit(world, data):
    url = reverse("funding:source_edit", args=[world.source.pk])
    submit(world, world.lead, url, data)


@example(
    data={
        "category": "backfill",
        "description": "Cover",
        "quantity": "99999999.99",
        "unit_cost": "9999999999.99",
    }
)
@QUICK
@given(
    data=form_body(
        {
            "category": choices("university_fees", "backfill", "educator_time", "other", "x"),
            "description": PLAIN,
            "quantity": MONEY,
            "unit": TEXT,
            "unit_cost": MONEY,
        }
    )
)
def test_cost_add(world, data):
    url = reverse("funding:cost_add", args=[world.cohort.pk])
    submit(world, world.lead, url, data, also=[reverse("funding:index")])
