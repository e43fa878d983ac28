"""The page benchmark (`manage.py bench`, `make bench`).

For each main page and the sign-off POST: the number of SQL queries of one request, the median
and 95th percentile of the server time over `requests` requests through Django's test client
(after two warm-up requests), and the floor: the median time of the bare SQL in bench/floors.py.

Runs with the production settings (debug off, Argon2id passwords), except what the test client
needs: plain HTTP, the host name "testserver", static files without a manifest, emails kept in
memory. The sign-off POSTs are real: they append to the trainees' chains (verify_records still
passes) on requests the benchmark first creates through the services, as a trainee would.
"""

from __future__ import annotations

import datetime
import json
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api import services as api_services
from api.scopes import Scope
from bench import floors
from bench.scale import EMAIL_DOMAIN, PROGRAMME_NAME, SCALE_PASSWORD
from cohorts.models import Cohort, Enrolment, EnrolmentStatus
from competencies import services
from competencies.models import CompetencyProgress, ProgressState, SignOffRequest
from pathway.models import Allocation, User

REFERENCE_PAGE = "your account (reference)"
KEYS = ("page", "trainees", "queries", "p50_ms", "p95_ms", "floor_ms")


@dataclass
class Result:
    page: str
    trainees: int
    queries: int
    p50_ms: float
    p95_ms: float
    floor_ms: float | None  # None: no bare SQL written for this page


@dataclass
class Scene:
    """Who and what the benchmark looks at: one running cohort half-way through."""

    cohort: Cohort
    lead: User
    trainee: User
    record_id: int
    competency_id: int
    mentor: User
    trainees: int


def bench_settings():
    storages = {**settings.STORAGES}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    return override_settings(
        ALLOWED_HOSTS=["testserver"],
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES=storages,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )


def find_scene(today: datetime.date) -> Scene:
    cohorts = Cohort.objects.filter(
        programme__name=PROGRAMME_NAME, status=Cohort.Status.RUNNING
    ).order_by("-intake_date")
    target = today - datetime.timedelta(weeks=26)
    cohort = min(cohorts, key=lambda c: abs((c.intake_date - target).days))
    enrolment = (
        Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ACTIVE)
        .select_related("trainee")
        .order_by("trainee__email")
        .first()
    )
    # The competency with the longest history on this record: the page's worst case.
    competency_id = (
        CompetencyProgress.objects.filter(record_id=enrolment.record_id)
        .order_by("-practice_count", "competency_id")
        .values_list("competency_id", flat=True)
        .first()
    )
    mentor = User.objects.get(
        pk=Allocation.objects.current(today)
        .filter(trainee=enrolment.trainee, kind=Allocation.Kind.MENTOR)
        .values("supporter_id")[:1]
    )
    return Scene(
        cohort=cohort,
        lead=User.objects.get(email=f"lead00001@{EMAIL_DOMAIN}"),
        trainee=enrolment.trainee,
        record_id=enrolment.record_id,
        competency_id=competency_id,
        mentor=mentor,
        trainees=Enrolment.objects.filter(cohort__programme__name=PROGRAMME_NAME).count(),
    )


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def _ms(seconds: float) -> float:
    # Two decimals: on SQLite a small page's floor is well under 0.05 ms.
    return round(seconds * 1000, 2)


def _count_queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def _floor(statements, runs: int) -> float:
    """The median time of running the bare SQL statements once each."""
    samples = []
    for _ in range(runs + 2):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples[2:])


def _get(client: Client, url: str, expect: int = 200):
    response = client.get(url)
    if response.status_code != expect:
        raise RuntimeError(f"GET {url} gave {response.status_code}, expected {expect}")
    return response


def measure_get(name, client, url, floor, *, requests, trainees) -> Result:
    for _ in range(2):
        _get(client, url)
    queries = _count_queries(lambda: _get(client, url))
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        _get(client, url)
        samples.append(time.perf_counter() - started)
    return Result(
        name,
        trainees,
        queries,
        _ms(statistics.median(samples)),
        _ms(_percentile(samples, 0.95)),
        _ms(_floor(floor, requests)) if floor else None,
    )


