"""Everything Pathway holds about one person, as one ZIP archive (issue #20, part 3).

The archive holds:
- `summary.html`: the same content for people to read, one heading per category;
- `data.json`: the same content for machines (its keys are described in `README.txt` and in
  ARCHIVE_README below);
- `files/<evidence id>/<file name>`: each evidence file exactly as it was uploaded;
- `README.txt`: what each part is.

Each category is one query (with its many-to-many fields prefetched); what a record points at
is named with one more query per kind of record pointed at. So the archive costs the same
number of queries however much is held, except for the audit history, read a page of
AUDIT_PAGE rows at a time, and the evidence files, read one at a time from storage.

Nothing here checks permission: `governance.services` does, before calling `build_archive`.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from django.db import models
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from apprenticeships.models import Apprenticeship
from cohorts.models import (
    Attendance,
    Enrolment,
    EnrolmentStatusChange,
    ModuleResult,
    Review,
    ReviewAction,
    ReviewConfirmation,
)
from cohorts.selectors import audit
from competencies.models import (
    Assessment,
    CompetencyProgress,
    Evidence,
    PracticeEntry,
    SignOffRequest,
    TrainingRecord,
)
from evaluation.models import Answer, Draft, Invitation, Issue, Response
from notifications.models import EmailPreference, Notification
from outcomes.models import BridgingEnrolment, PathwayMove
from pathway.models import (
    Allocation,
    ExternalIdentity,
    MentorPreparation,
    Passkey,
    RecordAccess,
    User,
)
from recruitment.models import Application, ApplicationEvent, CriterionAssessment, Interview
from roledesign.models import CompetenceView
from support.models import MentorCaseload, SupportLog

FORMAT = "pathway-subject-access/1"
AUDIT_PAGE = 500
# Fields never given out, even to the person: their password hash and what ends sessions,
# and a passkey's key material (useless to read, and not "about" them).
LEFT_OUT = {"password", "session_generation", "credential_id", "public_key"}
# What names a record pointed at, in the order tried.
NAME_FIELDS = ("full_name", "title", "name", "code", "label", "topic", "text", "description")


@dataclass(frozen=True)
class Source:
    """One kind of record in a category: `rows(person)` is the queryset of those about them."""

    key: str
    title: str
    rows: Callable[[User], QuerySet]
    m2m: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    key: str
    title: str
    about: str
    sources: tuple[Source, ...] = ()


def _q(**lookups) -> Callable[[User], Q]:
    """Records whose any one of these lookups is the person: _q(trainee=..., supporter=...)."""

    def build(person: User) -> Q:
        query = Q()
        for lookup in lookups:
            query |= Q(**{lookup: person.pk})
        return query

    return build


def _of(model, *lookups: str) -> Callable[[User], QuerySet]:
    wanted = _q(**dict.fromkeys(lookups))
    return lambda person: model._default_manager.filter(wanted(person)).order_by("pk")


CATEGORIES: tuple[Category, ...] = (
    Category(
        "details",
        "Your details and roles",
        "Your name, contact details, job, ward and the roles you hold in Pathway; how you sign "
        "in (NHS account links and passkeys, without their keys); your mentor preparation.",
        (
            Source("person", "Details", _of(User, "pk"), m2m=("roles",)),
            Source("nhs_accounts", "NHS account links", _of(ExternalIdentity, "person")),
            Source("passkeys", "Passkeys", _of(Passkey, "person")),
            Source("mentor_preparation", "Mentor preparation", _of(MentorPreparation, "mentor")),
        ),
    ),
    Category(
        "allocations",
        "Allocations",
        "Who supports you (mentor, tutor, practice educator, manager) and whom you support.",
        (Source("allocations", "Allocations", _of(Allocation, "trainee", "supporter")),),
    ),
    Category(
        "training_records",
        "Training records",
        "Your training records on each competency framework, and where you are on each competency.",
        (
            Source("records", "Training records", _of(TrainingRecord, "trainee")),
            Source(
                "progress", "Progress on competencies", _of(CompetencyProgress, "record__trainee")
            ),
        ),
    ),
    Category(
        "practice",
        "Supervised practice",
        "Practice you logged, and practice others logged naming you as supervisor.",
        (
            Source(
                "practice",
                "Practice entries",
                _of(PracticeEntry, "record__trainee", "supervisor", "confirmed_by"),
                m2m=("competencies",),
            ),
        ),
    ),
    Category(
        "sign_offs",
        "Sign-offs given and received",
        "Sign-off requests you made or were asked to decide, and the sign-offs (assessments) "
        "recorded for you and by you, with their revocations.",
        (
            Source(
                "requests", "Sign-off requests", _of(SignOffRequest, "record__trainee", "mentor")
            ),
            Source("received", "Sign-offs received", _of(Assessment, "trainee")),
            Source("given", "Sign-offs given", _of(Assessment, "assessor")),
        ),
    ),
    Category(
        "evidence",
        "Evidence",
        "Evidence on your training records. Each file is in the archive's files folder, as it "
        "was uploaded.",
        (Source("evidence", "Evidence", _of(Evidence, "record__trainee"), m2m=("competencies",)),),
    ),
    Category(
        "programme",
        "Programme, attendance and results",
        "Your enrolments in cohorts and their changes, training day attendance, module results "
        "and apprenticeship terms.",
        (
            Source("enrolments", "Enrolments", _of(Enrolment, "trainee")),
            Source(
                "status_changes",
                "Enrolment changes",
                _of(EnrolmentStatusChange, "enrolment__trainee"),
            ),
            Source("attendance", "Attendance", _of(Attendance, "enrolment__trainee")),
            Source("module_results", "Module results", _of(ModuleResult, "enrolment__trainee")),
            Source("apprenticeships", "Apprenticeships", _of(Apprenticeship, "enrolment__trainee")),
        ),
    ),
    Category(
        "reviews",
        "Progress reviews",
        "Reviews of your progress, the actions agreed (yours and those given to you) and who "
        "confirmed them.",
        (
            Source("reviews", "Reviews", _of(Review, "enrolment__trainee")),
            Source(
                "actions",
                "Review actions",
                _of(ReviewAction, "review__enrolment__trainee", "owner"),
            ),
            Source("confirmations", "Review confirmations", _of(ReviewConfirmation, "person")),
        ),
    ),
    Category(
        "questionnaires",
        "Questionnaires",
        "Questionnaires you were sent, and your answers to those that were not anonymous. "
        "Anonymous answers are not linked to anyone, so they cannot be found or included.",
        (
            Source("invitations", "Questionnaires sent to you", _of(Invitation, "person")),
            Source("responses", "Your named responses", _of(Response, "respondent")),
            Source("answers", "Your named answers", _of(Answer, "response__respondent")),
            Source("drafts", "Answers saved to finish later", _of(Draft, "person")),
        ),
    ),
    Category(
        "notifications",
        "Notifications",
        "Notifications Pathway sent you, and your email settings.",
        (
            Source("notifications", "Notifications", _of(Notification, "recipient")),
            Source("email_preferences", "Email settings", _of(EmailPreference, "person")),
        ),
    ),
    Category(
        "recruitment",
        "Recruitment",
        "Your applications to the programme, how they were assessed, interviews and what "
        "happened to them.",
        (
            Source("applications", "Applications", _of(Application, "applicant")),
            Source(
                "criteria",
                "Assessment against the criteria",
                _of(CriterionAssessment, "application__applicant"),
            ),
            Source("interviews", "Interviews", _of(Interview, "application__applicant")),
            Source("events", "What happened", _of(ApplicationEvent, "application__applicant")),
        ),
    ),
    Category(
        "funding",
        "Funding",
        "Funding and costs are recorded for cohorts, not for people: Pathway holds no funding "
        "record about any one person.",
    ),
    Category(
        "outcomes",
        "Career pathway and outcomes",
        "Where you have worked and trained before and after the programme, and bridging modules.",
        (
            Source("moves", "Pathway moves", _of(PathwayMove, "person")),
            Source("bridging", "Bridging modules", _of(BridgingEnrolment, "person")),
        ),
    ),
    Category(
        "support",
        "Practice educator support",
        "Support a practice educator logged for you, and the caseloads you are on as a mentor.",
        (
            Source("support_logs", "Support logged", _of(SupportLog, "person")),
            Source("caseloads", "Mentor caseloads", _of(MentorCaseload, "mentor")),
        ),
    ),
    Category(
        "competence_views",
        "Looks at your current competence",
        "Each time someone looked at what you may do now (also in the access log below).",
        (Source("views", "Looks", _of(CompetenceView, "person")),),
    ),
)
# Built separately from the records above (see audit_history and access_log).
AUDIT_KEY, ACCESS_KEY = "audit_history", "access_log"


# Values: for JSON, and as people read them --------------------------------------------------


def json_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, bytes | memoryview):
        return None
    return value


def shown_value(model_field, value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "Not set"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or "Not set"
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass
class Shown:
    """One record for the summary page: (label, value) pairs."""

    fields: list[tuple[str, str]]


@dataclass
class Part:
    key: str
    title: str
    records: list[dict] = field(default_factory=list)
    shown: list[Shown] = field(default_factory=list)


@dataclass
class Collected:
    key: str
    title: str
    about: str
    parts: list[Part]

    @property
    def count(self) -> int:
        return sum(len(part.records) for part in self.parts)


def _fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in LEFT_OUT and not isinstance(f, models.BinaryField)
    ]


def _name_field(model) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    return next((name for name in NAME_FIELDS if name in names), None)


# How records with no name of their own are named when something points at them.
OWN_NAMES = {
    Issue: (
        ("questionnaire__title", "cohort__name"),
        lambda title, cohort: f"{title} for {cohort}",
    ),
    Response: (("issue__questionnaire__title",), lambda title: f"Response to {title}"),
    Review: (("held_on",), lambda held_on: f"Review on {date_format(held_on, 'j F Y')}"),
    SignOffRequest: (
        ("competency__code", "competency__title"),
        lambda code, title: f"Sign-off request for {code} {title}",
    ),
}


class _Names:
    """Names of the records pointed at, one query per kind of record for the whole archive."""

    def __init__(self):
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], object], str] = {}

    def want(self, model, pk) -> None:
        if pk is not None:
            self.wanted[model].add(pk)

    def load(self) -> None:
        for model, pks in self.wanted.items():
            named = OWN_NAMES.get(model) or audit.RELATED_NAMES.get(model)
            if named is not None:
                # Ours, or the audit history's (a record: "Tess's record on ...").
                fields, build = named
                rows = model._default_manager.filter(pk__in=pks).order_by()
                for pk, *values in rows.values_list("pk", *fields):
                    self.names[(model, pk)] = build(*values)
                continue
            name_field = _name_field(model)
            if name_field is None:
                continue
            rows = (
                model._default_manager.filter(pk__in=pks).order_by().values_list("pk", name_field)
            )
            for pk, name in rows:
                self.names[(model, pk)] = str(name)[:200]
        self.wanted.clear()

    def get(self, model, pk) -> str:
        return self.names.get((model, pk), f"#{pk}")


def _collect_source(source: Source, person: User, names: _Names) -> tuple[Part, list]:
    queryset = source.rows(person)
    if source.m2m:
        queryset = queryset.prefetch_related(*source.m2m)
    objects = list(queryset)
    model = queryset.model
    for obj in objects:
        for model_field in _fields(model):
            if isinstance(model_field, models.ForeignKey):
                names.want(model_field.related_model, getattr(obj, model_field.attname))
    return Part(source.key, source.title), objects


def _fill(part: Part, objects: list, source: Source, names: _Names, files: dict) -> None:
    for obj in objects:
        record, shown = {}, []
        for model_field in _fields(type(obj)):
            value = getattr(obj, model_field.attname)
            label = capfirst(str(model_field.verbose_name))
            if isinstance(model_field, models.ForeignKey):
                named = None if value is None else names.get(model_field.related_model, value)
                record[model_field.name] = (
                    None if value is None else {"id": json_value(value), "name": named}
                )
                shown.append((label, named or "Not set"))
                continue
            if isinstance(model_field, models.FileField):
                value = getattr(obj, model_field.name)
            record[model_field.name] = json_value(value)
            shown.append((label, shown_value(model_field, value)))
        for name in source.m2m:
            related = [str(item) for item in getattr(obj, name).all()]
            record[name] = related
            shown.append(
                (
                    capfirst(str(type(obj)._meta.get_field(name).verbose_name)),
                    "; ".join(related) or "None",
                )
            )
        if isinstance(obj, Evidence) and obj.file:
            record["file_in_archive"] = files.get(obj.pk)
            shown.append(("File in this archive", files.get(obj.pk) or "Could not be read"))
        part.records.append(record)
        part.shown.append(Shown(shown))


def _evidence_files(person: User) -> list[Evidence]:
    return list(Evidence.objects.filter(record__trainee=person).exclude(file="").order_by("pk"))


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def archive_name(evidence: Evidence) -> str:
    """Where an evidence file goes in the archive: its id, then its name made safe."""
    name = _UNSAFE.sub("_", evidence.original_filename or "evidence").strip(" .") or "evidence"
    return f"files/{evidence.uuid}/{name[:120]}"


def audit_history(person: User) -> Part:
    """Every change recorded in the audit history about the person (their details, roles,
    allocations, enrolments, passkeys, NHS account links), newest first."""
    log = audit.audit_log(people=[person.pk])
    part = Part(AUDIT_KEY, "Changes recorded about you")
    total = log.count()
    for start in range(0, total, AUDIT_PAGE):
        for entry in log[start : start + AUDIT_PAGE]:
            who = entry.by_client or (entry.who.full_name if entry.who else "System")
            changes = [{"field": c.field, "old": c.old, "new": c.new} for c in entry.changes]
            part.records.append(
                {
                    "when": json_value(entry.when),
                    "who": who,
                    "kind": entry.kind.label,
                    "record": entry.name,
                    "change": entry.change,
                    "changes": changes,
                }
            )
            part.shown.append(
                Shown(
                    [
                        ("When", shown_value(None, entry.when)),
                        ("Who", who),
                        ("What", f"{entry.kind.label}: {entry.name}"),
                        ("Change", entry.change.capitalize()),
                        *[(c.field, f"{c.old} → {c.new}") for c in entry.changes],
                    ]
                )
            )
    return part


def access_log(person: User) -> Part:
    """Every look by someone else at the person's record (pathway RecordAccess)."""
    part = Part(ACCESS_KEY, "Who has looked at your record")
    for access in (
        RecordAccess.objects.filter(subject=person).select_related("viewer").order_by("-at", "-id")
    ):
        viewer = access.viewer.full_name or access.viewer.email
        part.records.append(
            {
                "at": json_value(access.at),
                "viewer": {"id": access.viewer_id, "name": viewer},
                "kind": access.kind,
                "what": access.what,
                "object_id": access.object_id,
                "request_id": access.request_id,
            }
        )
        part.shown.append(
            Shown(
                [
                    ("When", shown_value(None, access.at)),
                    ("Who", viewer),
                    ("What", f"{access.get_kind_display()}: {access.what}".rstrip(": ")),
                ]
            )
        )
    return part


