"""The hours pages: what each person sees, the forms, the exports, the cohort dashboard's tag,
and query counts that do not grow with the ledger or the cohort."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import BreakInLearning, BreakStatus, OtjEntry, OtjEntryStatus
from cohorts.models import Attendance, TrainingDay
from competencies.models import PracticeEntry
from tests import factories
from tests.apprenticeships.hours_helpers import apprentice, hours_world
from tests.factories import date_fields

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def w():
    return hours_world(weeks_in=20)


def _confirmed(w, hours="2", days_ago=3, apprenticeship=None):
    return OtjEntry.objects.create(
        apprenticeship=apprenticeship or w.apprenticeship,
        on=timezone.localdate() - days_ago * DAY,
        hours=Decimal(hours),
        activity="theory",
        description="Read the sepsis guideline",
        logged_by=w.apprentice,
        status=OtjEntryStatus.CONFIRMED,
        decided_by=w.manager,
        decided_at=timezone.now(),
    )


def _url(name, *args):
    return reverse(f"apprenticeships:{name}", args=args)


# The apprentice's page -----


def test_the_apprentice_sees_their_ledger_with_its_sources(client, w):
    _confirmed(w, hours="2.5")
    client.force_login(w.apprentice)
    response = client.get(_url("my_hours"))
    assert response["Location"] == _url("hours", w.apprenticeship.pk)
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="actual">2.5' in html
    assert "Logged by the apprentice" in html
    assert "Read the sepsis guideline" in html
    assert 'data-testid="log-hours"' in html
    assert 'data-testid="behind"' in html


def test_someone_not_on_an_apprenticeship_has_no_hours_page(client):
    client.force_login(factories.TraineeFactory())
    assert client.get(_url("my_hours")).status_code == 404


@pytest.mark.parametrize("who", ["manager", "tutor", "educator", "lead"])
def test_the_apprentices_supporters_see_the_ledger_but_do_not_log(client, w, who):
    client.force_login(getattr(w, who))
    html = client.get(_url("hours", w.apprenticeship.pk)).content.decode()
    assert "Off-the-job training hours" in html
    assert 'data-testid="log-hours"' not in html


def test_a_mentor_or_another_apprentice_gets_not_found(client, w):
    for person in (w.mentor, factories.TraineeFactory()):
        client.force_login(person)
        assert client.get(_url("hours", w.apprenticeship.pk)).status_code == 404


def test_logging_hours_through_the_form(client, w):
    client.force_login(w.apprentice)
    day = timezone.localdate() - DAY
    response = client.post(
        _url("hours_log", w.apprenticeship.pk),
        {
            **date_fields("on", day),
            "hours": "1.75",
            "activity": "mentoring",
            "description": "Mentoring session on wound care",
        },
    )
    assert response.status_code == 302
    entry = OtjEntry.objects.get()
    assert (entry.hours, entry.on, entry.status) == (Decimal("1.75"), day, "waiting")


def test_bad_input_keeps_what_was_typed_and_writes_nothing(client, w):
    client.force_login(w.apprentice)
    response = client.post(
        _url("hours_log", w.apprenticeship.pk),
        {
            **date_fields("on", timezone.localdate()),
            "hours": "99",
            "activity": "theory",
            "description": "Kept text <b>here</b>",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "Hours must be 12 or fewer" in html
    assert "Kept text &lt;b&gt;here&lt;/b&gt;" in html
    assert not OtjEntry.objects.exists()


def test_the_manager_confirms_from_their_list(client, w):
    entry = OtjEntry.objects.create(
        apprenticeship=w.apprenticeship,
        on=timezone.localdate() - DAY,
        hours=Decimal("3"),
        activity="industry_visit",
        description="Visited the community team",
        logged_by=w.apprentice,
    )
    client.force_login(w.manager)
    html = client.get(_url("hours_to_confirm")).content.decode()
    assert _url("entry_decide", entry.pk) in html
    response = client.post(_url("entry_decide", entry.pk), {"decision": "no", "reason": ""})
    assert response.status_code == 200
    assert "Enter the reason" in response.content.decode()
    response = client.post(_url("entry_decide", entry.pk), {"decision": "yes", "reason": ""})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == OtjEntryStatus.CONFIRMED


def test_recording_and_approving_a_break_through_the_pages(client, w):
    today = timezone.localdate()
    client.force_login(w.tutor)
    response = client.post(
        _url("break_add", w.apprenticeship.pk),
        {
            **date_fields("starts_on", today - 10 * DAY),
            **date_fields("returns_on", today + 20 * DAY),
            "reason": "Long-term sickness",
        },
    )
    assert response.status_code == 302
    a_break = BreakInLearning.objects.get()
    client.force_login(w.lead)
    assert (
        _url("break_decide", a_break.pk) in client.get(_url("breaks_to_approve")).content.decode()
    )
    client.post(_url("break_decide", a_break.pk), {"decision": "yes"})
    a_break.refresh_from_db()
    assert a_break.status == BreakStatus.APPROVED
    html = client.get(_url("hours", w.apprenticeship.pk)).content.decode()
    assert "On a break" in html
    assert "Planned end moved" in html


def test_the_recorder_of_a_break_is_refused_its_approval_page(client, w):
    today = timezone.localdate()
    a_break = BreakInLearning.objects.create(
        apprenticeship=w.apprenticeship,
        starts_on=today - 5 * DAY,
        returns_on=today + 5 * DAY,
        reason="Parental leave",
        recorded_by=w.lead,
    )
    client.force_login(w.lead)
    assert client.get(_url("break_decide", a_break.pk)).status_code == 403
    assert (
        _url("break_decide", a_break.pk)
        not in client.get(_url("breaks_to_approve")).content.decode()
    )


# Query counts -----


def _fill(w, n):
    for i in range(n):
        _confirmed(w, days_ago=i + 1)
        day = TrainingDay.objects.create(
            cohort=w.cohort, date=timezone.localdate() - (i + 1) * DAY, topic=f"Day {i}"
        )
        Attendance.objects.create(training_day=day, enrolment=w.enrolment, status="present")
        PracticeEntry.objects.create(
            record=w.enrolment.record,
            practised_on=timezone.localdate() - (i + 1) * DAY,
            supervisor_name="Sam",
            off_the_job=True,
            otj_hours=Decimal("1"),
        )


def _queries(client, user, url):
    client.force_login(user)
    client.get(url)  # once first: what is cached for a while (unread notifications) is cached
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_ledger_page_takes_the_same_queries_however_long(client):
    small, large = hours_world(), hours_world()
    _fill(small, 1)
    _fill(large, 6)
    assert _queries(client, small.lead, _url("hours", small.apprenticeship.pk)) == _queries(
        client, large.lead, _url("hours", large.apprenticeship.pk)
    )


def test_cohort_pages_take_the_same_queries_however_many_apprentices(client):
    small, large = hours_world(), hours_world()
    for _ in range(4):
        apprentice(large.cohort, manager=large.manager)
    for name in ("cohort_hours",):
        assert _queries(client, small.lead, _url(name, small.cohort.pk)) == _queries(
            client, large.lead, _url(name, large.cohort.pk)
        )
    dashboard = "cohorts:cohort_detail"
    assert _queries(client, small.lead, reverse(dashboard, args=[small.cohort.pk])) == _queries(
        client, large.lead, reverse(dashboard, args=[large.cohort.pk])
    )


def test_the_funding_page_takes_the_same_queries_however_many_cohorts(client):
    first = hours_world()
    lead = first.lead
    before = _queries(client, lead, _url("funding_at_risk"))
    for _ in range(3):
        hours_world()
    assert _queries(client, lead, _url("funding_at_risk")) == before


def test_the_to_confirm_list_takes_the_same_queries_however_many(client, w):
    def waiting(apprenticeship):
        OtjEntry.objects.create(
            apprenticeship=apprenticeship,
            on=timezone.localdate(),
            hours=1,
            activity="theory",
            description="x",
            logged_by=apprenticeship.enrolment.trainee,
        )

    waiting(w.apprenticeship)
    before = _queries(client, w.manager, _url("hours_to_confirm"))
    for _ in range(3):
        _e, other = apprentice(w.cohort, manager=w.manager)
        waiting(other)
    assert _queries(client, w.manager, _url("hours_to_confirm")) == before


# The cohort dashboard, the cohort's hours, the funding at risk -----


def test_the_cohort_dashboard_tags_apprentices_behind_on_hours(client, w):
    on_track_enrolment, on_track = apprentice(w.cohort, manager=w.manager)
    _confirmed(w, hours="12", apprenticeship=on_track)
    for _ in range(15):
        _confirmed(w, hours="12", apprenticeship=on_track)
    client.force_login(w.lead)
    html = client.get(reverse("cohorts:cohort_detail", args=[w.cohort.pk])).content.decode()
    behind_row = html.split(f'data-enrolment="{w.enrolment.pk}"')[1].split("</tr>")[0]
    on_track_row = html.split(f'data-enrolment="{on_track_enrolment.pk}"')[1].split("</tr>")[0]
    assert "Behind on off-the-job hours" in behind_row
    assert "Behind on off-the-job hours" not in on_track_row
    assert reverse("apprenticeships:cohort_hours", args=[w.cohort.pk]) in html


def test_a_cohort_that_is_not_an_apprenticeship_has_no_tags(client):
    cohort = factories.CohortFactory()
    factories.enrol(cohort)
    lead = factories.LeadNurseFactory()
    client.force_login(lead)
    html = client.get(reverse("cohorts:cohort_detail", args=[cohort.pk])).content.decode()
    assert 'data-testid="row-note"' not in html
    assert "Off-the-job training hours" not in html


def test_the_lead_nurse_sees_the_funding_at_risk(client, w):
    client.force_login(w.lead)
    html = client.get(_url("funding_at_risk")).content.decode()
    assert w.cohort.name in html
    assert "£15,000" in html
    assert "How this is estimated" in html
    html = client.get(_url("cohort_hours", w.cohort.pk)).content.decode()
    assert "Funding at risk (estimate): £15,000" in html


def test_a_practice_educator_sees_the_cohorts_hours_without_the_funding(client, w):
    client.force_login(w.educator)
    html = client.get(_url("cohort_hours", w.cohort.pk)).content.decode()
    assert w.apprentice.full_name in html
    assert "Funding at risk" not in html


# Exports -----


def test_the_ledger_downloads_as_csv_and_excel(client, w):
    entry = _confirmed(w, hours="2.5")
    entry.description = '=HYPERLINK("x")'
    entry.save()
    client.force_login(w.apprentice)
    response = client.get(_url("hours_export", w.apprenticeship.pk, "csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Date", "Source", "What", "Hours"]
    assert rows[1][1] == "Logged by the apprentice"
    assert rows[1][3] == "2.50"
    assert not rows[1][2].startswith("=")
    response = client.get(_url("hours_export", w.apprenticeship.pk, "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["D2"].value == 2.5
    assert client.get(_url("hours_export", w.apprenticeship.pk, "pdf")).status_code == 404


def test_the_cohort_hours_download_with_funding_for_the_lead_nurse_only(client, w):
    client.force_login(w.lead)
    response = client.get(_url("cohort_hours_export", w.cohort.pk, "csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "Funding at risk (estimate, £)"
    assert rows[1][0] == w.apprentice.full_name
    client.force_login(w.educator)
    response = client.get(_url("cohort_hours_export", w.cohort.pk, "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert "Funding at risk (estimate, £)" not in headers
    assert sheet["A2"].value == w.apprentice.full_name


# The changes to other apps' forms -----


def test_the_practice_form_marks_practice_as_off_the_job(client, w):
    record = w.enrolment.record
    competency = record.progress.first().competency
    client.force_login(w.apprentice)
    url = reverse("competencies:practice_add", args=[record.pk])
    data = {
        "competencies": [competency.pk],
        "when": "today",
        "supervisor": "not_listed",
        "supervisor_name": "Sam Patel, staff nurse",
        "off_the_job": "on",
        "otj_hours": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Enter the off-the-job hours" in response.content.decode()
    client.post(url, {**data, "otj_hours": "2"})
    entry = PracticeEntry.objects.get()
    assert entry.off_the_job and entry.otj_hours == Decimal("2")


def test_a_training_day_has_a_length(client, w):
    client.force_login(w.lead)
    url = reverse("cohorts:training_day_add", args=[w.cohort.pk])
    day = timezone.localdate()
    client.post(url, {**date_fields("date", day), "topic": "Falls", "duration_hours": "3.5"})
    client.post(url, {**date_fields("date", day), "topic": "Sepsis", "duration_hours": ""})
    lengths = dict(TrainingDay.objects.values_list("topic", "duration_hours"))
    assert lengths == {"Falls": Decimal("3.5"), "Sepsis": Decimal("7.5")}
