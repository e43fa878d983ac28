"""Reads for recruitment: rounds with their figures, applications, managers' requests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from cohorts.models import Cohort
from recruitment.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    CriterionAssessment,
    Interview,
    RecruitmentRound,
)

S = ApplicationStatus


@dataclass(frozen=True)
class Figures:
    """Recruitment to one cohort: how many applied, were shortlisted, offered, enrolled."""

    applications: int
    shortlisted: int
    offered: int
    enrolled: int

    def as_rows(self) -> list[tuple[str, int]]:
        return [
            ("Applications", self.applications),
            ("Shortlisted", self.shortlisted),
            ("Offered a place", self.offered),
            ("Enrolled", self.enrolled),
        ]


FIGURE_ANNOTATIONS = {
    "n_applications": Count("applications", distinct=True),
    "n_shortlisted": Count(
        "applications", filter=Q(applications__shortlisted_on__isnull=False), distinct=True
    ),
    "n_offered": Count(
        "applications", filter=Q(applications__offered_on__isnull=False), distinct=True
    ),
    "n_enrolled": Count(
        "applications", filter=Q(applications__enrolment__isnull=False), distinct=True
    ),
    "n_awaiting_support": Count(
        "applications", filter=Q(applications__status=S.AWAITING_SUPPORT), distinct=True
    ),
}


def figures_of(recruitment: RecruitmentRound) -> Figures:
    """The figures of a round annotated by `rounds_with_figures` (or counted now)."""
    if not hasattr(recruitment, "n_applications"):
        recruitment = rounds_with_figures().get(pk=recruitment.pk)
    return Figures(
        recruitment.n_applications,
        recruitment.n_shortlisted,
        recruitment.n_offered,
        recruitment.n_enrolled,
    )


def rounds_with_figures():
    return (
        RecruitmentRound.objects.select_related("cohort", "cohort__programme")
        .annotate(**FIGURE_ANNOTATIONS)
        .order_by("-cohort__intake_date", "cohort__name")
    )


def cohorts_without_recruitment():
    """Cohorts that have not finished and have no recruitment round yet."""
    return (
        Cohort.objects.filter(recruitment__isnull=True)
        .exclude(status=Cohort.Status.FINISHED)
        .order_by("intake_date", "name")
    )


def round_detail(pk: int) -> RecruitmentRound:
    return rounds_with_figures().prefetch_related("criteria", "cohort__clinical_areas").get(pk=pk)


def round_applications(recruitment: RecruitmentRound):
    return (
        Application.objects.filter(round=recruitment)
        .select_related("applicant", "manager", "clinical_area")
        .order_by("submitted_at", "id")
    )


def open_rounds(today: datetime.date | None = None):
    today = today or timezone.localdate()
    return (
        RecruitmentRound.objects.filter(opens_on__lte=today, closes_on__gte=today)
        .exclude(cohort__status=Cohort.Status.FINISHED)
        .select_related("cohort")
        .prefetch_related("criteria")
        .order_by("closes_on", "cohort__name")
    )


def applications_of(person):
    return (
        Application.objects.filter(applicant=person)
        .select_related("round__cohort", "manager")
        .order_by("-submitted_at")
    )


def support_requests(manager):
    """(waiting, answered) applications naming this manager."""
    base = Application.objects.filter(manager=manager).select_related(
        "applicant", "round__cohort", "clinical_area"
    )
    waiting = base.filter(status=S.AWAITING_SUPPORT).order_by("submitted_at", "id")
    answered = (
        base.exclude(status=S.AWAITING_SUPPORT)
        .exclude(support_decided_at__isnull=True)
        .order_by("-support_decided_at")
    )
    return list(waiting), list(answered)


def application_detail(pk: int) -> Application:
    return (
        Application.objects.select_related(
            "round__cohort",
            "applicant",
            "manager",
            "clinical_area",
            "recorded_by",
            "enrolment__record__clinical_area",
            "interview",
        )
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=CriterionAssessment.objects.select_related("criterion"),
            ),
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("by")),
            "round__criteria",
        )
        .get(pk=pk)
    )


def interview_of(application: Application):
    try:
        return application.interview
    except Interview.DoesNotExist:
        return None


def round_of_cohort(cohort) -> RecruitmentRound | None:
    """The cohort's recruitment, when it has been opened."""
    return RecruitmentRound.objects.filter(cohort=cohort).first()


def application_by(recruitment: RecruitmentRound, person) -> Application | None:
    """The person's application to this recruitment, if they have made one."""
    return Application.objects.filter(round=recruitment, applicant=person).first()
