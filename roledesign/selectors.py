"""Reads for job descriptions and role design. Each page's reads take a fixed number of queries
however many criteria, competencies, stages or tasks there are."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from competencies.models import (
    Competency,
    CompetencyProgress,
    Domain,
    Framework,
    ProgressState,
    TrainingRecord,
)
from pathway.models import ClinicalArea, Organisation, User
from roledesign.models import (
    DelegationDecision,
    JobDescription,
    PersonSpecCriterion,
    RoleDesignProject,
    Stage,
    StageKind,
    Task,
    TaskCompetencyLink,
    stage_blocked_by,
)

EXPIRING_SOON_DAYS = 60

# Job descriptions -------------------------------------------------------------------------------


def job_descriptions() -> QuerySet[JobDescription]:
    return JobDescription.objects.select_related("framework", "approved_by").prefetch_related(
        "clinical_areas"
    )


def jd_list() -> list[JobDescription]:
    """Every job description, each marked `review_needed` (two queries, plus one)."""
    items = list(job_descriptions().order_by("title", "lineage", "-version"))
    latest = _latest_published_versions({jd.framework.code for jd in items})
    for jd in items:
        jd.review_needed = latest.get(jd.framework.code, 0) > jd.framework.version
    return items


def jd_detail(pk: int) -> JobDescription:
    return (
        job_descriptions()
        .prefetch_related(
            Prefetch("criteria", queryset=PersonSpecCriterion.objects.order_by("order", "id"))
        )
        .get(pk=pk)
    )


def _latest_published_versions(codes) -> dict[str, int]:
    rows = (
        Framework.objects.filter(code__in=codes, status=Framework.Status.PUBLISHED)
        .values("code")
        .annotate(latest=Max("version"))
    )
    return {row["code"]: row["latest"] for row in rows}


def newer_framework_for(jd: JobDescription) -> Framework | None:
    """The newest published version of the JD's framework, if newer than the one it uses."""
    return (
        Framework.objects.filter(
            code=jd.framework.code,
            status=Framework.Status.PUBLISHED,
            version__gt=jd.framework.version,
        )
        .order_by("-version")
        .first()
    )


def framework_versions_for_new_jd(jd: JobDescription) -> QuerySet[Framework]:
    """Published versions of the JD's framework, its own or newer, newest first."""
    return Framework.objects.filter(
        code=jd.framework.code,
        status=Framework.Status.PUBLISHED,
        version__gte=jd.framework.version,
    ).order_by("-version")


def _applicable(framework: Framework, areas) -> QuerySet[Competency]:
    area_ids = [a.pk for a in areas]
    return (
        Competency.objects.filter(framework=framework)
        .filter(Q(is_core=True) | Q(clinical_areas__in=area_ids))
        .distinct()
        .select_related("domain")
        .order_by("domain__order", "domain_id", "order", "id")
    )


@dataclass
class DomainGroup:
    title: str
    code: str
    competencies: list = field(default_factory=list)


def jd_employer(jd: JobDescription) -> str:
    """The trust a job description is for: the trust of its clinical areas' sites, or the only
    trust Pathway knows; "" when neither says."""
    trusts = Organisation.objects.filter(kind=Organisation.Kind.TRUST)
    named = trusts.filter(sites__clinical_areas__job_descriptions=jd).order_by("name").first()
    if named is not None:
        return named.name
    only = list(trusts.order_by("name")[:2])
    return only[0].name if len(only) == 1 else ""


def jd_competencies(jd: JobDescription) -> list[DomainGroup]:
    """The framework's core competencies and those specific to any of the JD's clinical areas,
    grouped by domain in the framework's order. Two queries (areas, competencies)."""
    groups: OrderedDict[int, DomainGroup] = OrderedDict()
    for competency in _applicable(jd.framework, jd.clinical_areas.all()):
        group = groups.setdefault(
            competency.domain_id, DomainGroup(competency.domain.title, competency.domain.code)
        )
        group.competencies.append(competency)
    return list(groups.values())


@dataclass
class FrameworkChanges:
    old: Framework
    new: Framework
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    reworded: list = field(default_factory=list)  # (old competency, new competency)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.reworded)


