"""Erasing a person on request (issue 20, part 4): the administrator only, refused while their
training records must be kept unless an overriding reason is recorded; their name is gone,
the sign-off ledger still verifies, and the audit entry holds no personal data."""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import zipfile
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from apprenticeships.models import (
    BreakInLearning,
    GatewayEvidence,
    GatewaySignature,
    OtjEntry,
    SkillsScan,
    SkillsScanItem,
    TrainingPlan,
    TrainingPlanSignature,
)
from cohorts.models import EnrolmentStatusChange, Review, ReviewAction
from competencies import services as competency_services
from competencies.models import TOMBSTONE, Assessment, Evidence, Redaction
from evaluation.models import Answer, Response
from governance import selectors, services
from governance.models import DisposalEntry
from governance.retention import ErasureBasis
from notifications.models import Notification
from outcomes.models import PathwayMove
from pathway.models import IntegrationEvent, User
from recruitment.models import Application, ApplicationEvent
from support.models import SupportLog
from tests import factories
from tests.evaluation.helpers import answer

pytestmark = pytest.mark.django_db

NAME = "Olwen Bracegirdle"


def verified():
    out = StringIO()
    call_command("verify_records", stdout=out)
    assert "verified: no breaks" in out.getvalue()


def signed_trainee(feedback=f"{NAME} was calm and kind"):
    record, mentor, (competency, *_) = factories.enrolled_trainee(competencies=2)
    trainee = record.trainee
    trainee.full_name, trainee.employee_number = NAME, "E991234"
    trainee.save()
    competency_services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=factories.ask_for_sign_off(record, competency, mentor),
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
        feedback=feedback,
    )
    return trainee, mentor


# Sign-off records cannot be backdated (they are append-only): time moves on instead.
LATER = timezone.localdate() + datetime.timedelta(days=6 * 366)


def leave(person):
    """Deactivate the account today: the leaving date."""
    person.is_active = False
    person.save()


def test_erasing_a_person_within_the_retention_period_needs_an_overriding_reason():
    trainee, _mentor = signed_trainee()
    admin = factories.AdministratorFactory()
    with pytest.raises(ValidationError) as refused:
        services.person_erase(actor=admin, person=trainee, basis=ErasureBasis.OBJECTION)
    assert "still active" in str(refused.value)
    trainee.refresh_from_db()
    assert trainee.full_name == NAME
    assert not DisposalEntry.objects.exists() and not Redaction.objects.exists()


def test_an_erasure_with_an_overriding_reason_removes_the_name_and_keeps_the_ledger_verifiable():
    trainee, mentor = signed_trainee()
    Notification.objects.create(recipient=mentor, kind="sign_off_requested", subject=f"{NAME} asks")
    Notification.objects.create(recipient=trainee, kind="sign_off_decided", subject="Decided")
    admin = factories.AdministratorFactory()

    entry = services.person_erase(
        actor=admin,
        person=trainee,
        basis=ErasureBasis.OBJECTION,
        override_reason="Tribunal order, case IG-2026-17",
    )

    trainee.refresh_from_db()
    assert trainee.full_name == f"Erased person {trainee.pk}"
    assert trainee.email == selectors.erased_email(trainee.pk)
    assert (trainee.employee_number, trainee.is_active) == ("", False)
    assert not trainee.has_usable_password()
    assert not User.history.filter(full_name=NAME).exists()
    assert not User.history.filter(employee_number="E991234").exists()
    assert not IntegrationEvent.objects.filter(data__employee_number="E991234").exists()
    assert set(Assessment.objects.filter(trainee=trainee).values_list("feedback", flat=True)) == {
        TOMBSTONE
    }
    assert not Notification.objects.filter(recipient=trainee).exists()
    subjects = set(Notification.objects.filter(recipient=mentor).values_list("subject", flat=True))
    assert f"Erased person {trainee.pk} asks" in subjects
    assert not any(NAME in subject for subject in subjects)
    sentence = entry.sentence()
    assert sentence == (
        f"Person #{trainee.pk} erased within the retention period under UK GDPR Article 17(1)(c)"
        f" by administrator #{admin.pk}"
    )
    assert NAME not in sentence and entry.overridden
    verified()


def test_the_overriding_reason_may_not_name_the_person():
    trainee, _mentor = signed_trainee()
    with pytest.raises(ValidationError, match="Do not put the person's name"):
        services.person_erase(
            actor=factories.AdministratorFactory(),
            person=trainee,
            basis=ErasureBasis.OBJECTION,
            override_reason=f"{NAME} asked in person",
        )
    assert not DisposalEntry.objects.exists()


