"""Training days, the attendance register and module results: services, selectors, pages."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cohorts.models import Attendance, Cohort, Enrolment, ModuleResult, TrainingDay
from cohorts.selectors import training as selectors
from cohorts.services import training as services
from cohorts.services.cohorts import enrolment_change_status
from pathway.models import Allocation, Module
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PRESENT, ABSENT, EXCUSED = "present", "absent", "excused"


# --- Helpers --------------------------------------------------------------------------------


def _days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def _cohort(size=3, *, educator=None, tutor=None, mentor=None, **fields):
    """A running cohort (started 20 weeks ago) with `size` trainees enrolled through the real
    service, each supported by the given people."""
    cohort = factories.CohortFactory(**fields)
    enrolments = [
        factories.enrol(cohort, educator=educator, tutor=tutor, mentor=mentor) for _ in range(size)
    ]
    return cohort, enrolments


def _day(cohort, *, days_ago=7, topic="Airway management and oxygen therapy"):
    return services.training_day_create(
        actor=None,
        cohort=cohort,
        date=_days_ago(days_ago),
        topic=topic,
        location="Simulation Suite",
    )


def _modules(programme, count=2):
    return [
        Module.objects.create(programme=programme, title=f"Module {n}", order=n, credits=20)
        for n in range(1, count + 1)
    ]


def _marks(enrolments, *statuses):
    return {e.pk: s for e, s in zip(enrolments, statuses, strict=True)}


def _post_marks(enrolments, *statuses):
    return {f"mark_{e.pk}": s for e, s in zip(enrolments, statuses, strict=True) if s}


def _checked(html, enrolment, status):
    """Whether the register's radio for this enrolment and status is selected."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="mark_{enrolment.pk}"' in tag and f'value="{status}"' in tag:
            return bool(re.search(r"\schecked(\s|>|=)", tag))
    raise AssertionError(f"no {status} radio for enrolment {enrolment.pk}")


def _statuses(day):
    return dict(Attendance.objects.filter(training_day=day).values_list("enrolment_id", "status"))


# --- Training days: services -----------------------------------------------------------------


def test_lead_nurse_creates_changes_and_deletes_a_training_day(lead_nurse):
    cohort, _ = _cohort(1)
    day = services.training_day_create(
        actor=lead_nurse,
        cohort=cohort,
        date=_days_ago(3),
        topic="  Fluid balance and IV therapy ",
        location="Clinical Skills Lab",
    )
    assert (day.cohort, day.topic, day.location) == (
        cohort,
        "Fluid balance and IV therapy",
        "Clinical Skills Lab",
    )
    services.training_day_update(
        actor=lead_nurse, training_day=day, date=_days_ago(2), location="Education Centre"
    )
    day.refresh_from_db()
    assert (day.date, day.location, day.topic) == (
        _days_ago(2),
        "Education Centre",
        "Fluid balance and IV therapy",
    )
    services.training_day_delete(actor=lead_nurse, training_day=day)
    assert not TrainingDay.objects.exists()


def test_training_day_mistakes_are_refused(lead_nurse):
    cohort, _ = _cohort(1)
    with pytest.raises(ValidationError) as error:
        services.training_day_create(
            actor=lead_nurse,
            cohort=cohort,
            date=cohort.intake_date - datetime.timedelta(days=1),
            topic="",
        )
    assert set(error.value.message_dict) == {"date", "topic"}
    _day(cohort, days_ago=5, topic="Sepsis")
    with pytest.raises(ValidationError) as error:
        _day(cohort, days_ago=5, topic="sepsis")
    assert "already has a training day" in error.value.message_dict["topic"][0]
    assert TrainingDay.objects.count() == 1


def test_only_the_lead_nurse_manages_training_days():
    educator = factories.PracticeEducatorFactory()
    cohort, _ = _cohort(1, educator=educator)
    with pytest.raises(PermissionDenied):
        services.training_day_create(
            actor=educator, cohort=cohort, date=_days_ago(1), topic="Sepsis"
        )
    day = _day(cohort)
    with pytest.raises(PermissionDenied):
        services.training_day_update(actor=educator, training_day=day, topic="Other")
    with pytest.raises(PermissionDenied):
        services.training_day_delete(actor=educator, training_day=day)
    assert TrainingDay.objects.get().topic == day.topic