def _wording(competency: Competency):
    return (competency.title, competency.description, list(competency.performance_criteria or []))


def framework_changes(old: Framework, new: Framework, areas=None) -> FrameworkChanges:
    """What changed between two framework versions, compared by competency code: added,
    removed, reworded (same code, different title, description or performance criteria).
    With `areas`, only competencies that apply to those clinical areas (core, or specific to
    one of them) count. Two queries."""
    if areas is None:
        before = Competency.objects.filter(framework=old).order_by("code")
        after = Competency.objects.filter(framework=new).order_by("code")
    else:
        areas = list(areas)
        before, after = _applicable(old, areas), _applicable(new, areas)
    before_by_code = {c.code: c for c in before}
    after_by_code = {c.code: c for c in after}
    changes = FrameworkChanges(old=old, new=new)
    for code in sorted(after_by_code.keys() - before_by_code.keys()):
        changes.added.append(after_by_code[code])
    for code in sorted(before_by_code.keys() - after_by_code.keys()):
        changes.removed.append(before_by_code[code])
    for code in sorted(before_by_code.keys() & after_by_code.keys()):
        if _wording(before_by_code[code]) != _wording(after_by_code[code]):
            changes.reworded.append((before_by_code[code], after_by_code[code]))
    return changes


def jd_review(jd: JobDescription) -> FrameworkChanges | None:
    """If a newer published version of the JD's framework exists, what changed for its areas."""
    newer = newer_framework_for(jd)
    if newer is None:
        return None
    return framework_changes(jd.framework, newer, areas=jd.clinical_areas.all())


def approved_jd_for_record(record: TrainingRecord) -> JobDescription | None:
    """The approved JD whose framework has the record's framework code and which covers the
    record's clinical area (the newest framework version first)."""
    return (
        job_descriptions()
        .filter(
            status=JobDescription.Status.APPROVED,
            framework__code=record.framework.code,
            clinical_areas=record.clinical_area_id,
        )
        .order_by("-framework__version", "-approved_at")
        .first()
    )


# A person's current competence ------------------------------------------------------------------


@dataclass
class HeldCompetency:
    progress: CompetencyProgress
    expiring_soon: bool
    conditions: list = field(default_factory=list)


