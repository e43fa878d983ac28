"""Bad input, fuzzed with hypothesis, on every form and upload.

The promise: whatever people type or upload (text in any script, right-to-left marks,
zero-width joiners, emoji, NUL bytes, strings of 100,000 characters, numbers too big for the
database, impossible dates, missing fields, extra fields, several values where one is expected,
broken, cut and mislabelled files), a form page
- never answers 500;
- answers a success redirect (302), or the page again (200) with the NHS.UK error summary
  ("There is a problem");
- and, when it does not succeed, leaves the data exactly as it was: no row of any model of
  pathway, competencies or cohorts (history and many-to-many tables included) is added, changed
  or removed, and no evidence file is left in storage. (This is stronger than comparing counts:
  each table's rows are fingerprinted.)

How one example runs (`submit`): a new client signed in as the person allowed to use the form,
inside a savepoint; every model's rows are fingerprinted, the body is sent, the answer checked,
the rows fingerprinted again; then the savepoint is rolled back. Hypothesis runs all of a test's
examples inside one test transaction, so without that rollback one example's success (a
sign-off, a withdrawal) would change the world for the next. After a success the page it
redirects to, and for the cohort forms the staff pages that show what they save (dashboards,
charts, overviews: `staff_pages`), are fetched too: none may answer 500 either. Every POST body
carries a CSRF token field, as a browser's does (the test client does not check it).

Explicit ``@example``s pin inputs that once answered 500 (found by this fuzzing, all fixed since)
and a few edges. Each "# Regression" note above one says what used to happen and, where it is not
plain, how it is refused or handled now; the example stays so that it stays fixed.

Values that stand for the world (a mentor's id, the date 3 days ago, an uploaded fixture cut at
byte 120) are drawn as tokens (`Ref`, `Ago`, `Upload`) and resolved when the example is sent, so
that a failing example hypothesis prints can be pasted into an ``@example`` as it is.

Answers other than 200 and 302 that are right, and allowed only where said:
- 400 from the framework editor's move buttons when the direction is not "up" or "down":
  competencies/views/frameworks.py answers HttpResponseBadRequest on purpose (no form there);
- 400 from Django when a body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig),
  only when the encoded body really is over that limit.
Pages that rightly answer 200 with no error summary and no change:
- the attendance register after "Mark everyone present" (fills the blanks on screen only);
- the GET filter forms (cohort dashboard, cohort comparison) when every value is valid, and the
  dashboard's download;
- the practice and evidence pages' ``?competency=`` pre-selection.
"""

from __future__ import annotations

import datetime
import hashlib
import operator
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django import forms as django_forms
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cohorts.forms.dashboards import DashboardFilterForm
from cohorts.models import Attendance, EnrolmentStatus, ModuleResult, Review
from cohorts.progress import Rag
from cohorts.selectors import charts as chart_selectors
from cohorts.selectors import dashboards as dashboard_selectors
from cohorts.selectors.dashboards import SHOWN_STATUSES, SORT_KEYS
from cohorts.services import training as training_services
from cohorts.views.charts import ComparisonForm
from competencies import services as competency_services
from competencies.interchange import FORMATS
from competencies.models import AssessmentMethod, Evidence
from pathway.fields import NHSDateField
from pathway.models import Allocation, Module, User
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROBLEM = "There is a problem"
NEW_PASSWORD = "A-much-longer-passphrase-2026"
CSRF_TOKEN = "x" * 64
UPLOAD_LIMIT = 16 * 1024  # PATHWAY_MAX_UPLOAD_BYTES in the upload tests: every fixture is smaller

FUZZ = hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = hypothesis_settings(FUZZ, max_examples=12)


# Tokens: values that stand for something in the world, resolved when an example is sent ------


class Long(str):
    """A long run of one character, printed short when hypothesis shows a failing example."""

    def __new__(cls, char: str, count: int):
        text = super().__new__(cls, char * count)
        text.char, text.count_ = char, count
        return text

    def __repr__(self) -> str:
        return f"Long({self.char!r}, {self.count_})"

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))


@dataclass(frozen=True)
class Ref:
    """An attribute of the world, sent as text: Ref("mentor.pk")."""

    path: str

    def resolve(self, world) -> str:
        return str(operator.attrgetter(self.path)(world))


@dataclass(frozen=True)
class Ago:
    """One box of a date `days` before today (negative: in the future): Ago(3, "day")."""

    days: int
    part: str

    def resolve(self, world) -> str:
        day = timezone.localdate() - datetime.timedelta(days=self.days)
        return f"{day.year:04d}" if self.part == "year" else str(getattr(day, self.part))


@dataclass(frozen=True)
class Upload:
    """A file to upload: a fixture (relative to tests/fixtures) or bytes of its own, then cut,
    with bytes overwritten, with text inserted (into a UTF-8 fixture) or padded at the end."""

    name: str = ""  # "" keeps the fixture's own name
    source: str = ""
    raw: bytes = b""
    cut: int | None = None
    flips: tuple[tuple[int, int], ...] = ()
    insert: tuple[int, str] | None = None
    padding: int = 0

    def content(self) -> bytes:
        data = (FIXTURES / self.source).read_bytes() if self.source else self.raw
        if self.insert is not None:
            at, text = self.insert
            decoded = data.decode("utf-8")
            at = at % (len(decoded) + 1)
            data = (decoded[:at] + text + decoded[at:]).encode("utf-8")
        if self.cut is not None:
            data = data[: self.cut]
        for at, byte in self.flips:
            if data:
                at %= len(data)
                data = data[:at] + bytes([byte]) + data[at + 1 :]
        return data + b" " * self.padding

    def resolve(self, world) -> SimpleUploadedFile:
        name = self.name or (Path(self.source).name if self.source else "")
        if Path(name).name in {"", ".", ".."}:
            # The test client cannot send these (a browser sends no file at all for them).
            name = f"upload{name}"
        return SimpleUploadedFile(name, self.content())


TOKENS = (Ref, Ago, Upload)


def resolve(value, world):
    if isinstance(value, TOKENS):
        return value.resolve(world)
    if isinstance(value, list):
        return [resolve(item, world) for item in value]
    if isinstance(value, dict):
        return {resolve(key, world): resolve(item, world) for key, item in value.items()}
    return value


def _pairs(data: dict) -> list[tuple[str, str]]:
    return [
        (key, item)
        for key, value in data.items()
        for item in (value if isinstance(value, list) else [value])
    ]


# Strategies ---------------------------------------------------------------------------------

