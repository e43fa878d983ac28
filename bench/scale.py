"""A large, realistic data set for measuring Pathway at scale (`manage.py seed_scale`).

For N trainees: cohorts of 40 (N=2,000: 50 cohorts with intakes spread over five years, plus two
planned ones), a published framework of 150 competencies (120 core, 30 specific to one of three
clinical areas, so 130 on each record), mentors, tutors, a lead nurse; and for every trainee a
history that fits where their cohort is today: supervised practice, evidence (a third of it
small files), sign-off requests and decisions (some "not yet competent" first, a few revoked
and signed again), progress reviews every 12 weeks and attendance at training days.

Everything is written with bulk inserts (bench/bulk.py) in one transaction, but the numbers are
kept as the services would keep them: each progress row's state, practice count and dates
follow from its practice and decisions, each decided request has its decision, and every
trainee's decisions form an unbroken hash chain (`manage.py verify_records` checks it).

The same `seed` (random seed) and N give the same data. Everyone's password is SCALE_PASSWORD.
"""

from __future__ import annotations

import datetime
import math
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from bench.bulk import Table, reset_sequences
from cohorts.models import (
    Attendance,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Milestone,
    ProgrammePlan,
    Review,
    TrainingDay,
)
from cohorts.review_due import review_due_refresh
from competencies.ledger import current_key_id
from competencies.models import (
    KEYED_HASH_VERSION,
    Assessment,
    AssessmentMethod,
    ChainHead,
    Competency,
    CompetencyProgress,
    Domain,
    Evidence,
    Framework,
    PracticeEntry,
    ProgressState,
    RecordSummary,
    SignOffRequest,
    TrainingRecord,
)
from competencies.services.ledger import chain_heads_build
from competencies.summaries import record_summaries_rebuild
from pathway.models import Allocation, ClinicalArea, Organisation, Programme, Role, RoleCode, User

PROGRAMME_NAME = "Assistant practitioner programme at scale"
FRAMEWORK_CODE = "scale-ap"
EMAIL_DOMAIN = "scale.example.nhs.uk"
SCALE_PASSWORD = "pathway-scale-2026"
COHORT_SIZE = 40
PREFIX = {"lead": "L", "mentor": "M", "tutor": "U", "educator": "E", "trainee": "T"}
DOMAINS = 10
PER_DOMAIN = 15
CORE_DOMAINS = 8  # 120 core competencies; the last two domains are specific to an area
AREAS = [
    ("critical-care", "Critical care"),
    ("emergency-department", "Emergency department (A&E)"),
    ("medical-admissions", "Medical admissions"),
]
PROGRAMME_WEEKS = 52
REVIEW_WEEKS = 12
TRAINING_DAYS = 10
FIRST = [
    "Aisha",
    "Ben",
    "Claire",
    "Daniel",
    "Emma",
    "Fatima",
    "Gary",
    "Hannah",
    "Imran",
    "Jade",
    "Kieran",
    "Laura",
    "Mohammed",
    "Natalie",
    "Owen",
    "Priya",
    "Rachel",
    "Sean",
    "Tanya",
    "Usman",
    "Zara",
    "Yusuf",
    "Wendy",
    "Victor",
    "Sophie",
    "Ravi",
    "Olivia",
    "Nathan",
    "Megan",
    "Liam",
    "Kofi",
    "Joanne",
    "Isaac",
    "Harriet",
    "George",
    "Farah",
    "Ella",
    "Dev",
    "Chloe",
    "Bilal",
    "Amir",
]
LAST = [
    "Khan",
    "Thornton",
    "Doyle",
    "Okafor",
    "Walsh",
    "Hussain",
    "Lister",
    "Price",
    "Shah",
    "Robinson",
    "Murphy",
    "Bennett",
    "Ali",
    "Green",
    "Fletcher",
    "Patel",
    "Stones",
    "Gallagher",
    "Hughes",
    "Rafiq",
    "Jones",
    "Evans",
    "Taylor",
    "Brown",
    "Wilson",
    "Begum",
    "Nowak",
    "Adeyemi",
    "Chapman",
    "Burns",
    "Mitchell",
    "Holroyd",
    "Clarke",
    "Lewis",
    "Hall",
    "Young",
    "Wright",
    "Mensah",
    "Kaur",
    "Singh",
]
METHODS = [AssessmentMethod.DIRECT_OBSERVATION, AssessmentMethod.QUESTIONING]
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


