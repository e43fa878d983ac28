"""Reads for standards, their KSBs, coverage by a framework and by an apprentice, and the skills
scan. Each page's reads are a fixed number of queries, however many KSBs or competencies."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from apprenticeships.models import (
    Apprenticeship,
    ApprenticeshipProgramme,
    ScanOutcome,
    SkillsScan,
    SkillsScanItem,
)
from cohorts.models import CURRENT_STATUSES, Enrolment
from competencies.models import (
    ApprenticeshipStandard,
    Competency,
    CompetencyProgress,
    Framework,
    Ksb,
)
from pathway.models import Allocation, Programme

# Standards ------------------------------------------------------------------------------------


def standards() -> QuerySet[ApprenticeshipStandard]:
    return ApprenticeshipStandard.objects.annotate(
        ksb_count=Count("ksbs", distinct=True),
        programme_count=Count("programmes", distinct=True),
    ).order_by("reference", "version")


def standard(pk) -> ApprenticeshipStandard:
    return ApprenticeshipStandard.objects.get(pk=pk)


def standard_in_use(reference: str, version: str, *, exclude_pk=None) -> bool:
    found = ApprenticeshipStandard.objects.filter(
        reference__iexact=reference, version__iexact=version
    )
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.exists()


def standard_ksbs(standard: ApprenticeshipStandard) -> list[Ksb]:
    return list(standard.ksbs.order_by("position", "code"))


def standard_frameworks(standard: ApprenticeshipStandard) -> list[Framework]:
    return list(standard.frameworks.order_by("name", "-version"))


def standard_programmes(standard: ApprenticeshipStandard) -> list[ApprenticeshipProgramme]:
    return list(standard.programmes.select_related("programme").order_by("programme__name"))


def framework_of_standard(standard: ApprenticeshipStandard, pk) -> Framework:
    return standard.frameworks.get(pk=pk)


# Programmes and apprentices' terms --------------------------------------------------------------


def programmes() -> list[Programme]:
    return list(Programme.objects.select_related("apprenticeship__standard").order_by("name", "id"))


def programme(pk) -> Programme:
    return Programme.objects.select_related("apprenticeship__standard").get(pk=pk)


def standard_of_programme(programme: Programme) -> ApprenticeshipStandard | None:
    link = ApprenticeshipProgramme.objects.filter(programme=programme).select_related("standard")
    found = link.first()
    return found.standard if found else None


def programme_has_apprentices(programme: Programme) -> bool:
    return Apprenticeship.objects.filter(enrolment__cohort__programme=programme).exists()


def enrolment(pk) -> Enrolment:
    return Enrolment.objects.select_related(
        "trainee", "cohort__programme__apprenticeship__standard", "apprenticeship"
    ).get(pk=pk)


def programme_enrolments(programme: Programme) -> list[Enrolment]:
    """The programme's enrolments, newest cohort first, with their terms if any."""
    return list(
        Enrolment.objects.filter(cohort__programme=programme)
        .select_related("trainee", "cohort", "apprenticeship")
        .order_by("-cohort__intake_date", "cohort_id", "trainee__full_name", "id")
    )


def apprenticeship(pk) -> Apprenticeship:
    """An apprentice's terms, on a programme that is (still) an apprenticeship."""
    return (
        Apprenticeship.objects.filter(enrolment__cohort__programme__apprenticeship__isnull=False)
        .select_related(
            "enrolment__trainee",
            "enrolment__cohort__programme__apprenticeship__standard",
            "enrolment__record__framework",
        )
        .get(pk=pk)
    )


def standard_of(apprenticeship: Apprenticeship) -> ApprenticeshipStandard:
    return apprenticeship.enrolment.cohort.programme.apprenticeship.standard


# Coverage of a standard by a framework ----------------------------------------------------------


@dataclass
class KsbCoverage:
    ksb: Ksb
    competencies: list = field(default_factory=list)  # mapped, in the framework

    @property
    def covered(self) -> bool:
        return bool(self.competencies)


@dataclass
class FrameworkCoverage:
    standard: ApprenticeshipStandard
    framework: Framework
    rows: list[KsbCoverage]

    @property
    def uncovered(self) -> list[KsbCoverage]:
        return [row for row in self.rows if not row.covered]

    @property
    def covered_count(self) -> int:
        return len(self.rows) - len(self.uncovered)


def framework_coverage(standard: ApprenticeshipStandard, framework: Framework) -> FrameworkCoverage:
    """Each KSB of the standard with the framework's competencies mapped to it. Two queries."""
    in_framework = Competency.objects.filter(framework=framework).order_by(
        "domain__order", "order", "code"
    )
    ksbs = standard.ksbs.order_by("position", "code").prefetch_related(
        Prefetch("competencies", queryset=in_framework, to_attr="mapped")
    )
    rows = [KsbCoverage(ksb, list(ksb.mapped)) for ksb in ksbs]
    return FrameworkCoverage(standard, framework, rows)


# Coverage of a standard by an apprentice's sign-offs ---------------------------------------------


@dataclass
class ApprenticeKsb:
    ksb: Ksb
    mapped: list  # competencies of the apprentice's framework mapped to the KSB
    held: list  # of those, the ones the apprentice holds today (signed off, not expired)
    prior_learning: bool = False  # accepted as prior learning in the skills scan

    @property
    def evidenced(self) -> bool:
        return bool(self.held)

    @property
    def status(self) -> str:
        if self.held:
            return "Evidenced"
        if self.prior_learning:
            return "Prior learning"
        if not self.mapped:
            return "No competency mapped"
        return "Not yet evidenced"


