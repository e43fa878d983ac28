"""Reads for the framework editor: lists, one framework with its structure, lookups for forms."""

from __future__ import annotations

from django.db.models import Case, Count, Max, Prefetch, QuerySet, Value, When

from competencies.models import ApprenticeshipStandard, Competency, Domain, Framework, Ksb, KsbKind
from competencies.tree import CompetencyTree
from pathway.models import ClinicalArea


def framework_list() -> QuerySet[Framework]:
    """Every framework, versions of one framework together (newest first), with counts."""
    return (
        Framework.objects.annotate(
            domain_count=Count("domains", distinct=True),
            competency_count=Count("competencies", distinct=True),
        )
        .select_related("published_by")
        .order_by("name", "code", "-version")
    )


def framework_with_structure() -> QuerySet[Framework]:
    """Frameworks with domains, competencies and their clinical areas prefetched, in order.

    A page showing one framework runs a fixed number of queries whatever its size.
    """
    competencies = Competency.objects.order_by("order", "id").prefetch_related(
        Prefetch("clinical_areas", queryset=ClinicalArea.objects.order_by("name")),
        Prefetch("ksbs", queryset=Ksb.objects.order_by("position", "code")),
    )
    domains = Domain.objects.order_by("order", "id").prefetch_related(
        Prefetch("competencies", queryset=competencies)
    )
    return Framework.objects.select_related(
        "published_by", "previous_version", "standard"
    ).prefetch_related(Prefetch("domains", queryset=domains))


# Left padding (NHS.UK spacing classes) for a competency nested 1, 2, 3, 4 or more levels down.
_INDENT_CLASSES = ("", "nhsuk-u-padding-left-4", "nhsuk-u-padding-left-6", "nhsuk-u-padding-left-8")


def domains_with_nested_competencies(framework: Framework) -> list[Domain]:
    """The framework's domains, each with `nested_competencies`: its competencies in tree order,
    each after the competency it sits under.

    Uses what framework_with_structure prefetched, so it runs no query of its own. Each
    competency gets `depth` (0 directly in the domain), `parent_code` ("" directly in the
    domain), `indent_class`, and `is_first_sibling` / `is_last_sibling` (for moving it).
    """
    domains = list(framework.domains.all())
    for domain in domains:
        tree = CompetencyTree(domain.competencies.all())
        nested = []
        for competency, depth in tree.preorder():
            parent = tree.parent_of(competency)
            siblings = tree.siblings(competency)
            competency.depth = depth
            competency.parent_code = parent.code if parent is not None else ""
            competency.indent_class = _INDENT_CLASSES[min(depth, len(_INDENT_CLASSES) - 1)]
            competency.is_first_sibling = siblings[0] is competency
            competency.is_last_sibling = siblings[-1] is competency
            nested.append(competency)
        domain.nested_competencies = nested
    return domains


def competency_descendants(competency: Competency) -> list[Competency]:
    """Every competency beneath this one, at any depth, in tree order."""
    tree = CompetencyTree(competency.domain.competencies.order_by("order", "id"))
    found, below = [], {competency.pk}
    for item, _depth in tree.preorder():
        parent = tree.parent_of(item)
        if parent is not None and parent.pk in below:
            below.add(item.pk)
            found.append(item)
    return found


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.all()


def framework_by_pk(pk, *, structure: bool = False) -> Framework:
    """One framework; with `structure`, its domains and competencies too (for its page)."""
    queryset = framework_with_structure() if structure else frameworks()
    return queryset.get(pk=pk)


def domain_by_pk(pk) -> Domain:
    return domains().get(pk=pk)


def competency_by_pk(pk) -> Competency:
    return competencies().get(pk=pk)


def domains() -> QuerySet[Domain]:
    return Domain.objects.select_related("framework").annotate(
        competency_count=Count("competencies")
    )


def competencies() -> QuerySet[Competency]:
    return Competency.objects.select_related("framework", "domain")


def draft_version_of(framework: Framework) -> Framework | None:
    """The draft version with the same ID number, if one is being worked on."""
    return (
        Framework.objects.filter(code=framework.code, status=Framework.Status.DRAFT)
        .exclude(pk=framework.pk)
        .order_by("-version")
        .first()
    )


def next_version_number(framework: Framework) -> int:
    latest = Framework.objects.filter(code=framework.code).aggregate(v=Max("version"))["v"]
    return (latest or framework.version) + 1


def framework_counts(framework: Framework) -> dict[str, int]:
    return {
        "domains": framework.domains.count(),
        "competencies": framework.competencies.count(),
    }


def framework_code_in_use(code: str) -> bool:
    return Framework.objects.filter(code=code).exists()


def domain_code_in_use(framework: Framework, code: str, *, exclude_pk: int | None = None) -> bool:
    return framework.domains.filter(code=code).exclude(pk=exclude_pk).exists()


def competency_code_in_use(
    framework: Framework, code: str, *, exclude_pk: int | None = None
) -> bool:
    return framework.competencies.filter(code=code).exclude(pk=exclude_pk).exists()


def clinical_areas() -> QuerySet[ClinicalArea]:
    return ClinicalArea.objects.order_by("name")


def apprenticeship_standards() -> QuerySet[ApprenticeshipStandard]:
    return ApprenticeshipStandard.objects.order_by("reference", "version")


# Knowledge, then skills, then behaviours; each in the standard's order.
_KIND_ORDER = Case(
    When(kind=KsbKind.KNOWLEDGE, then=Value(0)),
    When(kind=KsbKind.SKILL, then=Value(1)),
    default=Value(2),
)


def ksb_kinds_of_standard(standard_id) -> set[str]:
    """The kinds of KSB (K, S, B) a standard has; none for no standard."""
    if standard_id is None:
        return set()
    return set(Ksb.objects.filter(standard_id=standard_id).values_list("kind", flat=True))


def ksbs_of_standard(standard_id) -> QuerySet[Ksb]:
    return (
        Ksb.objects.filter(standard_id=standard_id)
        .annotate(kind_order=_KIND_ORDER)
        .order_by("kind_order", "position", "code")
    )


def domains_of(framework: Framework) -> QuerySet[Domain]:
    return framework.domains.order_by("order", "id")