def open_requests_for_bench(scene: Scene, count: int, today) -> list[SignOffRequest]:
    """Sign-off requests for the benchmark to decide, made as trainees make them: supervised
    practice logged, then a request to their current mentor. Spread over the cohort's active
    trainees (the first benchmark trainee is left alone so its pages stay the same)."""
    enrolments = list(
        Enrolment.objects.filter(cohort=scene.cohort, status=EnrolmentStatus.ACTIVE)
        .exclude(trainee=scene.trainee)
        .select_related("record__trainee")
        .order_by("trainee__email")
    ) or [Enrolment.objects.select_related("record__trainee").get(record_id=scene.record_id)]
    mentors = {
        a.trainee_id: a.supporter
        for a in Allocation.objects.current(today)
        .filter(kind=Allocation.Kind.MENTOR, trainee__in=[e.trainee_id for e in enrolments])
        .select_related("supporter")
    }
    made = []
    for enrolment in enrolments:
        record = enrolment.record
        rows = (
            CompetencyProgress.objects.filter(
                record=record, state__in=[ProgressState.NOT_STARTED, ProgressState.IN_PROGRESS]
            )
            .select_related("competency")
            .order_by("competency_id")
        )
        for row in rows[: max(1, math.ceil(count / len(enrolments)))]:
            competency = row.competency
            for _ in range(max(competency.supervised_practices_required - row.practice_count, 0)):
                services.practice_log(
                    actor=record.trainee,
                    record=record,
                    competencies=[competency],
                    practised_on=today,
                    supervisor_name="Benchmark supervisor",
                    activity="Supervised practice logged by the benchmark",
                )
            made.append(
                services.sign_off_request_create(
                    actor=record.trainee,
                    record=record,
                    competency=competency,
                    mentor=mentors[record.trainee_id],
                    note="Benchmark",
                )
            )
            if len(made) >= count:
                return made
    if len(made) < count:
        raise RuntimeError(f"Only {len(made)} competencies left to ask sign-off for")
    return made


def measure_sign_off(name, scene, requests_made, today, *, trainees) -> Result:
    clients: dict[int, Client] = {}

    def post(sign_off_request) -> float:
        client = clients[sign_off_request.mentor_id]
        url = reverse("competencies:sign_off", args=[sign_off_request.pk])
        data = {
            "outcome": "achieved",
            "method": sign_off_request.competency.assessment_methods[0],
            "assessed_on_day": today.day,
            "assessed_on_month": today.month,
            "assessed_on_year": today.year,
            "feedback": "",
            "password": SCALE_PASSWORD,
        }
        started = time.perf_counter()
        response = client.post(url, data)
        elapsed = time.perf_counter() - started
        if response.status_code != 302:
            raise RuntimeError(f"POST {url} gave {response.status_code}, expected a redirect")
        return elapsed

    pending = list(requests_made)
    for request in pending:  # every mentor signed in before anything is counted or timed
        if request.mentor_id not in clients:
            clients[request.mentor_id] = client = Client()
            client.force_login(request.mentor)
            # Each test client builds its own middleware on its first request (WhiteNoise
            # then indexes every static file: 200-400 ms), which a server does once at start.
            # A mentor opens their queue first anyway.
            _get(client, reverse("competencies:my_trainees"))
    for request in pending[:2]:  # warm-up
        post(request)
    queries = _count_queries(lambda: post(pending[2]))
    samples = [post(request) for request in pending[3:-1]]

    # Floor: the same writes as bare SQL on a request still open, rolled back.
    extra = pending[-1]
    floor_samples = []
    statements = floors.sign_off(
        extra.pk, extra.record.trainee_id, extra.record_id, extra.competency_id, extra.mentor_id
    )
    for _ in range(len(samples)):
        with transaction.atomic():
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
            floor_samples.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return Result(
        name,
        trainees,
        queries,
        _ms(statistics.median(samples)),
        _ms(_percentile(samples, 0.95)),
        _ms(statistics.median(floor_samples)),
    )


