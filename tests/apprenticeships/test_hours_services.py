"""The hours services: who may log, confirm, record and approve, and separation of duties."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apprenticeships.models import BreakInLearning, BreakStatus, OtjEntry, OtjEntryStatus
from apprenticeships.services import hours as services
from tests import factories
from tests.apprenticeships.hours_helpers import hours_world

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def w():
    return hours_world(weeks_in=20)


def _log(w, actor=None, **changes):
    data = {
        "on": timezone.localdate() - DAY,
        "hours": Decimal("2.5"),
        "activity": "shadowing",
        "description": "Shadowed the tissue viability nurse",
    }
    data.update(changes)
    return services.otj_entry_log(
        actor=actor or w.apprentice, apprenticeship=w.apprenticeship, **data
    )


def _record_break(w, actor, **changes):
    today = timezone.localdate()
    data = {"starts_on": today - 20 * DAY, "returns_on": today + 10 * DAY, "reason": "Sickness"}
    data.update(changes)
    return services.break_record(actor=actor, apprenticeship=w.apprenticeship, **data)


def _people(w):
    return {
        "other apprentice": factories.TraineeFactory(),
        "mentor": w.mentor,
        "tutor": w.tutor,
        "educator": w.educator,
        "manager": w.manager,
        "another manager": factories.ManagerFactory(),
        "lead nurse": w.lead,
        "administrator": factories.AdministratorFactory(),
    }


# Logging hours -----------------------------------------------------------------------------------


def test_the_apprentice_logs_hours_which_wait_for_their_manager(w):
    entry = _log(w)
    assert entry.status == OtjEntryStatus.WAITING
    assert entry.logged_by == w.apprentice


@pytest.mark.parametrize(
    "who",
    ["other apprentice", "mentor", "tutor", "educator", "manager", "lead nurse", "administrator"],
)
def test_nobody_else_logs_an_apprentices_hours(w, who):
    with pytest.raises(PermissionDenied):
        _log(w, actor=_people(w)[who])
    assert not OtjEntry.objects.exists()


def test_an_apprentice_who_has_left_logs_no_more_hours(w):
    w.enrolment.status = "withdrawn"
    w.enrolment.save()
    with pytest.raises(PermissionDenied):
        _log(w)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"on": timezone.localdate() + DAY}, "on"),
        ({"on": datetime.date(2000, 1, 1)}, "on"),
        ({"hours": Decimal("0")}, "hours"),
        ({"hours": Decimal("12.5")}, "hours"),
        ({"activity": "sleeping"}, "activity"),
        ({"description": "   "}, "description"),
    ],
)
def test_bad_hours_are_refused_and_nothing_is_written(w, changes, field):
    with pytest.raises(ValidationError) as refused:
        _log(w, **changes)
    assert field in refused.value.message_dict
    assert not OtjEntry.objects.exists()


# Confirming them ---------------------------------------------------------------------------------


def test_the_line_manager_confirms_and_the_hours_count(w):
    entry = services.otj_entry_decide(actor=w.manager, entry=_log(w), confirm=True)
    assert entry.status == OtjEntryStatus.CONFIRMED
    assert entry.decided_by == w.manager


def test_declining_needs_a_reason(w):
    entry = _log(w)
    with pytest.raises(ValidationError):
        services.otj_entry_decide(actor=w.manager, entry=entry, confirm=False, reason=" ")
    declined = services.otj_entry_decide(
        actor=w.manager, entry=entry, confirm=False, reason="That was your normal shift"
    )
    assert declined.status == OtjEntryStatus.DECLINED
    assert declined.decline_reason == "That was your normal shift"


def test_a_decision_is_made_once(w):
    entry = services.otj_entry_decide(actor=w.manager, entry=_log(w), confirm=True)
    with pytest.raises(ValidationError):
        services.otj_entry_decide(actor=w.manager, entry=entry, confirm=False, reason="Oops")


@pytest.mark.parametrize(
    "who",
    [
        "other apprentice",
        "mentor",
        "tutor",
        "educator",
        "another manager",
        "lead nurse",
        "administrator",
    ],
)
def test_only_the_apprentices_line_manager_confirms(w, who):
    entry = _log(w)
    with pytest.raises(PermissionDenied):
        services.otj_entry_decide(actor=_people(w)[who], entry=entry, confirm=True)
    entry.refresh_from_db()
    assert entry.status == OtjEntryStatus.WAITING


def test_the_apprentice_cannot_confirm_their_own_hours(w):
    entry = _log(w)
    with pytest.raises(PermissionDenied):
        services.otj_entry_decide(actor=w.apprentice, entry=entry, confirm=True)


def test_a_manager_never_confirms_hours_they_logged_themselves(w):
    """Separation of duties, even where the data would allow it (an entry made by the manager
    through the admin or an import)."""
    entry = _log(w)
    OtjEntry.objects.filter(pk=entry.pk).update(logged_by=w.manager)
    entry.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.otj_entry_decide(actor=w.manager, entry=entry, confirm=True)


def test_a_manager_whose_allocation_ended_no_longer_confirms(w):
    entry = _log(w)
    w.manager.supporting.update(end_date=timezone.localdate() - DAY)
    with pytest.raises(PermissionDenied):
        services.otj_entry_decide(actor=w.manager, entry=entry, confirm=True)


# Breaks in learning ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["tutor", "manager", "lead nurse"])
def test_the_tutor_manager_or_lead_nurse_records_a_break(w, who):
    a_break = _record_break(w, _people(w)[who])
    assert a_break.status == BreakStatus.WAITING


@pytest.mark.parametrize(
    "who", ["other apprentice", "mentor", "educator", "another manager", "administrator"]
)
def test_nobody_else_records_a_break(w, who):
    with pytest.raises(PermissionDenied):
        _record_break(w, _people(w)[who])
    assert not BreakInLearning.objects.exists()


def test_the_apprentice_does_not_record_their_own_break(w):
    with pytest.raises(PermissionDenied):
        _record_break(w, w.apprentice)


def test_the_lead_nurse_approves_a_break_someone_else_recorded(w):
    a_break = services.break_decide(actor=w.lead, a_break=_record_break(w, w.tutor), approve=True)
    assert a_break.status == BreakStatus.APPROVED
    assert a_break.decided_by == w.lead


def test_the_person_who_recorded_a_break_cannot_approve_it(w):
    a_break = _record_break(w, w.lead)
    with pytest.raises(PermissionDenied):
        services.break_decide(actor=w.lead, a_break=a_break, approve=True)
    a_break.refresh_from_db()
    assert a_break.status == BreakStatus.WAITING
    other_lead = factories.LeadNurseFactory()
    assert services.break_decide(actor=other_lead, a_break=a_break, approve=True).status == (
        BreakStatus.APPROVED
    )


def test_the_database_refuses_a_break_decided_by_its_recorder(w):
    a_break = _record_break(w, w.lead)
    with pytest.raises(IntegrityError), transaction.atomic():
        BreakInLearning.objects.filter(pk=a_break.pk).update(
            status=BreakStatus.APPROVED, decided_by=w.lead, decided_at=timezone.now()
        )


@pytest.mark.parametrize(
    "who", ["other apprentice", "mentor", "tutor", "educator", "manager", "administrator"]
)
def test_only_the_lead_nurse_approves_breaks(w, who):
    a_break = _record_break(w, factories.LeadNurseFactory())
    with pytest.raises(PermissionDenied):
        services.break_decide(actor=_people(w)[who], a_break=a_break, approve=True)


def test_not_approving_needs_a_reason(w):
    a_break = _record_break(w, w.tutor)
    with pytest.raises(ValidationError):
        services.break_decide(actor=w.lead, a_break=a_break, approve=False)
    refused = services.break_decide(
        actor=w.lead, a_break=a_break, approve=False, note="Recorded twice"
    )
    assert refused.status == BreakStatus.REFUSED


def test_overlapping_breaks_are_refused(w):
    _record_break(w, w.tutor)
    with pytest.raises(ValidationError) as refused:
        _record_break(w, w.manager, starts_on=timezone.localdate() - 5 * DAY)
    assert "starts_on" in refused.value.message_dict


def test_a_break_must_end_after_it_starts(w):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        _record_break(w, w.tutor, starts_on=today, returns_on=today)
    assert "returns_on" in refused.value.message_dict
