"""Logging supervised practice in seconds, and the supervisor confirming it with one tap.

The form from a competency (that competency ticked, achieved ones not offered, today's date,
the supervisor from a list with free text as a fallback), who may be named as supervisor, the
confirmation service's rule and its refusals for every role, the confirm page and the queues,
and what the trainee's competency page shows: confirmed and unconfirmed practice apart, the
mentor's last feedback with the practice since, and "none needed".
"""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from competencies import selectors, services
from competencies.forms import PracticeForm
from competencies.models import PracticeEntry, ProgressState
from pathway.models import Allocation, RegistrationBody
from tests import factories

pytestmark = pytest.mark.django_db


def _nurse_in(area, **fields):
    """A registered nurse working in a clinical area, with no role in Pathway."""
    return factories.UserFactory(
        clinical_area=area,
        registration_body=RegistrationBody.NMC,
        registration_number=fields.pop("registration_number", "12A3456B"),
        **fields,
    )


def _log(record, competency, supervisor=None, **fields):
    return services.practice_log(
        actor=record.trainee,
        record=record,
        competencies=[competency],
        practised_on=fields.pop("practised_on", timezone.localdate()),
        supervisor=supervisor,
        supervisor_name=fields.pop("supervisor_name", ""),
        **fields,
    )


def _add_url(record, competency=None):
    url = reverse("competencies:practice_add", args=[record.pk])
    return f"{url}?competency={competency.pk}" if competency else url


# Who may be named as supervisor ---------------------------------------------------------------


def test_supervisors_are_registered_staff_of_the_area_and_allocated_mentors_and_educators():
    record, mentor, _ = factories.enrolled_trainee()
    area = record.clinical_area
    nurse_here = _nurse_in(area, full_name="Rita Registered")
    _nurse_in(factories.ClinicalAreaFactory(), registration_number="99Z9999Z")  # elsewhere
    factories.UserFactory(clinical_area=area)  # in the area, not registered
    _nurse_in(area, registration_number="11X1111X", is_active=False)  # left the trust
    educator = factories.PracticeEducatorFactory()
    factories.AllocationFactory(
        trainee=record.trainee, supporter=educator, kind=Allocation.Kind.PRACTICE_EDUCATOR
    )
    tutor = factories.TutorFactory()
    factories.AllocationFactory(trainee=record.trainee, supporter=tutor, kind=Allocation.Kind.TUTOR)
    record.trainee.registration_body = RegistrationBody.NMC  # even if the trainee were
    record.trainee.registration_number = "22B2222B"
    record.trainee.clinical_area = area
    record.trainee.save()

    assert set(selectors.practice_supervisors(record)) == {nurse_here, mentor, educator}


def test_a_mentor_whose_role_was_taken_away_is_no_longer_offered():
    record, mentor, _ = factories.enrolled_trainee()
    mentor.roles.clear()
    mentor.clinical_area = factories.ClinicalAreaFactory()
    mentor.save()
    assert mentor not in selectors.practice_supervisors(record)


def test_practice_log_refuses_a_supervisor_who_cannot_supervise_this_trainee():
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    stranger = _nurse_in(factories.ClinicalAreaFactory())
    with pytest.raises(ValidationError) as refused:
        _log(record, competency, supervisor=stranger)
    assert "supervisor" in refused.value.message_dict
    assert PracticeEntry.objects.count() == 0


def test_practice_log_keeps_the_chosen_supervisors_name():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    entry = _log(record, competency, supervisor=mentor, supervisor_name="typed over")
    assert entry.supervisor == mentor and entry.supervisor_name == mentor.full_name
    assert entry.confirmed_at is None and entry.activity == ""


def test_practice_log_needs_a_name_when_nobody_is_chosen():
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    with pytest.raises(ValidationError) as refused:
        _log(record, competency, supervisor_name="   ")
    assert refused.value.message_dict == {"supervisor_name": ["Enter who supervised you"]}


# The form ------------------------------------------------------------------------------------