@dataclass
class Archive:
    filename: str
    content: bytes
    files: int
    records: int


def collect(person: User, *, files: dict[int, str] | None = None) -> list[Collected]:
    """Every category, in order, with the records about `person`."""
    files = files or {}
    names = _Names()
    found = []
    for category in CATEGORIES:
        parts = [(source, *_collect_source(source, person, names)) for source in category.sources]
        found.append((category, parts))
    names.load()
    collected = []
    for category, parts in found:
        filled = []
        for source, part, objects in parts:
            _fill(part, objects, source, names, files)
            filled.append(part)
        collected.append(Collected(category.key, category.title, category.about, filled))
    collected.append(
        Collected(
            AUDIT_KEY,
            "Audit history",
            "Changes to your details, roles, allocations, enrolments and sign-in methods: who "
            "made each, when, and what changed.",
            [audit_history(person)],
        )
    )
    collected.append(
        Collected(
            ACCESS_KEY,
            "Access log",
            "Each time someone else opened your training record, evidence, current competence "
            "or a copy of everything held about you.",
            [access_log(person)],
        )
    )
    return collected


def build_archive(*, person: User, requested_by: User, progress=None) -> Archive:
    """The ZIP archive of everything held about `person`. `progress(done, total)` is called
    as evidence files are read (a background job's progress)."""
    now = timezone.now()
    evidence = _evidence_files(person)
    buffer = io.BytesIO()
    files: dict[int, str] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, item in enumerate(evidence, start=1):
            try:
                with item.file.open("rb") as source:
                    content = source.read()
            except FileNotFoundError:
                content = None
            if content is not None:
                files[item.pk] = archive_name(item)
                archive.writestr(files[item.pk], content)
            if progress is not None:
                progress(done, len(evidence) + 1)
        collected = collect(person, files=files)
        data = {
            "format": FORMAT,
            "produced_at": now.isoformat(),
            "person": {"id": person.pk, "name": person.full_name, "email": person.email},
            "requested_by": {"id": requested_by.pk, "name": requested_by.full_name},
            "categories": {
                c.key: {
                    "title": c.title,
                    "description": c.about,
                    "parts": {p.key: {"title": p.title, "records": p.records} for p in c.parts},
                }
                for c in collected
            },
        }
        archive.writestr(
            "data.json", json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
        )
        archive.writestr(
            "summary.html",
            render_to_string(
                "governance/subject_access_summary.html",
                {
                    "person": person,
                    "requested_by": requested_by,
                    "produced_at": now,
                    "categories": collected,
                    "files": len(files),
                },
            ),
        )
        archive.writestr("README.txt", ARCHIVE_README)
    if progress is not None:
        progress(len(evidence) + 1, len(evidence) + 1)
    slug = re.sub(r"[^a-z0-9]+", "-", (person.full_name or "person").lower()).strip("-")
    return Archive(
        filename=f"pathway-subject-access-{slug or 'person'}-{now:%Y-%m-%d}.zip",
        content=buffer.getvalue(),
        files=len(files),
        records=sum(c.count for c in collected),
    )


