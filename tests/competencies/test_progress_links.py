"""The progress page links to what other apps know about the same person, for those who may
see it: the job description, current competence and the career pathway."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pathway.models import Allocation
from tests import factories

pytestmark = pytest.mark.django_db


def page_for(client, reader, record):
    client.force_login(reader)
    url = (
        reverse("competencies:my_progress")
        if reader == record.trainee
        else reverse("competencies:record_detail", args=[record.pk])
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_trainee_sees_their_job_description_competence_and_pathway(client):
    record, _mentor, _ = factories.enrolled_trainee()
    page = page_for(client, record.trainee, record)
    assert f'href="{reverse("roledesign:my_job_description")}"' in page
    assert f'href="{reverse("roledesign:current_competence", args=[record.trainee.pk])}"' in page
    assert f'href="{reverse("outcomes:my_pathway")}"' in page


def test_the_mentor_sees_the_job_description_but_not_competence_or_pathway(client):
    record, mentor, _ = factories.enrolled_trainee()
    page = page_for(client, mentor, record)
    assert f'href="{reverse("roledesign:record_job_description", args=[record.pk])}"' in page
    assert reverse("roledesign:current_competence", args=[record.trainee.pk]) not in page
    assert reverse("outcomes:person_history", args=[record.trainee.pk]) not in page


def test_the_ward_manager_sees_what_the_trainee_can_do(client):
    record, _mentor, _ = factories.enrolled_trainee()
    manager = factories.ManagerFactory()
    factories.AllocationFactory(
        trainee=record.trainee, supporter=manager, kind=Allocation.Kind.MANAGER
    )
    page = page_for(client, manager, record)
    assert f'href="{reverse("roledesign:current_competence", args=[record.trainee.pk])}"' in page
    assert reverse("outcomes:person_history", args=[record.trainee.pk]) not in page


def test_the_lead_nurse_sees_all_three(client, lead_nurse):
    record, _mentor, _ = factories.enrolled_trainee()
    page = page_for(client, lead_nurse, record)
    assert reverse("roledesign:record_job_description", args=[record.pk]) in page
    assert reverse("roledesign:current_competence", args=[record.trainee.pk]) in page
    assert reverse("outcomes:person_history", args=[record.trainee.pk]) in page
