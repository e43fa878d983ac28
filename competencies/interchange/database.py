"""Between the in-between shape and the database: the checks only the database can make, the
writer (one transaction), and a stored framework read back for export."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from competencies.interchange.data import CompetencyData, DomainData, FrameworkData
from competencies.models import ApprenticeshipStandard, Competency, Domain, Framework, Ksb
from pathway.models import ClinicalArea


def _model_problems(instance, exclude: list[str]) -> list[str]:
    # Blank ID numbers and titles are reported by the readers already.
    exclude = exclude + [n for n in ("code", "title", "name") if getattr(instance, n, None) == ""]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = []
        for name, messages in exc.message_dict.items():
            if name == NON_FIELD_ERRORS:
                problems.extend(messages)
            else:
                label = str(type(instance)._meta.get_field(name).verbose_name)
                problems.extend(f"{label[:1].upper()}{label[1:]}: {m}" for m in messages)
        return problems
    return []


def parse_standard(text: str) -> tuple[str, str]:
    """ "ST0215 v1.1" (or "ST0215 1.1", or "ST0215": the latest version) -> (reference,
    version or "")."""
    parts = text.replace(",", " ").split()
    reference = parts[0] if parts else ""
    version = parts[1].lstrip("vV") if len(parts) > 1 else ""
    return reference, version


def standard_label(standard: ApprenticeshipStandard | None) -> str:
    return f"{standard.reference} v{standard.version}" if standard is not None else ""


def _find_standard(text: str) -> ApprenticeshipStandard | None:
    reference, version = parse_standard(text)
    found = ApprenticeshipStandard.objects.filter(reference__iexact=reference)
    if version:
        found = found.filter(version=version)
    return found.order_by("-created_at", "-id").first()


def _check_ksbs(data: FrameworkData, errors: list) -> None:
    """The framework's standard, and each competency's KSB codes, against the database. A
    file without them (no column, or blank cells) is fine."""
    data.standard_object = None
    with_ksbs = [c for d in data.domains for c in d.competencies if c.ksbs]
    if not data.standard:
        for c in with_ksbs:
            errors.append(
                (
                    c.row,
                    "KSB codes need the apprenticeship standard: name it in the framework "
                    "row's 'Apprenticeship standard' column, like ST0215 v1.1",
                )
            )
        return
    standard = _find_standard(data.standard)
    if standard is None:
        errors.append(
            (
                data.row,
                f"unknown apprenticeship standard '{data.standard}': the lead nurse sets "
                "standards up under Apprenticeship standards first",
            )
        )
        return
    data.standard_object = standard
    data.standard = standard_label(standard)
    codes = {k.code.upper(): k for k in Ksb.objects.filter(standard=standard)}
    for c in with_ksbs:
        c.ksb_objects = []
        for code in c.ksbs:
            ksb = codes.get(code.upper())
            if ksb is None:
                errors.append((c.row, f"{standard.reference} has no KSB '{code}'"))
            elif ksb not in c.ksb_objects:
                c.ksb_objects.append(ksb)


def check_against_database(data: FrameworkData, errors: list) -> None:
    """What only the database can tell: clinical areas, the apprenticeship standard and its
    KSB codes, and the models' own rules."""
    _check_ksbs(data, errors)
    wanted = {
        code.lower() for d in data.domains for c in d.competencies for code in c.clinical_areas
    }
    areas = {
        area.lowered: area
        for area in ClinicalArea.objects.annotate(lowered=Lower("code")).filter(lowered__in=wanted)
    }
    for message in _model_problems(
        Framework(
            code=data.code,
            name=data.name,
            description=data.description,
            version=data.version,
            source_id_number=data.source_id_number,
            description_format=data.description_format,
            scale=data.scale,
            taxonomy=data.taxonomy,
        ),
        exclude=["previous_version", "published_by"],
    ):
        errors.append((data.row, message))
    for domain in data.domains:
        for message in _model_problems(
            Domain(
                code=domain.code,
                title=domain.title,
                description=domain.description,
                order=domain.order,
                description_format=domain.description_format,
                export_id=domain.export_id,
            ),
            exclude=["framework"],
        ):
            errors.append((domain.row, message))
        for c in domain.competencies:
            c.area_objects = []
            for code in c.clinical_areas:
                area = areas.get(code.lower())
                if area is None:
                    errors.append(
                        (
                            c.row,
                            f"unknown clinical area '{code}': clinical areas are set up "
                            "by an administrator, so check the code or ask for the area to be "
                            "added",
                        )
                    )
                elif area not in c.area_objects:
                    c.area_objects.append(area)
            for message in _model_problems(_competency(c), exclude=["framework", "domain"]):
                errors.append((c.row, message))


