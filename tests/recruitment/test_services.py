"""The state machine and the rules of each step, through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cohorts.models import Enrolment
from recruitment import services
from recruitment.models import (
    FINAL_STATES,
    TRANSITIONS,
    Application,
    ApplicationStatus,
    RecruitmentRound,
)
from recruitment.selectors import figures_of
from tests import factories

pytestmark = pytest.mark.django_db

S = ApplicationStatus
TODAY = timezone.localdate


@pytest.fixture
def recruitment():
    return factories.open_round()


# Each service and the state it moves an application to.
def _attempt(step, application):
    criteria = list(application.round.criteria.all())
    calls = {
        S.SUPPORTED: lambda: services.support_decide(
            actor=None, application=application, supports=True
        ),
        S.SHORTLISTED: lambda: services.shortlist_decide(
            actor=None,
            application=application,
            assessments={c.pk: (True, "") for c in criteria},
            shortlist=True,
        ),
        S.APPOINTABLE: lambda: services.interview_record(
            actor=None,
            application=application,
            held_on=TODAY(),
            panel="Panel",
            outcome="appointable",
        ),
        S.OFFERED: lambda: services.offer_make(actor=None, application=application),
        S.ACCEPTED: lambda: services.offer_respond(
            actor=None, application=application, accept=True
        ),
        S.ENROLLED: lambda: services.application_enrol(
            actor=None,
            application=application,
            clinical_area=application.round.cohort.clinical_areas.first(),
        ),
        S.WITHDRAWN: lambda: services.application_withdraw(actor=None, application=application),
    }
    return calls[step]()


STATES_REACHABLE = [s for s in S.values]
STEPS = [S.SUPPORTED, S.SHORTLISTED, S.APPOINTABLE, S.OFFERED, S.ACCEPTED, S.ENROLLED, S.WITHDRAWN]


@pytest.mark.parametrize("start", STATES_REACHABLE)
def test_every_step_the_state_machine_does_not_allow_is_refused(recruitment, start):
    application = factories.make_application(recruitment, status=start)
    for step in STEPS:
        if step in TRANSITIONS[start]:
            continue
        before = (application.status, application.events.count(), Enrolment.objects.count())
        with pytest.raises(ValidationError):
            _attempt(step, application)
        application.refresh_from_db()
        after = (application.status, application.events.count(), Enrolment.objects.count())
        assert before == after, f"{start} -> {step} changed something"


def test_final_states_have_no_way_out():
    assert {
        S.NOT_SUPPORTED,
        S.NOT_SHORTLISTED,
        S.NOT_APPOINTED,
        S.DECLINED,
        S.ENROLLED,
        S.WITHDRAWN,
    } == FINAL_STATES


def test_refusal_message_names_both_states(recruitment):
    application = factories.make_application(recruitment)
    with pytest.raises(ValidationError, match="awaiting manager's support cannot become offered"):
        services.offer_make(actor=None, application=application)


def test_applications_close_on_the_closing_date(recruitment):
    applicant = factories.Band3StaffFactory()
    manager = factories.ManagerFactory()
    area = recruitment.cohort.clinical_areas.first()
    kwargs = dict(
        recruitment=recruitment,
        applicant=applicant,
        manager=manager,
        job_title="HCA",
        clinical_area=area,
        statement="Please",
    )
    with pytest.raises(ValidationError, match="closing date has passed"):
        services.application_submit(
            actor=applicant, today=recruitment.closes_on + datetime.timedelta(days=1), **kwargs
        )
    with pytest.raises(ValidationError, match="Applications open on"):
        services.application_submit(
            actor=applicant, today=recruitment.opens_on - datetime.timedelta(days=1), **kwargs
        )
    # On the closing date itself, still open.
    services.application_submit(actor=applicant, today=recruitment.closes_on, **kwargs)


def test_only_band_3_staff_apply(recruitment):
    band_2 = factories.UserFactory(band="2")
    with pytest.raises(PermissionDenied):
        services.application_submit(
            actor=band_2,
            recruitment=recruitment,
            applicant=band_2,
            manager=factories.ManagerFactory(),
            job_title="HCA",
            clinical_area=recruitment.cohort.clinical_areas.first(),
            statement="Please",
        )


def test_the_named_manager_must_be_a_manager_and_not_the_applicant(recruitment):
    applicant = factories.Band3StaffFactory()
    base = dict(
        actor=applicant,
        recruitment=recruitment,
        applicant=applicant,
        job_title="HCA",
        clinical_area=recruitment.cohort.clinical_areas.first(),
        statement="Please",
    )
    with pytest.raises(ValidationError, match="ward or unit manager"):
        services.application_submit(manager=factories.MentorFactory(), **base)
    with pytest.raises(ValidationError, match="not yourself"):
        services.application_submit(manager=applicant, **base)


def test_one_application_per_person_per_cohort(recruitment):
    application = factories.make_application(recruitment)
    with pytest.raises(ValidationError, match="already applied"):
        factories.make_application(recruitment, applicant=application.applicant)


def test_someone_already_training_cannot_apply(recruitment):
    current = factories.enrol(factories.CohortFactory())
    current.trainee.band = "3"
    current.trainee.save()
    with pytest.raises(ValidationError, match="already on the programme"):
        factories.make_application(recruitment, applicant=current.trainee)


def test_only_the_named_manager_answers(recruitment):
    application = factories.make_application(recruitment)
    other_manager = factories.ManagerFactory()
    with pytest.raises(PermissionDenied):
        services.support_decide(actor=other_manager, application=application, supports=True)
    lead = factories.LeadNurseFactory()
    with pytest.raises(PermissionDenied):
        services.support_decide(actor=lead, application=application, supports=True)
    services.support_decide(actor=application.manager, application=application, supports=True)


def test_only_the_applicant_answers_the_offer(recruitment):
    application = factories.make_application(recruitment, status=S.OFFERED)
    for stranger in (factories.LeadNurseFactory(), application.manager, factories.TraineeFactory()):
        with pytest.raises(PermissionDenied):
            services.offer_respond(actor=stranger, application=application, accept=True)
    services.offer_respond(actor=application.applicant, application=application, accept=False)
    application.refresh_from_db()
    assert application.status == S.DECLINED


def test_shortlisting_needs_every_criterion_assessed(recruitment):
    application = factories.make_application(recruitment, status=S.SUPPORTED)
    essential = recruitment.criteria.filter(essential=True).first()
    with pytest.raises(ValidationError, match="Say whether"):
        services.shortlist_decide(
            actor=None,
            application=application,
            assessments={essential.pk: (True, "")},
            shortlist=True,
        )


def test_interview_cannot_be_in_the_future(recruitment):
    application = factories.make_application(recruitment, status=S.SHORTLISTED)
    with pytest.raises(ValidationError):
        services.interview_record(
            actor=None,
            application=application,
            held_on=TODAY() + datetime.timedelta(days=3),
            panel="Panel",
            outcome="appointable",
        )


def test_enrolment_uses_one_of_the_cohorts_clinical_areas(recruitment):
    application = factories.make_application(recruitment, status=S.ACCEPTED)
    elsewhere = factories.ClinicalAreaFactory()
    with pytest.raises(ValidationError, match="clinical areas"):
        services.application_enrol(actor=None, application=application, clinical_area=elsewhere)
    assert not Enrolment.objects.filter(trainee=application.applicant).exists()


def test_a_failed_enrolment_leaves_the_application_accepted(recruitment):
    """The applicant enrolled on another cohort meanwhile: the cohorts service refuses, and
    nothing is half-written."""
    application = factories.make_application(recruitment, status=S.ACCEPTED)
    factories.enrol(factories.CohortFactory(), trainee=application.applicant)
    with pytest.raises(ValidationError):
        services.application_enrol(
            actor=None,
            application=application,
            clinical_area=recruitment.cohort.clinical_areas.first(),
        )
    application.refresh_from_db()
    assert application.status == S.ACCEPTED
    assert application.enrolment is None


def test_opening_twice_is_refused(recruitment):
    with pytest.raises(ValidationError, match="already open"):
        factories.open_round(recruitment.cohort)


def test_closing_date_before_the_intake(recruitment):
    cohort = factories.CohortFactory(status="planned", intake_date=TODAY())
    with pytest.raises(ValidationError, match="before the cohort's intake"):
        services.round_open(
            actor=None,
            cohort=cohort,
            opens_on=TODAY() - datetime.timedelta(days=5),
            closes_on=TODAY() + datetime.timedelta(days=5),
            criteria=[("Anything", True)],
        )
    assert not RecruitmentRound.objects.filter(cohort=cohort).exists()


def test_criteria_are_fixed_once_someone_is_shortlisted(recruitment):
    factories.make_application(recruitment, status=S.SHORTLISTED)
    with pytest.raises(ValidationError, match="can no longer change"):
        services.round_update(
            actor=None,
            recruitment=recruitment,
            opens_on=recruitment.opens_on,
            closes_on=recruitment.closes_on,
            criteria=[("Something else", True)],
        )
    # The dates can still change.
    services.round_update(
        actor=None,
        recruitment=recruitment,
        opens_on=recruitment.opens_on,
        closes_on=recruitment.closes_on + datetime.timedelta(days=1),
        criteria=[(c.text, c.essential) for c in recruitment.criteria.all()],
    )


def test_figures_count_what_happened(recruitment):
    for status in [
        S.AWAITING_SUPPORT,
        S.NOT_SUPPORTED,
        S.SUPPORTED,
        S.NOT_SHORTLISTED,
        S.SHORTLISTED,
        S.NOT_APPOINTED,
        S.OFFERED,
        S.DECLINED,
        S.ENROLLED,
    ]:
        factories.make_application(recruitment, status=status)
    figures = figures_of(recruitment)
    assert (figures.applications, figures.shortlisted, figures.offered, figures.enrolled) == (
        9,
        5,  # shortlisted, not appointed, offered, declined, enrolled
        3,  # offered, declined, enrolled
        1,
    )


def test_figures_for_many_rounds_in_constant_queries(django_assert_num_queries):
    from recruitment.selectors import rounds_with_figures

    for _ in range(3):
        recruitment = factories.open_round()
        factories.make_application(recruitment, status=S.OFFERED)
    with django_assert_num_queries(1):
        rows = [figures_of(r) for r in rounds_with_figures()]
    assert [r.offered for r in rows] == [1, 1, 1]
    assert Application.objects.count() == 3