ANY_CHAR = st.characters(codec="utf-8")  # every Unicode category but surrogates
TEXT = st.text(ANY_CHAR, max_size=40)
ODD = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\u200f\u200e",  # right-to-left and left-to-right marks
        "\u202eevil\u202c",  # right-to-left override
        "\u200d",  # zero-width joiner
        "\u200b\ufeff",  # zero-width space, byte order mark
        "👩🏽‍⚕️",  # emoji with a skin tone and joiners
        "🏥💉",
        "e\u0301",  # combining accent
        "İß\ufb01",
        "שלום עולם",
        "مرحبا",
        "\u2028\u2029",
        "\t\r\n",
        "<script>alert(1)</script>",
        "'; DROP TABLE cohorts_cohort; --",
        "{{ 7|add:7 }}{% now 'Y' %}",
        "%s %(x)s {0}",
        "../../etc/passwd",
        '=HYPERLINK("http://x")',
        "null",
        "None",
        "[]",
    ]
)
NUMBERS = st.sampled_from(
    [
        "0",
        "-1",
        "1",
        "2",
        "3",
        "9",
        "10",
        "12",
        "52",
        "53",
        "100",
        "101",
        "32767",
        "32768",
        "65536",
        "2147483648",
        "9223372036854775808",
        "-9223372036854775809",
        "1e3",
        "1.5",
        "1.0",
        "NaN",
        "inf",
        "-0",
        "+1",
        " 1 ",
        "0x1F",
        "1_000",
        "١٢",  # Arabic-Indic digits
        "²",  # a digit to str.isdigit, not to int()
        "𝟗",  # mathematical bold nine
        "Ⅻ",
        Long("9", 5000),  # more digits than int() accepts
    ]
)
LONG = st.builds(
    Long,
    st.sampled_from(["a", "é", "😀", "\u202e", "\u200d", "7", "\x00", " ", ","]),
    st.sampled_from([101, 151, 201, 256, 501, 2001, 5001, 10_001, 100_000]),
)
SCALAR = st.one_of(TEXT, ODD, NUMBERS, st.integers().map(str), LONG)
SHORT = st.one_of(TEXT, ODD, NUMBERS)
HOSTILE = st.one_of(SCALAR, st.lists(SHORT, max_size=3))
EXTRA_KEY = st.one_of(
    st.text(ANY_CHAR, min_size=1, max_size=20),
    st.sampled_from(
        ["csrfmiddlewaretoken", "submit", "next", "id", "pk", "actor", "record", "trainee"]
        + ["is_staff", "is_superuser", "status", "save", "delete", "password"]
    ),
)
# The test client writes multipart names and file names between double quotes, unescaped.
MULTIPART_KEY = st.text(
    st.characters(codec="utf-8", exclude_characters='"\r\n'), min_size=1, max_size=20
)
# A number of hours as typed: good, out of range, too precise, not a number, not Latin digits.
HOURS = st.one_of(
    SCALAR,
    st.sampled_from(["7.5", "0.25", "0", "-1", "12.01", "3.333", "1e9", "NaN", "Infinity", "٣"]),
)

PLAIN = st.from_regex(r"[A-Z][a-z]{1,12}( [A-Za-z][a-z]{0,12}){0,3}", fullmatch=True)
CODE = st.from_regex(r"[A-Z]{1,4}[0-9]{0,3}", fullmatch=True)
SLUG = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)
DATE_PART = st.one_of(
    st.integers(-2, 40).map(str),
    st.sampled_from(
        ["0000", "0001", "1899", "2026", "9999", "10000", "99999", "٢٠٢٦", "²", "𝟚𝟘𝟚𝟞"]
        + ["1.0", "+1", " 7 ", "0x7", "", "0031", "00031"]
    ),
    SCALAR,
)
IMPOSSIBLE_DATES = [
    ("31", "2", "2026"),
    ("29", "2", "2025"),
    ("0", "13", "99999"),
    ("32", "1", "2026"),
    ("31", "4", "2026"),
    ("0", "0", "0000"),
    ("1", "1", "0000"),
    ("31", "12", "9999"),
    ("1", "1", "0001"),
]


def date_input(name: str, *, past: int = 400, future: int = 60):
    """The three boxes of an NHS.UK date input: a real date near today (so that the rest of
    the form is reached), any real date, an impossible one, or hostile boxes, some missing."""

    def boxes(values):
        return dict(zip((f"{name}_day", f"{name}_month", f"{name}_year"), values, strict=True))

    near = st.integers(-future, past).map(
        lambda n: boxes([Ago(n, "day"), Ago(n, "month"), Ago(n, "year")])
    )
    real = st.dates().map(lambda d: boxes([str(d.day), str(d.month), f"{d.year:04d}"]))
    parts = ("day", "month", "year")
    return st.one_of(
        near,
        real,
        st.sampled_from(IMPOSSIBLE_DATES).map(boxes),
        st.fixed_dictionaries({}, optional={f"{name}_{part}": DATE_PART for part in parts}),
    )


def on(name: str, day: str, month: str, year: str) -> dict:
    """A date input's three boxes, as typed (for explicit examples)."""
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def days_ago(name: str, days: int) -> dict:
    return {f"{name}_{part}": Ago(days, part) for part in ("day", "month", "year")}


@st.composite
def form_body(draw, fields: dict, dates=(), extra_key=EXTRA_KEY, extra=True):
    """A POST body: each field a likely-good value, a hostile one, or left out; each date
    input as date_input draws it; then up to three extra keys (which may clash with a field)."""
    data = {}
    for name, good in fields.items():
        how = draw(st.sampled_from(("good", "good", "hostile", "missing")))
        if how == "good":
            data[name] = draw(good)
        elif how == "hostile":
            data[name] = draw(HOSTILE)
    for name in dates:
        data.update(draw(date_input(name)))
    if extra:
        data.update(draw(st.dictionaries(extra_key, HOSTILE, max_size=3)))
    return data


def refs(*paths: str):
    return st.sampled_from([Ref(path) for path in paths])


def ref_lists(*paths: str):
    return st.lists(refs(*paths), min_size=1, max_size=len(paths), unique=True)


def choices(*values: str):
    return st.sampled_from(list(values))


def fixture_names(*folders: str) -> list[str]:
    return [
        f"{folder}/{path.name}"
        for folder in folders
        for path in sorted((FIXTURES / folder).iterdir())
        if path.is_file()
    ]


def _utf8(source: str) -> bool:
    try:
        (FIXTURES / source).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return source.endswith(".csv")


FILE_STEM = st.text(
    st.characters(codec="utf-8", exclude_characters='"\r\n/\\'), min_size=0, max_size=30
)
EXTENSIONS = [".csv", ".CSV", ".xlsx", ".xls", ".txt", ".pdf", ".PDF", ".docx", ".doc", ".png"]
EXTENSIONS += [".jpg", ".exe", ".pdf.exe", ".tar.gz", "", "."]


