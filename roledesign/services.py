"""Writes for job descriptions and role design. Keyword-only, `actor` first (None = the system),
permission checked, transactional; ValidationErrors name the field at fault."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from competencies import services as competency_services
from competencies.models import Competency, Domain, Framework
from pathway.concurrency import locked, version_check
from pathway.models import ClinicalArea, RecordAccess, User
from pathway.services import record_access_log
from roledesign import task_import as task_file
from roledesign.models import (
    CompetenceView,
    CriterionCategory,
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


def _require(actor: User | None, perm: str = "roledesign.manage", obj=None):
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied("Only the lead nurse can do this")


# Job descriptions -------------------------------------------------------------------------------

JD_FIELDS = (
    "title",
    "band",
    "reports_to",
    "job_purpose",
    "key_responsibilities",
    "working_relationships",
)


def _check_framework(framework: Framework) -> None:
    if framework.status != Framework.Status.PUBLISHED:
        raise ValidationError({"framework": "Choose a published framework"})


def _check_areas(areas: list) -> None:
    if not areas:
        raise ValidationError({"clinical_areas": "Select the clinical areas this role works in"})


def _unique_lineage(title: str) -> str:
    base = slugify(title)[:80] or "job-description"
    lineage, n = base, 1
    while JobDescription.objects.filter(lineage=lineage).exists():
        n += 1
        lineage = f"{base}-{n}"
    return lineage


def _set_criteria(jd: JobDescription, criteria) -> None:
    """Replace the person specification: criteria are (category, essential, text) tuples.

    Criteria that stay (same category, requirement and text) are kept, so the audit history
    shows only the ones added and removed; each is saved or deleted one by one for that reason
    (bulk writes leave no history)."""
    wanted = []
    for category, essential, text in criteria:
        text = (text or "").strip()
        if not text:
            continue
        if category not in CriterionCategory.values:
            raise ValidationError({"criteria": f"Unknown category: {category}"})
        if len(text) > 500:
            raise ValidationError({"criteria": "Each criterion must be 500 characters or fewer"})
        wanted.append((category, bool(essential), text))
    existing = list(jd.criteria.order_by("order", "id"))
    kept: dict[int, PersonSpecCriterion] = {}
    unused = list(existing)
    for position, key in enumerate(wanted):
        match = next((c for c in unused if (c.category, c.essential, c.text) == key), None)
        if match is not None:
            unused.remove(match)
            kept[position] = match
    for criterion in unused:
        criterion.delete()
    reorder = []
    for order, (position, (category, essential, text)) in enumerate(enumerate(wanted), start=1):
        criterion = kept.get(position)
        if criterion is None:
            PersonSpecCriterion.objects.create(
                job_description=jd, category=category, essential=essential, text=text, order=order
            )
        elif criterion.order != order:
            criterion.order = order
            reorder.append(criterion)
    # The order is not audited: moving a criterion is not a change to what it says.
    PersonSpecCriterion.objects.bulk_update(reorder, ["order"])


@transaction.atomic
def jd_create(
    *,
    actor: User | None,
    framework: Framework,
    clinical_areas: Iterable[ClinicalArea],
    criteria: Iterable = (),
    lineage: str = "",
    **fields,
) -> JobDescription:
    _require(actor)
    _check_framework(framework)
    areas = list(clinical_areas)
    _check_areas(areas)
    jd = JobDescription(
        framework=framework,
        lineage=lineage or _unique_lineage(fields.get("title", "")),
        **{k: v for k, v in fields.items() if k in JD_FIELDS},
    )
    jd.full_clean()
    jd.save()
    jd.clinical_areas.set(areas)
    _set_criteria(jd, criteria)
    return jd


def _require_draft(jd: JobDescription) -> None:
    if not jd.is_editable:
        raise ValidationError(
            f"This job description is {jd.get_status_display().lower()}: only a draft can be "
            "changed. Make a new version to change it."
        )


@transaction.atomic
def jd_update(
    *,
    actor: User | None,
    jd: JobDescription,
    framework: Framework | None = None,
    clinical_areas: Iterable[ClinicalArea] | None = None,
    criteria: Iterable | None = None,
    **fields,
) -> JobDescription:
    _require(actor)
    jd = JobDescription.objects.select_for_update().get(pk=jd.pk)
    _require_draft(jd)
    if framework is not None and framework.pk != jd.framework_id:
        _check_framework(framework)
        jd.framework = framework
    for name, value in fields.items():
        if name in JD_FIELDS:
            setattr(jd, name, value)
    jd.full_clean()
    jd.save()
    if clinical_areas is not None:
        areas = list(clinical_areas)
        _check_areas(areas)
        jd.clinical_areas.set(areas)
    if criteria is not None:
        _set_criteria(jd, criteria)
    return jd


@transaction.atomic
def criterion_add(
    *, actor: User | None, jd: JobDescription, category: str, essential: bool, text: str
) -> PersonSpecCriterion:
    _require(actor)
    jd = JobDescription.objects.select_for_update().get(pk=jd.pk)
    _require_draft(jd)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the criterion"})
    if category not in CriterionCategory.values:
        raise ValidationError({"category": "Select the category"})
    order = (jd.criteria.aggregate(m=Max("order"))["m"] or 0) + 1
    criterion = PersonSpecCriterion(
        job_description=jd, category=category, essential=essential, text=text, order=order
    )
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_remove(*, actor: User | None, criterion: PersonSpecCriterion) -> None:
    _require(actor)
    _require_draft(JobDescription.objects.select_for_update().get(pk=criterion.job_description_id))
    criterion.delete()


@transaction.atomic
def jd_approve(*, actor: User | None, jd: JobDescription) -> JobDescription:
    """Approve a draft; the version approved before it (same lineage) becomes superseded."""
    _require(actor)
    jd = JobDescription.objects.select_for_update().get(pk=jd.pk)
    if jd.status != JobDescription.Status.DRAFT:
        raise ValidationError("Only a draft job description can be approved")
    if jd.framework.status != Framework.Status.PUBLISHED:
        raise ValidationError({"framework": "Its framework is no longer published"})
    if not jd.criteria.exists():
        raise ValidationError("Add the person specification before approving")
    # One by one, so that the audit history shows each superseded version.
    for older in JobDescription.objects.filter(
        lineage=jd.lineage, status=JobDescription.Status.APPROVED
    ).exclude(pk=jd.pk):
        older.status = JobDescription.Status.SUPERSEDED
        older.save(update_fields=["status"])
    jd.status = JobDescription.Status.APPROVED
    jd.approved_by = actor
    jd.approved_at = timezone.now()
    jd.save(update_fields=["status", "approved_by", "approved_at"])
    return jd


@transaction.atomic
def jd_new_version(
    *, actor: User | None, jd: JobDescription, framework: Framework | None = None
) -> JobDescription:
    """Copy an approved JD into a new draft, optionally onto a newer version of its framework."""
    _require(actor)
    if jd.status != JobDescription.Status.APPROVED:
        raise ValidationError("Only an approved job description can have a new version")
    if JobDescription.objects.filter(
        lineage=jd.lineage, status=JobDescription.Status.DRAFT
    ).exists():
        raise ValidationError("This job description already has a draft version")
    framework = framework or jd.framework
    if framework.code != jd.framework.code or framework.version < jd.framework.version:
        raise ValidationError(
            {"framework": "Choose this framework's current version or a newer one"}
        )
    _check_framework(framework)
    latest = JobDescription.objects.filter(lineage=jd.lineage).aggregate(m=Max("version"))["m"]
    new = JobDescription.objects.create(
        lineage=jd.lineage,
        version=latest + 1,
        previous_version=jd,
        framework=framework,
        **{name: getattr(jd, name) for name in JD_FIELDS},
    )
    new.clinical_areas.set(jd.clinical_areas.all())
    for c in jd.criteria.all():  # saved one by one: each has its first version in the history
        PersonSpecCriterion.objects.create(
            job_description=new,
            category=c.category,
            essential=c.essential,
            text=c.text,
            order=c.order,
        )
    return new


# Role design ------------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *, actor: User | None, name: str, clinical_area: ClinicalArea, lead: User
) -> RoleDesignProject:
    """A project, with its seven Calderdale stages: the first not started, the others unable to
    start until the stages they depend on are completed."""
    _require(actor)
    name = (name or "").strip()
    if RoleDesignProject.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "There is already a project with that name"})
    project = RoleDesignProject(name=name, clinical_area=clinical_area, lead=lead)
    project.full_clean()
    project.save()
    Stage.objects.bulk_create(
        Stage(
            project=project,
            kind=kind,
            status=Stage.Status.CANNOT_START
            if stage_blocked_by(kind, {})
            else Stage.Status.NOT_STARTED,
        )
        for kind in StageKind.values
    )
    return project


STAGE_FIELDS = ("owner", "status", "start_date", "end_date", "notes")
STARTED = {Stage.Status.IN_PROGRESS, Stage.Status.COMPLETED}


def _names(kinds) -> str:
    labels = [StageKind(kind).label for kind in kinds]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def stages_refresh(project_id: int) -> None:
    """Set "cannot start yet" on each stage not started whose earlier stages (see
    STAGE_DEPENDENCIES) are not all completed, and "not started" on each that can now start.
    A stage already in progress or completed keeps its status if an earlier one is reopened:
    the work done is not undone."""
    stages = list(Stage.objects.select_for_update().filter(project_id=project_id).order_by("kind"))
    statuses = {stage.kind: stage.status for stage in stages}
    for stage in stages:
        blocked = stage_blocked_by(stage.kind, statuses)
        if stage.status == Stage.Status.NOT_STARTED and blocked:
            stage.status = Stage.Status.CANNOT_START
        elif stage.status == Stage.Status.CANNOT_START and not blocked:
            stage.status = Stage.Status.NOT_STARTED
        else:
            continue
        stage.save(update_fields=["status"])
        statuses[stage.kind] = stage.status


@transaction.atomic
def stage_update(*, actor: User | None, stage: Stage, **fields) -> Stage:
    """Change a stage. It can be started (in progress or completed) only when the stages it
    depends on are completed; "cannot start yet" is never chosen, it is worked out. Saving a
    stage updates the "cannot start yet" status of the others."""
    _require(actor)
    for name, value in fields.items():
        if name in STAGE_FIELDS:
            setattr(stage, name, value)
    statuses = dict(Stage.objects.filter(project_id=stage.project_id).values_list("kind", "status"))
    blocked = stage_blocked_by(stage.kind, statuses)
    if stage.status in STARTED and blocked:
        raise ValidationError(
            {
                "status": f"This stage cannot start until {_names(blocked)} "
                f"{'is' if len(blocked) == 1 else 'are'} completed"
            }
        )
    if stage.status == Stage.Status.CANNOT_START and not blocked:
        stage.status = Stage.Status.NOT_STARTED
    elif stage.status == Stage.Status.NOT_STARTED and blocked:
        stage.status = Stage.Status.CANNOT_START
    if stage.status == Stage.Status.COMPLETED and not stage.end_date:
        raise ValidationError({"end_date": "Enter the date the stage was completed"})
    stage.full_clean()
    stage.save()
    stages_refresh(stage.project_id)
    stage.refresh_from_db(fields=["status"])
    return stage


TASK_FIELDS = (
    "name",
    "description",
    "done_by_now",
    "frequency",
    "patients",
    "decision",
    "conditions",
    "likelihood",
    "impact",
    "training_needed",
    "notes",
)


def _check_task(task: Task) -> None:
    if task.decision != DelegationDecision.WITH_CONDITIONS:
        task.conditions = task.conditions.strip() if task.conditions else ""
    if (
        Task.objects.filter(project_id=task.project_id, name__iexact=task.name)
        .exclude(pk=task.pk)
        .exists()
    ):
        raise ValidationError({"name": "This project already has a task with that name"})
    task.full_clean()


@transaction.atomic
def task_create(*, actor: User | None, project: RoleDesignProject, **fields) -> Task:
    _require(actor)
    task = Task(project=project, **{k: v for k, v in fields.items() if k in TASK_FIELDS})
    _check_task(task)
    task.save()
    return task


@transaction.atomic
def task_update(*, actor: User | None, task: Task, version: str | None = None, **fields) -> Task:
    """Save a task's analysis. `version` is the edit form's (pathway/concurrency.py): a save
    from a form drawn before someone else's save is refused with their change shown."""
    _require(actor)
    try:
        task = locked(task)
    except Task.DoesNotExist:
        raise ValidationError("This task has been removed: it was not saved", code="gone") from None
    version_check(task, version, fields=TASK_FIELDS)
    for name, value in fields.items():
        if name in TASK_FIELDS:
            setattr(task, name, value)
    _check_task(task)
    task.save()
    return task