def test_a_person_past_the_retention_period_is_erased_without_an_override():
    trainee, _mentor = signed_trainee()
    leave(trainee)
    assert selectors.retention_hold(trainee, LATER) is None
    entry = services.person_erase(
        actor=factories.AdministratorFactory(),
        person=trainee,
        basis=ErasureBasis.RETENTION_ENDED,
        today=LATER,
    )
    assert not entry.overridden and entry.override_reason == ""
    verified()


def test_a_person_who_left_recently_is_held_until_six_years_after():
    trainee, _mentor = signed_trainee()
    leave(trainee)
    hold = selectors.retention_hold(trainee, timezone.localdate())
    assert hold is not None and hold.rule.kind == "clinical_training"
    assert hold.until == hold.left_on.replace(year=hold.left_on.year + 6)


def test_erasing_a_mentor_redacts_their_name_as_signer():
    _trainee, mentor = signed_trainee()
    leave(mentor)
    services.person_erase(
        actor=factories.AdministratorFactory(),
        person=mentor,
        basis=ErasureBasis.RETENTION_ENDED,
        today=LATER,
    )
    assert set(
        Assessment.objects.filter(assessor=mentor).values_list("assessor_name", flat=True)
    ) == {TOMBSTONE}
    verified()


def test_evidence_files_are_deleted(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    trainee, _mentor = signed_trainee()
    record = trainee.training_records.first()
    evidence = Evidence.objects.create(
        record=record, kind="file", title=f"{NAME}'s reflection", text="About my shift"
    )
    evidence.file.save("reflection.pdf", io.BytesIO(b"%PDF-1.4 x"), save=True)
    stored = evidence.file.path
    leave(trainee)
    services.person_erase(
        actor=factories.AdministratorFactory(),
        person=trainee,
        basis=ErasureBasis.NOT_NEEDED,
        today=LATER,
    )
    evidence.refresh_from_db()
    assert (evidence.title, evidence.text, evidence.file.name) == (TOMBSTONE, "", "")
    assert not os.path.exists(stored)


@pytest.mark.parametrize(
    "who",
    ["trainee", "mentor", "lead nurse", "practice educator", "tutor", "manager", "self"],
)
def test_only_another_administrator_may_erase(who):
    trainee, mentor = signed_trainee()
    admin = factories.AdministratorFactory()
    actor = {
        "trainee": trainee,
        "mentor": mentor,
        "lead nurse": factories.LeadNurseFactory(),
        "practice educator": factories.PracticeEducatorFactory(),
        "tutor": factories.TutorFactory(),
        "manager": factories.ManagerFactory(),
        "self": admin,
    }[who]
    target = admin if who == "self" else trainee
    with pytest.raises(PermissionDenied):
        services.person_erase(
            actor=actor, person=target, basis=ErasureBasis.OBJECTION, override_reason="Case 1"
        )
    assert not DisposalEntry.objects.exists()


def test_a_person_is_erased_once():
    trainee, _mentor = signed_trainee()
    leave(trainee)
    admin = factories.AdministratorFactory()
    services.person_erase(
        actor=admin, person=trainee, basis=ErasureBasis.RETENTION_ENDED, today=LATER
    )
    with pytest.raises(ValidationError, match="already been erased"):
        services.person_erase(
            actor=admin, person=trainee, basis=ErasureBasis.RETENTION_ENDED, today=LATER
        )
    assert DisposalEntry.objects.count() == 1


def test_an_unknown_basis_is_refused():
    trainee, _mentor = signed_trainee()
    leave(trainee)
    with pytest.raises(ValidationError):
        services.person_erase(
            actor=factories.AdministratorFactory(), person=trainee, basis="because", today=LATER
        )
    assert not DisposalEntry.objects.exists()


def test_a_reason_that_only_contains_a_part_of_a_name_inside_a_word_is_accepted():
    trainee, _mentor = signed_trainee()
    trainee.full_name = "Tom Ash"
    trainee.save()
    entry = services.person_erase(
        actor=factories.AdministratorFactory(),
        person=trainee,
        basis=ErasureBasis.OBJECTION,
        override_reason="Tribunal order tomorrow, flash case 12",
    )
    assert entry.override_reason == "Tribunal order tomorrow, flash case 12"


# Every app (issue 20, part 4): a person with a record in each, erased ---------------------------

# Her full name, not "Rita" alone: other people's names are random and may be Rita.
RICH_WORDS = (
    "Rita Rich",
    "E1001",
    "07700 900123",
    "Good start.",
    "On track.",
    "Book a shared shift",
    "More time with my mentor",
    "Struggling after a bereavement",
    "Moved to the day surgery unit",
    "Learned aseptic technique",
    "Care for her mother",
    "Certificate C-77812",
    "Level 2 maths at college",
    "Extended for her sick leave",
    "Anxious about the assessment",
    "Strong answer on dignity",
)


def _apprenticeship_for(rich, tmp_path):
    """An apprenticeship with a record of each kind, two of them with files."""
    trainee, tutor = rich.trainee, rich.tutor
    enrolment = trainee.enrolments.get()
    apprenticeship = factories.plan_apprenticeship(enrolment)
    today = timezone.localdate()
    OtjEntry.objects.create(
        apprenticeship=apprenticeship,
        on=today,
        hours=3,
        activity="theory",
        description="Learned aseptic technique",
        logged_by=trainee,
    )
    BreakInLearning.objects.create(
        apprenticeship=apprenticeship,
        starts_on=today,
        reason="Care for her mother",
        recorded_by=tutor,
    )
    plan = TrainingPlan.objects.create(
        apprenticeship=apprenticeship,
        version=1,
        programme_name="AP programme",
        standard_name="ST0215",
        practical_period_start=today,
        planned_end_date=today + datetime.timedelta(days=700),
        planned_otj_hours=400,
        provider_responsibilities="Teach Rita Rich the modules",
        employer_responsibilities="Protect time",
        apprentice_responsibilities="Attend",
        change_reason="Extended for her sick leave",
        content_hash="a" * 64,
        created_by=tutor,
    )
    TrainingPlanSignature.objects.create(
        plan=plan, party="apprentice", person=trainee, person_name="Rita Rich", content_hash="a"
    )
    GatewaySignature.objects.create(
        apprenticeship=apprenticeship,
        party="apprentice",
        person=trainee,
        person_name="Rita Rich",
        content_hash="b",
    )
    scan = SkillsScan.objects.create(
        apprenticeship=apprenticeship, started_by=tutor, reduction_reason="Level 2 maths at college"
    )
    competency = enrolment.record.progress.first().competency
    item = SkillsScanItem(
        scan=scan,
        competency=competency,
        outcome="accepted",
        evidence="Level 2 maths at college",
        reason="Certificate C-77812",
        evidence_filename="rita-maths.pdf",
    )
    item.evidence_file.save("x", ContentFile(b"%PDF-1.4 maths"), save=False)
    item.save()
    gateway = GatewayEvidence(
        apprenticeship=apprenticeship,
        requirement="english",
        reference="Certificate C-77812",
        file_name="rita-english.pdf",
        confirmed_by=tutor,
    )
    gateway.file.save("rita-english.pdf", ContentFile(b"%PDF-1.4 english"), save=False)
    gateway.save()
    return [item.evidence_file.path, gateway.file.path]


def _more_about(rich):
    """Free text about the trainee in cohorts, support, recruitment and outcomes, and her
    name in another trainee's review and a funding note."""
    trainee = rich.trainee
    enrolment = trainee.enrolments.get()
    enrolment.status_reason = "Struggling after a bereavement"
    enrolment.save()
    EnrolmentStatusChange.objects.create(
        enrolment=enrolment,
        to_status="active",
        on=timezone.localdate(),
        reason="Struggling after a bereavement",
    )
    Review.objects.filter(enrolment=enrolment).update(concerns="Anxious about the assessment")
    SupportLog.objects.filter(person=trainee).update(notes="Anxious about the assessment")
    application = Application.objects.get(applicant=trainee)
    Application.objects.filter(pk=application.pk).update(
        phone="07700 900123", employee_number="E1001", shortlist_notes="Strong answer on dignity"
    )
    ApplicationEvent.objects.create(
        application=application, to_status="withdrawn", comment="Strong answer on dignity"
    )
    PathwayMove.objects.filter(person=trainee).update(reason="Moved to the day surgery unit")
    other = factories.enrol(enrolment.cohort)
    Review.objects.create(
        enrolment=other,
        held_on=timezone.localdate(),
        progress_summary="Shadowed Rita Rich on nights",
        rag="green",
        rag_reason="Fine",
        recorded_by=rich.tutor,
    )
    factories.FundingSourceFactory(notes="Backfill while rita rich is away")


def _holds(text: str, word: str) -> bool:
    """Whether the text holds the word as a whole word (random names may hold "rita" inside)."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def _text_left(words):
    """Every text value in every table that still holds one of `words`, as (table, word, value)."""
    found = []
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._default_manager.values_list(*fields) if fields else ():
            for value in row:
                text = str(value)
                found += [(model._meta.db_table, w, text) for w in words if _holds(text, w)]
    return found


def test_erasing_a_rich_person_leaves_none_of_their_words_names_or_files_anywhere(
    tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    rich = factories.rich_person()
    files = _apprenticeship_for(rich, tmp_path)
    _more_about(rich)
    assert all(os.path.exists(path) for path in files)
    # The scan finds every one of them before.
    assert {word for _table, word, _value in _text_left(RICH_WORDS)} == set(RICH_WORDS)

    services.person_erase(
        actor=rich.administrator,
        person=rich.trainee,
        basis=ErasureBasis.OBJECTION,
        override_reason="Tribunal order, case IG-2026-18",
    )

    assert _text_left(RICH_WORDS) == []
    assert not any(os.path.exists(path) for path in files)
    trainee = rich.trainee
    # The structural rows stay, pointing at the anonymised account, their words tombstoned.
    review = Review.objects.get(enrolment__trainee=trainee)
    assert (review.progress_summary, review.concerns, review.rag) == (TOMBSTONE, TOMBSTONE, "green")
    assert set(
        ReviewAction.objects.filter(review=review).values_list("description", flat=True)
    ) == {TOMBSTONE}
    assert SupportLog.objects.get(person=trainee).minutes == 30
    application = Application.objects.get(applicant=trainee)
    assert (application.statement, application.phone) == (TOMBSTONE, "")
    assert PathwayMove.objects.filter(person=trainee).exists()
    plan = TrainingPlan.objects.get(apprenticeship__enrolment__trainee=trainee)
    assert (plan.change_reason, plan.content_hash) == (TOMBSTONE, "a" * 64)
    assert SkillsScanItem.objects.get().evidence_file.name == ""
    assert GatewayEvidence.objects.get().file.name == ""
    assert not SkillsScanItem.history.exclude(evidence_file="").exists()
    assert not GatewayEvidence.history.exclude(file="").exists()
    # Named answers are deleted; the other trainee's review keeps its words but not her name.
    assert not Response.objects.filter(respondent=trainee).exists()
    assert not Answer.objects.filter(text="More time with my mentor").exists()
    assert Review.objects.filter(
        progress_summary=f"Shadowed Erased person {trainee.pk} on nights"
    ).exists()
    verified()


def test_the_subject_access_archive_of_an_erased_person_holds_nothing_personal(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    rich = factories.rich_person()
    _apprenticeship_for(rich, tmp_path)
    _more_about(rich)
    services.person_erase(
        actor=rich.administrator,
        person=rich.trainee,
        basis=ErasureBasis.OBJECTION,
        override_reason="Tribunal order, case IG-2026-18",
    )
    rich.trainee.refresh_from_db()
    result = services.subject_access_request(actor=rich.administrator, person=rich.trainee)
    archive = zipfile.ZipFile(io.BytesIO(result.archive.content))
    assert archive.namelist() == ["data.json", "summary.html", "README.txt"]
    assert result.archive.files == 0
    for name in ("data.json", "summary.html"):
        content = archive.read(name).decode()
        assert [w for w in RICH_WORDS if _holds(content, w)] == []
    data = json.loads(archive.read("data.json"))
    assert data["person"]["name"] == f"Erased person {rich.trainee.pk}"
    verified()


def test_anonymous_answers_stay_and_a_supporters_name_goes_from_other_peoples_notes():
    issue, (trainee,), _mentor = factories.issued_questionnaire(trainees=1, anonymous=True)
    answer(issue, trainee, likert=2, single=1, text="An anonymous view")
    educator = factories.PracticeEducatorFactory(full_name="Petra Quill")
    log = SupportLog.objects.create(
        educator=educator,
        kind="mentors",
        person=factories.MentorFactory(),
        on=timezone.localdate(),
        minutes=20,
        notes="Met with petra quill's mentors",
    )
    leave(educator)
    services.person_erase(
        actor=factories.AdministratorFactory(),
        person=educator,
        basis=ErasureBasis.RETENTION_ENDED,
        today=LATER,
    )
    # Linked to no one: the erasure cannot find it, and leaves it be.
    assert Answer.objects.filter(text="An anonymous view", response__respondent=None).exists()
    log.refresh_from_db()
    assert log.notes == f"Met with Erased person {educator.pk}'s mentors"
    assert log.minutes == 20