def run(*, requests: int = 30, out: Callable[[str], None] = print) -> list[Result]:
    today = timezone.localdate()
    with bench_settings():
        scene = find_scene(today)
        out(
            f"Benchmark on {connection.vendor}, {scene.trainees:,} trainees, "
            f"{requests} requests a page; cohort {scene.cohort.name}"
        )
        lead, trainee, mentor = Client(), Client(), Client()
        lead.force_login(scene.lead)
        trainee.force_login(scene.trainee)
        mentor.force_login(scene.mentor)
        cohort = scene.cohort.pk
        n = scene.trainees
        rostering = api_client(today)
        pages = [
            (
                "trainee progress",
                trainee,
                reverse("competencies:my_progress"),
                floors.trainee_progress(scene.record_id, today),
            ),
            (
                "competency page",
                trainee,
                reverse(
                    "competencies:competency_detail", args=[scene.record_id, scene.competency_id]
                ),
                floors.competency_page(scene.record_id, scene.competency_id),
            ),
            (
                "mentor queue",
                mentor,
                reverse("competencies:my_trainees"),
                floors.mentor_queue(scene.mentor.pk, today),
            ),
            (
                "cohort dashboard",
                lead,
                reverse("cohorts:cohort_detail", args=[cohort]),
                floors.cohort_dashboard(cohort, today),
            ),
            (
                "competency grid",
                lead,
                reverse("cohorts:cohort_grid", args=[cohort]),
                floors.competency_grid(cohort, today),
            ),
            (
                "programme overview",
                lead,
                reverse("cohorts:programme_overview"),
                floors.programme_overview(today),
            ),
            (
                "cohort export (xlsx)",
                lead,
                reverse("cohorts:cohort_export", args=[cohort, "xlsx"]),
                floors.cohort_dashboard(cohort, today),
            ),
            (
                # The integration API: a page of 50 from the current-competence register, as
                # rostering reads it with its bearer token.
                API_PAGE,
                rostering,
                reverse("api:register_list") + "?limit=50",
                floors.api_register(today, 50),
            ),
        ]
        # Lists that grow with the history (issue #18 point 6): each shows one page or a search.
        surname = scene.trainee.full_name.split()[-1]
        pages += [
            ("people list", lead, reverse("pathway:people"), floors.people_list()),
            (
                "people search",
                lead,
                reverse("pathway:people") + f"?q={surname}",
                floors.people_list(surname),
            ),
            ("audit history", lead, reverse("cohorts:audit_log"), floors.audit_history()),
            (
                "audit, one person",
                lead,
                reverse("cohorts:audit_log") + f"?who={scene.trainee.email}",
                floors.audit_history(scene.trainee.email),
            ),
            ("cohort list", lead, reverse("cohorts:cohort_list"), floors.cohort_list()),
            ("reviews due", lead, reverse("cohorts:reviews_due"), floors.reviews_due(today)),
            (
                "mentor register",
                lead,
                reverse("support:mentor_register"),
                floors.mentor_register(today),
            ),
            (
                "outcomes dashboard",
                lead,
                reverse("outcomes:dashboard"),
                floors.outcomes_dashboard(today),
            ),
        ]
        results = []
        for name, client, url, floor in pages:
            results.append(measure_get(name, client, url, floor, requests=requests, trainees=n))
            out(_line(results[-1]))
        made = open_requests_for_bench(scene, requests + 4, today)
        results.append(measure_sign_off("sign-off POST", scene, made, today, trainees=n))
        out(_line(results[-1]))
        # Not one of the pages: what any signed-in page costs before it reads its own
        # data (session, person, roles, header and footer), to read the others' floors against.
        results.append(
            measure_get(
                REFERENCE_PAGE,
                trainee,
                reverse("pathway:account"),
                floors.account_page(scene.trainee.pk),
                requests=requests,
                trainees=n,
            )
        )
        out(_line(results[-1]))
    return results


API_PAGE = "API register page"


def api_client(today) -> Client:
    """A test client carrying a new rostering client's token, made through the service as an
    administrator makes one; it expires tomorrow."""
    _client, token = api_services.api_client_create(
        actor=None,
        name=f"Benchmark rostering {timezone.now():%Y%m%d%H%M%S%f}",
        kind="rostering",
        scopes=[Scope.READ_REGISTER],
        expires_on=today + datetime.timedelta(days=1),
    )
    return Client(headers={"Authorization": f"Bearer {token}"})


def _floor_text(floor_ms: float | None) -> str:
    return "-" if floor_ms is None else f"{floor_ms:.2f}"


def _line(result: Result) -> str:
    return (
        f"{result.page:<22} {result.trainees:>8,} {result.queries:>8} {result.p50_ms:>9.1f} "
        f"{result.p95_ms:>9.1f} {_floor_text(result.floor_ms):>9}"
    )


HEADER = f"{'page':<22} {'trainees':>8} {'queries':>8} {'p50 ms':>9} {'p95 ms':>9} {'floor ms':>9}"

# A page at the larger size may take at most this many times its median at the smaller one
# (issue #18: national scale, 20,000 trainees beside 2,000).
MOST_SLOWER = 1.25


def table(results: list[Result]) -> str:
    return "\n".join([HEADER, "-" * len(HEADER), *(_line(r) for r in results)])


def read_report(path: Path) -> list[Result]:
    return [Result(**item) for item in json.loads(path.read_text())]


def beside(results: list[Result], other: list[Result]) -> str:
    """Each page at this size beside the same page at another: the query counts must match
    and the median stay within MOST_SLOWER times the smaller size's."""
    theirs = {r.page: r for r in other}
    small, large = sorted({results[0].trainees, other[0].trainees})
    header = (
        f"{'page':<22} {f'q {small:,}':>9} {f'q {large:,}':>9} {f'p50 {small:,}':>10} "
        f"{f'p50 {large:,}':>10} {'ratio':>6}  verdict"
    )
    lines = [header, "-" * len(header)]
    for mine in results:
        their = theirs.get(mine.page)
        if their is None:
            continue
        at = {mine.trainees: mine, their.trainees: their}
        ratio = at[large].p50_ms / at[small].p50_ms if at[small].p50_ms else math.inf
        same = at[large].queries == at[small].queries
        verdict = "ok" if same and ratio <= MOST_SLOWER else "MISSED"
        if not same:
            verdict += " (queries differ)"
        lines.append(
            f"{mine.page:<22} {at[small].queries:>9} {at[large].queries:>9} "
            f"{at[small].p50_ms:>10.1f} {at[large].p50_ms:>10.1f} {ratio:>6.2f}  {verdict}"
        )
    return "\n".join(lines)


def write_report(results: list[Result], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