def test_a_day_whose_register_is_taken_cannot_be_deleted_nor_moved_to_the_future(lead_nurse):
    cohort, enrolments = _cohort(2)
    day = _day(cohort)
    services.attendance_record(
        actor=None, training_day=day, marks=_marks(enrolments, PRESENT, ABSENT)
    )
    with pytest.raises(ValidationError, match="cannot be deleted"):
        services.training_day_delete(actor=lead_nurse, training_day=day)
    with pytest.raises(ValidationError) as error:
        services.training_day_update(
            actor=lead_nurse, training_day=day, date=TODAY + datetime.timedelta(days=1)
        )
    assert "future" in error.value.message_dict["date"][0]
    assert TrainingDay.objects.get().date == _days_ago(7)
    assert Attendance.objects.count() == 2


# --- The register: services ------------------------------------------------------------------


def test_the_register_is_written_whole_and_rewritten_in_place():
    cohort, enrolments = _cohort(3)
    day = _day(cohort)
    saved = services.attendance_record(
        actor=None, training_day=day, marks=_marks(enrolments, PRESENT, ABSENT, EXCUSED)
    )
    assert len(saved) == 3
    assert _statuses(day) == _marks(enrolments, PRESENT, ABSENT, EXCUSED)
    services.attendance_record(
        actor=None, training_day=day, marks=_marks(enrolments, PRESENT, PRESENT, ABSENT)
    )
    assert _statuses(day) == _marks(enrolments, PRESENT, PRESENT, ABSENT)
    assert Attendance.objects.count() == 3


def test_a_missing_mark_is_an_error_naming_the_trainee_and_nothing_is_written():
    cohort, enrolments = _cohort(3)
    day = _day(cohort)
    first, second, third = enrolments
    with pytest.raises(ValidationError) as error:
        services.attendance_record(
            actor=None, training_day=day, marks={first.pk: PRESENT, second.pk: ABSENT}
        )
    assert error.value.message_dict == {
        f"mark_{third.pk}": [
            f"Select whether {third.trainee.full_name} was present, absent or excused"
        ]
    }
    assert not Attendance.objects.exists()

    # A register already taken is left exactly as it was.
    services.attendance_record(
        actor=None, training_day=day, marks=_marks(enrolments, PRESENT, PRESENT, PRESENT)
    )
    with pytest.raises(ValidationError):
        services.attendance_record(
            actor=None, training_day=day, marks={first.pk: ABSENT, second.pk: "", third.pk: ABSENT}
        )
    assert _statuses(day) == _marks(enrolments, PRESENT, PRESENT, PRESENT)


def test_an_unknown_status_is_refused():
    cohort, enrolments = _cohort(1)
    day = _day(cohort)
    with pytest.raises(ValidationError) as error:
        services.attendance_record(actor=None, training_day=day, marks={enrolments[0].pk: "late"})
    assert enrolments[0].trainee.full_name in error.value.messages[0]
    assert not Attendance.objects.exists()


def test_the_register_holds_the_trainees_on_the_cohort_that_day(lead_nurse):
    cohort, (stays, on_break, left_after, left_before) = _cohort(4)
    day = _day(cohort, days_ago=10)
    enrolment_change_status(
        actor=None, enrolment=on_break, status="on_break", on=_days_ago(30), reason="Sick leave"
    )
    enrolment_change_status(
        actor=None,
        enrolment=left_after,
        status="withdrawn",
        on=_days_ago(2),
        reason="Left the trust",
    )
    enrolment_change_status(
        actor=None,
        enrolment=left_before,
        status="withdrawn",
        on=_days_ago(20),
        reason="Left the trust",
    )
    late_joiner = factories.enrol(cohort)
    Enrolment.objects.filter(pk=late_joiner.pk).update(start_date=_days_ago(5))
    other_cohort, (elsewhere,) = _cohort(1)

    on_register = {e.pk for e in selectors.register_for(day)}
    assert on_register == {stays.pk, on_break.pk, left_after.pk}

    for intruder in (left_before, late_joiner, elsewhere):
        marks = _marks([stays, on_break, left_after], PRESENT, EXCUSED, PRESENT)
        with pytest.raises(ValidationError, match="only be recorded for trainees on this cohort"):
            services.attendance_record(
                actor=lead_nurse, training_day=day, marks={**marks, intruder.pk: PRESENT}
            )
    assert not Attendance.objects.exists()
    services.attendance_record(
        actor=lead_nurse,
        training_day=day,
        marks=_marks([stays, on_break, left_after], PRESENT, EXCUSED, PRESENT),
    )
    assert Attendance.objects.count() == 3