def current_competence(person: User, *, today: datetime.date | None = None) -> list:
    """The competencies the person holds today (achieved and not expired), across all their
    records, with the sign-off date; those expiring within 60 days are flagged. One query."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=EXPIRING_SOON_DAYS)
    rows = (
        CompetencyProgress.objects.currently_achieved(today)
        .filter(record__trainee=person)
        .select_related("competency__domain", "record__framework")
        .order_by("competency__domain__order", "competency__order", "competency__code", "id")
    )
    return [
        HeldCompetency(row, expiring_soon=row.expires_on is not None and row.expires_on <= soon)
        for row in rows
    ]


# What a trainee or assistant practitioner may do, for the ward (issue #16) ----------------------


def competence_person(pk) -> User:
    return User.objects.select_related("clinical_area").get(pk=pk)


def has_training_record(person: User) -> bool:
    """A trainee, or an assistant practitioner who has finished the course: the people whose
    competence the ward may look up."""
    return TrainingRecord.objects.filter(trainee_id=person.pk).exists()


def clinical_area(pk) -> ClinicalArea:
    return ClinicalArea.objects.get(pk=pk)


def clinical_areas() -> QuerySet[ClinicalArea]:
    return ClinicalArea.objects.order_by("name")


@dataclass
class Condition:
    task: str
    conditions: str


@dataclass
class Learning:
    """A competency the person is working towards or must be reassessed on: supervised only."""

    progress: CompetencyProgress
    state_label: str
    conditions: list = field(default_factory=list)


@dataclass
class CompetenceSummary:
    person: User
    area: ClinicalArea | None
    own: list  # HeldCompetency, with .conditions
    supervised: list  # Learning
    not_delegated: list  # Task (decision "not suitable")
    conditional: list  # Task (suitable with conditions) not shown against a competency above
    soon_days: int = EXPIRING_SOON_DAYS


def _latest_record(person: User) -> TrainingRecord | None:
    return (
        TrainingRecord.objects.filter(trainee=person)
        .select_related("framework", "clinical_area")
        .order_by("-is_active", "-start_date", "-id")
        .first()
    )


def _conditions_for(keys) -> tuple[dict, set]:
    """The conditions role design set for competencies made from tasks suitable with
    conditions, by (framework code, competency code), so that they follow the competency into
    later framework versions; and the ids of the tasks found. One query."""
    keys = set(keys)
    if not keys:
        return {}, set()
    rows = (
        TaskCompetencyLink.objects.filter(
            task__decision=DelegationDecision.WITH_CONDITIONS,
            competency__code__in={code for _, code in keys},
            competency__framework__code__in={framework for framework, _ in keys},
        )
        .order_by("task__name", "id")
        .values_list(
            "competency__framework__code",
            "competency__code",
            "task_id",
            "task__name",
            "task__conditions",
        )
    )
    found: dict[tuple[str, str], list[Condition]] = {}
    task_ids = set()
    for framework, code, task_id, name, conditions in rows:
        if (framework, code) in keys:
            found.setdefault((framework, code), []).append(Condition(name, conditions))
            task_ids.add(task_id)
    return found, task_ids


def _judged_not_suitable(keys) -> dict[tuple[str, str], list[Task]]:
    """The tasks judged not suitable that competencies were made from, by (framework code,
    competency code): a task can be judged again after its competency was made and signed
    off, and then nobody in the role does it on their own or under supervision, whatever their
    record says (docs/clinical-safety, hazard H-003). One query, none without keys."""
    keys = set(keys)
    if not keys:
        return {}
    links = (
        TaskCompetencyLink.objects.filter(
            task__decision=DelegationDecision.NOT_SUITABLE,
            competency__code__in={code for _, code in keys},
            competency__framework__code__in={framework for framework, _ in keys},
        )
        .select_related("task", "competency__framework")
        .order_by("task__name", "id")
    )
    found: dict[tuple[str, str], list[Task]] = {}
    for link in links:
        key = (link.competency.framework.code, link.competency.code)
        if key in keys:
            found.setdefault(key, []).append(link.task)
    return found


def _area_tasks(area: ClinicalArea | None) -> list[Task]:
    """The tasks the role design for this clinical area judged not suitable to delegate, or
    suitable only with conditions. One query."""
    if area is None:
        return []
    return list(
        Task.objects.filter(
            project__clinical_area=area,
            decision__in=[DelegationDecision.NOT_SUITABLE, DelegationDecision.WITH_CONDITIONS],
        )
        .select_related("project")
        .order_by("name", "project__name", "id")
    )


def _key(progress: CompetencyProgress) -> tuple[str, str]:
    return (progress.record.framework.code, progress.competency.code)


def competence_summary(person: User, *, today: datetime.date | None = None) -> CompetenceSummary:
    """What the person may do on their own (current sign-offs, those expiring within 60 days
    flagged), only under supervision (the competencies of their latest record not held now),
    and never (tasks the role design for their clinical area judged not suitable), with the
    conditions role design set. A fixed number of queries, however long the lists."""
    today = today or timezone.localdate()
    held = current_competence(person, today=today)
    held_codes = {h.progress.competency.code for h in held}
    record = _latest_record(person)
    supervised: list[Learning] = []
    if record is not None:
        labels = dict(ProgressState.choices)
        rows = (
            CompetencyProgress.objects.with_display_state(today)
            .filter(record=record)
            .exclude(display_state=ProgressState.ACHIEVED)
            .exclude(competency__code__in=held_codes)
            .select_related("competency__domain", "record__framework")
            .order_by("competency__domain__order", "competency__order", "competency__code", "id")
        )
        supervised = [
            Learning(row, labels.get(row.display_state, row.display_state)) for row in rows
        ]
    keys = [_key(h.progress) for h in held] + [_key(s.progress) for s in supervised]
    excluded = _judged_not_suitable(keys)
    held = [h for h in held if _key(h.progress) not in excluded]
    supervised = [s for s in supervised if _key(s.progress) not in excluded]
    conditions, shown_tasks = _conditions_for(keys)
    for item in held:
        item.conditions = conditions.get(_key(item.progress), [])
    for item in supervised:
        item.conditions = conditions.get(_key(item.progress), [])
    area = person.clinical_area or (record.clinical_area if record else None)
    tasks = _area_tasks(area)
    return CompetenceSummary(
        person=person,
        area=area,
        own=held,
        supervised=supervised,
        not_delegated=_not_delegated(tasks, excluded),
        conditional=[
            t
            for t in tasks
            if t.decision == DelegationDecision.WITH_CONDITIONS and t.pk not in shown_tasks
        ],
    )


def _not_delegated(tasks: list[Task], excluded: dict) -> list[Task]:
    """The area's tasks judged not suitable, and those behind competencies on the record
    that were judged not suitable since, once each, by name."""
    found = {t.pk: t for t in tasks if t.decision == DelegationDecision.NOT_SUITABLE}
    for linked in excluded.values():
        found.update((t.pk, t) for t in linked)
    return sorted(found.values(), key=lambda t: (t.name, t.pk))


@dataclass
class WardAnswer:
    key: str
    title: str
    own: list  # HeldCompetency for each person who holds it now (one per person)
    supervised: list  # User: on the ward, training or trained, not holding it now
    conditions: list  # Condition
    never: bool = False  # a task role design judged not suitable for the role
    no_competency: bool = False  # a delegable task not yet made a competency


TASK_PREFIX = "task-"


def ward_people(area: ClinicalArea) -> list[User]:
    """The trainees and assistant practitioners working in this clinical area. One query."""
    return list(
        User.objects.filter(clinical_area=area, training_records__isnull=False, is_active=True)
        .distinct()
        .order_by("full_name", "id")
    )


def ward_tasks(area: ClinicalArea) -> list[Task]:
    """The tasks the role design for this clinical area decided on, with the competencies made
    from them. Two queries."""
    return list(
        Task.objects.filter(project__clinical_area=area)
        .prefetch_related(
            Prefetch(
                "competency_links",
                queryset=TaskCompetencyLink.objects.select_related("competency"),
            )
        )
        .order_by("name", "id")
    )


def ward_competency_choices(area: ClinicalArea) -> list[tuple[str, str]]:
    """(code, "code title") for every competency on the records of the ward's people, once
    each by code, in code order. One query."""
    rows = (
        CompetencyProgress.objects.filter(
            record__trainee__clinical_area=area, record__trainee__is_active=True
        )
        .order_by("competency__code", "-record__framework__version")
        .values_list("competency__code", "competency__title")
        .distinct()
    )
    choices: dict[str, str] = {}
    for code, title in rows:
        choices.setdefault(code, f"{code} {title}")
    return list(choices.items())


def ward_question_choices(area: ClinicalArea, tasks: list[Task]) -> list[tuple[str, str]]:
    """What the ward may ask about: its competencies, then the role design's tasks."""
    return ward_competency_choices(area) + [
        (f"{TASK_PREFIX}{task.pk}", f"Task: {task.name}") for task in tasks
    ]


