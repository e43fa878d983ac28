"""Helpers for the role design tests (tests/factories.py is shared and not ours to edit)."""

from __future__ import annotations

from competencies.models import Framework
from roledesign import services
from roledesign.models import CriterionCategory
from tests.factories import (
    ClinicalAreaFactory,
    CompetencyFactory,
    DomainFactory,
    LeadNurseFactory,
    PublishedFrameworkFactory,
)

CRITERIA = [
    (CriterionCategory.QUALIFICATIONS, True, "Foundation degree in health and social care"),
    (CriterionCategory.EXPERIENCE, False, "Experience in critical care"),
    (CriterionCategory.SKILLS, True, "Records clinical observations"),
]


def framework_with_domains(*, area=None, other_area=None, code=None, version=1, status=None):
    """A published framework: domain A (core A1, A2; B-area-specific A3) and domain B (core B1;
    specific to `area`: B2; specific to `other_area`: B3)."""
    area = area or ClinicalAreaFactory()
    other_area = other_area or ClinicalAreaFactory()
    fields = {"version": version}
    if code:
        fields["code"] = code
    if status:
        fields["status"] = status
    framework = PublishedFrameworkFactory(**fields)
    first = DomainFactory(framework=framework, code="A", title="Communication", order=1)
    second = DomainFactory(framework=framework, code="B", title="Clinical skills", order=2)
    CompetencyFactory(domain=first, code="A1", title="Communicate with patients", order=1)
    CompetencyFactory(domain=first, code="A2", title="Keep records", order=2)
    CompetencyFactory(
        domain=first,
        code="A3",
        title="Other area skill",
        is_core=False,
        clinical_areas=[other_area],
    )
    CompetencyFactory(domain=second, code="B1", title="Record vital signs", order=1)
    CompetencyFactory(
        domain=second,
        code="B2",
        title="Tracheostomy care",
        is_core=False,
        clinical_areas=[area],
        order=2,
    )
    CompetencyFactory(
        domain=second, code="B3", title="Triage", is_core=False, clinical_areas=[other_area]
    )
    return framework, area, other_area


def make_jd(*, framework=None, area=None, approve=False, lead=None, title="Assistant practitioner"):
    if framework is None:
        framework, area, _ = framework_with_domains(area=area)
    area = area or ClinicalAreaFactory()
    lead = lead or LeadNurseFactory()
    jd = services.jd_create(
        actor=lead,
        framework=framework,
        clinical_areas=[area],
        criteria=CRITERIA,
        title=title,
        band="4",
        reports_to="Ward manager",
        job_purpose="To deliver care to critically ill patients.",
        key_responsibilities="Record vital signs\nCare for tracheostomies\n\nKeep records",
        working_relationships="Registered nurses",
    )
    if approve:
        services.jd_approve(actor=lead, jd=jd)
        jd.refresh_from_db()
    return jd


def new_framework_version(framework, **changes):
    """Copy a framework to version+1 (published) by hand, then apply `changes`:
    {"remove": [codes], "retitle": {code: title}, "add": [(domain code, code, title)]}."""
    new = Framework.objects.create(
        name=framework.name,
        code=framework.code,
        version=framework.version + 1,
        status=Framework.Status.PUBLISHED,
        previous_version=framework,
    )
    domains = {}
    for domain in framework.domains.all():
        domains[domain.code] = DomainFactory(
            framework=new, code=domain.code, title=domain.title, order=domain.order
        )
    for c in framework.competencies.select_related("domain").prefetch_related("clinical_areas"):
        if c.code in changes.get("remove", []):
            continue
        copy = CompetencyFactory(
            domain=domains[c.domain.code],
            code=c.code,
            title=changes.get("retitle", {}).get(c.code, c.title),
            description=c.description,
            performance_criteria=list(c.performance_criteria),
            is_core=c.is_core,
            order=c.order,
        )
        copy.clinical_areas.set(c.clinical_areas.all())
    for domain_code, code, title in changes.get("add", []):
        CompetencyFactory(domain=domains[domain_code], code=code, title=title)
    return new
