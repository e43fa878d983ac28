"""The trainee's record through the services: every state transition, and who may act."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from competencies import services
from competencies.models import (
    Assessment,
    CompetencyProgress,
    ProgressState,
    SignOffRequest,
)
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _state(record, competency):
    return CompetencyProgress.objects.get(record=record, competency=competency).state


def _practise(record, competency, times=1, day=None):
    for _ in range(times):
        services.practice_log(
            actor=record.trainee,
            record=record,
            competencies=[competency],
            practised_on=day or TODAY(),
            supervisor_name="Sam Patel, staff nurse",
            activity="Did it under supervision",
        )


def _request(record, competency, mentor):
    return services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )


def _decide(request, mentor, outcome="achieved", feedback="", day=None, method=None):
    return services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome=outcome,
        method=method or request.competency.assessment_methods[0],
        assessed_on=day or TODAY(),
        feedback=feedback,
    )


def test_record_create_gives_core_plus_own_area_competencies(lead_nurse):
    framework = factories.FrameworkFactory()
    domain = factories.DomainFactory(framework=framework)
    icu, ae = factories.ClinicalAreaFactory(), factories.ClinicalAreaFactory()
    core = factories.CompetencyFactory(domain=domain, is_core=True)
    icu_only = factories.CompetencyFactory(domain=domain, is_core=False, clinical_areas=[icu])
    factories.CompetencyFactory(domain=domain, is_core=False, clinical_areas=[ae])
    framework = services.framework_publish(actor=lead_nurse, framework=framework)
    record = services.record_create(
        actor=lead_nurse,
        trainee=factories.TraineeFactory(),
        framework=framework,
        clinical_area=icu,
        start_date=TODAY(),
    )
    on_record = set(record.progress.values_list("competency", flat=True))
    assert on_record == {core.pk, icu_only.pk}


def test_record_needs_a_published_framework(lead_nurse):
    draft = factories.FrameworkFactory()
    with pytest.raises(ValidationError):
        services.record_create(
            actor=lead_nurse,
            trainee=factories.TraineeFactory(),
            framework=draft,
            clinical_area=factories.ClinicalAreaFactory(),
            start_date=TODAY(),
        )


def test_full_path_not_started_to_achieved():
    record, mentor, (competency, *_) = factories.enrolled_trainee(practices_required=2)
    assert _state(record, competency) == ProgressState.NOT_STARTED
    _practise(record, competency)
    assert _state(record, competency) == ProgressState.IN_PROGRESS
    with pytest.raises(ValidationError, match="1 more supervised practice"):
        _request(record, competency, mentor)
    _practise(record, competency)
    request = _request(record, competency, mentor)
    assert _state(record, competency) == ProgressState.AWAITING_SIGN_OFF
    assessment = _decide(request, mentor)
    progress = CompetencyProgress.objects.get(record=record, competency=competency)
    assert progress.state == ProgressState.ACHIEVED
    assert progress.achieved_on == TODAY()
    assert assessment.assessor_registration == f"NMC {mentor.registration_number}"
    assert assessment.assessor_role == "Mentor"
    request.refresh_from_db()
    assert request.status == SignOffRequest.Status.DECIDED


def test_not_yet_competent_needs_feedback_then_practice_returns_to_in_progress():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = _request(record, competency, mentor)
    with pytest.raises(ValidationError, match="feedback"):
        _decide(request, mentor, outcome="not_yet_competent", feedback="  ")
    # The refused decision left nothing behind: the request is still open.
    request.refresh_from_db()
    assert request.status == SignOffRequest.Status.OPEN
    assert Assessment.objects.count() == 0
    _decide(request, mentor, outcome="not_yet_competent", feedback="Check the ID band first")
    assert _state(record, competency) == ProgressState.NOT_YET_COMPETENT
    _practise(record, competency)
    assert _state(record, competency) == ProgressState.IN_PROGRESS


def test_reassessment_due_once_expired():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    competency.reassessment_months = 12
    competency.save()
    start = record.start_date
    _decide(_request(record, competency, mentor), mentor, day=start)
    progress = CompetencyProgress.objects.with_display_state(
        start + datetime.timedelta(days=366)
    ).get(record=record, competency=competency)
    assert progress.expires_on == datetime.date(start.year + 1, start.month, start.day)
    assert progress.display_state == ProgressState.REASSESSMENT_DUE
    assert progress.state_on(start + datetime.timedelta(days=1)) == ProgressState.ACHIEVED


def test_expiry_clamps_to_month_end():
    competency = factories.CompetencyFactory(reassessment_months=1)
    assert competency.expiry_after(datetime.date(2025, 1, 31)) == datetime.date(2025, 2, 28)
    assert competency.expiry_after(datetime.date(2024, 1, 31)) == datetime.date(2024, 2, 29)


def test_withdraw_returns_to_previous_state_and_only_once():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    _practise(record, competency)
    request = _request(record, competency, mentor)
    services.sign_off_request_withdraw(actor=record.trainee, sign_off_request=request)
    assert _state(record, competency) == ProgressState.IN_PROGRESS
    with pytest.raises(ValidationError, match="already been decided or withdrawn"):
        services.sign_off_request_withdraw(actor=record.trainee, sign_off_request=request)


def test_decided_request_cannot_be_withdrawn_or_decided_again():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = _request(record, competency, mentor)
    _decide(request, mentor)
    with pytest.raises(ValidationError):
        services.sign_off_request_withdraw(actor=record.trainee, sign_off_request=request)
    with pytest.raises(PermissionDenied):
        _decide(request, mentor)  # no longer open: the rule refuses first
    assert Assessment.objects.count() == 1


def test_one_open_request_per_competency():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    _request(record, competency, mentor)
    with pytest.raises(ValidationError, match="already asked"):
        _request(record, competency, mentor)


def test_request_only_to_a_current_mentor():
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    stranger = factories.MentorFactory()
    with pytest.raises(ValidationError, match="current mentors"):
        _request(record, competency, stranger)


def test_assessment_date_rules():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = _request(record, competency, mentor)
    with pytest.raises(ValidationError, match="today or in the past"):
        _decide(request, mentor, day=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="on or after the start"):
        _decide(request, mentor, day=record.start_date - datetime.timedelta(days=1))
    assert Assessment.objects.count() == 0


def test_method_must_be_one_the_competency_allows():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = _request(record, competency, mentor)
    with pytest.raises(ValidationError, match="assessment methods"):
        _decide(request, mentor, method="simulation")


def test_trainee_can_never_sign_off():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = _request(record, competency, mentor)
    with pytest.raises(PermissionDenied):
        _decide(request, record.trainee)


def test_mentor_cannot_sign_off_own_record():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    record.trainee.grant_roles("mentor")
    request = _request(record, competency, mentor)
    # Even named on the request, the trainee (also a mentor) cannot decide it.
    SignOffRequest.objects.filter(pk=request.pk).update(mentor=record.trainee)
    request.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _decide(request, record.trainee)


def test_mentor_no_longer_allocated_cannot_decide():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = _request(record, competency, mentor)
    from pathway.models import Allocation

    Allocation.objects.filter(supporter=mentor).update(
        end_date=TODAY() - datetime.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        _decide(request, mentor)


def test_other_mentor_cannot_decide_someone_elses_request():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    second = factories.MentorFactory()
    factories.AllocationFactory(trainee=record.trainee, supporter=second)
    request = _request(record, competency, mentor)
    with pytest.raises(PermissionDenied):
        _decide(request, second)


@pytest.mark.parametrize(
    "factory",
    [
        factories.MentorFactory,
        factories.TutorFactory,
        factories.PracticeEducatorFactory,
        factories.ManagerFactory,
        factories.LeadNurseFactory,
        factories.TraineeFactory,
    ],
)
def test_only_the_trainee_logs_practice_on_their_record(factory):
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    with pytest.raises(PermissionDenied):
        services.practice_log(
            actor=factory(),
            record=record,
            competencies=[competency],
            practised_on=TODAY(),
            supervisor_name="x",
            activity="y",
        )


def test_practice_cannot_be_in_the_future_or_before_start():
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    with pytest.raises(ValidationError):
        _practise(record, competency, day=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        _practise(record, competency, day=record.start_date - datetime.timedelta(days=1))


def test_practice_only_against_competencies_on_the_record():
    record, _mentor, _ = factories.enrolled_trainee()
    foreign = factories.CompetencyFactory()
    with pytest.raises(ValidationError, match="Not part of"):
        _practise(record, foreign)


def test_revocation_by_signer_restores_previous_state_and_keeps_history():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    _practise(record, competency)
    achieved = _decide(_request(record, competency, mentor), mentor)
    revocation = services.assessment_revoke(
        actor=mentor,
        assessment=achieved,
        reason="Signed the wrong competency",
        signature=factories.signature(),
    )
    assert revocation.revokes == achieved
    assert revocation.outcome == Assessment.Outcome.REVOKED
    assert _state(record, competency) == ProgressState.IN_PROGRESS
    assert Assessment.objects.filter(record=record).count() == 2
    with pytest.raises(ValidationError, match="already been revoked"):
        services.assessment_revoke(
            actor=mentor, assessment=achieved, reason="again", signature=factories.signature()
        )


def test_lead_nurse_may_revoke_but_another_mentor_may_not(lead_nurse):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    achieved = _decide(_request(record, competency, mentor), mentor)
    other = factories.MentorFactory()
    factories.AllocationFactory(trainee=record.trainee, supporter=other)
    with pytest.raises(PermissionDenied):
        services.assessment_revoke(
            actor=other, assessment=achieved, reason="x", signature=factories.signature()
        )
    with pytest.raises(PermissionDenied):
        services.assessment_revoke(
            actor=record.trainee, assessment=achieved, reason="x", signature=factories.signature()
        )
    revocation = services.assessment_revoke(
        actor=lead_nurse, assessment=achieved, reason="Audit", signature=factories.signature()
    )
    assert revocation.assessor_role == "Lead nurse"
    assert _state(record, competency) == ProgressState.NOT_STARTED


def test_revocation_needs_a_reason():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    achieved = _decide(_request(record, competency, mentor), mentor)
    with pytest.raises(ValidationError, match="reason"):
        services.assessment_revoke(
            actor=mentor, assessment=achieved, reason=" ", signature=factories.signature()
        )
