"""Writes for the framework editor: frameworks, their versions, domains and competencies.

Every function checks who is acting (an `actor` of None means the system itself: imports run
by an administrator at the command line, seeding) and runs in one transaction. Only a draft
can be changed, so that every sign-off keeps pointing at what the trainee was assessed against.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from competencies.models import Competency, Domain, Framework, Ksb
from competencies.tree import CompetencyTree
from pathway.concurrency import locked, version_check
from pathway.models import ClinicalArea, User


def _require_lead_nurse(actor: User | None) -> None:
    if actor is not None and not actor.has_perm("competencies.manage_frameworks"):
        raise PermissionDenied("Only the lead nurse can do this")


def _require_draft(framework: Framework):
    if not framework.is_editable:
        raise ValidationError(
            f"{framework} is {framework.get_status_display().lower()}: only a draft can be changed"
        )


# Frameworks ---------------------------------------------------------------------------------


@transaction.atomic
def framework_create(
    *, actor: User | None, name: str, code: str, description: str = "", version: int = 1
) -> Framework:
    _require_lead_nurse(actor)
    if Framework.objects.filter(code=code, version=version).exists():
        raise ValidationError({"code": f"A framework with ID number {code} already exists"})
    framework = Framework(name=name, code=code, description=description, version=version)
    framework.full_clean()
    framework.save()
    return framework


# What each edit form of the framework editor changes, and so what its version covers
# (pathway/concurrency.py): a save from a form drawn before someone else's save is refused.
FRAMEWORK_EDITED = ("name", "description", "standard")
DOMAIN_EDITED = ("code", "title", "description")


@transaction.atomic
def framework_update(
    *, actor: User | None, framework: Framework, version: str | None = None, **fields
) -> Framework:
    _require_lead_nurse(actor)
    framework = locked(framework)
    _require_draft(framework)
    version_check(framework, version, fields=FRAMEWORK_EDITED)
    framework._history_user = actor  # the audit history names who, outside a request too
    for name in ("name", "description"):
        if name in fields:
            setattr(framework, name, fields[name])
    if "standard" in fields:
        framework.standard = fields["standard"]
    framework.full_clean()
    framework.save()
    # Competencies map only to the linked standard's KSBs: a change of standard (or none)
    # drops the mappings to any other standard's.
    through = Ksb.competencies.through
    stale = through.objects.filter(competency__framework=framework)
    if framework.standard_id is not None:
        stale = stale.exclude(ksb__standard_id=framework.standard_id)
    stale.delete()
    return framework


@transaction.atomic
def framework_publish(*, actor: User | None, framework: Framework) -> Framework:
    """Publish a draft: it becomes read-only and can be used for training records."""
    _require_lead_nurse(actor)
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    _require_draft(framework)
    if not framework.competencies.exists():
        raise ValidationError("Add at least one competency before publishing")
    specific_without_area = framework.competencies.filter(
        is_core=False, clinical_areas__isnull=True
    )
    if specific_without_area.exists():
        codes = ", ".join(specific_without_area.values_list("code", flat=True)[:5])
        raise ValidationError(f"Specific competencies need a clinical area: {codes}")
    framework.status = Framework.Status.PUBLISHED
    framework.published_at = timezone.now()
    framework.published_by = actor
    framework.save(update_fields=["status", "published_at", "published_by"])
    return framework


@transaction.atomic
def framework_retire(*, actor: User | None, framework: Framework) -> Framework:
    _require_lead_nurse(actor)
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.status != Framework.Status.PUBLISHED:
        raise ValidationError("Only a published framework can be retired")
    framework.status = Framework.Status.RETIRED
    framework.save(update_fields=["status"])
    return framework


@transaction.atomic
def framework_new_version(*, actor: User | None, framework: Framework) -> Framework:
    """Copy a published (or retired) framework into a new draft version."""
    _require_lead_nurse(actor)
    if framework.status == Framework.Status.DRAFT:
        raise ValidationError("Publish this draft before making a new version of it")
    if Framework.objects.filter(code=framework.code, status=Framework.Status.DRAFT).exists():
        raise ValidationError("There is already a draft version of this framework")
    latest = Framework.objects.filter(code=framework.code).aggregate(v=Max("version"))["v"]
    copy = Framework.objects.create(
        name=framework.name,
        code=framework.code,
        description=framework.description,
        version=latest + 1,
        previous_version=framework,
        source_id_number=framework.source_id_number,
        description_format=framework.description_format,
        scale=framework.scale,
        taxonomy=framework.taxonomy,
        standard_id=framework.standard_id,
    )
    domain_map = {}
    for domain in framework.domains.all():
        domain_map[domain.pk] = Domain.objects.create(
            framework=copy,
            code=domain.code,
            title=domain.title,
            description=domain.description,
            order=domain.order,
            description_format=domain.description_format,
            export_id=domain.export_id,
        )
    competencies = list(framework.competencies.prefetch_related("clinical_areas", "ksbs"))
    copies = {}  # old competency pk -> its copy
    old_parents = {}  # old competency pk -> old parent pk
    for competency in competencies:
        old_pk = competency.pk
        if competency.parent_id is not None:
            old_parents[old_pk] = competency.parent_id
        areas = list(competency.clinical_areas.all())
        ksbs = list(competency.ksbs.all())
        competency.pk = None
        competency.id = None
        competency._state.adding = True
        competency.framework = copy
        competency.domain = domain_map[competency.domain_id]
        competency.parent = None  # set below, once every copy exists
        competency.save()
        competency.clinical_areas.add(*areas)  # not set(): it reads the prefetched old areas
        competency.ksbs.add(*ksbs)  # the KSB mappings go with it
        copies[old_pk] = competency
    # Each copy sits under the copy of its old parent.
    with_parents = []
    for old_pk, old_parent_pk in old_parents.items():
        copies[old_pk].parent = copies[old_parent_pk]
        with_parents.append(copies[old_pk])
    Competency.objects.bulk_update(with_parents, ["parent"])
    return copy


# Domains and competencies in a draft ---------------------------------------------------------


def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def domain_create(
    *, actor: User | None, framework: Framework, code: str, title: str, description: str = ""
) -> Domain:
    _require_lead_nurse(actor)
    _require_draft(framework)
    if framework.domains.filter(code=code).exists():
        raise ValidationError({"code": f"This framework already has a domain with ID {code}"})
    domain = Domain(
        framework=framework,
        code=code,
        title=title,
        description=description,
        order=_next_order(framework.domains.all()),
    )
    domain.full_clean()
    domain.save()
    return domain


@transaction.atomic
def domain_update(
    *, actor: User | None, domain: Domain, version: str | None = None, **fields
) -> Domain:
    _require_lead_nurse(actor)
    domain = locked(domain)
    _require_draft(domain.framework)
    version_check(domain, version, fields=DOMAIN_EDITED)
    domain._history_user = actor
    code = fields.get("code", domain.code)
    if domain.framework.domains.filter(code=code).exclude(pk=domain.pk).exists():
        raise ValidationError({"code": f"This framework already has a domain with ID {code}"})
    for name in ("code", "title", "description"):
        if name in fields:
            setattr(domain, name, fields[name])
    domain.full_clean()
    domain.save()
    return domain


@transaction.atomic
def domain_delete(*, actor: User | None, domain: Domain) -> None:
    _require_lead_nurse(actor)
    _require_draft(domain.framework)
    domain.delete()


def _move(queryset, item, direction: str) -> None:
    """Swap an item's order with its neighbour above ('up') or below ('down')."""
    items = list(queryset.order_by("order", "id"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    swap_with = index - 1 if direction == "up" else index + 1
    if swap_with < 0 or swap_with >= len(items):
        return
    items[index], items[swap_with] = items[swap_with], items[index]
    for position, obj in enumerate(items, start=1):
        if obj.order != position:
            type(obj).objects.filter(pk=obj.pk).update(order=position)


@transaction.atomic
def domain_move(*, actor: User | None, domain: Domain, direction: str) -> None:
    _require_lead_nurse(actor)
    _require_draft(domain.framework)
    _move(domain.framework.domains.select_for_update(), domain, direction)


COMPETENCY_FIELDS = (
    "code",
    "title",
    "description",
    "performance_criteria",
    "underpinning_knowledge",
    "is_core",
    "assessment_methods",
    "supervised_practices_required",
    "reassessment_months",
)
COMPETENCY_EDITED = (*COMPETENCY_FIELDS, "clinical_areas", "domain", "ksbs")


def _set_ksbs(competency: Competency, ksbs) -> None:
    """Map the competency to these KSBs, which must be its framework's standard's."""
    ksbs = list(ksbs)
    standard_id = competency.framework.standard_id
    if any(k.standard_id != standard_id for k in ksbs):
        raise ValidationError({"ksbs": "Select KSBs of the framework's apprenticeship standard"})
    competency.ksbs.set(ksbs)


@transaction.atomic
def competency_create(
    *,
    actor: User | None,
    domain: Domain,
    clinical_areas: Iterable[ClinicalArea] = (),
    ksbs: Iterable[Ksb] = (),
    **fields,
) -> Competency:
    _require_lead_nurse(actor)
    framework = domain.framework
    _require_draft(framework)
    code = fields.get("code", "")
    if framework.competencies.filter(code=code).exists():
        raise ValidationError({"code": f"This framework already has a competency with ID {code}"})
    competency = Competency(
        framework=framework,
        domain=domain,
        order=_next_order(domain.competencies.all()),
        **{k: v for k, v in fields.items() if k in COMPETENCY_FIELDS},
    )
    competency.full_clean()
    competency.save()
    areas = list(clinical_areas)
    if not competency.is_core and not areas:
        raise ValidationError({"clinical_areas": "Select the clinical areas this applies to"})
    competency.clinical_areas.set([] if competency.is_core else areas)
    _set_ksbs(competency, ksbs)
    return competency


@transaction.atomic
def competency_update(
    *,
    actor: User | None,
    competency: Competency,
    clinical_areas: Iterable[ClinicalArea] | None = None,
    domain: Domain | None = None,
    version: str | None = None,
    ksbs: Iterable[Ksb] | None = None,
    **fields,
) -> Competency:
    _require_lead_nurse(actor)
    competency = locked(competency)
    _require_draft(competency.framework)
    version_check(competency, version, fields=COMPETENCY_EDITED)
    competency._history_user = actor
    code = fields.get("code", competency.code)
    if competency.framework.competencies.filter(code=code).exclude(pk=competency.pk).exists():
        raise ValidationError({"code": f"This framework already has a competency with ID {code}"})
    for name, value in fields.items():
        if name in COMPETENCY_FIELDS:
            setattr(competency, name, value)
    if domain is not None and domain.pk != competency.domain_id:
        # It leaves the old domain's tree: what sat under it moves up to where it sat.
        Competency.objects.filter(parent=competency).update(parent=competency.parent_id)
        competency.parent = None
        competency.domain = domain
        competency.order = _next_order(domain.competencies.all())
    competency.full_clean()
    competency.save()
    if clinical_areas is not None:
        areas = list(clinical_areas)
        if not competency.is_core and not areas:
            raise ValidationError({"clinical_areas": "Select the clinical areas this applies to"})
        competency.clinical_areas.set([] if competency.is_core else areas)
    elif competency.is_core:
        competency.clinical_areas.clear()
    if ksbs is not None:
        _set_ksbs(competency, ksbs)
    return competency


@transaction.atomic
def competency_delete(*, actor: User | None, competency: Competency) -> None:
    _require_lead_nurse(actor)
    _require_draft(competency.framework)
    competency.delete()


@transaction.atomic
def competency_move(*, actor: User | None, competency: Competency, direction: str) -> None:
    _require_lead_nurse(actor)
    _require_draft(competency.framework)
    items = list(competency.domain.competencies.select_for_update().order_by("order", "id"))
    tree = CompetencyTree(items)
    item = next(other for other in items if other.pk == competency.pk)
    # Swap with the neighbouring sibling (with everything beneath both), then number the
    # domain's competencies in tree order, so that the order is each one after its parent.
    siblings = tree.siblings(item)
    index = next(i for i, other in enumerate(siblings) if other is item)
    swap_with = index - 1 if direction == "up" else index + 1
    if swap_with < 0 or swap_with >= len(siblings):
        return
    siblings[index], siblings[swap_with] = siblings[swap_with], siblings[index]
    for position, (other, _depth) in enumerate(tree.preorder(), start=1):
        if other.order != position:
            Competency.objects.filter(pk=other.pk).update(order=position)
