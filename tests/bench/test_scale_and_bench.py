"""seed_scale and the benchmark at a tiny size: consistent data, valid chains, a report with
the right keys, and the hand-written floors fetching the same numbers as the pages. Nothing here
is timed (docs/performance.md has the timings)."""

from __future__ import annotations

import datetime
import json
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from bench import floors, runner
from bench.scale import PROGRAMME_NAME, existing_size
from cohorts.models import Attendance, Cohort, Enrolment, Review
from cohorts.selectors import dashboards
from competencies.integrity import verify_chains
from competencies.models import (
    Assessment,
    CompetencyProgress,
    Evidence,
    PracticeEntry,
    ProgressState,
    SignOffRequest,
    TrainingRecord,
)
from outcomes.selectors import stages_by_code
from pathway.models import MentorPreparation, RoleCode, User
from pathway.preparation import add_months, update_due_on

pytestmark = pytest.mark.django_db

N = 20


@pytest.fixture
def scale(db):
    call_command("seed_scale", trainees=N, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return timezone.localdate()


def test_seed_scale_builds_the_asked_size_with_unbroken_chains(scale):
    assert existing_size() == N
    assert Enrolment.objects.filter(cohort__programme__name=PROGRAMME_NAME).count() == N
    assert TrainingRecord.objects.count() >= N
    # 120 core + 10 specific competencies on every record.
    per_record = Counter(CompetencyProgress.objects.values_list("record_id", flat=True))
    assert set(per_record.values()) == {130}
    checked, breaks = verify_chains()
    assert checked > N and breaks == []
    assert Review.objects.exists() and Attendance.objects.exists()
    assert Cohort.objects.filter(programme__name=PROGRAMME_NAME, status="running").exists()
    assert Cohort.objects.filter(programme__name=PROGRAMME_NAME, status="planned").count() == 2
    connection.check_constraints()  # every id written refers to a row that exists


def test_each_progress_row_follows_from_its_practice_and_decisions(scale):
    practice = Counter(
        PracticeEntry.competencies.through.objects.values_list(
            "practiceentry__record_id", "competency_id"
        )
    )
    revoked = set(Assessment.objects.filter(outcome="revoked").values_list("revokes_id", flat=True))
    standing = {}
    for a in Assessment.objects.exclude(outcome="revoked").order_by("sequence"):
        if a.pk not in revoked:
            standing[(a.record_id, a.competency_id)] = a
    open_requests = set(
        SignOffRequest.objects.filter(status="open").values_list("record_id", "competency_id")
    )
    states = Counter()
    for row in CompetencyProgress.objects.select_related("competency"):
        key = (row.record_id, row.competency_id)
        states[row.state] += 1
        assert row.practice_count == practice.get(key, 0), key
        decision = standing.get(key)
        if row.state == ProgressState.ACHIEVED:
            assert decision.outcome == "achieved" and decision.assessed_on == row.achieved_on
            assert row.expires_on == row.competency.expiry_after(row.achieved_on)
            assert row.practice_count >= row.competency.supervised_practices_required
        elif row.state == ProgressState.AWAITING_SIGN_OFF:
            assert key in open_requests
        elif row.state == ProgressState.NOT_YET_COMPETENT:
            assert decision.outcome == "not_yet_competent" and key not in open_requests
        else:
            assert decision is None and key not in open_requests
    assert states[ProgressState.ACHIEVED] and states[ProgressState.AWAITING_SIGN_OFF]
    # Every decided request has its decision; open ones have none yet.
    decided = SignOffRequest.objects.filter(status="decided")
    assert decided.count() == Assessment.objects.exclude(outcome="revoked").count()
    assert not Assessment.objects.filter(request__status="open").exists()


def test_evidence_files_are_in_storage(scale):
    files = Evidence.objects.filter(kind=Evidence.Kind.FILE)
    assert files.exists()
    for evidence in files[:5]:
        with evidence.file.open("rb") as file:
            assert file.read().startswith(b"%PDF")


def test_seed_scale_twice_keeps_one_data_set_and_refuses_another_size(scale):
    call_command("seed_scale", trainees=N, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert existing_size() == N
    with pytest.raises(CommandError, match="another database"):
        call_command("seed_scale", trainees=N + 1)


def test_the_dashboard_floor_fetches_the_numbers_the_dashboard_shows(scale):
    today = scale
    scene = runner.find_scene(today)
    dashboard = dashboards.cohort_dashboard(scene.cohort, today=today)
    (sql, params), _mentors = floors.cohort_dashboard(scene.cohort.pk, today)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        floor = {row[0]: row for row in cursor.fetchall()}
    assert len(floor) == len(dashboard.all_rows) == N
    for row in dashboard.all_rows:
        f = floor[row.enrolment_pk]
        assert (row.core_required, row.specific_required) == (f[6], f[7])
        assert (row.core_achieved, row.specific_achieved) == (f[8], f[9])
        assert (row.present, row.absent, row.excused) == tuple(v or 0 for v in f[12:15])
        assert row.open_requests == (f[15] or 0)


def test_the_overview_floor_counts_what_the_overview_shows(scale):
    today = scale
    overview = dashboards.programme_overview(today=today)
    _cohorts, (sql, params) = floors.programme_overview(today)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        floor = {row[0]: row for row in cursor.fetchall()}
    assert overview.running and set(floor) == {item.cohort.pk for item in overview.running}
    for item in overview.running:
        kept = floor[item.cohort.pk][4]  # the kept numbers, as the view left them
        numbers = json.loads(kept) if isinstance(kept, str) else kept
        assert (item.summary.behind, item.summary.overdue_reviews) == (
            numbers["behind"],
            numbers["overdue_reviews"],
        )


def _fetch_each(statements) -> list[list[tuple]]:
    """What each of a floor's statements reads, in order."""
    with connection.cursor() as cursor:
        found = []
        for sql, params in statements:
            cursor.execute(sql, params)
            found.append(cursor.fetchall())
    return found


@pytest.fixture
def lead(scale, client):
    client.force_login(runner.find_scene(scale).lead)
    return client


def _day(value) -> datetime.date | None:
    """A date as the floor read it: SQLite gives a MAX or MIN of dates as text."""
    return None if value is None else datetime.date.fromisoformat(str(value))


def _shown(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return response.context


@pytest.mark.parametrize("search", [False, True])
def test_the_people_floor_reads_the_page_of_people_shown(scale, lead, search):
    text = runner.find_scene(scale).trainee.full_name.split()[-1] if search else ""
    shown = _shown(lead, reverse("pathway:people") + (f"?q={text}" if text else ""))
    [(count,)], rows = _fetch_each(floors.people_list(text))
    page = shown["page"]
    assert count == page.paginator.count >= len(page.object_list) > 0
    roles = defaultdict(set)
    for pk, *_rest, role in rows:
        roles[pk].add(role)
    assert list(roles) == [person.pk for person in page.object_list]
    for person in page.object_list:
        assert roles[person.pk] == {role.code for role in person.held_roles}


@pytest.mark.parametrize("about_one_person", [False, True])
def test_the_audit_floor_reads_the_changes_shown(scale, lead, about_one_person):
    trainee = runner.find_scene(scale).trainee
    for job_title in ("Healthcare support worker", "Nursing associate"):  # two versions
        trainee.job_title = job_title
        trainee.save()
    who = trainee.email if about_one_person else ""
    shown = _shown(lead, reverse("cohorts:audit_log") + (f"?who={who}" if who else ""))
    found = _fetch_each(floors.audit_history(who))
    if about_one_person:
        assert [row[0] for row in found.pop(0)] == [trainee.pk]
    [(count,)], keys, *versions = found
    entries = shown["page"].object_list
    assert count == shown["page"].paginator.count >= 2
    assert [key for _when, _history_id, key in keys] == [entry.kind.key for entry in entries]
    read = {row[0] for rows in versions for row in rows}  # each version's record id
    assert {entry.record_id for entry in entries} <= read
    assert entries[0].changes and entries[0].changes[0].new == "Nursing associate"


def test_the_cohort_list_floor_reads_the_cohorts_and_numbers_shown(scale, lead):
    shown = _shown(lead, reverse("cohorts:cohort_list"))
    by_status, rows, programmes = _fetch_each(floors.cohort_list())
    labels = {"running": "Running", "planned": "Planned", "finished": "Finished"}
    assert {labels[status]: n for status, n in by_status} == {
        label: total for label, _cohorts, total in shown["groups"] if total
    }
    cohorts = [cohort for _label, cohorts, _total in shown["groups"] for cohort in cohorts]
    assert [(row[0], row[-1]) for row in rows] == [
        (c.pk, c.total_count if c.status == "finished" else c.current_count) for c in cohorts
    ]
    assert [name for _pk, name in programmes] == [p.name for p in shown["programmes"]]


def test_the_reviews_due_floor_reads_the_rows_shown(scale, lead):
    today = scale
    # The seeded trainees are not due yet: some are made due, one overdue.
    due = Enrolment.objects.filter(review_due_on__isnull=False).order_by("pk")[:3]
    for days, enrolment in zip((-3, 0, 10), due, strict=True):
        enrolment.review_due_on = today + datetime.timedelta(days=days)
        enrolment.save(update_fields=["review_due_on"])
    shown = _shown(lead, reverse("cohorts:reviews_due"))
    [(count,)], rows = _fetch_each(floors.reviews_due(today))
    assert count == shown["page"].paginator.count >= 3
    assert [(pk, next_due, _day(last)) for pk, _name, _cohort, next_due, last in rows] == [
        (row.enrolment.pk, row.next_due, row.last_review_on) for row in shown["rows"]
    ]


def test_the_mentor_register_floor_reads_the_mentors_shown(scale, lead):
    today = scale
    # Three mentors due their annual update within 30 days, on days in the window's order.
    mentors = User.objects.filter(roles__code=RoleCode.MENTOR, is_active=True).order_by("pk")
    for days, mentor in zip((20, 0, 30), mentors[:3], strict=True):
        latest = add_months(today + datetime.timedelta(days=days), -12)
        MentorPreparation.objects.update_or_create(
            mentor=mentor, defaults={"prepared_on": latest, "last_update_on": None}
        )
    shown = _shown(lead, reverse("support:mentor_register"))
    [(count,)], rows, due_soon = _fetch_each(floors.mentor_register(today))
    assert count == shown["page"].paginator.count > 0
    assert [(pk, prepared, updated) for pk, _name, prepared, updated in rows] == [
        (entry.mentor.pk, entry.prepared_on, entry.last_update_on) for entry in shown["entries"]
    ]
    assert [row[0] for row in due_soon] == [entry.mentor.pk for entry in shown["due_soon"].entries]
    assert due_soon[0][-1] == shown["due_soon"].total >= 3


def test_the_mentor_register_floor_finds_exactly_those_due_within_30_days(scale):
    today = scale
    low, high = floors._latest_dates_due_between(today, today + datetime.timedelta(days=30))
    due_on = {latest: update_due_on(latest, None) for latest in (low, high)}
    before, after = low - datetime.timedelta(days=1), high + datetime.timedelta(days=1)
    assert today <= due_on[low] <= due_on[high] <= today + datetime.timedelta(days=30)
    assert update_due_on(before, None) < today
    assert update_due_on(after, None) > today + datetime.timedelta(days=30)


def test_the_outcomes_floor_reads_the_facts_of_the_cohorts_shown(scale, lead):
    today = scale
    shown = _shown(lead, reverse("outcomes:dashboard"))
    [(count,)], cohorts, enrolments, _moves, stages = _fetch_each(floors.outcomes_dashboard(today))
    assert count == shown["page"].paginator.count > 0
    assert [row[0] for row in cohorts] == [cohort.pk for cohort in shown["page"].object_list]
    people = {
        (item.cohort.pk, person.person_pk): person
        for item in shown["dashboard"].cohorts
        for person in item.people
    }
    read = {(row[1], row[2]): row for row in enrolments if row[4] != "deferred"}
    assert set(read) == set(people) and people
    for key, person in people.items():
        _pk, _cohort, _trainee, _name, status, _reason, start, _end, _area, qualified = read[key][
            :10
        ]
        first_start = read[key][11]
        assert person.started_on == (_day(first_start) or start)
        assert person.qualified_on == (_day(qualified) if status == "qualified" else None)
    assert len(stages) == len(stages_by_code())


LISTS = [
    "people list",
    "people search",
    "audit history",
    "audit, one person",
    "cohort list",
    "reviews due",
    "mentor register",
    "outcomes dashboard",
]


def test_the_benchmark_writes_its_report(scale, tmp_path):
    output = tmp_path / "report.json"
    call_command(
        "bench",
        trainees=N,
        requests=2,
        output=str(output),
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    report = json.loads(output.read_text())
    pages = [item["page"] for item in report]
    assert pages == [
        "trainee progress",
        "competency page",
        "mentor queue",
        "cohort dashboard",
        "competency grid",
        "programme overview",
        "cohort export (xlsx)",
        "API register page",
        *LISTS,
        "sign-off POST",
        "your account (reference)",
    ]
    for item in report:
        assert tuple(item) == runner.KEYS
        assert item["trainees"] == N
        assert 0 < item["queries"] <= 30
        assert item["p50_ms"] > 0 and item["p95_ms"] >= item["p50_ms"]
        assert item["floor_ms"] > 0
    assert json.loads((tmp_path / f"report-{N}.json").read_text()) == report
    # The sign-offs it made are real decisions on the chains, which still verify.
    assert verify_chains()[1] == []


def test_a_report_beside_another_size_flags_more_queries_or_a_slower_median():
    def result(page, trainees, queries, p50):
        return runner.Result(page, trainees, queries, p50, p50, None)

    small = [
        result("flat", 2000, 5, 10.0),
        result("slower", 2000, 5, 10.0),
        result("more", 2000, 5, 10.0),
    ]
    large = [
        result("flat", 20000, 5, 12.5),
        result("slower", 20000, 5, 12.6),
        result("more", 20000, 6, 10.0),
    ]
    lines = runner.beside(large, small).splitlines()[2:]
    assert lines[0].split()[-1] == "ok"
    assert lines[1].endswith("1.26  MISSED")
    assert lines[2].endswith("MISSED (queries differ)")


def test_the_benchmark_refuses_scale_data_of_another_size(scale, tmp_path):
    with pytest.raises(CommandError, match="not 21"):
        call_command("bench", trainees=21, requests=1, output=str(tmp_path / "r.json"))


def test_query_counts_are_the_same_for_20_and_60_trainees(db, tmp_path):
    """The benchmark's own check, at sizes a test can afford. Each size is seeded and measured
    in a savepoint that is then rolled back, as each size has a database of its own."""
    counts = defaultdict(list)
    for size in (20, 60):
        with transaction.atomic():
            call_command("seed_scale", trainees=size, stdout=open("/dev/null", "w"))  # noqa: SIM115
            output = tmp_path / f"{size}.json"
            call_command(
                "bench",
                trainees=size,
                requests=1,
                output=str(output),
                stdout=open("/dev/null", "w"),  # noqa: SIM115
            )
            transaction.set_rollback(True)
        for item in json.loads(output.read_text()):
            counts[item["page"]].append(item["queries"])
    assert len(counts) == 18
    # The audit history reads each kind of record on its page with queries of its own. At these
    # sizes its first page holds fewer than fifty people, so it mixes in other kinds, as a
    # larger programme's does not: a mix of kinds, not the history's size (bounded below).
    mixed = {"audit history", "audit, one person"}
    for page, (small, large) in counts.items():
        assert page in mixed or small == large, (page, small, large)
        assert large <= 30 and small <= 30, page