@dataclass
class ApprenticeCoverage:
    rows: list[ApprenticeKsb]

    @property
    def evidenced(self) -> list[ApprenticeKsb]:
        return [row for row in self.rows if row.evidenced]

    @property
    def not_evidenced(self) -> list[ApprenticeKsb]:
        return [row for row in self.rows if not row.evidenced]


def held_competencies(trainee, framework: Framework, today: datetime.date | None = None) -> set:
    """The pks of the framework's competencies the person holds today, from any of their
    records (the current-competence register): the same competency (by framework ID number and
    competency ID number) signed off on an earlier version counts. One query."""
    rows = (
        CompetencyProgress.objects.currently_achieved(today or timezone.localdate())
        .filter(record__trainee=trainee)
        .filter(Q(competency__framework=framework) | Q(competency__framework__code=framework.code))
        .values_list("competency__code", flat=True)
    )
    codes = set(rows)
    return set(
        Competency.objects.filter(framework=framework, code__in=codes).values_list("pk", flat=True)
    )


def apprentice_coverage(apprenticeship: Apprenticeship) -> ApprenticeCoverage:
    """Each KSB of the apprentice's standard, the competencies of their framework that evidence
    it, which of those they hold today, and whether it was accepted as prior learning."""
    enrolment = apprenticeship.enrolment
    framework = enrolment.record.framework
    held = held_competencies(enrolment.trainee, framework)
    accepted = set(
        SkillsScanItem.objects.filter(
            scan__apprenticeship=apprenticeship, outcome=ScanOutcome.ACCEPTED, ksb__isnull=False
        ).values_list("ksb_id", flat=True)
    )
    in_framework = Competency.objects.filter(framework=framework).order_by(
        "domain__order", "order", "code"
    )
    ksbs = (
        standard_of(apprenticeship)
        .ksbs.order_by("position", "code")
        .prefetch_related(Prefetch("competencies", queryset=in_framework, to_attr="mapped"))
    )
    return ApprenticeCoverage(
        [
            ApprenticeKsb(
                ksb,
                list(ksb.mapped),
                [c for c in ksb.mapped if c.pk in held],
                prior_learning=ksb.pk in accepted,
            )
            for ksb in ksbs
        ]
    )


# The skills scan ------------------------------------------------------------------------------


def skills_scan(apprenticeship: Apprenticeship) -> SkillsScan | None:
    return (
        SkillsScan.objects.filter(apprenticeship=apprenticeship)
        .select_related("started_by", "completed_by")
        .first()
    )


def scan_items(scan: SkillsScan) -> list[SkillsScanItem]:
    return list(
        scan.items.select_related("ksb", "competency__domain", "decided_by").order_by(
            "competency_id",
            "ksb__position",
            "ksb__code",
            "competency__domain__order",
            "competency__order",
            "id",
        )
    )


def scan_item(scan: SkillsScan, pk) -> SkillsScanItem:
    return scan.items.select_related("ksb", "competency").get(pk=pk)


def record_competencies(apprenticeship: Apprenticeship) -> list[Competency]:
    """The competencies on the apprentice's record (core, and specific to their area)."""
    return [
        p.competency
        for p in apprenticeship.enrolment.record.progress.select_related("competency").order_by(
            "competency__domain__order", "competency__order", "competency__code"
        )
    ]


def accepted_items(apprenticeship: Apprenticeship) -> list[SkillsScanItem]:
    return list(
        SkillsScanItem.objects.filter(
            scan__apprenticeship=apprenticeship, outcome=ScanOutcome.ACCEPTED
        )
        .select_related("ksb", "competency")
        .order_by("competency_id", "ksb__position", "id")
    )


# Things to do -----------------------------------------------------------------------------------


def programmes_with_enrolments_without_terms() -> list[tuple[Programme, int]]:
    """Apprenticeship programmes with current enrolments that have no terms yet, and how many.
    One query."""
    rows = (
        Programme.objects.filter(apprenticeship__isnull=False)
        .annotate(
            waiting=Count(
                "cohorts__enrolments",
                filter=Q(
                    cohorts__enrolments__apprenticeship__isnull=True,
                    cohorts__enrolments__status__in=CURRENT_STATUSES,
                ),
            )
        )
        .filter(waiting__gt=0)
        .order_by("name", "id")
    )
    return [(programme, programme.waiting) for programme in rows]


def scans_to_do(*, assessor=None) -> list[Apprenticeship]:
    """Current apprentices whose skills scan is not complete, earliest start first; with
    `assessor`, only those the person is allocated to today as tutor or practice educator."""
    found = Apprenticeship.objects.filter(
        enrolment__status__in=CURRENT_STATUSES, skills_scan__completed_at__isnull=True
    )
    if assessor is not None:
        trainees = (
            Allocation.objects.current()
            .filter(
                supporter=assessor,
                kind__in=[Allocation.Kind.TUTOR, Allocation.Kind.PRACTICE_EDUCATOR],
            )
            .values("trainee_id")
        )
        found = found.filter(enrolment__trainee_id__in=trainees)
    return list(found.select_related("enrolment__trainee").order_by("practical_period_start", "id"))