def test_from_a_competency_it_is_ticked_first_and_achieved_ones_are_not_offered(client):
    record, mentor, (first, second, third) = factories.enrolled_trainee()
    record.progress.filter(competency=first).update(
        state=ProgressState.ACHIEVED, achieved_on=timezone.localdate()
    )
    client.force_login(record.trainee)
    html = client.get(_add_url(record, third)).content.decode()

    assert f"{first.code} {first.title}" not in html  # achieved: not offered at all
    # The chosen one comes first and is ticked; the other is tucked away under "add another".
    assert html.index(third.title) < html.index("Add another competency") < html.index(second.title)
    assert _checked(html, "competencies", third.pk)
    assert not _checked(html, "competencies", second.pk)
    # Today is chosen; another date reveals the date boxes (shown anyway without scripts).
    assert _checked(html, "when", "today")
    assert 'data-aria-controls="conditional-when-another"' in html
    assert 'id="conditional-when-another"' in html
    # The supervisor from a list, someone not listed revealing a name box.
    assert mentor.full_name in html and "Someone not listed" in html
    assert 'data-aria-controls="conditional-supervisor-not-listed"' in html


def _checked(html: str, name: str, value) -> bool:
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    return False


def test_an_achieved_competency_in_the_address_is_not_offered_either(client):
    record, _mentor, (first, *_rest) = factories.enrolled_trainee()
    record.progress.filter(competency=first).update(
        state=ProgressState.ACHIEVED, achieved_on=timezone.localdate()
    )
    client.force_login(record.trainee)
    html = client.get(_add_url(record, first)).content.decode()
    assert first.title not in html and "Add another competency" not in html


def test_a_competency_due_for_reassessment_is_offered():
    record, _mentor, (first, *_rest) = factories.enrolled_trainee()
    today = timezone.localdate()
    record.progress.filter(competency=first).update(
        state=ProgressState.ACHIEVED,
        achieved_on=today - datetime.timedelta(days=400),
        expires_on=today,
    )
    assert first in selectors.practice_competencies(record)