def test_the_register_cannot_be_taken_before_the_day():
    cohort, enrolments = _cohort(1)
    day = services.training_day_create(
        actor=None, cohort=cohort, date=TODAY + datetime.timedelta(days=3), topic="Sepsis"
    )
    with pytest.raises(ValidationError, match="on the day"):
        services.attendance_record(actor=None, training_day=day, marks=_marks(enrolments, PRESENT))
    assert not Attendance.objects.exists()


def test_who_may_take_the_register():
    educator, stranger = factories.PracticeEducatorFactory(), factories.PracticeEducatorFactory()
    cohort, enrolments = _cohort(2, educator=educator)
    _cohort(1, educator=stranger)  # supports someone, but not in this cohort
    day = _day(cohort)
    marks = _marks(enrolments, PRESENT, ABSENT)
    for refused in (stranger, enrolments[0].trainee, factories.TutorFactory()):
        with pytest.raises(PermissionDenied):
            services.attendance_record(actor=refused, training_day=day, marks=marks)
    assert not Attendance.objects.exists()
    services.attendance_record(actor=educator, training_day=day, marks=marks)
    assert _statuses(day) == marks


# --- Module results: services ----------------------------------------------------------------


def _results(enrolment):
    return list(
        ModuleResult.objects.filter(enrolment=enrolment).values_list(
            "module__title", "attempt", "outcome"
        )
    )


def test_attempts_follow_on_and_a_pass_closes_the_module():
    tutor = factories.TutorFactory()
    cohort, (enrolment,) = _cohort(1, tutor=tutor)
    first, second = _modules(cohort.programme)

    def record(module, attempt, outcome, days_ago=10, mark=None):
        return services.module_result_record(
            actor=tutor,
            enrolment=enrolment,
            module=module,
            attempt=attempt,
            outcome=outcome,
            mark=mark,
            date=_days_ago(days_ago),
        )

    with pytest.raises(ValidationError) as error:
        record(first, 2, "pass")  # no attempt 1 yet
    assert "this is attempt 1" in error.value.message_dict["attempt"][0]

    result = record(first, 1, "fail", days_ago=30, mark=35)
    assert (result.recorded_by, result.mark) == (tutor, 35)
    with pytest.raises(ValidationError) as error:
        record(first, 1, "pass")  # attempt 1 is recorded already
    assert "already recorded" in error.value.message_dict["attempt"][0]
    with pytest.raises(ValidationError):
        record(first, 3, "pass")  # skips attempt 2
    with pytest.raises(ValidationError) as error:
        record(first, 2, "pass", days_ago=40)  # before attempt 1
    assert "on or after attempt 1" in error.value.message_dict["date"][0]

    record(first, 2, "pass", days_ago=5, mark=58)
    with pytest.raises(ValidationError) as error:
        record(first, 3, "pass")
    assert "no further attempts" in error.value.message_dict["module"][0]

    record(second, 1, "referred", days_ago=20)
    record(second, 2, "pass", days_ago=2)
    assert _results(enrolment) == [
        ("Module 1", 1, "fail"),
        ("Module 1", 2, "pass"),
        ("Module 2", 1, "referred"),
        ("Module 2", 2, "pass"),
    ]


def test_a_module_result_cannot_be_dated_in_the_future_or_have_a_bad_mark(lead_nurse):
    cohort, (enrolment,) = _cohort(1)
    (module,) = _modules(cohort.programme, 1)
    with pytest.raises(ValidationError) as error:
        services.module_result_record(
            actor=lead_nurse,
            enrolment=enrolment,
            module=module,
            attempt=1,
            outcome="pass",
            mark=101,
            date=TODAY + datetime.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"date", "mark"}
    assert "today or in the past" in error.value.message_dict["date"][0]
    assert not ModuleResult.objects.exists()
    services.module_result_record(
        actor=lead_nurse, enrolment=enrolment, module=module, attempt=1, outcome="pass", date=TODAY
    )
    assert ModuleResult.objects.get().mark is None


def test_a_module_of_another_programme_is_refused(lead_nurse):
    cohort, (enrolment,) = _cohort(1)
    (foreign,) = _modules(factories.ProgrammeFactory(), 1)
    with pytest.raises(ValidationError) as error:
        services.module_result_record(
            actor=lead_nurse,
            enrolment=enrolment,
            module=foreign,
            attempt=1,
            outcome="pass",
            date=_days_ago(1),
        )
    assert "this trainee's programme" in error.value.message_dict["module"][0]
    assert not ModuleResult.objects.exists()