@transaction.atomic
def task_make_competency(
    *, actor: User | None, task: Task, domain: Domain, code: str, title: str, description=""
) -> Competency:
    """Make a draft competency from a task judged delegable, and record where it came from."""
    _require(actor)
    if not task.can_become_competency:
        raise ValidationError(
            "This task was judged not suitable for delegation: it cannot become a competency"
        )
    if domain.framework.status != Framework.Status.DRAFT:
        raise ValidationError({"domain": "Choose a domain in a draft framework"})
    criteria = (
        [f"Works within these conditions: {task.conditions}"] if task.conditions.strip() else []
    )
    competency = competency_services.competency_create(
        actor=actor,
        domain=domain,
        clinical_areas=[task.project.clinical_area],
        code=code,
        title=title,
        description=description or task.description,
        performance_criteria=criteria,
        is_core=False,
    )
    TaskCompetencyLink.objects.create(task=task, competency=competency)
    return competency


@transaction.atomic
def task_link_competency(
    *, actor: User | None, task: Task, competency: Competency
) -> TaskCompetencyLink:
    """Record that an existing competency came from this task (a published framework's, say)."""
    _require(actor)
    if not task.can_become_competency:
        raise ValidationError(
            "This task was judged not suitable for delegation: it cannot become a competency"
        )
    link, _ = TaskCompetencyLink.objects.get_or_create(task=task, competency=competency)
    return link