def _competency(c: CompetencyData, **extra) -> Competency:
    return Competency(
        code=c.code,
        title=c.title,
        description=c.description,
        performance_criteria=c.performance_criteria,
        underpinning_knowledge=c.underpinning_knowledge,
        is_core=c.is_core,
        assessment_methods=c.assessment_methods,
        supervised_practices_required=c.supervised_practices_required,
        reassessment_months=c.reassessment_months,
        order=c.order,
        description_format=c.description_format,
        scale=c.scale,
        rule=c.rule,
        related=c.related,
        export_id=c.export_id,
        **extra,
    )


def latest_with_code(code: str) -> Framework | None:
    return Framework.objects.filter(code=code).order_by("-version").first()


def save_framework(data: FrameworkData) -> Framework:
    with transaction.atomic():
        existing = list(
            Framework.objects.select_for_update().filter(code=data.code).order_by("version")
        )
        taken = {f.version for f in existing}
        version = data.version if data.version not in taken else max(taken) + 1
        previous = [f for f in existing if f.version < version]
        framework = Framework.objects.create(
            code=data.code,
            name=data.name,
            description=data.description,
            version=version,
            previous_version=previous[-1] if previous else None,
            source_id_number=data.source_id_number,
            description_format=data.description_format,
            scale=data.scale,
            taxonomy=data.taxonomy,
            standard=data.standard_object,
        )
        links = []
        ksb_links = []
        ksb_through = Ksb.competencies.through
        through = Competency.clinical_areas.through
        saved: dict[str, Competency] = {}
        for d in data.domains:
            domain = Domain.objects.create(
                framework=framework,
                code=d.code,
                title=d.title,
                description=d.description,
                order=d.order,
                description_format=d.description_format,
                export_id=d.export_id,
            )
            for c in d.competencies:
                competency = _competency(c, framework=framework, domain=domain)
                competency.save()
                saved[c.code] = competency
                links.extend(
                    through(competency_id=competency.pk, clinicalarea_id=area.pk)
                    for area in c.area_objects
                )
                ksb_links.extend(
                    ksb_through(competency_id=competency.pk, ksb_id=ksb.pk) for ksb in c.ksb_objects
                )
        through.objects.bulk_create(links)
        ksb_through.objects.bulk_create(ksb_links)
        # Parents once every competency exists: a child may come before its parent.
        nested = []
        for d in data.domains:
            for c in d.competencies:
                if c.parent_competency:
                    saved[c.code].parent = saved[c.parent_competency]
                    nested.append(saved[c.code])
        Competency.objects.bulk_update(nested, ["parent"])
    return framework


def framework_data(framework: Framework) -> FrameworkData:
    """A framework as it is stored, in the in-between shape the writers take."""
    competencies = defaultdict(list)
    stored = list(
        Competency.objects.filter(framework=framework)
        .prefetch_related("clinical_areas", "ksbs")
        .order_by("order", "id")
    )
    codes = {c.pk: c.code for c in stored}
    for c in stored:
        competencies[c.domain_id].append(
            CompetencyData(
                code=c.code,
                title=c.title,
                description=c.description,
                performance_criteria=list(c.performance_criteria or []),
                underpinning_knowledge=c.underpinning_knowledge,
                is_core=c.is_core,
                clinical_areas=sorted(a.code for a in c.clinical_areas.all()),
                assessment_methods=list(c.assessment_methods or []),
                supervised_practices_required=c.supervised_practices_required,
                reassessment_months=c.reassessment_months,
                order=c.order,
                parent_competency=codes.get(c.parent_id, ""),
                ksbs=[k.code for k in sorted(c.ksbs.all(), key=lambda k: (k.position, k.code))],
                description_format=c.description_format,
                scale=dict(c.scale or {}),
                rule=dict(c.rule or {}),
                related=list(c.related or []),
                export_id=c.export_id,
            )
        )
    return FrameworkData(
        code=framework.code,
        name=framework.name,
        description=framework.description,
        version=framework.version,
        source_id_number=framework.source_id_number,
        description_format=framework.description_format,
        scale=dict(framework.scale or {}),
        taxonomy=list(framework.taxonomy or []),
        standard=standard_label(framework.standard),
        domains=[
            DomainData(
                code=d.code,
                title=d.title,
                description=d.description,
                order=d.order,
                competencies=competencies[d.pk],
                description_format=d.description_format,
                export_id=d.export_id,
            )
            for d in framework.domains.order_by("order", "id")
        ],
    )