def test_only_the_lead_nurse_and_the_trainees_tutor_record_results(lead_nurse):
    tutor, other_tutor = factories.TutorFactory(), factories.TutorFactory()
    cohort, (enrolment,) = _cohort(1, tutor=tutor)
    _cohort(1, tutor=other_tutor)
    (module,) = _modules(cohort.programme, 1)
    kwargs = {"enrolment": enrolment, "module": module, "outcome": "fail", "date": _days_ago(1)}
    with pytest.raises(PermissionDenied):
        services.module_result_record(actor=other_tutor, attempt=1, **kwargs)
    with pytest.raises(PermissionDenied):
        services.module_result_record(actor=enrolment.trainee, attempt=1, **kwargs)
    services.module_result_record(actor=tutor, attempt=1, **kwargs)
    services.module_result_record(actor=lead_nurse, attempt=2, **kwargs)
    assert ModuleResult.objects.count() == 2


# --- Selectors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "absent", "expected"),
    [(0, 0, None), (3, 1, 75), (1, 2, 33), (2, 1, 67), (0, 4, 0), (5, 0, 100)],
)
def test_attendance_percent(present, absent, expected):
    assert selectors.attendance_percent(present, absent) == expected


def test_excused_days_are_left_out_of_the_attendance_percentage():
    cohort, (enrolment, other) = _cohort(2)
    statuses = [PRESENT, PRESENT, PRESENT, ABSENT, EXCUSED, EXCUSED]
    for index, status in enumerate(statuses):
        day = _day(cohort, days_ago=10 + index, topic=f"Day {index}")
        services.attendance_record(
            actor=None, training_day=day, marks={enrolment.pk: status, other.pk: EXCUSED}
        )
    _day(cohort, days_ago=1, topic="Register not taken")
    summary = selectors.attendance_summary(enrolment)
    assert (summary.present, summary.absent, summary.excused) == (3, 1, 2)
    assert summary.percent == 75  # 3 of 4, not 3 of 6 or 3 of 7
    assert selectors.attendance_summary(other).percent is None  # excused every time
    by_trainee = {
        row.enrolment.pk: row.summary.percent for row in selectors.attendance_by_trainee(cohort)
    }
    assert by_trainee == {enrolment.pk: 75, other.pk: None}


def test_training_days_are_listed_with_their_counts():
    cohort, enrolments = _cohort(4)
    later = _day(cohort, days_ago=3, topic="Later")
    earlier = _day(cohort, days_ago=9, topic="Earlier")
    _day(_cohort(1)[0], days_ago=3, topic="Another cohort")
    services.attendance_record(
        actor=None,
        training_day=earlier,
        marks=_marks(enrolments, PRESENT, PRESENT, ABSENT, EXCUSED),
    )
    with CaptureQueriesContext(connection) as captured:
        days = list(selectors.training_days_for(cohort))
    assert len(captured) == 1
    assert [(d.topic, d.present, d.absent, d.excused, d.marked) for d in days] == [
        ("Earlier", 2, 1, 1, 4),
        ("Later", 0, 0, 0, 0),
    ]
    assert later.pk == days[1].pk


def test_module_results_are_listed_in_course_order(lead_nurse):
    cohort, (enrolment,) = _cohort(1)
    first, second = _modules(cohort.programme)
    for module, attempt, outcome in (
        (second, 1, "pass"),
        (first, 1, "referred"),
        (first, 2, "pass"),
    ):
        services.module_result_record(
            actor=lead_nurse,
            enrolment=enrolment,
            module=module,
            attempt=attempt,
            outcome=outcome,
            date=_days_ago(1),
        )
    assert [(r.module.title, r.attempt) for r in selectors.module_results_for(enrolment)] == [
        ("Module 1", 1),
        ("Module 1", 2),
        ("Module 2", 1),
    ]
    assert list(selectors.modules_for(enrolment)) == [first, second]


# --- Pages -----------------------------------------------------------------------------------


