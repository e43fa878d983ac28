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
    TrainingRecord,
)
from pathway.models import Organisation, User
from roledesign.models import (
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


# Role design ------------------------------------------------------------------------------------


def project_list() -> QuerySet[RoleDesignProject]:
    return (
        RoleDesignProject.objects.select_related("clinical_area", "lead")
        .annotate(completed_stages=Count("stages", filter=Q(stages__status="completed")))
        .order_by("name")
    )


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
