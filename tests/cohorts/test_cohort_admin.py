"""Cohort administration: create and edit cohorts, enrol, change status, move, plan."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Enrolment, EnrolmentStatus, EnrolmentStatusChange, Milestone
from cohorts.services import cohorts as services
from competencies import services as competency_services
from competencies.models import Assessment, TrainingRecord
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _dates(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def test_cohort_create_through_the_page(client, lead_nurse):
    programme = factories.ProgrammeFactory()
    framework = factories.PublishedFrameworkFactory()
    area = factories.ClinicalAreaFactory(name="Coronary care")
    client.force_login(lead_nurse)
    start = TODAY()
    response = client.post(
        reverse("cohorts:cohort_create"),
        {
            "programme": programme.pk,
            "name": "Cohort 3",
            **_dates("intake_date", start),
            **_dates("planned_end_date", start + datetime.timedelta(weeks=52)),
            "clinical_areas": [area.pk],
            "framework": framework.pk,
            "status": "planned",
            "review_interval_weeks": 12,
        },
    )
    cohort = Cohort.objects.get(name="Cohort 3")
    assert response.status_code == 302
    assert list(cohort.clinical_areas.all()) == [area]
    assert cohort.framework == framework


def test_cohort_form_mistakes_are_shown_and_nothing_saved(client, lead_nurse):
    client.force_login(lead_nurse)
    start = TODAY()
    response = client.post(
        reverse("cohorts:cohort_create"),
        {
            "programme": factories.ProgrammeFactory().pk,
            "name": "",
            **_dates("intake_date", start),
            **_dates("planned_end_date", start - datetime.timedelta(days=1)),
            "review_interval_weeks": "twelve",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Enter a name for the cohort",
        "The planned end date must be after the intake date",
        "Select at least one clinical area",
        "Select the competency framework",
        "Weeks between reviews must be a whole number",
    ):
        assert message in html
    assert 'value="twelve"' in html
    assert Cohort.objects.count() == 0


def test_cohort_needs_a_published_framework(lead_nurse):
    with pytest.raises(ValidationError):
        services.cohort_create(
            actor=lead_nurse,
            programme=factories.ProgrammeFactory(),
            name="C",
            intake_date=TODAY(),
            planned_end_date=TODAY() + datetime.timedelta(days=300),
            framework=factories.FrameworkFactory(),
        )


@pytest.mark.parametrize(
    "factory",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.PracticeEducatorFactory,
        factories.ManagerFactory,
    ],
)
def test_only_the_lead_nurse_creates_cohorts(client, factory):
    person = factory()
    with pytest.raises(PermissionDenied):
        services.cohort_create(
            actor=person,
            programme=factories.ProgrammeFactory(),
            name="C",
            intake_date=TODAY(),
            planned_end_date=TODAY() + datetime.timedelta(days=300),
            framework=factories.PublishedFrameworkFactory(),
        )
    client.force_login(person)
    assert client.get(reverse("cohorts:cohort_create")).status_code == 403
    assert client.post(reverse("cohorts:cohort_create"), {}).status_code == 403


def test_anonymous_is_sent_to_sign_in_from_cohort_pages(client):
    cohort = factories.CohortFactory()
    for url in (
        reverse("cohorts:cohort_list"),
        reverse("cohorts:cohort_create"),
        reverse("cohorts:cohort_edit", args=[cohort.pk]),
        reverse("cohorts:enrolment_add", args=[cohort.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_enrolment_creates_the_record_and_logs_the_status():
    framework, area = factories.published_framework_with(core=2, specific=1)
    cohort = factories.CohortFactory(framework=framework)
    enrolment = factories.enrol(cohort, area=area)
    assert enrolment.record.framework == framework
    assert enrolment.record.progress.count() == 3
    assert enrolment.trainee.clinical_area == area
    assert [c.to_status for c in enrolment.changes.all()] == ["active"]


def test_a_trainee_is_on_one_current_cohort_only():
    cohort = factories.CohortFactory()
    enrolment = factories.enrol(cohort)
    other = factories.CohortFactory(programme=cohort.programme, framework=cohort.framework)
    with pytest.raises(ValidationError, match="already enrolled"):
        factories.enrol(other, trainee=enrolment.trainee)


def test_enrol_page_enrols_an_existing_person(client, lead_nurse):
    framework, area = factories.published_framework_with(core=2)
    cohort = factories.CohortFactory(framework=framework)
    cohort.clinical_areas.set([area])
    person = factories.UserFactory(full_name="Nia Newcomer")
    client.force_login(lead_nurse)
    page = client.get(reverse("cohorts:enrolment_add", args=[cohort.pk])).content.decode()
    assert "Nia Newcomer" in page
    response = client.post(
        reverse("cohorts:enrolment_add", args=[cohort.pk]),
        {"trainee": person.pk, "clinical_area": area.pk},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(trainee=person)
    assert enrolment.start_date == cohort.intake_date
    person.refresh_from_db()
    assert person.has_role("trainee")


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        (["on_break"], True),
        (["on_break", "active"], True),
        (["completed", "qualified"], True),
        (["withdrawn"], True),
        (["qualified"], False),  # must complete first
        (["withdrawn", "active"], False),  # a withdrawal is final
    ],
)
def test_status_changes_follow_the_allowed_paths(lead_nurse, path, ok):
    enrolment = factories.enrol(factories.CohortFactory())
    try:
        for status in path:
            services.enrolment_change_status(
                actor=lead_nurse, enrolment=enrolment, status=status, reason="Personal reasons"
            )
    except ValidationError:
        assert not ok
    else:
        assert ok
        enrolment.refresh_from_db()
        assert enrolment.status == path[-1]


def test_break_and_withdrawal_need_a_reason(lead_nurse):
    enrolment = factories.enrol(factories.CohortFactory())
    with pytest.raises(ValidationError, match="reason"):
        services.enrolment_change_status(actor=lead_nurse, enrolment=enrolment, status="on_break")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_withdrawal_ends_the_enrolment_and_closes_the_record(lead_nurse):
    enrolment = factories.enrol(factories.CohortFactory())
    services.enrolment_change_status(
        actor=lead_nurse, enrolment=enrolment, status="withdrawn", reason="Left the trust"
    )
    enrolment.refresh_from_db()
    assert enrolment.end_date == TODAY()
    assert not TrainingRecord.objects.get(pk=enrolment.record_id).is_active
    change = EnrolmentStatusChange.objects.filter(enrolment=enrolment).last()
    assert (change.from_status, change.to_status, change.reason) == (
        "active",
        "withdrawn",
        "Left the trust",
    )


def test_deferral_keeps_the_whole_record(lead_nurse):
    framework, _area = factories.published_framework_with(core=2)
    first = factories.CohortFactory(framework=framework)
    later = factories.CohortFactory(
        programme=first.programme,
        framework=first.framework,
        intake_date=first.intake_date + datetime.timedelta(weeks=26),
        status="planned",
    )
    mentor = factories.MentorFactory()
    enrolment = factories.enrol(first, mentor=mentor)
    record = enrolment.record
    competency = record.progress.first().competency
    request = competency_services.sign_off_request_create(
        actor=enrolment.trainee, record=record, competency=competency, mentor=mentor
    )
    competency_services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=TODAY(),
    )
    moved = services.enrolment_defer(
        actor=lead_nurse, enrolment=enrolment, to_cohort=later, reason="Long-term sickness"
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.DEFERRED
    assert enrolment.moved_to == moved
    assert moved.record == record  # the same record: nothing lost
    assert Assessment.objects.filter(record=moved.record).count() == 1
    assert moved.status == EnrolmentStatus.ACTIVE
    assert moved.start_date == later.intake_date


def test_deferral_only_to_a_later_cohort_of_the_same_programme(lead_nurse):
    first = factories.CohortFactory()
    earlier = factories.CohortFactory(
        programme=first.programme, intake_date=first.intake_date - datetime.timedelta(weeks=30)
    )
    elsewhere = factories.CohortFactory(
        intake_date=first.intake_date + datetime.timedelta(weeks=30)
    )
    enrolment = factories.enrol(first)
    for target in (earlier, elsewhere, first):
        with pytest.raises(ValidationError):
            services.enrolment_defer(
                actor=lead_nurse, enrolment=enrolment, to_cohort=target, reason="x"
            )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_move_page(client, lead_nurse):
    first = factories.CohortFactory()
    later = factories.CohortFactory(
        programme=first.programme,
        framework=first.framework,
        intake_date=first.intake_date + datetime.timedelta(weeks=26),
        name="Cohort 9",
    )
    enrolment = factories.enrol(first)
    client.force_login(lead_nurse)
    url = reverse("cohorts:enrolment_move", args=[enrolment.pk])
    assert "Cohort 9" in client.get(url).content.decode()
    html = client.post(url, {"to_cohort": later.pk, **_dates("on", TODAY())}).content.decode()
    assert "Give the reason for the move" in html
    response = client.post(
        url, {"to_cohort": later.pk, **_dates("on", TODAY()), "reason": "Returning from leave"}
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(cohort=later).record == enrolment.record


def test_status_page(client, lead_nurse):
    enrolment = factories.enrol(factories.CohortFactory())
    client.force_login(lead_nurse)
    url = reverse("cohorts:enrolment_status", args=[enrolment.pk])
    html = client.post(url, {"status": "on_break", **_dates("on", TODAY())}).content.decode()
    assert "Give the reason for the break or withdrawal" in html
    client.post(url, {"status": "on_break", **_dates("on", TODAY()), "reason": "Surgery"})
    enrolment.refresh_from_db()
    assert enrolment.status == "on_break" and enrolment.status_reason == "Surgery"


@pytest.mark.parametrize(
    "factory",
    [factories.TraineeFactory, factories.MentorFactory, factories.TutorFactory],
)
def test_status_and_move_pages_refuse_other_roles(client, factory):
    enrolment = factories.enrol(factories.CohortFactory())
    client.force_login(factory())
    for name in ("cohorts:enrolment_status", "cohorts:enrolment_move"):
        url = reverse(name, args=[enrolment.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"status": "withdrawn", "reason": "x"}).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_programme_plan_page_saves_milestones(client, lead_nurse):
    programme = factories.ProgrammeFactory()
    framework = factories.PublishedFrameworkFactory()
    client.force_login(lead_nurse)
    url = reverse("cohorts:programme_plan", args=[programme.pk])
    html = client.post(
        url,
        {
            "framework": framework.pk,
            "review_interval_weeks": 12,
            "milestones": "12, 3, 0\n12, 4, 1",
        },
    ).content.decode()
    assert "week 12 is listed twice" in html
    html = client.post(
        url,
        {
            "framework": framework.pk,
            "review_interval_weeks": 12,
            "milestones": "12, 5, 0\n24, 3, 1",
        },
    ).content.decode()
    assert "a plan cannot go down" in html
    response = client.post(
        url,
        {
            "framework": framework.pk,
            "review_interval_weeks": 10,
            "milestones": "24, 8, 2\n12, 3, 0",
        },
    )
    assert response.status_code == 302
    assert list(Milestone.objects.values_list("week", "core_target", "specific_target")) == [
        (12, 3, 0),
        (24, 8, 2),
    ]
    assert programme.plan.review_interval_weeks == 10


def test_cohort_list_shows_educators_only_the_cohorts_they_support(client):
    supported = factories.CohortFactory(name="Supported cohort")
    factories.CohortFactory(name="Other cohort")
    educator = factories.PracticeEducatorFactory()
    factories.enrol(supported, educator=educator)
    client.force_login(educator)
    html = client.get(reverse("cohorts:cohort_list")).content.decode()
    assert "Supported cohort" in html and "Other cohort" not in html
    assert "Create a cohort" not in html