@pytest.fixture
def world(lead_nurse):
    """A cohort of three with a mentor, tutor, practice educator and line manager, a held
    training day and a planned one; and people who support trainees elsewhere only."""
    mentor, tutor, educator = (
        factories.MentorFactory(),
        factories.TutorFactory(),
        factories.PracticeEducatorFactory(),
    )
    cohort, enrolments = _cohort(3, mentor=mentor, tutor=tutor, educator=educator)
    manager = factories.ManagerFactory()
    factories.AllocationFactory(
        trainee=enrolments[0].trainee, supporter=manager, kind=Allocation.Kind.MANAGER
    )
    other_tutor, other_educator = factories.TutorFactory(), factories.PracticeEducatorFactory()
    _cohort(1, tutor=other_tutor, educator=other_educator)
    _modules(cohort.programme)
    return {
        "cohort": cohort,
        "enrolments": enrolments,
        "day": _day(cohort),
        "planned": services.training_day_create(
            actor=None, cohort=cohort, date=TODAY + datetime.timedelta(days=14), topic="Sepsis"
        ),
        "lead": lead_nurse,
        "trainee": enrolments[0].trainee,
        "mentor": mentor,
        "tutor": tutor,
        "educator": educator,
        "manager": manager,
        "other_tutor": other_tutor,
        "other_educator": other_educator,
    }


def test_training_days_page_lists_days_with_counts_and_links(client, world):
    day, enrolments = world["day"], world["enrolments"]
    services.attendance_record(
        actor=None, training_day=day, marks=_marks(enrolments, PRESENT, ABSENT, EXCUSED)
    )
    client.force_login(world["lead"])
    html = client.get(reverse("cohorts:training_days", args=[world["cohort"].pk])).content.decode()
    assert "<caption" in html and day.topic in html and "Simulation Suite" in html
    assert reverse("cohorts:attendance_register", args=[day.pk]) in html
    assert reverse("cohorts:training_day_add", args=[world["cohort"].pk]) in html
    assert reverse("cohorts:training_day_edit", args=[day.pk]) in html
    assert "Planned" in html
    assert reverse("cohorts:attendance_register", args=[world["planned"].pk]) not in html
    assert "Attendance by trainee" in html and "No marks yet" in html  # the excused trainee

    client.force_login(world["educator"])
    html = client.get(reverse("cohorts:training_days", args=[world["cohort"].pk])).content.decode()
    assert reverse("cohorts:attendance_register", args=[day.pk]) in html
    assert reverse("cohorts:training_day_add", args=[world["cohort"].pk]) not in html