def test_three_taps_and_no_typing_saves_it_with_todays_date(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee(practices_required=2)
    client.force_login(record.trainee)
    response = client.post(
        _add_url(record, competency),
        {"competencies": [competency.pk], "when": "today", "supervisor": mentor.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "competencies:competency_detail", args=[record.pk, competency.pk]
    )
    entry = PracticeEntry.objects.get()
    assert entry.practised_on == timezone.localdate()
    assert entry.supervisor == mentor and list(entry.competencies.all()) == [competency]
    progress = record.progress.get(competency=competency)
    assert progress.practice_count == 1 and progress.state == ProgressState.IN_PROGRESS


@pytest.mark.parametrize(
    ("when", "days_ago"), [("yesterday", 1), ("another", 3)], ids=["yesterday", "another"]
)
def test_yesterday_or_another_date(client, when, days_ago):
    record, mentor, (competency, *_) = factories.enrolled_trainee(
        start_date=timezone.localdate() - datetime.timedelta(days=30)
    )
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    client.force_login(record.trainee)
    data = {"competencies": [competency.pk], "when": when, "supervisor": mentor.pk}
    if when == "another":
        data.update(factories.date_fields("practised_on", day))
    assert client.post(_add_url(record, competency), data).status_code == 302
    assert PracticeEntry.objects.get().practised_on == day


def test_another_date_needs_the_date_and_someone_not_listed_needs_a_name(client):
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    client.force_login(record.trainee)
    response = client.post(
        _add_url(record, competency),
        {
            "competencies": [competency.pk],
            "when": "another",
            "supervisor": "not_listed",
            "activity": "Kept this",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the date of the practice" in html and "Enter who supervised you" in html
    assert "nhsuk-error-summary" in html and "Kept this" in html
    # The chosen answers stay chosen, so their revealed questions stay open.
    assert _checked(html, "when", "another") and _checked(html, "supervisor", "not_listed")
    assert 'class="nhsuk-radios__conditional" id="conditional-when-another"' in html
    assert PracticeEntry.objects.count() == 0


def test_nothing_chosen_says_what_to_choose(client):
    record, _mentor, _ = factories.enrolled_trainee()
    client.force_login(record.trainee)
    html = client.post(_add_url(record), {}).content.decode()
    for message in ("Select at least one competency", "Select who supervised you"):
        assert message in html
    assert PracticeEntry.objects.count() == 0


def test_someone_who_cannot_supervise_is_refused_as_a_choice(client):
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    stranger = _nurse_in(factories.ClinicalAreaFactory())
    client.force_login(record.trainee)
    html = client.post(
        _add_url(record, competency),
        {"competencies": [competency.pk], "when": "today", "supervisor": stranger.pk},
    ).content.decode()
    assert "Select who supervised you from the list" in html
    assert PracticeEntry.objects.count() == 0


def test_without_anyone_to_choose_someone_not_listed_is_chosen():
    record, _mentor, _ = factories.enrolled_trainee()
    Allocation.objects.filter(trainee=record.trainee).delete()
    form = PracticeForm(
        competencies=selectors.practice_competencies(record),
        supervisors=selectors.practice_supervisors(record),
    )
    assert form.initial["supervisor"] == PracticeForm.NOT_LISTED


# Confirming ----------------------------------------------------------------------------------


def test_the_named_supervisor_confirms_once_and_a_second_tap_changes_nothing():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    entry = _log(record, competency, supervisor=mentor)
    services.practice_confirm(actor=mentor, practice=entry)
    entry.refresh_from_db()
    first = entry.confirmed_at
    assert first is not None and entry.confirmed_by == mentor
    again = services.practice_confirm(actor=mentor, practice=PracticeEntry.objects.get())
    assert again.confirmed_at == first


@pytest.mark.parametrize(
    "who",
    ["trainee", "other_trainee", "other_mentor", "tutor", "educator", "lead", "admin", "system"],
)
def test_nobody_but_the_named_supervisor_may_confirm(who):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    educator = factories.PracticeEducatorFactory()
    factories.AllocationFactory(
        trainee=record.trainee, supporter=educator, kind=Allocation.Kind.PRACTICE_EDUCATOR
    )
    tutor = factories.TutorFactory()
    factories.AllocationFactory(trainee=record.trainee, supporter=tutor, kind=Allocation.Kind.TUTOR)
    entry = _log(record, competency, supervisor=mentor)
    actor = {
        "trainee": lambda: record.trainee,
        "other_trainee": factories.TraineeFactory,
        "other_mentor": factories.MentorFactory,
        "tutor": lambda: tutor,
        "educator": lambda: educator,
        "lead": factories.LeadNurseFactory,
        "admin": factories.AdministratorFactory,
        "system": lambda: None,
    }[who]()
    with pytest.raises(PermissionDenied):
        services.practice_confirm(actor=actor, practice=entry)
    assert PracticeEntry.objects.get().confirmed_at is None


def test_practice_with_a_supervisor_not_listed_cannot_be_confirmed_by_anyone():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    entry = _log(record, competency, supervisor_name=mentor.full_name)
    with pytest.raises(PermissionDenied):
        services.practice_confirm(actor=mentor, practice=entry)


def test_a_supervisor_who_left_cannot_confirm():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    entry = _log(record, competency, supervisor=mentor)
    mentor.is_active = False
    mentor.save()
    with pytest.raises(PermissionDenied):
        services.practice_confirm(actor=mentor, practice=entry)


def test_a_registered_nurse_confirms_from_their_queue_with_one_tap(client):
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    nurse = _nurse_in(record.clinical_area, full_name="Rita Registered")
    entry = _log(record, competency, supervisor=nurse, activity="Observations on bay 3")
    client.force_login(nurse)
    home = client.get(reverse("pathway:account")).content.decode()
    assert "Practice to confirm" in home  # in the header menu of staff without My trainees
    queue_url = reverse("competencies:practice_queue")
    html = client.get(queue_url).content.decode()
    assert record.trainee.full_name in html and "Observations on bay 3" in html
    assert competency.title in html

    confirm_url = reverse("competencies:practice_confirm", args=[entry.pk])
    response = client.post(confirm_url, {"next": queue_url})
    assert response.status_code == 302 and response["Location"] == queue_url
    assert client.post(confirm_url, {"next": queue_url}).status_code == 302  # a double tap
    entry.refresh_from_db()
    assert entry.confirmed_by == nurse
    assert "No practice is waiting for you to confirm" in client.get(queue_url).content.decode()


def test_confirm_goes_back_only_to_our_own_pages(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    entry = _log(record, competency, supervisor=mentor)
    client.force_login(mentor)
    response = client.post(
        reverse("competencies:practice_confirm", args=[entry.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("competencies:practice_queue")


def test_confirm_refusals_on_the_page(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    entry = _log(record, competency, supervisor=mentor)
    url = reverse("competencies:practice_confirm", args=[entry.pk])
    client.force_login(record.trainee)  # may see the record, may not confirm
    assert client.post(url).status_code == 403
    client.force_login(factories.MentorFactory())  # has no part in it: not told it exists
    assert client.post(url).status_code == 404
    client.force_login(mentor)
    assert client.get(url).status_code == 405
    assert PracticeEntry.objects.get().confirmed_at is None


def test_the_queue_is_for_people_who_can_be_named(client):
    url = reverse("competencies:practice_queue")
    for person in (factories.TraineeFactory(), factories.TutorFactory()):
        client.force_login(person)
        assert client.get(url).status_code == 403
    client.force_login(_nurse_in(factories.ClinicalAreaFactory()))
    assert client.get(url).status_code == 200


def test_the_mentor_sees_practice_to_confirm_on_my_trainees(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    entry = _log(record, competency, supervisor=mentor)
    client.force_login(mentor)
    html = client.get(reverse("competencies:my_trainees")).content.decode()
    assert "Practice to confirm (1)" in html
    assert reverse("competencies:practice_confirm", args=[entry.pk]) in html
    # Mentors find it here, so the header menu does not list it twice.
    assert 'nhsuk-header__navigation-link" href="/practice/to-confirm/"' not in html


# The trainee's competency page ---------------------------------------------------------------


def _detail(client, record, competency) -> str:
    client.force_login(record.trainee)
    url = reverse("competencies:competency_detail", args=[record.pk, competency.pk])
    return client.get(url).content.decode()


def test_the_competency_page_shows_confirmed_and_unconfirmed_practice_apart(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee(practices_required=2)
    confirmed = _log(record, competency, supervisor=mentor, activity="Confirmed one")
    _log(record, competency, supervisor=mentor, activity="Waiting one")
    _log(record, competency, supervisor_name="Agency nurse", activity="Unlisted one")
    services.practice_confirm(actor=mentor, practice=confirmed)
    html = _detail(client, record, competency)
    confirmed_at = html.index("Confirmed by the supervisor (1)")
    waiting_at = html.index("Not confirmed (2)")
    assert confirmed_at < html.index("Confirmed one") < waiting_at
    assert waiting_at < html.index("Waiting one") and waiting_at < html.index("Unlisted one")
    assert "Not confirmed yet" in html and "Supervisor not listed" in html
    assert "3 logged of 2 needed" in html


def test_feedback_stays_under_the_status_with_the_practice_since(client, password):
    record, mentor, (competency, *_) = factories.enrolled_trainee(practices_required=2)
    request = factories.ask_for_sign_off(record, competency, mentor)
    services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(password),
        outcome="not_yet_competent",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
        feedback="Check the patient's identity before every observation",
    )
    html = _detail(client, record, competency)
    assert "Check the patient&#x27;s identity" in html
    assert "Practice since feedback: 0 of 2" in html

    _log(record, competency, supervisor=mentor)
    html = _detail(client, record, competency)
    # The state is "in progress" again, and the feedback is still there.
    assert record.progress.get(competency=competency).state == ProgressState.IN_PROGRESS
    callout = html[html.index('data-testid="last-feedback"') :]
    assert "Check the patient&#x27;s identity" in callout
    assert "Practice since feedback: 1 of 2" in callout
    assert html.index("In progress") < html.index('data-testid="last-feedback"')

    # A new decision replaces it.
    _log(record, competency, supervisor=mentor)
    request = services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )
    services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(password),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )
    html = _detail(client, record, competency)
    assert 'data-testid="last-feedback"' not in html
    # Achieved: no more practice is offered from it.
    assert "Log supervised practice" not in html


def test_a_competency_needing_no_practice_says_none_needed(client):
    record, _mentor, (competency, *_) = factories.enrolled_trainee(practices_required=0)
    html = _detail(client, record, competency)
    assert "None needed" in html and "0 logged of 0 needed" not in html
