"""Bad input, fuzzed with hypothesis, on the access log search (pathway, issue #20 part 5).

The same promise and machinery as tests/test_fuzz_forms.py (`submit`): never a 500; the page
again, with the NHS.UK error summary when a filter is wrong, and nothing written. (The subject
access pages have no fields: a POST is the whole request.)
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings

from pathway.forms import RecordAccessSearchForm
from pathway.models import RecordAccess
from tests import factories
from tests.test_fuzz_forms import FUZZ, TEXT, _query, form_body, submit

pytestmark = pytest.mark.django_db

QUICK = hypothesis_settings(FUZZ, max_examples=40)


class World:
    def __init__(self):
        self.lead = factories.LeadNurseFactory()
        self.trainee = factories.TraineeFactory(full_name="Rita Rich")
        self.mentor = factories.MentorFactory()
        RecordAccess.objects.create(
            viewer=self.mentor, subject=self.trainee, kind=RecordAccess.Kind.TRAINING_RECORD
        )


@pytest.fixture
def world(db):
    return World()


@QUICK
@given(data=form_body({"viewed": TEXT, "viewer": TEXT}, dates=("since", "until")))
def test_access_log_search(world, data):
    def shows_errors(sent) -> bool:
        return not RecordAccessSearchForm(_query(sent)).is_valid()

    submit(
        world,
        world.lead,
        reverse("pathway:record_access_log"),
        data,
        method="get",
        summary=shows_errors,
    )