def _holders(area, codes, today) -> dict[int, HeldCompetency]:
    """Per person on the ward, their current sign-off of one of these competency codes (the
    latest). One query, none when there are no codes."""
    if not codes:
        return {}
    soon = today + datetime.timedelta(days=EXPIRING_SOON_DAYS)
    rows = (
        CompetencyProgress.objects.currently_achieved(today)
        .filter(
            competency__code__in=codes,
            record__trainee__clinical_area=area,
            record__trainee__is_active=True,
        )
        .select_related("competency", "record__trainee", "record__framework")
        .order_by("record__trainee__full_name", "record__trainee_id", "-achieved_on", "-id")
    )
    own: dict[int, HeldCompetency] = {}
    for row in rows:
        if row.record.trainee_id not in own:
            own[row.record.trainee_id] = HeldCompetency(
                row, expiring_soon=row.expires_on is not None and row.expires_on <= soon
            )
    return own


def ward_who_can(
    area: ClinicalArea,
    key: str,
    *,
    people: list[User],
    tasks: list[Task],
    choices: list[tuple[str, str]],
    today: datetime.date | None = None,
) -> WardAnswer:
    """Who on the ward may do this now on their own (signed off, not expired; expiring soon
    flagged) and who only under supervision. `key` is a competency code, or a task (its
    competencies answer; a task judged not suitable is done by nobody in the role). A fixed
    number of queries."""
    today = today or timezone.localdate()
    task = next((t for t in tasks if f"{TASK_PREFIX}{t.pk}" == key), None)
    if task is None:
        # A competency made from a task judged not suitable since: nobody does it (H-003).
        never = TaskCompetencyLink.objects.filter(
            competency__code=key, task__decision=DelegationDecision.NOT_SUITABLE
        ).exists()
        codes = set() if never else {key}
    else:
        never = task.decision == DelegationDecision.NOT_SUITABLE
        codes = set() if never else {link.competency.code for link in task.competency_links.all()}
    own = _holders(area, codes, today)
    if task is not None:
        conditions = [Condition(task.name, task.conditions)] if task.conditions else []
    else:
        found, _ = _conditions_for({_key(h.progress) for h in own.values()})
        unique = {(c.task, c.conditions): c for key in sorted(found) for c in found[key]}
        conditions = list(unique.values())
    return WardAnswer(
        key=key,
        title=dict(choices).get(key, key),
        own=list(own.values()),
        supervised=[] if never else [p for p in people if p.pk not in own],
        conditions=[] if never else conditions,
        never=never,
        no_competency=task is not None and not never and not codes,
    )


