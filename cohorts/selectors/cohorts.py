"""Reads for cohort administration: lists, choices for forms."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cohorts.models import CURRENT_STATUSES, Cohort, Enrolment, cohort_list_rank
from pathway.models import Allocation, ClinicalArea, Programme, RoleCode, User


def _enrolments_counted(*conditions, **filters):
    counted = (
        Enrolment.objects.filter(*conditions, cohort=OuterRef("pk"), **filters)
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _visible_to(user) -> QuerySet[Cohort]:
    """Cohorts a person may see listed: all for the lead nurse, supported ones for educators."""
    if user.has_role(RoleCode.LEAD_NURSE):
        return Cohort.objects.all()
    # Chosen by a subquery, not by filtering through the enrolments: a join there would count
    # each enrolment once per supported trainee (16 trainees, 6 supported: "96").
    supported = Allocation.objects.current().filter(
        supporter=user, kind=Allocation.Kind.PRACTICE_EDUCATOR
    )
    in_supported = Enrolment.objects.filter(trainee__in=supported.values("trainee"))
    return Cohort.objects.filter(pk__in=in_supported.values("cohort"))


def cohorts_for(user) -> QuerySet[Cohort]:
    """Cohorts a person may see listed, the latest intake first, with their trainees counted."""
    # Counted per cohort shown (a subquery on the enrolments' cohort index), not grouped over
    # every enrolment: a list shows a page of cohorts, and years of them pile up.
    return (
        _visible_to(user)
        .select_related("programme", "framework")
        .annotate(
            current_count=_enrolments_counted(status__in=CURRENT_STATUSES),
            total_count=_enrolments_counted(~Q(status="deferred")),
        )
        .order_by("-intake_date")
    )


def cohort_list(user) -> QuerySet[Cohort]:
    """The cohort list, read a page at a time: running cohorts, then planned, then finished,
    each the latest intake first, in the order of an index (so a page reads its own rows, not
    every cohort); the trainees are counted only for the rows read."""
    return cohorts_for(user).order_by(cohort_list_rank(), "-intake_date", "name")


def cohort_status_counts(user) -> dict[str, int]:
    """How many cohorts of each status a person may see listed (one grouped query)."""
    return dict(
        _visible_to(user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def cohort_by_pk(pk) -> Cohort:
    return Cohort.objects.select_related("programme", "framework").get(pk=pk)


def people_who_can_enrol(cohort: Cohort) -> QuerySet[User]:
    """Active people without a current enrolment anywhere (anyone can become a trainee)."""
    current = Enrolment.objects.filter(status__in=CURRENT_STATUSES).values("trainee")
    return (
        User.objects.filter(is_active=True)
        .exclude(pk__in=current)
        .exclude(roles__code__in=[RoleCode.LEAD_NURSE, RoleCode.ADMINISTRATOR])
        .order_by("full_name")
    )


def later_cohorts(enrolment: Enrolment) -> QuerySet[Cohort]:
    cohort = enrolment.cohort
    return (
        Cohort.objects.filter(programme=cohort.programme, intake_date__gt=cohort.intake_date)
        .exclude(status=Cohort.Status.FINISHED)
        .order_by("intake_date")
    )


def enrolment_by_pk(pk: int) -> Enrolment:
    """One enrolment with what its pages show: cohort and programme, trainee, record (with
    framework and area) and, when moved, the cohort it moved to."""
    return Enrolment.objects.select_related(
        "cohort__programme",
        "trainee",
        "record__framework",
        "record__clinical_area",
        "moved_to__cohort",
    ).get(pk=pk)


def programme_by_pk(pk: int) -> Programme:
    return Programme.objects.select_related("plan__framework").get(pk=pk)


def plan_initial(programme: Programme) -> dict:
    """The plan form's starting values: the programme's plan as it is, or nothing."""
    plan = getattr(programme, "plan", None)
    if plan is None:
        return {}
    return {
        "framework": plan.framework,
        "review_interval_weeks": plan.review_interval_weeks,
        "milestones": "\n".join(
            f"{m.week}, {m.core_target}, {m.specific_target}" for m in plan.milestones.all()
        ),
    }


def people_with_role(role: str) -> QuerySet[User]:
    return User.objects.filter(roles__code=role, is_active=True).order_by("full_name")


def programmes() -> QuerySet[Programme]:
    return Programme.objects.select_related("plan__framework").order_by("name")


def enrolment_areas(cohort: Cohort) -> QuerySet[ClinicalArea]:
    """The cohort's clinical areas, or every area when the cohort names none."""
    areas = cohort.clinical_areas.order_by("name")
    return areas if areas.exists() else ClinicalArea.objects.order_by("name")