def test_lead_nurse_adds_and_changes_a_training_day_through_the_pages(client, world):
    cohort = world["cohort"]
    client.force_login(world["lead"])
    url = reverse("cohorts:training_day_add", args=[cohort.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            **factories.date_fields("date", _days_ago(1)),
            "topic": "Tracheostomy care",
            "location": "Lab 2",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cohorts:training_days", args=[cohort.pk])
    day = TrainingDay.objects.get(topic="Tracheostomy care")

    edit = reverse("cohorts:training_day_edit", args=[day.pk])
    response = client.post(
        edit,
        {
            **factories.date_fields("date", _days_ago(2)),
            "topic": "Tracheostomy care and emergencies",
            "version": _version_on(client.get(edit)),
        },
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.date, day.topic, day.location) == (
        _days_ago(2),
        "Tracheostomy care and emergencies",
        "",
    )


def test_training_day_form_mistakes_are_shown_and_what_was_typed_is_kept(client, world):
    cohort = world["cohort"]
    client.force_login(world["lead"])
    response = client.post(
        reverse("cohorts:training_day_add", args=[cohort.pk]),
        {"topic": "Blood transfusion", "location": "Lab 2"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Enter the date of the training day" in html
    assert 'href="#id_date_0"' in html
    assert 'value="Blood transfusion"' in html
    outside = cohort.planned_end_date + datetime.timedelta(days=1)
    html = client.post(
        reverse("cohorts:training_day_add", args=[cohort.pk]),
        {**factories.date_fields("date", outside), "topic": "Blood transfusion"},
    ).content.decode()
    assert "between the cohort&#x27;s intake" in html
    assert TrainingDay.objects.filter(topic="Blood transfusion").count() == 0


def test_lead_nurse_deletes_a_day_without_a_register_only(client, world):
    client.force_login(world["lead"])
    planned = world["planned"]
    url = reverse("cohorts:training_day_delete", args=[planned.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"delete": "Delete training day"}).status_code == 302
    assert not TrainingDay.objects.filter(pk=planned.pk).exists()

    day, enrolments = world["day"], world["enrolments"]
    services.attendance_record(
        actor=None, training_day=day, marks=_marks(enrolments, PRESENT, PRESENT, PRESENT)
    )
    response = client.post(reverse("cohorts:training_day_delete", args=[day.pk]), {"delete": "1"})
    assert response.status_code == 200
    assert "cannot be deleted" in response.content.decode()
    assert TrainingDay.objects.filter(pk=day.pk).exists()


def test_moving_a_taken_register_into_the_future_is_refused_on_the_page(client, world):
    day, enrolments = world["day"], world["enrolments"]
    services.attendance_record(
        actor=None, training_day=day, marks=_marks(enrolments, PRESENT, PRESENT, PRESENT)
    )
    client.force_login(world["lead"])
    url = reverse("cohorts:training_day_edit", args=[day.pk])
    page = client.get(url)
    assert "The register for this day has been taken" in page.content.decode()
    response = client.post(
        url,
        {
            **factories.date_fields("date", TODAY + datetime.timedelta(days=1)),
            "topic": day.topic,
            "version": _version_on(page),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_date_0">The register has been taken' in html
    day.refresh_from_db()
    assert day.date == _days_ago(7)


def test_unknown_days_cohorts_and_enrolments_are_not_found(client, world):
    client.force_login(world["lead"])
    for name in (
        "training_days",
        "training_day_add",
        "training_day_edit",
        "training_day_delete",
        "attendance_register",
        "module_result_add",
    ):
        assert client.get(reverse(f"cohorts:{name}", args=[987654])).status_code == 404, name


def test_the_register_shows_who_is_on_a_break(client, world):
    day, enrolments = world["day"], world["enrolments"]
    enrolment_change_status(
        actor=None, enrolment=enrolments[1], status="on_break", on=_days_ago(30), reason="Sick"
    )
    client.force_login(world["lead"])
    html = client.get(reverse("cohorts:attendance_register", args=[day.pk])).content.decode()
    row = html[html.index(escape(enrolments[1].trainee.full_name)) :]
    row = row[: row.index("</th>")]
    assert '<strong class="nhsuk-tag nhsuk-tag--yellow">On a break</strong>' in row


@pytest.mark.parametrize("who", ["lead", "educator"])
def test_the_register_page_shows_and_saves_the_whole_cohort(client, world, who):
    day, enrolments = world["day"], world["enrolments"]
    services.attendance_record(
        actor=None, training_day=day, marks=_marks(enrolments, ABSENT, PRESENT, PRESENT)
    )
    client.force_login(world[who])
    url = reverse("cohorts:attendance_register", args=[day.pk])
    html = client.get(url).content.decode()
    assert (
        f'<caption class="nhsuk-table__caption nhsuk-table__caption--m">Register for {day.topic}'
        in html
    )
    for enrolment in enrolments:
        name = escape(enrolment.trainee.full_name)  # Faker may give an O'Brien
        # Each row is a fieldset whose legend names the trainee, with inline radios.
        assert re.search(rf"<legend[^>]*>{re.escape(name)}</legend>", html)
        assert f'id="id_mark_{enrolment.pk}_0"' in html
    assert html.count("nhsuk-radios nhsuk-radios--inline") == 3
    assert _checked(html, enrolments[0], ABSENT) and not _checked(html, enrolments[0], PRESENT)
    assert _checked(html, enrolments[1], PRESENT)
    assert len(re.findall(r">\s*Save register\s*</button>", html)) == 1

    response = client.post(url, {**_post_marks(enrolments, PRESENT, EXCUSED, ABSENT), "save": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cohorts:training_days", args=[world["cohort"].pk])
    assert _statuses(day) == _marks(enrolments, PRESENT, EXCUSED, ABSENT)


def test_an_unmarked_row_is_listed_and_the_other_choices_are_kept(client, world):
    day, (first, second, third) = world["day"], world["enrolments"]
    client.force_login(world["educator"])
    url = reverse("cohorts:attendance_register", args=[day.pk])
    response = client.post(url, {**_post_marks([first, third], ABSENT, EXCUSED), "save": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    summary = html[html.index("nhsuk-error-summary") : html.index("<h1")]
    message = escape(f"Select whether {second.trainee.full_name} was present, absent or excused")
    assert f'<a href="#id_mark_{second.pk}_0">{message}</a>' in summary
    assert html.count(message) == 2  # in the summary and on the row
    assert _checked(html, first, ABSENT) and _checked(html, third, EXCUSED)
    assert not any(_checked(html, second, s) for s in (PRESENT, ABSENT, EXCUSED))
    assert not Attendance.objects.exists()


def test_mark_everyone_present_fills_the_blanks_but_saves_nothing(client, world):
    day, (first, second, third) = world["day"], world["enrolments"]
    client.force_login(world["lead"])
    url = reverse("cohorts:attendance_register", args=[day.pk])
    response = client.post(url, {f"mark_{second.pk}": ABSENT, "mark_everyone": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been saved yet" in html and "There is a problem" not in html
    assert _checked(html, first, PRESENT) and _checked(html, third, PRESENT)
    assert _checked(html, second, ABSENT)
    assert not Attendance.objects.exists()


def test_the_register_of_a_planned_day_cannot_be_taken_yet(client, world):
    client.force_login(world["lead"])
    url = reverse("cohorts:attendance_register", args=[world["planned"].pk])
    html = client.get(url).content.decode()
    assert "You can take the register on the day" in html and "Save register" not in html
    enrolments = world["enrolments"]
    client.post(url, {**_post_marks(enrolments, PRESENT, PRESENT, PRESENT), "save": "1"})
    assert not Attendance.objects.exists()


def test_tutor_records_a_module_result_through_the_page(client, world):
    enrolment = world["enrolments"][0]
    module = Module.objects.get(programme=world["cohort"].programme, order=1)
    client.force_login(world["tutor"])
    url = reverse("cohorts:module_result_add", args=[enrolment.pk])
    html = client.get(url).content.decode()
    assert "Module 1" in html and "Module 2" in html
    response = client.post(
        url,
        {
            "module": module.pk,
            "attempt": "1",
            "outcome": "referred",
            "mark": "38",
            **factories.date_fields("date", _days_ago(3)),
        },
    )
    assert response.status_code == 302
    result = ModuleResult.objects.get()
    assert (result.module, result.attempt, result.outcome, result.mark, result.recorded_by) == (
        module,
        1,
        "referred",
        38,
        world["tutor"],
    )
    html = client.get(url).content.decode()
    assert "Referred" in html and "Results recorded so far" in html


def test_module_result_mistakes_are_shown_on_the_page(client, world):
    enrolment = world["enrolments"][0]
    module = Module.objects.get(programme=world["cohort"].programme, order=1)
    client.force_login(world["lead"])
    url = reverse("cohorts:module_result_add", args=[enrolment.pk])
    html = client.post(
        url,
        {
            "module": module.pk,
            "attempt": "2",
            "outcome": "pass",
            "mark": "64",
            **factories.date_fields("date", TODAY + datetime.timedelta(days=2)),
        },
    ).content.decode()
    assert "There is a problem" in html
    assert "The date of the result must be today or in the past" in html
    html = client.post(
        url,
        {
            "module": module.pk,
            "attempt": "2",
            "outcome": "pass",
            "mark": "164",
            **factories.date_fields("date", _days_ago(1)),
        },
    ).content.decode()
    assert "The mark must be between 0 and 100" in html
    html = client.post(
        url,
        {
            "module": module.pk,
            "attempt": "2",
            "outcome": "pass",
            **factories.date_fields("date", _days_ago(1)),
        },
    ).content.decode()
    assert "this is attempt 1" in html and 'href="#id_attempt"' in html
    assert not ModuleResult.objects.exists()


# --- Refusals --------------------------------------------------------------------------------

PAGES = {
    "training_days": lambda w: reverse("cohorts:training_days", args=[w["cohort"].pk]),
    "training_day_add": lambda w: reverse("cohorts:training_day_add", args=[w["cohort"].pk]),
    "training_day_edit": lambda w: reverse("cohorts:training_day_edit", args=[w["day"].pk]),
    "training_day_delete": lambda w: reverse("cohorts:training_day_delete", args=[w["day"].pk]),
    "attendance_register": lambda w: reverse("cohorts:attendance_register", args=[w["day"].pk]),
    "module_result_add": lambda w: reverse(
        "cohorts:module_result_add", args=[w["enrolments"][0].pk]
    ),
}
# Who is refused on each page besides the people refused everywhere (trainee, mentor,
# manager, and a practice educator who supports nobody in the cohort).
ALSO_REFUSED = {
    "training_days": ["tutor"],
    "training_day_add": ["tutor", "educator"],
    "training_day_edit": ["tutor", "educator"],
    "training_day_delete": ["tutor", "educator"],
    "attendance_register": ["tutor"],
    "module_result_add": ["other_tutor", "educator"],
}
REFUSALS = [
    (page, who)
    for page, extra in ALSO_REFUSED.items()
    for who in ["trainee", "mentor", "manager", "other_educator", *extra]
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, world, page):
    url = PAGES[page](world)
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize(("page", "who"), REFUSALS)
def test_people_without_the_permission_are_refused(client, world, page, who):
    url = PAGES[page](world)
    client.force_login(world[who])
    assert client.get(url).status_code == 403
    enrolments = world["enrolments"]
    data = {
        **_post_marks(enrolments, PRESENT, PRESENT, PRESENT),
        **factories.date_fields("date", _days_ago(1)),
        "topic": "Changed",
        "module": Module.objects.first().pk,
        "attempt": "1",
        "outcome": "pass",
        "save": "1",
        "delete": "1",
    }
    assert client.post(url, data).status_code == 403
    assert not Attendance.objects.exists() and not ModuleResult.objects.exists()
    assert TrainingDay.objects.count() == 2
    assert not TrainingDay.objects.filter(topic="Changed").exists()


@pytest.mark.parametrize("page", ["training_days", "attendance_register", "module_result_add"])
def test_the_people_who_may_use_a_page_can(client, world, page):
    allowed = {
        "training_days": ["lead", "educator"],
        "attendance_register": ["lead", "educator"],
        "module_result_add": ["lead", "tutor"],
    }[page]
    for who in allowed:
        client.force_login(world[who])
        assert client.get(PAGES[page](world)).status_code == 200, who


# --- Query counts ----------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["training_days", "attendance_register"])
@pytest.mark.parametrize("who", ["lead", "educator"])
def test_page_queries_do_not_grow_with_the_cohort(client, lead_nurse, page, who):
    counts = []
    for size in (2, 20):
        educator = factories.PracticeEducatorFactory()
        cohort, enrolments = _cohort(size, educator=educator)
        days = [_day(cohort, days_ago=n, topic=f"Day {n}") for n in range(1, 4)]
        for day in days[:2]:
            services.attendance_record(
                actor=None, training_day=day, marks={e.pk: PRESENT for e in enrolments}
            )
        url = (
            reverse("cohorts:training_days", args=[cohort.pk])
            if page == "training_days"
            else reverse("cohorts:attendance_register", args=[days[0].pk])
        )
        client.force_login(lead_nurse if who == "lead" else educator)
        client.get(url)  # the first page counts the header's unread notifications (then cached)
        counts.append(_queries(client, url))
    small, large = counts
    assert small == large, counts
    assert large <= 12


# --- Demo data -------------------------------------------------------------------------------


def test_the_demo_seed_makes_training_days_registers_and_results_once():
    for _ in range(2):  # the second run must find everything in place
        call_command("seed_demo", stdout=io.StringIO())
    first = Cohort.objects.get(name="Cohort 1", status="finished")
    second = Cohort.objects.get(name="Cohort 2", status="running")
    assert first.training_days.count() == 8
    assert second.training_days.count() == 6
    held = second.training_days.filter(date__lte=TODAY)
    assert held.count() == 4
    assert Attendance.objects.filter(training_day__cohort=first).count() == 5 * 8
    assert Attendance.objects.filter(training_day__cohort=second).count() == 16 * 4
    assert not Attendance.objects.filter(training_day__date__gt=TODAY).exists()
    assert Attendance.objects.exclude(status=PRESENT).count() >= 5

    percents = [row.summary.percent for row in selectors.attendance_by_trainee(second)]
    assert min(percents) == 50 and sorted(percents)[1] >= 75

    first_results = ModuleResult.objects.filter(enrolment__cohort=first)
    assert first_results.filter(outcome="pass").count() == 5 * 4
    assert list(first_results.exclude(outcome="pass").values_list("attempt", "outcome")) == [
        (1, "referred")
    ]
    assert first_results.filter(attempt=2, outcome="pass").count() == 1
    second_results = ModuleResult.objects.filter(enrolment__cohort=second)
    assert second_results.count() == 16
    assert second_results.values("module").distinct().count() == 1
    assert second_results.filter(outcome="fail").count() == 1
    marks = list(second_results.values_list("mark", flat=True))
    assert min(marks) >= 45 and max(marks) <= 78
    assert not ModuleResult.objects.filter(date__gt=TODAY).exists()


def _version_on(response) -> str:
    """The edit form's version (pathway/concurrency.py), as a browser would send it back."""
    return re.search(r'name="version" value="([^"]+)"', response.content.decode()).group(1)