def ward_not_delegated(tasks: list[Task]) -> list[Task]:
    return [t for t in tasks if t.decision == DelegationDecision.NOT_SUITABLE]


# Role design ------------------------------------------------------------------------------------


def project_list() -> QuerySet[RoleDesignProject]:
    return (
        RoleDesignProject.objects.select_related("clinical_area", "lead")
        .annotate(completed_stages=Count("stages", filter=Q(stages__status="completed")))
        .order_by("name")
    )


def project_by_pk(pk: int) -> RoleDesignProject:
    return RoleDesignProject.objects.select_related("clinical_area").get(pk=pk)


def project_detail(pk: int) -> RoleDesignProject:
    return (
        RoleDesignProject.objects.select_related("clinical_area", "lead")
        .prefetch_related(
            Prefetch("stages", queryset=Stage.objects.select_related("owner").order_by("kind")),
            Prefetch(
                "tasks",
                queryset=Task.objects.prefetch_related(
                    Prefetch(
                        "competency_links",
                        queryset=TaskCompetencyLink.objects.select_related("competency__framework"),
                    )
                ).order_by("name"),
            ),
        )
        .get(pk=pk)
    )


def stage_by_pk(pk: int) -> Stage:
    return Stage.objects.select_related("project", "owner").get(pk=pk)


def stage_waiting_for(stage: Stage) -> list[str]:
    """The names of the earlier stages this one needs completed before it can start."""
    statuses = dict(Stage.objects.filter(project_id=stage.project_id).values_list("kind", "status"))
    return [StageKind(kind).label for kind in stage_blocked_by(stage.kind, statuses)]


def task_detail(pk: int) -> Task:
    return (
        Task.objects.select_related("project__clinical_area")
        .prefetch_related(
            Prefetch(
                "competency_links",
                queryset=TaskCompetencyLink.objects.select_related(
                    "competency__framework", "competency__domain"
                ),
            )
        )
        .get(pk=pk)
    )


def competency_by_pk(pk: int) -> Competency:
    return Competency.objects.select_related("framework", "domain").get(pk=pk)


def provenance_for(competency: Competency) -> list[TaskCompetencyLink]:
    """The role design tasks a competency was made from (usually one)."""
    return list(
        TaskCompetencyLink.objects.filter(competency=competency)
        .select_related("task__project__clinical_area", "competency__framework")
        .order_by("created_at", "id")
    )


def draft_domains() -> QuerySet[Domain]:
    return (
        Domain.objects.filter(framework__status=Framework.Status.DRAFT)
        .select_related("framework")
        .order_by("framework__name", "framework__version", "order", "id")
    )