EVIDENCE_EVERY = 8  # a piece of evidence for every eighth competency with any progress


@dataclass
class _Journey:
    """One trainee's enrolment, as the builder's steps for it share it."""

    record: int
    intake: datetime.date
    up_to: datetime.date  # today for a running cohort, else its planned end
    active_until: datetime.date  # the day they left, else up_to
    mentor: tuple[int, str, str]  # (pk, name, registration)
    current: bool  # active or on a break
    decisions: list[dict] = field(default_factory=list)  # sign-off decisions, in any order

    @property
    def span(self) -> int:
        """Days they have been training (at least one)."""
        return max((self.active_until - self.intake).days, 1)


class ScaleDataError(Exception):
    pass


def existing_size() -> int | None:
    """How many trainees the scale data already here has (None: there is none)."""
    programme = Programme.objects.filter(name=PROGRAMME_NAME).first()
    if programme is None:
        return None
    return Enrolment.objects.filter(cohort__programme=programme).count()


@dataclass
class People:
    lead: User
    mentors: list[tuple[int, str, str]]  # (pk, name, registration)
    tutors: list[int]
    educators: list[int]


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def seed_scale(
    trainees: int, *, seed: int = 2026, out: Callable[[str], None] = print, today=None
) -> Counts:
    """Build the data set for `trainees` trainees. Refuses if scale data is already here."""
    if trainees < 1:
        raise ScaleDataError("Give at least one trainee")
    if existing_size() is not None:
        raise ScaleDataError("This database already holds scale data")
    today = today or timezone.localdate()
    started = time.perf_counter()
    with transaction.atomic():
        _skip_foreign_key_triggers()
        builder = _Builder(trainees, random.Random(seed), today, out, started)
        builder.build()
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner: autovacuum would get there, but only later.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    out(f"Done: {builder.counts.total:,} rows in {time.perf_counter() - started:.1f} s")
    return builder.counts


# When each audited kind's rows were made, for their "created" versions.
MADE_ON = {
    User: "date_joined",
    Allocation: "start_date",
    Cohort: "created_at",
    Enrolment: "start_date",
}


def creation_versions(model, now: datetime.datetime | None = None) -> int:
    """Write a "created" version of every row of `model` to its history table (the columns
    the history keeps), dated when the row was made (a date at nine in the morning, never
    after `now`), in one INSERT ... SELECT; returns how many."""
    history = model.history.model
    kept = {f.column for f in history._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields if f.column in kept)
    made = model._meta.get_field(MADE_ON[model])
    column = quote(made.column)
    if made.get_internal_type() == "DateField":
        if connection.vendor == "postgresql":
            column = f"(CAST({column} AS TIMESTAMP) + INTERVAL '9 hours') AT TIME ZONE 'UTC'"
        else:
            column = f"({column} || ' 09:00:00')"
    latest = "LEAST" if connection.vendor == "postgresql" else "MIN"
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date, history_type) "
            f"SELECT {columns}, {latest}({column}, %s), '+' FROM {quote(model._meta.db_table)}",
            [now],
        )
        return cursor.rowcount


