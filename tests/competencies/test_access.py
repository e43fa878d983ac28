"""The access layer: fetching and authorising together, and lists that agree with the rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from competencies import access, selectors, services
from competencies.models import Assessment
from pathway.models import Allocation, Role, RoleCode
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_record_is_404_to_anyone_without_a_part_in_it_and_403_for_what_they_may_not_do():
    record, mentor, _ = factories.enrolled_trainee()
    stranger = factories.MentorFactory()
    with pytest.raises(Http404):
        access.access_record(stranger, record.pk)
    with pytest.raises(Http404):
        access.access_record(mentor, record.pk + 1000)
    assert access.access_record(mentor, record.pk) == record
    with pytest.raises(PermissionDenied):
        access.access_record(mentor, record.pk, act=access.ACT_ON_RECORD)
    assert access.access_record(record.trainee, record.pk, act=access.ACT_ON_RECORD) == record


@pytest.mark.parametrize("key", ["abc", "99999999999999999999999", "-1"])
def test_a_key_that_cannot_be_one_is_a_404(key):
    record, mentor, _ = factories.enrolled_trainee()
    with pytest.raises(Http404):
        access.access_record(mentor, key)


def test_a_supporter_whose_role_was_taken_away_no_longer_lists_or_opens_the_record(client):
    record, mentor, _ = factories.enrolled_trainee()
    assert [r.pk for r in selectors.supported_records(mentor)] == [record.pk]
    mentor.roles.remove(Role.objects.get(code=RoleCode.MENTOR))
    mentor.grant_roles(RoleCode.TUTOR)  # still a supporter, of nobody allocated as tutor
    mentor = type(mentor).objects.get(pk=mentor.pk)
    assert list(selectors.supported_records(mentor)) == []
    client.force_login(mentor)
    assert client.get(reverse("competencies:record_detail", args=[record.pk])).status_code == 404


@pytest.mark.parametrize(
    ("factory", "kind"),
    [
        (factories.MentorFactory, Allocation.Kind.MENTOR),
        (factories.TutorFactory, Allocation.Kind.TUTOR),
        (factories.PracticeEducatorFactory, Allocation.Kind.PRACTICE_EDUCATOR),
        (factories.ManagerFactory, Allocation.Kind.MANAGER),
    ],
)
def test_every_record_a_supporter_lists_is_one_they_may_open(factory, kind):
    supporter = factory()
    mine, _, _ = factories.enrolled_trainee()
    factories.AllocationFactory(trainee=mine.trainee, supporter=supporter, kind=kind)
    # Allocated in a capacity whose role they do not hold: it gives them nothing.
    other_kind = next(k for k in Allocation.Kind.values if k != kind)
    theirs, _, _ = factories.enrolled_trainee()
    Allocation.objects.create(trainee=theirs.trainee, supporter=supporter, kind=other_kind)
    listed = list(selectors.supported_records(supporter))
    assert [r.pk for r in listed] == [mine.pk]
    for record in listed:
        assert supporter.has_perm("competencies.view_record", record)
    assert not supporter.has_perm("competencies.view_record", theirs)


def test_revoking_twice_gives_one_revocation_and_a_normal_page(client, password):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    decision = services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=factories.ask_for_sign_off(record, competency, mentor),
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )
    client.force_login(mentor)
    url = reverse("competencies:revoke", args=[decision.pk])
    data = {"reason": "Signed the wrong trainee", "password": password}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "already been revoked" in second.content.decode()
    assert Assessment.objects.filter(revokes=decision).count() == 1


def test_the_framework_editor_fetches_through_the_access_layer_404_missing_403_not_allowed():
    framework = factories.FrameworkFactory()
    domain = factories.DomainFactory(framework=framework)
    competency = factories.CompetencyFactory(framework=framework, domain=domain)
    lead, administrator = factories.LeadNurseFactory(), factories.AdministratorFactory()
    mentor = factories.MentorFactory()

    assert access.access_framework(lead, framework.pk, act=access.MANAGE_FRAMEWORKS) == framework
    assert access.access_framework(administrator, framework.pk) == framework
    assert access.access_domain(lead, domain.pk) == domain
    assert access.access_competency(lead, competency.pk) == competency
    # A framework is not private: may not act on it is a 403, not a 404.
    with pytest.raises(PermissionDenied):
        access.access_framework(mentor, framework.pk)
    with pytest.raises(PermissionDenied):
        access.access_framework(administrator, framework.pk, act=access.MANAGE_FRAMEWORKS)
    for fetch, thing in (
        (access.access_framework, framework),
        (access.access_domain, domain),
        (access.access_competency, competency),
    ):
        with pytest.raises(PermissionDenied):
            fetch(administrator, thing.pk, act=access.MANAGE_FRAMEWORKS)
        with pytest.raises(Http404):
            fetch(lead, 999_999, act=access.MANAGE_FRAMEWORKS)
        with pytest.raises(Http404):
            fetch(lead, "abc", act=access.MANAGE_FRAMEWORKS)


def test_exporting_a_framework_that_is_not_there_is_a_404_and_without_permission_a_403(client):
    framework = factories.FrameworkFactory()
    url = reverse("competencies:framework_export", args=[framework.pk, "csv"])
    client.force_login(factories.AdministratorFactory())
    assert client.get(url).status_code == 403
    client.force_login(factories.LeadNurseFactory())
    missing = reverse("competencies:framework_export", args=[framework.pk + 1000, "csv"])
    assert client.get(missing).status_code == 404