def uploads(*folders: str):
    """Files for an upload field: the folders' fixtures whole, cut, with bytes overwritten or
    with hostile text inserted; random bytes; text; empty files; files over the size limit;
    each under its own name or a wrong one."""
    sources = fixture_names(*folders)
    texts = [source for source in sources if _utf8(source)]
    name = st.one_of(st.just(""), st.builds(str.__add__, FILE_STEM, st.sampled_from(EXTENSIONS)))
    source = st.sampled_from(sources)
    flips = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8)
    inserted = [
        st.builds(
            Upload,
            name=name,
            source=st.sampled_from(texts),
            insert=st.tuples(st.integers(0, 5000), SCALAR),
        )
    ]
    return st.one_of(
        st.builds(Upload, name=name, source=source),
        st.builds(Upload, name=name, source=source, cut=st.integers(0, 7000)),
        st.builds(Upload, name=name, source=source, flips=flips.map(tuple)),
        st.builds(
            Upload,
            name=name,
            source=source,
            cut=st.integers(0, 7000),
            flips=flips.map(tuple),
        ),
        *(inserted if texts else []),
        st.builds(Upload, name=name, raw=st.binary(max_size=3000)),
        st.builds(Upload, name=name, raw=TEXT.map(lambda t: t.encode("utf-8"))),
        st.builds(Upload, name=name, raw=TEXT.map(lambda t: t.encode("utf-16"))),
        st.builds(Upload, name=name, raw=st.just(b"")),
        st.builds(
            Upload,
            name=name,
            source=source,
            padding=st.integers(UPLOAD_LIMIT, UPLOAD_LIMIT + 2000),
        ),
    )


def upload_field(*folders: str):
    """An upload, two uploads under one name, or text where a file is expected."""
    one = uploads(*folders)
    return st.one_of(one, one, st.lists(one, min_size=2, max_size=2), SHORT)


# Checking one example -----------------------------------------------------------------------

CHECKED_APPS = {"pathway", "competencies", "cohorts"}


def _checked_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in CHECKED_APPS
    ]