def _skip_foreign_key_triggers() -> None:
    """On PostgreSQL, as pg_restore --disable-triggers does: no per-row foreign key checks
    (deferred to the commit, they took longer than the inserts). Only a superuser may; others
    load with the checks. The ids written are taken from the rows just created, and the tests
    check that every reference resolves (tests/bench/test_scale_and_bench.py)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


class _Builder:
    def __init__(self, n, rng, today, out, started):
        self.n, self.rng, self.today, self.out, self.started = n, rng, today, out, started
        self.counts = Counts()
        self.password = make_password(SCALE_PASSWORD)

    def say(self, text: str) -> None:
        self.out(f"[{time.perf_counter() - self.started:6.1f} s] {text}")

    def flush(self, *tables: Table) -> None:
        for t in tables:
            self.counts.add(t.model._meta.label, t.flush())

    # Framework, programme, people -----------------------------------------------------------

    def build(self) -> None:
        self.areas = [
            ClinicalArea.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in AREAS
        ]
        self.build_framework()
        self.build_programme()
        self.build_people()
        self.build_cohorts()
        for index, cohort in enumerate(self.cohorts_with_trainees, start=1):
            self.build_cohort(cohort, index)
            self.say(
                f"cohort {index}/{len(self.cohorts_with_trainees)} ({cohort.name}): "
                f"{self.counts.total:,} rows so far"
            )
        # Each chain's head, from its last record, as the sign-off service keeps them.
        self.counts.add(ChainHead._meta.label, chain_heads_build(actor=None))
        # Each record's progress summary, as the services keep them (ADR 0026).
        self.say("record summaries")
        self.counts.add(RecordSummary._meta.label, record_summaries_rebuild())
        # Each enrolment's next review date, as the services keep them (cohorts/review_due.py).
        self.say("review due dates")
        review_due_refresh()
        # A version for each person, allocation, cohort and enrolment made, as the services
        # leave one: the audit history grows with the programme, as it does in use.
        self.say("audit history")
        for model in (User, Allocation, Cohort, Enrolment):
            self.counts.add(model.history.model._meta.label, creation_versions(model))
        reset_sequences(
            [
                User,
                User.roles.through,
                Allocation,
                TrainingRecord,
                CompetencyProgress,
                PracticeEntry,
                PracticeEntry.competencies.through,
                Evidence,
                Evidence.competencies.through,
                SignOffRequest,
                Assessment,
                Enrolment,
                EnrolmentStatusChange,
                TrainingDay,
                Attendance,
                Review,
            ]
        )

    def build_framework(self) -> None:
        framework = Framework.objects.create(
            name="Assistant practitioner (scale)",
            code=FRAMEWORK_CODE,
            version=1,
            status=Framework.Status.PUBLISHED,
            published_at=timezone.now(),
            description="Synthetic framework for measuring Pathway at scale",
        )
        domains = Domain.objects.bulk_create(
            Domain(framework=framework, code=f"D{d:02d}", title=f"Domain {d}", order=d)
            for d in range(1, DOMAINS + 1)
        )
        competencies = []
        for d, domain in enumerate(domains):
            for c in range(1, PER_DOMAIN + 1):
                competencies.append(
                    Competency(
                        framework=framework,
                        domain=domain,
                        code=f"{domain.code}.{c:02d}",
                        title=f"Competency {c} of {domain.title.lower()}",
                        performance_criteria=["Does it safely", "Explains why", "Records it"],
                        is_core=d < CORE_DOMAINS,
                        assessment_methods=list(METHODS),
                        supervised_practices_required=2 + (c % 2),
                        reassessment_months=12 if c % 10 == 0 else None,
                        order=c,
                    )
                )
        Competency.objects.bulk_create(competencies)
        through = Competency.clinical_areas.through
        specific = [c for c in competencies if not c.is_core]
        through.objects.bulk_create(
            through(competency=c, clinicalarea=self.areas[i % len(self.areas)])
            for i, c in enumerate(specific)
        )
        self.framework = framework
        core = [c for c in competencies if c.is_core]
        self.competencies_by_area = {
            area.pk: core + [c for i, c in enumerate(specific) if i % len(self.areas) == a]
            for a, area in enumerate(self.areas)
        }
        self.say(f"framework: {len(competencies)} competencies in {DOMAINS} domains")

    def build_programme(self) -> None:
        trust, _ = Organisation.objects.get_or_create(
            name="Scale Teaching Hospitals NHS Foundation Trust",
            defaults={"kind": Organisation.Kind.TRUST},
        )
        self.programme = Programme.objects.create(
            name=PROGRAMME_NAME, organisation=trust, duration_weeks=PROGRAMME_WEEKS
        )
        plan = ProgrammePlan.objects.create(
            programme=self.programme, framework=self.framework, review_interval_weeks=REVIEW_WEEKS
        )
        Milestone.objects.bulk_create(
            Milestone(plan=plan, week=week, core_target=core, specific_target=specific)
            for week, core, specific in [(12, 20, 0), (24, 50, 3), (36, 85, 6), (48, 120, 10)]
        )

    def build_people(self) -> None:
        rng = self.rng
        n_cohorts = math.ceil(self.n / COHORT_SIZE)
        roles = {code: Role.objects.get_or_create(code=code)[0].pk for code in RoleCode.values}
        users = Table(
            User,
            [
                "password",
                "is_superuser",
                "email",
                "full_name",
                "employee_number",
                "job_title",
                "band",
                "registration_body",
                "registration_number",
                "clinical_area",
                "is_active",
                "is_staff",
                "date_joined",
            ],
        )
        user_roles = Table(User.roles.through, ["user", "role"])
        joined = timezone.now()

        def person(kind, i, role, *, band, registered=False, area=None):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            registration = (
                ("NMC", f"{rng.randrange(10, 99)}A{rng.randrange(10**4):04d}E")
                if (registered)
                else ("", "")
            )
            pk = users.add(
                self.password,
                False,
                f"{kind}{i:05d}@{EMAIL_DOMAIN}",
                name,
                f"SC{PREFIX[kind]}{i:06d}",
                {"trainee": "Trainee assistant practitioner"}.get(kind, "Registered nurse"),
                band,
                *registration,
                area,
                True,
                False,
                joined,
            )
            user_roles.add(pk, roles[role])
            return pk, name, " ".join(registration).strip()

        lead_pk, _, _ = person("lead", 1, RoleCode.LEAD_NURSE, band="8a", registered=True)
        mentors = [
            person("mentor", i, RoleCode.MENTOR, band="6", registered=True)
            for i in range(1, max(10, math.ceil(self.n / 16)) + 1)
        ]
        tutors = [
            person("tutor", i, RoleCode.TUTOR, band="", registered=True)[0]
            for i in range(1, math.ceil(n_cohorts / 5) + 2)
        ]
        educators = [
            person("educator", i, RoleCode.PRACTICE_EDUCATOR, band="7", registered=True)[0]
            for i in range(1, len(AREAS) + 1)
        ]
        self.trainee_ids = []
        for i in range(1, self.n + 1):
            area = self.areas[i % len(self.areas)].pk
            pk, name, _ = person("trainee", i, RoleCode.TRAINEE, band="3", area=area)
            self.trainee_ids.append((pk, name, area))
        self.flush(users, user_roles)
        self.people = People(User.objects.get(pk=lead_pk), mentors, tutors, educators)
        self.say(f"people: {self.counts.rows['pathway.User']:,} accounts")

    def build_cohorts(self) -> None:
        n_cohorts = math.ceil(self.n / COHORT_SIZE)
        # Intakes go back from 26 weeks ago (a cohort half-way through) to five years ago.
        latest = self.today - datetime.timedelta(weeks=26)
        step = (5 * 365 - 26 * 7) / max(n_cohorts - 1, 1)
        cohorts = []
        for i in range(n_cohorts):
            intake = latest - datetime.timedelta(days=round((n_cohorts - 1 - i) * step))
            cohorts.append(self._cohort(i + 1, intake))
        for j in range(2):
            intake = self.today + datetime.timedelta(weeks=8 + 26 * j)
            cohorts.append(self._cohort(n_cohorts + j + 1, intake))
        Cohort.objects.bulk_create(cohorts)
        through = Cohort.clinical_areas.through
        through.objects.bulk_create(
            through(cohort=c, clinicalarea=a) for c in cohorts for a in self.areas
        )
        self.cohorts_with_trainees = cohorts[:n_cohorts]
        self.say(f"cohorts: {len(cohorts)}, {n_cohorts} with trainees")

    def _cohort(self, number, intake) -> Cohort:
        end = intake + datetime.timedelta(weeks=PROGRAMME_WEEKS)
        status = (
            Cohort.Status.PLANNED
            if intake > self.today
            else Cohort.Status.FINISHED
            if end < self.today
            else Cohort.Status.RUNNING
        )
        return Cohort(
            programme=self.programme,
            name=f"Scale cohort {number:03d} ({intake:%b %Y})",
            intake_date=intake,
            planned_end_date=end,
            status=status,
            framework=self.framework,
            review_interval_weeks=REVIEW_WEEKS,
        )

    # One cohort's trainees and their history ------------------------------------------------

    def build_cohort(self, cohort: Cohort, index: int) -> None:
        t = self._tables()
        first = (index - 1) * COHORT_SIZE
        members = self.trainee_ids[first : first + COHORT_SIZE]
        running = cohort.status == Cohort.Status.RUNNING
        up_to = min(self.today, cohort.planned_end_date)
        tutor = self.people.tutors[index % len(self.people.tutors)]
        educator = self.people.educators[index % len(self.people.educators)]
        days = [
            t["day"].add(
                cohort.pk,
                cohort.intake_date + datetime.timedelta(weeks=2 + 5 * d),
                f"Clinical skills day {d + 1}",
                "Education centre",
            )
            for d in range(TRAINING_DAYS)
        ]
        day_dates = [cohort.intake_date + datetime.timedelta(weeks=2 + 5 * d) for d in range(10)]
        for position, (trainee_pk, trainee_name, area) in enumerate(members):
            mentor = self.people.mentors[(index * 10 + position % 10) % len(self.people.mentors)]
            self._trainee(
                t,
                cohort,
                running,
                up_to,
                trainee_pk,
                trainee_name,
                area,
                mentor,
                tutor,
                educator,
                list(zip(days, day_dates, strict=True)),
            )
        self.flush(*t.values())

    def _tables(self) -> dict[str, Table]:
        return {
            "day": Table(TrainingDay, ["cohort", "date", "topic", "location"]),
            "alloc": Table(Allocation, ["trainee", "supporter", "kind", "start_date", "end_date"]),
            "record": Table(
                TrainingRecord,
                ["trainee", "framework", "clinical_area", "start_date", "is_active", "created_at"],
            ),
            "enrol": Table(
                Enrolment,
                [
                    "cohort",
                    "trainee",
                    "record",
                    "status",
                    "start_date",
                    "end_date",
                    "status_reason",
                ],
            ),
            "change": Table(
                EnrolmentStatusChange,
                [
                    "enrolment",
                    "from_status",
                    "to_status",
                    "on",
                    "reason",
                    "changed_by",
                    "created_at",
                ],
            ),
            "progress": Table(
                CompetencyProgress,
                [
                    "record",
                    "competency",
                    "state",
                    "practice_count",
                    "achieved_on",
                    "expires_on",
                    "updated_at",
                ],
            ),
            "practice": Table(
                PracticeEntry,
                [
                    "record",
                    "practised_on",
                    "supervisor",
                    "supervisor_name",
                    "activity",
                    "reflection",
                    "created_at",
                ],
            ),
            "practice_c": Table(
                PracticeEntry.competencies.through, ["practiceentry", "competency"]
            ),
            "evidence": Table(
                Evidence,
                [
                    "uuid",
                    "record",
                    "kind",
                    "title",
                    "text",
                    "witness_name",
                    "witness_role",
                    "file",
                    "original_filename",
                    "content_type",
                    "size",
                    "created_at",
                ],
            ),
            "evidence_c": Table(Evidence.competencies.through, ["evidence", "competency"]),
            "request": Table(
                SignOffRequest,
                ["record", "competency", "mentor", "status", "note", "created_at", "closed_at"],
            ),
            "assessment": Table(
                Assessment,
                [
                    "trainee",
                    "record",
                    "competency",
                    "request",
                    "outcome",
                    "method",
                    "assessed_on",
                    "feedback",
                    "revokes",
                    "assessor",
                    "assessor_name",
                    "assessor_role",
                    "assessor_registration",
                    "created_at",
                    "sequence",
                    "previous_hash",
                    "record_hash",
                    "hash_version",
                    "hash_key_id",
                ],
            ),
            "attendance": Table(Attendance, ["training_day", "enrolment", "status"]),
            "review": Table(
                Review,
                [
                    "enrolment",
                    "held_on",
                    "progress_summary",
                    "concerns",
                    "rag",
                    "rag_reason",
                    "recorded_by",
                    "created_at",
                ],
            ),
        }

    def _trainee(
        self,
        t,
        cohort,
        running,
        up_to,
        trainee_pk,
        trainee_name,
        area,
        mentor,
        tutor,
        educator,
        days,
    ) -> None:
        """One trainee's enrolment and history. The random draws happen in a fixed order (the
        steps below, in turn), so a seed always gives the same data."""
        intake, end = cohort.intake_date, cohort.planned_end_date
        now = timezone.now()
        current_end = None if running else end
        for supporter, kind in (
            (mentor[0], Allocation.Kind.MENTOR),
            (tutor, Allocation.Kind.TUTOR),
            (educator, Allocation.Kind.PRACTICE_EDUCATOR),
        ):
            t["alloc"].add(trainee_pk, supporter, kind, intake, current_end)
        record = t["record"].add(trainee_pk, self.framework.pk, area, intake, True, now)
        status, left = self._status(running, intake)
        enrolment = self._enrolment(t, cohort, trainee_pk, record, status, left, running, now)
        journey = _Journey(
            record=record,
            intake=intake,
            up_to=up_to,
            active_until=left or up_to,
            mentor=mentor,
            current=status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.ON_BREAK),
        )
        competencies = self.competencies_by_area[area]
        achieved_n = self._achieved_count(status, len(competencies), journey.span)
        for position, competency in enumerate(competencies):
            self._competency(t, journey, competency, position, achieved_n, now)
        self._chain(t, trainee_pk, record, journey.decisions)
        self._reviews(t, enrolment, intake, journey.active_until, tutor)
        self._attendance(t, enrolment, days, journey.active_until)

    def _status(self, running, intake) -> tuple[str, datetime.date | None]:
        """The enrolment's status, and the day they left when they withdrew."""
        roll = self.rng.random()
        if running:
            status = EnrolmentStatus.ON_BREAK if roll < 0.05 else EnrolmentStatus.ACTIVE
        else:
            status = (
                EnrolmentStatus.WITHDRAWN
                if roll < 0.08
                else EnrolmentStatus.COMPLETED
                if roll < 0.15
                else EnrolmentStatus.QUALIFIED
            )
        left = None
        if status == EnrolmentStatus.WITHDRAWN:
            left = intake + datetime.timedelta(weeks=self.rng.randrange(12, 40))
        return status, left

    def _enrolment(self, t, cohort, trainee_pk, record, status, left, running, now) -> int:
        """The enrolment, with its status changes: enrolled, then to its status if not active."""
        intake, end = cohort.intake_date, cohort.planned_end_date
        enrolment = t["enrol"].add(
            cohort.pk,
            trainee_pk,
            record,
            status,
            intake,
            None if running else (left or end),
            "Left the trust" if left else "",
        )
        lead = self.people.lead.pk
        t["change"].add(enrolment, "", EnrolmentStatus.ACTIVE, intake, "Enrolled", lead, now)
        if status != EnrolmentStatus.ACTIVE:
            t["change"].add(
                enrolment,
                EnrolmentStatus.ACTIVE,
                status,
                left or (self.today if running else end),
                "",
                lead,
                now,
            )
        return enrolment

    def _achieved_count(self, status, competencies: int, span: int) -> int:
        """How far they have got: everything when finished, else their pace times the time
        gone."""
        if status in (EnrolmentStatus.QUALIFIED, EnrolmentStatus.COMPLETED):
            return competencies
        pace = self.rng.uniform(0.6, 1.2)
        return min(competencies, int(competencies * pace * span / 364))

    def _competency(self, t, journey, competency, position, achieved_n, now) -> None:
        """One competency's progress row, with the practice, evidence and decisions behind it:
        achieved for the first achieved_n, then (for current trainees) a few under way."""
        state, practice_n, achieved_on, expires_on = ProgressState.NOT_STARTED, 0, None, None
        if position < achieved_n:
            state = ProgressState.ACHIEVED
            practice_n, achieved_on = self._achieved(journey, competency, position, achieved_n)
            expires_on = competency.expiry_after(achieved_on)
        elif journey.current and position < achieved_n + 6:
            state, practice_n = self._under_way(t, journey, competency, position - achieved_n)
        if state != ProgressState.NOT_STARTED:
            last_day = achieved_on or min(self.today, journey.active_until)
            self._practice(t, journey, competency, practice_n, last_day)
            if position % EVIDENCE_EVERY == 0:
                self._evidence(t, journey.record, competency, position, last_day)
        t["progress"].add(
            journey.record, competency.pk, state, practice_n, achieved_on, expires_on, now
        )

    def _achieved(self, journey, competency, position, achieved_n) -> tuple[int, datetime.date]:
        """An achieved competency: the practice it took and the day it was signed off, with
        its decisions (at times a not yet competent first; rarely a sign-off revoked by the
        lead nurse and made again ten days later)."""
        intake, mentor, decisions = journey.intake, journey.mentor, journey.decisions
        achieved_on = intake + datetime.timedelta(
            days=max(1, round(journey.span * (position + 1) / (achieved_n + 1)))
        )
        required = competency.supervised_practices_required
        practice_n = required + (1 if self.rng.random() < 0.3 else 0)
        if self.rng.random() < 0.1 and achieved_on - datetime.timedelta(days=10) > intake:
            decisions.append(
                self._decision(
                    competency,
                    achieved_on - datetime.timedelta(days=7),
                    mentor,
                    Assessment.Outcome.NOT_YET_COMPETENT,
                )
            )
        final = self._decision(competency, achieved_on, mentor, Assessment.Outcome.ACHIEVED)
        if self.rng.random() < 0.005 and achieved_on + datetime.timedelta(days=10) <= journey.up_to:
            # Signed by mistake, revoked by the lead nurse, then signed again.
            decisions.append(final)
            decisions.append(
                {
                    "kind": "revocation",
                    "revokes": final,
                    "on": achieved_on + datetime.timedelta(days=3),
                    "competency": competency,
                }
            )
            achieved_on = achieved_on + datetime.timedelta(days=10)
            final = self._decision(competency, achieved_on, mentor, Assessment.Outcome.ACHIEVED)
        decisions.append(final)
        return practice_n, achieved_on

    def _under_way(self, t, journey, competency, step) -> tuple[str, int]:
        """A competency just after the last achieved one (`step` places after it): awaiting
        sign-off (with an open request), judged not yet competent, or in progress."""
        rng, today, mentor_pk = self.rng, self.today, journey.mentor[0]
        required = competency.supervised_practices_required
        if step == 0 or (step == 1 and rng.random() < 0.5):
            t["request"].add(
                journey.record,
                competency.pk,
                mentor_pk,
                SignOffRequest.Status.OPEN,
                "Ready for sign-off",
                _at(today - datetime.timedelta(days=rng.randrange(0, 25)), 9),
                None,
            )
            return ProgressState.AWAITING_SIGN_OFF, required
        if step == 2 and rng.random() < 0.3 and today - journey.intake > datetime.timedelta(30):
            journey.decisions.append(
                self._decision(
                    competency,
                    today - datetime.timedelta(days=rng.randrange(1, 20)),
                    journey.mentor,
                    Assessment.Outcome.NOT_YET_COMPETENT,
                )
            )
            return ProgressState.NOT_YET_COMPETENT, required
        return ProgressState.IN_PROGRESS, rng.randrange(1, required + 1)

    def _practice(self, t, journey, competency, practice_n, last_day) -> None:
        """practice_n supervised practice entries, five days apart, up to `last_day`."""
        mentor_name = journey.mentor[1]
        for k in range(practice_n):
            practised_on = max(
                journey.intake, last_day - datetime.timedelta(days=2 + 5 * (practice_n - k))
            )
            entry = t["practice"].add(
                journey.record,
                practised_on,
                None,
                f"{mentor_name}, registered nurse",
                f"Supervised practice for {competency.code}",
                "",
                _at(practised_on, 16),
            )
            t["practice_c"].add(entry, competency.pk)

    def _reviews(self, t, enrolment, intake, active_until, tutor) -> None:
        """Reviews every 12 weeks while they were training."""
        held = intake + datetime.timedelta(weeks=REVIEW_WEEKS, days=self.rng.randrange(0, 8))
        while held <= active_until:
            t["review"].add(
                enrolment,
                held,
                "Steady progress with supervised practice on the ward",
                "",
                Review.Rag.GREEN if self.rng.random() < 0.8 else Review.Rag.AMBER,
                "Progress matches the plan",
                tutor,
                _at(held, 15),
            )
            held += datetime.timedelta(weeks=REVIEW_WEEKS)

    def _attendance(self, t, enrolment, days, active_until) -> None:
        """Attendance at the training days held while they were training."""
        for day_pk, day in days:
            if day <= active_until:
                roll = self.rng.random()
                mark = (
                    Attendance.Status.PRESENT
                    if roll < 0.9
                    else Attendance.Status.ABSENT
                    if roll < 0.96
                    else Attendance.Status.EXCUSED
                )
                t["attendance"].add(day_pk, enrolment, mark)

    def _decision(self, competency, on, mentor, outcome) -> dict:
        return {
            "kind": "decision",
            "competency": competency,
            "on": on,
            "mentor": mentor,
            "outcome": outcome,
        }

    def _evidence(self, t, record, competency, position, day) -> None:
        kind = [
            Evidence.Kind.FILE,
            Evidence.Kind.REFLECTIVE_ACCOUNT,
            Evidence.Kind.WITNESS_STATEMENT,
        ][(position // EVIDENCE_EVERY) % 3]
        key = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        path, name, content_type, size, text = "", "", "", 0, ""
        if kind == Evidence.Kind.FILE:
            path = f"evidence/{record}/scale/{key}"
            # Through the storage API, so a seed on Blob Storage has its files there too.
            path = default_storage.save(path, ContentFile(TINY_PDF))
            name, content_type, size = (
                f"{competency.code} certificate.pdf",
                "application/pdf",
                len(TINY_PDF),
            )
        else:
            text = f"What I did and learned for {competency.code}"
        pk = t["evidence"].add(
            key,
            record,
            kind,
            f"Evidence for {competency.code}",
            text,
            "Sam Carter" if kind == Evidence.Kind.WITNESS_STATEMENT else "",
            "Staff nurse" if kind == Evidence.Kind.WITNESS_STATEMENT else "",
            path,
            name,
            content_type,
            size,
            _at(day, 18),
        )
        t["evidence_c"].add(pk, competency.pk)

    def _chain(self, t, trainee_pk, record, decisions) -> None:
        """Write the trainee's decisions in date order as one hash chain, each with its request."""
        decisions.sort(key=lambda d: d["on"])
        previous_hash = ""
        lead = self.people.lead
        for sequence, d in enumerate(decisions, start=1):
            created = _at(d["on"], 14) + datetime.timedelta(milliseconds=sequence)
            competency = d["competency"]
            if d["kind"] == "revocation":
                fields = {
                    "request_id": None,
                    "outcome": Assessment.Outcome.REVOKED,
                    "method": "",
                    "feedback": "Signed on the wrong record",
                    "revokes_id": d["revokes"]["pk"],
                    "assessor_id": lead.pk,
                    "assessor_name": lead.full_name,
                    "assessor_role": "Lead nurse",
                    "assessor_registration": f"{lead.registration_body} {lead.registration_number}",
                }
            else:
                mentor_pk, mentor_name, registration = d["mentor"]
                request = t["request"].add(
                    record,
                    competency.pk,
                    mentor_pk,
                    SignOffRequest.Status.DECIDED,
                    "",
                    created - datetime.timedelta(days=2),
                    created,
                )
                fields = {
                    "request_id": request,
                    "outcome": d["outcome"],
                    "method": METHODS[sequence % 2],
                    "feedback": ""
                    if d["outcome"] == Assessment.Outcome.ACHIEVED
                    else "Practise the handover once more with me",
                    "revokes_id": None,
                    "assessor_id": mentor_pk,
                    "assessor_name": mentor_name,
                    "assessor_role": "Mentor",
                    "assessor_registration": registration,
                }
            assessment = Assessment(
                pk=t["assessment"].next_id,
                trainee_id=trainee_pk,
                record_id=record,
                competency_id=competency.pk,
                assessed_on=d["on"],
                created_at=created,
                sequence=sequence,
                previous_hash=previous_hash,
                hash_version=KEYED_HASH_VERSION,
                hash_key_id=current_key_id(),
                **fields,
            )
            assessment.record_hash = assessment.compute_hash()
            d["pk"] = t["assessment"].add(
                trainee_pk,
                record,
                competency.pk,
                assessment.request_id,
                assessment.outcome,
                assessment.method,
                assessment.assessed_on,
                assessment.feedback,
                assessment.revokes_id,
                assessment.assessor_id,
                assessment.assessor_name,
                assessment.assessor_role,
                assessment.assessor_registration,
                created,
                sequence,
                previous_hash,
                assessment.record_hash,
                assessment.hash_version,
                assessment.hash_key_id,
            )
            previous_hash = assessment.record_hash


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)
