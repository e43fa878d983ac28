"""The retention schedule and the nightly disposal (issue 20, part 4): defaults from the NHS
Records Management Code, edited by the administrator only; the job disposes of what is past
its period, lists training records for review, runs twice with one effect, and logs no
personal data."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from evaluation.models import Issue, Response
from governance import selectors, services, tasks
from governance.models import DisposalEntry, RecordKind, RetentionRule
from notifications.models import Notification
from pathway import held_uploads
from tests import factories

pytestmark = pytest.mark.django_db


def test_every_kind_of_record_has_a_rule_from_the_first_start():
    schedule = {rule.kind: rule for rule in selectors.retention_schedule()}
    assert set(schedule) == set(RecordKind.values)
    clinical = schedule[RecordKind.CLINICAL_TRAINING]
    assert clinical.describe() == "6 years after the person leaves"
    assert clinical.disposal == "review"
    assert "75th birthday" in clinical.note
    assert schedule[RecordKind.OTHER_TRAINING].describe() == "6 years after the person leaves"
    assert schedule[RecordKind.HELD_UPLOADS].describe() == "1 day after it was made"


def test_the_administrator_changes_a_rule_and_the_schedule_shows_it():
    admin = factories.AdministratorFactory()
    services.retention_rule_update(
        actor=admin,
        kind=RecordKind.NOTIFICATIONS,
        period=90,
        unit="days",
        starts="made",
        disposal="automatic",
        note="Local decision",
    )
    rule = selectors.retention_rule(RecordKind.NOTIFICATIONS)
    assert (rule.describe(), rule.note) == ("90 days after it was made", "Local decision")
    assert rule.history.count() == 1


@pytest.mark.parametrize(
    "role",
    [
        "LeadNurseFactory",
        "TraineeFactory",
        "MentorFactory",
        "PracticeEducatorFactory",
        "TutorFactory",
        "ManagerFactory",
    ],
)
def test_only_the_administrator_changes_the_schedule(role):
    with pytest.raises(PermissionDenied):
        services.retention_rule_update(
            actor=getattr(factories, role)(),
            kind=RecordKind.NOTIFICATIONS,
            period=1,
            unit="days",
            starts="made",
            disposal="automatic",
        )
    assert not RetentionRule.objects.exists()


@pytest.mark.parametrize(
    ("period", "unit", "field"),
    [
        (0, "years", "period"),
        (101, "years", "period"),
        (5, "weeks", "unit"),
        (3651, "days", "period"),
    ],
)
def test_a_period_out_of_range_is_refused(period, unit, field):
    with pytest.raises(ValidationError) as refused:
        services.retention_rule_update(
            actor=factories.AdministratorFactory(),
            kind=RecordKind.EVALUATION,
            period=period,
            unit=unit,
            starts="made",
            disposal="automatic",
        )
    assert field in refused.value.message_dict
    assert not RetentionRule.objects.exists()


def _notification(days_old):
    note = Notification.objects.create(
        recipient=factories.TraineeFactory(), kind="sign_off_decided", subject="Decided"
    )
    Notification.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_old)
    )
    return note


def test_the_job_disposes_of_old_notifications_once_and_logs_no_personal_data():
    old, recent = _notification(400), _notification(300)
    entries = services.retention_dispose()
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Notification.objects.filter(pk=recent.pk).exists()
    (entry,) = entries
    assert entry.sentence() == (
        "1 notifications disposed of under the 1 year after it was made rule by the scheduled job"
    )
    # Idempotent: the second run disposes of nothing and logs nothing.
    assert services.retention_dispose() == []
    assert DisposalEntry.objects.count() == 1


def test_the_job_disposes_of_old_questionnaire_answers():
    issue, people, _mentor = factories.issued_questionnaire(trainees=2)
    Response.objects.create(issue=issue, respondent=people[0], submitted_at=timezone.now())
    Response.objects.create(issue=issue)
    Issue.objects.filter(pk=issue.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=7 * 366)
    )
    services.retention_dispose()
    assert not Response.objects.filter(issue=issue).exists()
    assert DisposalEntry.objects.get(kind=RecordKind.EVALUATION).count == 2


def test_the_job_removes_held_uploads_past_their_day(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save(f"{held_uploads.FOLDER}/x.upload", ContentFile(b"a,b"))
    services.retention_dispose(now=timezone.now() + datetime.timedelta(days=2))
    assert not default_storage.exists(name)


def _left_trainee():
    record, mentor, (competency, *_) = factories.enrolled_trainee(competencies=1)
    from competencies import services as competency_services

    competency_services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=factories.ask_for_sign_off(record, competency, mentor),
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
        feedback="Good work",
    )
    trainee = record.trainee
    trainee.is_active = False
    trainee.save()
    return trainee


def test_clinical_training_records_past_their_period_are_listed_for_review_once():
    trainee = _left_trainee()
    later = timezone.now() + datetime.timedelta(days=6 * 366 + 1)
    assert services.retention_dispose(now=timezone.now()) == []  # still held
    (entry,) = [e for e in services.retention_dispose(now=later) if e.action == "due"]
    assert entry.kind == RecordKind.CLINICAL_TRAINING and entry.count == 1
    assert trainee.full_name not in entry.sentence()
    assert services.retention_dispose(now=later) == []  # nothing new to say
    trainee.refresh_from_db()
    assert trainee.is_active is False and not selectors.is_erased(trainee)


def test_with_automatic_disposal_the_job_erases_people_past_their_period():
    trainee = _left_trainee()
    services.retention_rule_update(
        actor=factories.AdministratorFactory(),
        kind=RecordKind.CLINICAL_TRAINING,
        period=6,
        unit="years",
        starts="leaving",
        disposal="automatic",
    )
    services.retention_dispose(now=timezone.now() + datetime.timedelta(days=6 * 366 + 1))
    trainee.refresh_from_db()
    assert selectors.is_erased(trainee)
    entry = DisposalEntry.objects.get(action="erased")
    assert entry.sentence() == (
        f"Person #{trainee.pk} erased under retention period ended by the scheduled job"
    )


def test_the_nightly_task_is_scheduled_and_runs():
    assert (
        settings.CELERY_BEAT_SCHEDULE["nightly-retention"]["task"]
        == "governance.tasks.dispose_expired_records"
    )
    _notification(400)
    assert "disposed of" in tasks.dispose_expired_records.delay().get()


def test_only_the_administrator_or_the_job_runs_the_disposal():
    with pytest.raises(PermissionDenied):
        services.retention_dispose(actor=factories.LeadNurseFactory())
    assert services.retention_dispose(actor=factories.AdministratorFactory()) == []


def test_the_command_disposes_as_the_task_does():
    from io import StringIO

    from django.core.management import call_command

    _notification(400)
    out = StringIO()
    call_command("dispose_expired", stdout=out)
    assert "1 notifications disposed of" in out.getvalue()
    out = StringIO()
    call_command("dispose_expired", stdout=out)
    assert out.getvalue().strip() == "Nothing was past its retention period."