@transaction.atomic
def task_import(*, actor: User | None, project: RoleDesignProject, upload) -> list[Task]:
    """Add every task in the file (roledesign/task_import.py) to the project, or none of them."""
    _require(actor)
    items = task_file.parse(upload)
    existing = {n.lower() for n in project.tasks.values_list("name", flat=True)}
    errors, tasks = [], []
    for number, values in items:
        task = Task(project=project, **{k: v for k, v in values.items() if v is not None})
        if task.name.lower() in existing:
            errors.append(f"Row {number}: the project already has a task called {task.name}")
            continue
        try:
            task.full_clean(exclude=["project"])
        except ValidationError as error:
            errors.extend(
                f"Row {number}: {field.replace('_', ' ')}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            )
            continue
        tasks.append(task)
    if errors:
        raise ValidationError({"file": errors})
    return Task.objects.bulk_create(tasks)


# Who looked at what a person may do -------------------------------------------------------------


@transaction.atomic
def competence_view_record(
    *,
    actor: User,
    person: User | None = None,
    clinical_area: ClinicalArea | None = None,
    competency: str = "",
) -> CompetenceView:
    """Keep one look at a person's current competence, or at a ward's "who can do this now",
    in the audit history: who looked, at whom (or which ward, and what they asked), when."""
    if person is not None:
        _require(actor, "roledesign.view_current_competence", person)
    elif clinical_area is not None:
        _require(actor, "roledesign.view_ward_competence", clinical_area)
    else:
        raise ValidationError("Name the person or the ward that was looked at")
    view = CompetenceView(
        viewer=actor, person=person, clinical_area=clinical_area, competency=competency[:300]
    )
    view._history_user = actor
    view.save()
    if person is not None:
        # The trainee's own "who has looked at your record" (issue #20, part 5).
        record_access_log(
            viewer=actor,
            subject_id=person.pk,
            kind=RecordAccess.Kind.CURRENT_COMPETENCE,
            what="What they can do now",
            object_id=person.pk,
        )
    return view