def fingerprint() -> dict[str, tuple[int, str]]:
    """Each model's row count and a hash of all its rows."""
    state = {}
    for model in _checked_models():
        # Binary columns come back from PostgreSQL as memoryviews, whose repr is an address.
        rows = [
            tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)
            for row in model._base_manager.order_by("pk").values_list()
        ]
        state[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def stored_files() -> list[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def _show(data) -> str:
    if isinstance(data, SimpleUploadedFile):
        data.seek(0)
        content = data.read()
        data.seek(0)
        return f"<file {data.name!r}, {len(content)} bytes, starting {content[:40]!r}>"
    if isinstance(data, list):
        return "[" + ", ".join(_show(item) for item in data) + "]"
    if isinstance(data, dict):
        return "{" + ", ".join(f"{k!r}: {_show(v)}" for k, v in data.items()) + "}"
    if isinstance(data, str) and len(data) > 80:
        return f"{data[:40]!r}... ({len(data)} characters)"
    return repr(data)


PROJECT = Path(__file__).resolve().parents[1]


def _trace(response) -> str:
    """The exception behind a 500: the project's own frames, then the last few lines."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return "(no exception recorded)"
    ours = [
        f"  {Path(frame.filename).relative_to(PROJECT)}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(exc_info[2])
        if frame.filename.startswith(str(PROJECT))
        and "/.venv/" not in frame.filename
        and "/tests/" not in frame.filename
    ]
    last = "".join(traceback.format_exception(*exc_info)[-4:])
    return "project frames:\n" + "\n".join(ours) + "\n" + last


def _body_size(pairs) -> int:
    return len(urlencode(pairs).encode())


def submit(
    world,
    who,
    url,
    data,
    *,
    method: str = "post",
    multipart: bool = False,
    bad_request_ok: bool = False,
    summary=True,
    follow: bool = True,
    also=(),
):
    """Send one example as `who` (None: anonymous) and check the promise (module docstring).

    `url` may be a callable taking the client (for pages reached through a redirect).
    `summary`: whether a 200 must show the error summary; a callable gets the resolved data.
    `also`: pages that show what the form saves, fetched after a success: none may answer 500.
    """
    data = resolve(data, world)
    if method == "post":
        # Every form a browser sends carries the CSRF token (the test client does not check it).
        # Without one, a POST can be empty, and the views rightly treat that as a first visit.
        data = {"csrfmiddlewaretoken": CSRF_TOKEN, **data}
    client = Client(raise_request_exception=False)
    with transaction.atomic():
        if who is not None:
            client.force_login(User.objects.get(pk=who.pk))
        address = url(client) if callable(url) else url
        before, files_before = fingerprint(), stored_files()
        pairs = [] if multipart else _pairs(data)
        if method == "get":
            query = urlencode(pairs)
            response = client.get(f"{address}?{query}" if query else address)
        elif multipart:
            response = client.post(address, data)
        else:
            response = client.post(
                address, urlencode(pairs), content_type="application/x-www-form-urlencoded"
            )
        status = response.status_code
        where = f"{method.upper()} {address} as {who or 'anonymous'}\ninput: {_show(data)}"
        assert status != 500, f"500 for {where}\n{_trace(response)}"
        if status == 302:
            location = response["Location"]
            assert not location.startswith(reverse("login")), f"sent to sign in: {where}"
            for shown in [location] if follow else []:
                page = client.get(shown)
                assert page.status_code != 500, (
                    f"the page after a success ({shown}) answered 500 for {where}\n{_trace(page)}"
                )
            for shown in also:
                page = client.get(shown)
                assert page.status_code != 500, (
                    f"{shown}, which shows what was saved, answered 500 for {where}\n{_trace(page)}"
                )
        else:
            too_big = (
                not multipart
                and method == "post"
                and _body_size(pairs) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            )
            assert status == 200 or (status == 400 and (bad_request_ok or too_big)), (
                f"{status} for {where}\n{response.content[:500]!r}"
            )
            needs_summary = summary(data) if callable(summary) else summary
            if status == 200 and needs_summary:
                body = response.content.decode()
                assert PROBLEM in body, f"200 without the error summary for {where}"
            after = fingerprint()
            changed = sorted(label for label in before if before[label] != after[label])
            assert not changed, f"not a success, yet {changed} changed, for {where}"
            assert stored_files() == files_before, f"files left in storage for {where}"
        transaction.set_rollback(True)
    return response


# The world ----------------------------------------------------------------------------------


class World:
    """A running cohort (intake 20 weeks ago) on a published framework, a later cohort of the
    same programme and a cohort of another programme; a trainee with a mentor, a tutor, a
    practice educator and a line manager, an open sign-off request, and an achieved decision;
    a classmate; a person who could be enrolled; a training day held a week ago; two modules;
    a draft framework for the editor; and the people the enrolment fixtures name."""

    def __init__(self):
        today = timezone.localdate()
        self.critical = factories.ClinicalAreaFactory(code="critical-care", name="Critical care")
        self.emergency = factories.ClinicalAreaFactory(
            code="emergency", name="Emergency department"
        )
        self.lead = factories.LeadNurseFactory(full_name="Lena Lead")
        self.mentor = factories.MentorFactory(full_name="Sam Patel", email="sam.patel@nhs.net")
        self.tutor = factories.TutorFactory(
            full_name="Jo Okafor", email="j.okafor@university.ac.uk"
        )
        self.educator = factories.PracticeEducatorFactory(full_name="Ed Educator")
        self.manager = factories.ManagerFactory(full_name="Max Manager")

        self.framework = factories.PublishedFrameworkFactory(name="Assistant practitioner")
        self.domain = factories.DomainFactory(framework=self.framework, code="D1")
        self.core_a, self.core_b, self.core_c = (
            factories.CompetencyFactory(domain=self.domain, code=f"CORE{n}", reassessment_months=12)
            for n in (1, 2, 3)
        )
        self.specific = factories.CompetencyFactory(
            domain=self.domain, code="CC1", is_core=False, clinical_areas=[self.critical]
        )
        self.elsewhere = factories.CompetencyFactory(
            domain=self.domain, code="ED1", is_core=False, clinical_areas=[self.emergency]
        )

        self.cohort = factories.CohortFactory(name="Cohort 1", framework=self.framework)
        self.cohort.clinical_areas.set([self.critical, self.emergency])
        self.programme = self.cohort.programme
        self.later = factories.CohortFactory(
            programme=self.programme,
            name="Cohort 2",
            framework=self.framework,
            status="planned",
            intake_date=today + datetime.timedelta(weeks=10),
        )
        self.elsewhere_cohort = factories.CohortFactory(name="Other", framework=self.framework)
        self.module_one, self.module_two = (
            Module.objects.create(programme=self.programme, title=f"Module {n}", order=n)
            for n in (1, 2)
        )
        self.foreign_module = Module.objects.create(
            programme=self.elsewhere_cohort.programme, title="Foreign module"
        )

        self.trainee = factories.TraineeFactory(full_name="Tess Trainee")
        self.enrolment = factories.enrol(
            self.cohort,
            trainee=self.trainee,
            area=self.critical,
            mentor=self.mentor,
            tutor=self.tutor,
            educator=self.educator,
        )
        self.record = self.enrolment.record
        factories.AllocationFactory(
            trainee=self.trainee,
            supporter=self.manager,
            kind=Allocation.Kind.MANAGER,
            start_date=self.cohort.intake_date,
        )
        self.classmate = factories.enrol(self.cohort, area=self.emergency, mentor=self.mentor)
        self.newcomer = factories.TraineeFactory(full_name="Nia Newcomer")
        self.existing = factories.TraineeFactory(
            email="chris.existing@nhs.net", full_name="Chris Existing", employee_number="E900001"
        )
        self.mark_trainee = f"mark_{self.enrolment.pk}"
        self.mark_classmate = f"mark_{self.classmate.pk}"

        self.day = training_services.training_day_create(
            actor=None,
            cohort=self.cohort,
            date=today - datetime.timedelta(days=7),
            topic="Airway management",
        )
        self.open_request = competency_services.sign_off_request_create(
            actor=self.trainee, record=self.record, competency=self.core_a, mentor=self.mentor
        )
        decided = competency_services.sign_off_request_create(
            actor=self.trainee, record=self.record, competency=self.core_b, mentor=self.mentor
        )
        self.assessment = competency_services.sign_off_request_decide(
            actor=self.mentor,
            sign_off_request=decided,
            signature=factories.signature(),
            outcome="achieved",
            method=AssessmentMethod.DIRECT_OBSERVATION,
            assessed_on=today - datetime.timedelta(days=3),
        )

        self.draft = factories.FrameworkFactory(name="Draft framework")
        self.draft_domain = factories.DomainFactory(framework=self.draft, code="DD1")
        self.draft_domain_two = factories.DomainFactory(framework=self.draft, code="DD2")
        self.draft_competency = factories.CompetencyFactory(domain=self.draft_domain, code="DC1")
        factories.CompetencyFactory(domain=self.draft_domain, code="DC2")


def staff_pages(world) -> list[str]:
    """The lead nurse's pages that show what the cohort forms save: the cohorts' dashboards,
    grids and charts, the programme overview and comparison, the trainee's overview and
    reviews, the reviews due and the training days."""
    pages = [reverse(name) for name in ("cohorts:programme_overview", "cohorts:reviews_due")]
    pages.append(reverse("cohorts:cohort_comparison"))
    for cohort in (world.cohort, world.later):
        for name in ("cohort_detail", "cohort_grid", "cohort_progress_chart", "training_days"):
            pages.append(reverse(f"cohorts:{name}", args=[cohort.pk]))
    for name in ("trainee_overview", "review_list"):
        pages.append(reverse(f"cohorts:{name}", args=[world.enrolment.pk]))
    return pages


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def small_uploads(settings):
    settings.PATHWAY_MAX_UPLOAD_BYTES = UPLOAD_LIMIT


# pathway: sign-in, passwords, allocations -----------------------------------------------------

SUPPORTERS = ("mentor.pk", "tutor.pk", "educator.pk", "manager.pk", "lead.pk", "newcomer.pk")
KINDS = choices(*Allocation.Kind.values)


# Regression (found by this fuzzing as a 500, fixed since): an id of more than
# 4,300 digits made pathway.formtools._too_big's int() raise ValueError, in every form with a
# choice of person, cohort, framework, area or module.
@example(data={"kind": "mentor", "supporter": Long("7", 5001), **days_ago("start_date", 0)})
# An edge: "²" is a digit to str.isdigit() but not to int().
@example(data={"kind": "mentor", "supporter": "²", **days_ago("start_date", 0)})
@FUZZ
@given(
    data=form_body(
        {"kind": KINDS, "supporter": refs(*SUPPORTERS)},
        dates=("start_date", "end_date"),
    )
)
def test_allocation_add(world, data):
    url = reverse("pathway:allocation_add", args=[world.newcomer.pk])
    submit(world, world.lead, url, data, also=staff_pages(world))


# Regression (found by this fuzzing as a 500, fixed since): on SQLite a
# 100,000-character username made the email__iexact lookup a LIKE pattern too long ("LIKE or
# GLOB pattern too complex"). Now refused in UserManager.get_by_natural_key.
@example(data={"username": Long("😀", 100_000), "password": factories.PASSWORD})
# Regression (PostgreSQL only): the username used to have no length limit on the form, so a
# 2,001-character one reached authenticate(), and axes' user_login_failed handler stored it in
# AccessAttempt's varchar(255): DataError, 500 (axes/handlers/database.py). Now refused by the
# sign-in form (254 characters at most, pathway/forms.py) with "Enter a correct email address
# and password", before authenticate() is called.
@example(data={"username": Long("a", 2001), "password": factories.PASSWORD})
@FUZZ
@given(
    data=form_body(
        {
            "username": refs("trainee.email", "lead.email"),
            "password": st.just(factories.PASSWORD),
        }
    )
)
def test_sign_in(world, data):
    # Each example's failed attempts are rolled back with it, so axes never locks the account.
    submit(world, None, reverse("login"), data)


@FUZZ
@given(
    data=form_body(
        {
            "old_password": st.just(factories.PASSWORD),
            "new_password1": st.just(NEW_PASSWORD),
            "new_password2": st.just(NEW_PASSWORD),
        }
    )
)
def test_password_change(world, data):
    submit(world, world.trainee, reverse("pathway:password_change"), data)


@FUZZ
@given(data=form_body({"email": refs("trainee.email", "existing.email")}))
def test_password_reset(world, data):
    submit(world, None, reverse("password_reset"), data)


@FUZZ
@given(
    data=form_body({"new_password1": st.just(NEW_PASSWORD), "new_password2": st.just(NEW_PASSWORD)})
)
def test_password_reset_confirm(world, data):
    def set_password_page(client):
        person = User.objects.get(pk=world.trainee.pk)
        uid = urlsafe_base64_encode(force_bytes(person.pk))
        token = default_token_generator.make_token(person)
        answer = client.get(reverse("password_reset_confirm", args=[uid, token]))
        assert answer.status_code == 302
        return answer["Location"]

    submit(world, None, set_password_page, data)


# competencies: the framework editor --------------------------------------------------------


@FUZZ
@given(data=form_body({"name": PLAIN, "code": SLUG, "description": TEXT}))
def test_framework_create(world, data):
    submit(world, world.lead, reverse("competencies:framework_create"), data)


@FUZZ
@given(data=form_body({"name": PLAIN, "description": TEXT}))
def test_framework_edit(world, data):
    submit(world, world.lead, reverse("competencies:framework_edit", args=[world.draft.pk]), data)


@pytest.mark.parametrize("view", ["domain_add", "domain_edit"])
@FUZZ
@given(data=form_body({"code": CODE, "title": PLAIN, "description": TEXT}))
def test_domain_forms(world, view, data):
    target = world.draft if view == "domain_add" else world.draft_domain
    submit(world, world.lead, reverse(f"competencies:{view}", args=[target.pk]), data)


COMPETENCY_FIELDS = {
    "code": CODE,
    "title": PLAIN,
    "description": TEXT,
    "performance_criteria": st.lists(PLAIN, max_size=4).map("\n".join),
    "underpinning_knowledge": TEXT,
    "applies_to": choices("core", "specific"),
    "clinical_areas": ref_lists("critical.pk", "emergency.pk"),
    "assessment_methods": st.lists(
        st.sampled_from(AssessmentMethod.values), min_size=1, max_size=3, unique=True
    ),
    "supervised_practices_required": st.integers(0, 50).map(str),
    "reassessment_months": st.one_of(st.just(""), st.integers(1, 120).map(str)),
}


@pytest.mark.parametrize("view", ["competency_add", "competency_edit"])
# Regression (found by this fuzzing as a 500, fixed since): (SQLite) an area
# id beyond the 64-bit range crashed the multiple-choice lookup with OverflowError.
@example(
    data={
        "code": "A",
        "title": "Aa",
        "applies_to": "specific",
        "clinical_areas": "9223372036854775808",
        "assessment_methods": "questioning",
        "supervised_practices_required": "0",
    }
)
@FUZZ
@given(
    data=form_body(
        {**COMPETENCY_FIELDS, "domain": refs("draft_domain.pk", "draft_domain_two.pk", "domain.pk")}
    )
)
def test_competency_forms(world, view, data):
    target = world.draft_domain if view == "competency_add" else world.draft_competency
    submit(world, world.lead, reverse(f"competencies:{view}", args=[target.pk]), data)


@pytest.mark.parametrize("view", ["domain_move", "competency_move"])
@FEW
@given(data=form_body({"direction": choices("up", "down")}))
def test_move_buttons(world, view, data):
    # 400 for a direction other than up or down: the view says so on purpose (no form here).
    target = world.draft_domain_two if view == "domain_move" else world.draft_competency
    url = reverse(f"competencies:{view}", args=[target.pk])
    submit(world, world.lead, url, data, bad_request_ok=True)


@pytest.mark.parametrize(
    "view, target",
    [
        ("framework_publish", "draft"),
        ("framework_new_version", "framework"),
        ("framework_retire", "framework"),
        ("domain_delete", "draft_domain"),
        ("competency_delete", "draft_competency"),
    ],
)
@FEW
@given(data=form_body({}))
def test_confirmation_pages(world, view, target, data):
    url = reverse(f"competencies:{view}", args=[getattr(world, target).pk])
    submit(world, world.lead, url, data)


@FUZZ
@given(
    data=form_body(
        {"file": upload_field("frameworks"), "format": choices(*FORMATS)},
        extra_key=MULTIPART_KEY,
    )
)
def test_framework_import(world, small_uploads, data):
    submit(world, world.lead, reverse("competencies:framework_import"), data, multipart=True)


# competencies: the trainee's record and sign-off -------------------------------------------

RECORD_COMPETENCIES = ("core_a.pk", "core_b.pk", "core_c.pk", "specific.pk", "elsewhere.pk")
RECORD_COMPETENCIES += ("draft_competency.pk",)


# Regression (found by this fuzzing as a 500, fixed since): a date whose
# boxes held only spaces passed the required NHSDateField as None, and practice_log compared
# None with a date: TypeError.
@example(
    data={
        "competencies": Ref("core_c.pk"),
        "when": "another",
        "supervisor": "not_listed",
        "supervisor_name": "Sam Patel",
        "activity": "Observations",
        "practised_on_day": " ",
    }
)
# Regression (found by this fuzzing as a 500, fixed since): (SQLite) a
# competency id beyond the 64-bit range crashed the multiple-choice lookup with OverflowError.
@example(
    data={
        "competencies": "9223372036854775808",
        "when": "another",
        "supervisor": "not_listed",
        "supervisor_name": "Aa",
        "activity": "Aa",
        **days_ago("practised_on", 0),
    }
)
@FUZZ
@given(
    data=form_body(
        {
            "competencies": ref_lists(*RECORD_COMPETENCIES),
            "when": choices("today", "yesterday", "another"),
            "supervisor": st.one_of(
                refs("mentor.pk", "lead.pk", "trainee.pk"), choices("not_listed"), SCALAR
            ),
            "supervisor_name": PLAIN,
            "activity": PLAIN,
            "reflection": TEXT,
            "off_the_job": choices("on", "", "yes", "0"),
            "otj_hours": HOURS,
        },
        dates=("practised_on",),
    )
)
def test_practice_add(world, data):
    url = reverse("competencies:practice_add", args=[world.record.pk])
    submit(world, world.trainee, url, data)


# Regression (found by this fuzzing as a 500, fixed since): a Word document
# whose zip directory names an unknown zip version: NotImplementedError in uploads._sniff.
@example(
    data={
        "kind": "file",
        "title": "Witness statement",
        "competencies": Ref("core_c.pk"),
        "upload": Upload(source="evidence/witness-statement.docx", flips=((376, 255),)),
    }
)
# An edge: a NUL in the file's name (PostgreSQL refuses NUL in text).
@example(
    data={
        "kind": "file",
        "title": "Reflection",
        "competencies": Ref("core_c.pk"),
        "upload": Upload(name="a\x00b.pdf", source="evidence/reflection.pdf"),
    }
)
@FUZZ
@given(
    data=form_body(
        {
            "kind": choices(*Evidence.Kind.values),
            "title": PLAIN,
            "competencies": ref_lists(*RECORD_COMPETENCIES),
            "upload": upload_field("evidence"),
            "text": PLAIN,
            "witness_name": PLAIN,
            "witness_role": PLAIN,
        },
        extra_key=MULTIPART_KEY,
    )
)
def test_evidence_add(world, small_uploads, data):
    url = reverse("competencies:evidence_add", args=[world.record.pk])
    submit(world, world.trainee, url, data, multipart=True)


# Regression (found by this fuzzing as a 500, fixed since): "²" is a digit to
# str.isdigit() but not to int(); and int() refuses more than 4,300 digits. ValueError both.
@example(competency="²")
@example(competency=Long("9", 5000))
@pytest.mark.parametrize("view", ["practice_add", "evidence_add"])
@FEW
@given(competency=st.one_of(refs(*RECORD_COMPETENCIES), SCALAR))
def test_competency_preselected_from_the_address(world, view, competency):
    url = reverse(f"competencies:{view}", args=[world.record.pk])
    submit(world, world.trainee, url, {"competency": competency}, method="get", summary=False)


@FUZZ
@given(data=form_body({"mentor": refs("mentor.pk", "tutor.pk", "lead.pk"), "note": TEXT}))
def test_request_sign_off(world, data):
    url = reverse("competencies:request_sign_off", args=[world.record.pk, world.core_c.pk])
    submit(world, world.trainee, url, data)


# Regression (found by this fuzzing as a 500, fixed since): the spaces-only
# date reached sign_off_record as None: TypeError.
@example(
    data={
        "outcome": "achieved",
        "method": "direct_observation",
        "password": factories.PASSWORD,
        "assessed_on_year": " ",
    }
)
@FUZZ
@given(
    data=form_body(
        {
            "outcome": choices("achieved", "not_yet_competent", "revoked"),
            "method": choices(*AssessmentMethod.values),
            "feedback": PLAIN,
            "password": st.just(factories.PASSWORD),
        },
        dates=("assessed_on",),
    )
)
def test_sign_off_decision(world, data):
    url = reverse("competencies:sign_off", args=[world.open_request.pk])
    submit(world, world.mentor, url, data)


@FUZZ
@given(data=form_body({"reason": PLAIN, "password": st.just(factories.PASSWORD)}))
def test_revoke(world, data):
    url = reverse("competencies:revoke", args=[world.assessment.pk])
    submit(world, world.mentor, url, data)


@FEW
@given(data=form_body({}))
def test_withdraw(world, data):
    # No form: the button always goes back to the competency, with a message either way.
    url = reverse("competencies:request_withdraw", args=[world.open_request.pk])
    response = submit(world, world.trainee, url, data)
    assert response.status_code == 302


# cohorts: cohorts, enrolment, plan ---------------------------------------------------------

COHORT_FIELDS = {
    "name": PLAIN,
    "clinical_areas": ref_lists("critical.pk", "emergency.pk"),
    "status": choices("planned", "running", "finished"),
    "review_interval_weeks": st.integers(1, 52).map(str),
}


# Edges: the first and last days Python's dates know (refused now: years 1900 to 2100).
@example(
    data={
        "programme": Ref("programme.pk"),
        "framework": Ref("framework.pk"),
        "name": "Cohort of all time",
        "clinical_areas": Ref("critical.pk"),
        "status": "running",
        "review_interval_weeks": "1",
        **on("intake_date", "1", "1", "0001"),
        **on("planned_end_date", "31", "12", "9999"),
    }
)
@example(
    data={
        "programme": Ref("programme.pk"),
        "framework": Ref("framework.pk"),
        "name": "Cohort at the end of time",
        "clinical_areas": Ref("critical.pk"),
        "status": "planned",
        "review_interval_weeks": "52",
        **on("intake_date", "30", "12", "9999"),
        **on("planned_end_date", "31", "12", "9999"),
    }
)
@FUZZ
@given(
    data=form_body(
        {
            "programme": refs("programme.pk", "elsewhere_cohort.programme.pk"),
            "framework": refs("framework.pk", "draft.pk"),
            **COHORT_FIELDS,
        },
        dates=("intake_date", "planned_end_date"),
    )
)
def test_cohort_create(world, data):
    submit(world, world.lead, reverse("cohorts:cohort_create"), data, also=staff_pages(world))


# Regression (found by this fuzzing as a 500, fixed since): (SQLite) an area
# id below the 64-bit range crashed the multiple-choice lookup with OverflowError.
@example(
    data={
        "name": "Cohort 1",
        "clinical_areas": "-9223372036854775809",
        "status": "running",
        "review_interval_weeks": "12",
        **days_ago("intake_date", 140),
        **days_ago("planned_end_date", -224),
    }
)
# Regression (found by this fuzzing as a 500, fixed since): with the intake
# on 1 January 0001 the cohort's progress chart asked for the day before it: OverflowError.
@example(
    data={
        "name": "Cohort 1",
        "clinical_areas": Ref("critical.pk"),
        "status": "running",
        "review_interval_weeks": "1",
        **on("intake_date", "1", "1", "0001"),
        **on("planned_end_date", "31", "12", "9999"),
    }
)
@FUZZ
@given(data=form_body(COHORT_FIELDS, dates=("intake_date", "planned_end_date")))
def test_cohort_edit(world, data):
    submit(
        world,
        world.lead,
        reverse("cohorts:cohort_edit", args=[world.cohort.pk]),
        data,
        also=staff_pages(world),
    )


# Regression (found by this fuzzing as a 500, fixed since): a start on
# 31 December 9999 was taken; the programme overview and the cohort's dashboard then added
# weeks to it: OverflowError.
@example(
    data={
        "trainee": Ref("newcomer.pk"),
        "clinical_area": Ref("critical.pk"),
        **on("start_date", "31", "12", "9999"),
    }
)
@example(
    data={
        "trainee": Ref("newcomer.pk"),
        "clinical_area": Ref("critical.pk"),
        **on("start_date", "1", "1", "0001"),
    }
)
@FUZZ
@given(
    data=form_body(
        {
            "trainee": refs("newcomer.pk", "existing.pk", "trainee.pk", "mentor.pk", "lead.pk"),
            "clinical_area": refs("critical.pk", "emergency.pk"),
        },
        dates=("start_date",),
    )
)
def test_enrolment_add(world, data):
    submit(
        world,
        world.lead,
        reverse("cohorts:enrolment_add", args=[world.cohort.pk]),
        data,
        also=staff_pages(world),
    )


# Edges. (The second, a date of spaces only, was saved with today's date before the
# NHSDateField fix; now it is "Enter the date".)
@example(data={"status": "completed", "reason": "Done", **on("on", "31", "12", "9999")})
@example(data={"status": "on_break", "reason": "Leave", "on_month": " "})
@FUZZ
@given(
    data=form_body(
        {"status": choices(*EnrolmentStatus.values), "reason": PLAIN},
        dates=("on",),
    )
)
def test_enrolment_status(world, data):
    url = reverse("cohorts:enrolment_status", args=[world.enrolment.pk])
    submit(world, world.lead, url, data, also=staff_pages(world))


# Regression (found by this fuzzing as a 500, fixed since): a move on
# 31 December 9999 was taken; the later cohort's dashboard then added the review interval to
# the new enrolment's start: OverflowError.
@example(
    data={"to_cohort": Ref("later.pk"), "reason": "Maternity leave", **on("on", "31", "12", "9999")}
)
@FUZZ
@given(
    data=form_body(
        {"to_cohort": refs("later.pk", "elsewhere_cohort.pk", "cohort.pk"), "reason": PLAIN},
        dates=("on",),
    )
)
def test_enrolment_move(world, data):
    url = reverse("cohorts:enrolment_move", args=[world.enrolment.pk])
    submit(world, world.lead, url, data, also=staff_pages(world))


MILESTONE_NUMBER = st.one_of(st.integers(0, 60).map(str), NUMBERS, SHORT)
MILESTONE_LINE = st.one_of(
    st.tuples(MILESTONE_NUMBER, MILESTONE_NUMBER, MILESTONE_NUMBER).map(", ".join),
    st.tuples(st.integers(1, 52), st.integers(0, 30), st.integers(0, 30)).map(
        lambda t: ", ".join(map(str, t))
    ),
    SHORT,
)
MILESTONES = st.lists(MILESTONE_LINE, max_size=6).map("\n".join)


# Regression (found by this fuzzing as a 500, fixed since): "²" passed
# str.isdigit() in PlanForm.clean_milestones, then int() failed: ValueError.
@example(
    data={"framework": Ref("framework.pk"), "review_interval_weeks": "12", "milestones": "1, ², 3"}
)
# Regression (found by this fuzzing as a 500, fixed since): (PostgreSQL) a
# week beyond PositiveSmallIntegerField (32767): DataError.
@example(
    data={
        "framework": Ref("framework.pk"),
        "review_interval_weeks": "12",
        "milestones": "40000, 1, 1",
    }
)
# Regression (found by this fuzzing as a 500, fixed since): a target beyond
# 64 bits: OverflowError on SQLite, DataError on PostgreSQL.
@example(
    data={
        "framework": Ref("framework.pk"),
        "review_interval_weeks": "12",
        "milestones": "12, 99999999999999999999, 0",
    }
)
@FUZZ
@given(
    data=form_body(
        {
            "framework": refs("framework.pk", "draft.pk"),
            "review_interval_weeks": st.integers(1, 52).map(str),
            "milestones": MILESTONES,
        }
    )
)
def test_programme_plan(world, data):
    url = reverse("cohorts:programme_plan", args=[world.programme.pk])
    submit(world, world.lead, url, data, also=staff_pages(world))


# Regression (found by this fuzzing as a 500, fixed since): a spreadsheet
# whose zip directory names an unknown zip version: NotImplementedError.
@example(data={"file": Upload(source="fuzz/trainees.xlsx", flips=((4509, 255),))})
@FUZZ
@given(data=form_body({"file": upload_field("enrolment", "fuzz")}, extra_key=MULTIPART_KEY))
def test_enrolment_import(world, small_uploads, data):
    url = reverse("cohorts:enrolment_import", args=[world.cohort.pk])
    submit(world, world.lead, url, data, multipart=True, also=staff_pages(world))


# cohorts: training days, register, module results, reviews ----------------------------------


@pytest.mark.parametrize("view", ["training_day_add", "training_day_edit"])
# Regression: a day or month too big for a C int made datetime.date() raise OverflowError, which
# NHSDateField.compress did not catch (it caught ValueError only): 500 on every date input. Now
# caught (pathway/fields.py) and shown as an error: "The <date> must be a real date".
@example(data={"topic": "Sepsis", **on("date", "1", "2147483648", "2026")})
@FUZZ
@given(
    data=form_body({"topic": PLAIN, "location": PLAIN, "duration_hours": HOURS}, dates=("date",))
)
def test_training_day_forms(world, view, data):
    target = world.cohort if view == "training_day_add" else world.day
    submit(
        world,
        world.lead,
        reverse(f"cohorts:{view}", args=[target.pk]),
        data,
        also=staff_pages(world),
    )


MARK = choices(*Attendance.Status.values)


@st.composite
def register_body(draw):
    data = draw(form_body({}))
    for key in (Ref("mark_trainee"), Ref("mark_classmate")):
        how = draw(st.sampled_from(("good", "good", "hostile", "missing")))
        if how != "missing":
            data[key] = draw(MARK if how == "good" else HOSTILE)
    button = draw(st.sampled_from(["save", "mark_everyone", None]))
    if button:
        data[button] = draw(st.one_of(st.just(button), SHORT))
    return data


@pytest.mark.parametrize("who", ["lead", "educator"])
@FUZZ
@given(data=register_body())
def test_attendance_register(world, who, data):
    # "Mark everyone present" fills in the blanks on screen and saves nothing: no summary then.
    url = reverse("cohorts:attendance_register", args=[world.day.pk])
    submit(
        world,
        getattr(world, who),
        url,
        data,
        summary=lambda sent: "mark_everyone" not in sent,
        also=staff_pages(world),
    )


@pytest.mark.parametrize("who", ["lead", "tutor"])
@FUZZ
@given(
    data=form_body(
        {
            "module": refs("module_one.pk", "module_two.pk", "foreign_module.pk"),
            "attempt": st.integers(1, 3).map(str),
            "outcome": choices(*ModuleResult.Outcome.values),
            "mark": st.one_of(st.just(""), st.integers(0, 100).map(str)),
        },
        dates=("date",),
    )
)
def test_module_result_add(world, who, data):
    url = reverse("cohorts:module_result_add", args=[world.enrolment.pk])
    submit(world, getattr(world, who), url, data, also=staff_pages(world))


OWNERS = ("trainee.pk", "mentor.pk", "tutor.pk", "lead.pk", "newcomer.pk")
REVIEW_FIELDS = {
    "progress_summary": PLAIN,
    "concerns": TEXT,
    "rag": choices(*Review.Rag.values),
    "rag_reason": PLAIN,
    "actions-TOTAL_FORMS": st.sampled_from(["3", "0", "1", "4", "1000"]),
    "actions-INITIAL_FORMS": st.just("0"),
    "actions-MIN_NUM_FORMS": st.just("0"),
    "actions-MAX_NUM_FORMS": st.just("3"),
}
for _row in range(4):  # one row more than the form has
    REVIEW_FIELDS[f"actions-{_row}-description"] = PLAIN
    REVIEW_FIELDS[f"actions-{_row}-owner"] = refs(*OWNERS)


@pytest.mark.parametrize("who", ["lead", "mentor"])
@FUZZ
@given(
    data=form_body(
        REVIEW_FIELDS,
        dates=("held_on", *(f"actions-{row}-due_date" for row in range(4))),
    )
)
def test_review_add(world, who, data):
    url = reverse("cohorts:review_add", args=[world.enrolment.pk])
    submit(world, getattr(world, who), url, data, also=staff_pages(world))


# cohorts: GET forms ---------------------------------------------------------------------------


def _query(sent: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in _pairs(sent):
        query.appendlist(key, value)
    return query


DASHBOARD_FIELDS = {
    "area": refs("critical.pk", "emergency.pk", "lead.pk"),
    "mentor": refs("mentor.pk", "tutor.pk"),
    "status": choices("", *(s.value for s in SHOWN_STATUSES)),
    "rag": choices("", *(r.value for r in Rag)),
    "sort": choices(*SORT_KEYS, "-name"),
    "order": choices("asc", "desc"),
}


@pytest.mark.parametrize("view", ["cohort_detail", "csv", "xlsx"])
@FUZZ
@given(data=form_body(DASHBOARD_FIELDS))
def test_dashboard_filters(world, view, data):
    cohort = world.cohort

    def shows_errors(sent) -> bool:
        if view != "cohort_detail":
            return False  # a download: no page to show them on
        dashboard = dashboard_selectors.cohort_dashboard(cohort, today=timezone.localdate())
        form = DashboardFilterForm(
            _query(sent), areas=dashboard.area_choices, mentors=dashboard.mentor_choices
        )
        return not form.is_valid()

    if view == "cohort_detail":
        url = reverse("cohorts:cohort_detail", args=[cohort.pk])
    else:
        url = reverse("cohorts:cohort_export", args=[cohort.pk, view])
    submit(world, world.lead, url, data, method="get", summary=shows_errors)


@FUZZ
@given(
    data=form_body(
        {
            "programme": refs("programme.pk", "elsewhere_cohort.programme.pk", "cohort.pk"),
            "week": st.integers(1, 104).map(str),
        }
    )
)
def test_comparison_week(world, data):
    def shows_errors(sent) -> bool:
        if not sent:
            return False
        programmes = list(chart_selectors.comparison_programmes())
        return not ComparisonForm(_query(sent), programmes=programmes).is_valid()

    url = reverse("cohorts:cohort_comparison")
    submit(world, world.lead, url, data, method="get", summary=shows_errors)


# The NHS.UK date field on its own ----------------------------------------------------------

DATE_BOX = st.one_of(st.none(), DATE_PART, st.integers().map(str), st.lists(SHORT, max_size=2))


class _DateForm(django_forms.Form):
    when = NHSDateField(label="Date of the practice")
    maybe = NHSDateField(label="End date (optional)", required=False)


# Regression (found by this property, fixed since): boxes of spaces only made a required date
# valid, as None; now they are a missing date.
@example(day=None, month=None, year=" ", required=True)
# Regression: as in test_training_day_forms, OverflowError from datetime.date() used to escape as
# a 500; now it is a validation error ("must be a real date").
@example(day="0", month="2147483648", year="2026", required=False)
@hypothesis_settings(max_examples=300, deadline=None)
@given(day=DATE_BOX, month=DATE_BOX, year=DATE_BOX, required=st.booleans())
def test_nhs_date_field_gives_a_date_or_a_validation_error(day, month, year, required):
    field = NHSDateField(label="Date of the practice", required=required)
    try:
        value = field.clean([day, month, year])
    except ValidationError as error:
        assert error.messages and all(message.strip() for message in error.messages)
        return
    assert isinstance(value, datetime.date) or (value is None and not required)
    if isinstance(value, datetime.date):
        typed = tuple(int(str(part).strip()) for part in (day, month, year))
        assert (value.day, value.month, value.year) == typed


DATE_KEYS = [f"{name}_{part}" for name in ("when", "maybe") for part in ("day", "month", "year")]


# Regression, the same through a form: "when" is required, yet the form used to be valid with
# only spaces in its boxes; now it is refused as a missing date.
@example(data={"when_day": " "})
@hypothesis_settings(max_examples=200, deadline=None)
@given(
    data=st.dictionaries(
        st.sampled_from(DATE_KEYS), st.one_of(DATE_PART, st.lists(SHORT, max_size=2))
    )
)
def test_nhs_date_field_in_a_form_never_raises(data):
    form = _DateForm(_query(data))
    if form.is_valid():
        assert isinstance(form.cleaned_data["when"], datetime.date)
        assert form.cleaned_data["maybe"] is None or isinstance(
            form.cleaned_data["maybe"], datetime.date
        )
    else:
        assert form.errors
