"""Erasing a person on request (issue 20, part 4): the administrator only, refused while their
training records must be kept unless an overriding reason is recorded; their name is gone,
the sign-off ledger still verifies, and the audit entry holds no personal data."""

from __future__ import annotations

import datetime
import io
import os
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from competencies import services as competency_services
from competencies.models import TOMBSTONE, Assessment, Evidence, Redaction
from governance import selectors, services
from governance.models import DisposalEntry
from governance.retention import ErasureBasis
from notifications.models import Notification
from pathway.models import IntegrationEvent, User
from tests import factories

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