ARCHIVE_README = """Everything Pathway holds about one person
==========================================

summary.html   The content to read, in any web browser, one heading per category.
data.json      The same content for computers (UTF-8 JSON), described below.
files/         Each evidence file as it was uploaded: files/<evidence uuid>/<file name>.

data.json
---------
format          "pathway-subject-access/1": this layout.
produced_at     When the archive was made (ISO 8601, UTC).
person          Whom it is about: id, name, email.
requested_by    Who asked for it: id, name.
categories      One entry per category, by key: details, allocations, training_records,
                practice, sign_offs, evidence, programme, reviews, questionnaires,
                notifications, recruitment, funding, outcomes, support, competence_views,
                audit_history, access_log. Each has:
    title         The category's heading in summary.html.
    description   What it holds.
    parts         The kinds of record in it, by key, each with a title and its records.

A record is an object with the fields Pathway keeps, by field name. Dates and times are ISO
8601. A field that points at another record (a person, a competency) is {"id", "name"}, or
null. A field with a fixed set of values holds its code (summary.html shows its label). An
evidence record with a file has "file_in_archive": the file's path in this archive (null if
the file could not be read when the archive was made).

audit_history records: when, who, kind, record, change (created, changed or deleted), and
changes (field, old, new). access_log records: at, viewer {id, name}, kind, what, object_id,
request_id.

Left out on purpose: the password hash, passkeys' key material, and answers to anonymous
questionnaires (they are not linked to anyone).
"""
