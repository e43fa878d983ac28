"""Cohort administration: list, create, edit; enrol one trainee; change status; move."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from cohorts.access import access_cohort, access_programme
from cohorts.forms import cohorts as forms
from cohorts.models import COHORT_LIST_ORDER, Cohort, Enrolment
from cohorts.selectors import cohorts as selectors
from cohorts.services import cohorts as services
from pathway.formtools import add_service_errors, posted_data, submit
from pathway.paging import Counted, page_of
from pathway.permissions import require_perm

# A page of the cohort list: running cohorts first, then planned, then finished.
PAGE_SIZE = 25
LABELS = {
    Cohort.Status.RUNNING: "Running",
    Cohort.Status.PLANNED: "Planned",
    Cohort.Status.FINISHED: "Finished",
}


@require_perm("cohorts.view_cohort_list")
def cohort_list(request):
    # One list a page at a time, however many cohorts run at once or finished over the years;
    # the page's rows are shown under their status, with how many there are of each.
    counts = selectors.cohort_status_counts(request.user)
    cohorts = Counted(selectors.cohort_list(request.user), lambda: sum(counts.values()))
    page, page_range = page_of(request, cohorts, PAGE_SIZE)
    groups = [
        (LABELS[status], [c for c in page.object_list if c.status == status], counts.get(status, 0))
        for status in COHORT_LIST_ORDER
    ]
    return render(
        request,
        "cohorts/cohort_list.html",
        {
            "groups": groups,
            "page": page,
            "page_range": page_range,
            "can_manage": request.user.has_perm("cohorts.manage_cohorts"),
            "programmes": selectors.programmes(),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("cohorts.manage_cohorts")
def cohort_create(request):
    form = forms.CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{cohort.name} created")
            return redirect("cohorts:cohort_detail", cohort.pk)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": None})


@require_http_methods(["GET", "POST"])
@require_perm("cohorts.manage_cohorts")
def cohort_edit(request, pk):
    cohort = access_cohort(request.user, pk, act="cohorts.manage_cohorts")
    initial = {
        "name": cohort.name,
        "intake_date": cohort.intake_date,
        "planned_end_date": cohort.planned_end_date,
        "clinical_areas": list(cohort.clinical_areas.all()),
        "status": cohort.status,
        "review_interval_weeks": cohort.review_interval_weeks,
    }
    form = forms.CohortForm(posted_data(request), initial=initial, versioned=cohort)
    if submit(
        request,
        form,
        lambda data: services.cohort_update(actor=request.user, cohort=cohort, **data),
    ):
        messages.success(request, f"{cohort.name} saved")
        return redirect("cohorts:cohort_detail", cohort.pk)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": cohort})


@require_http_methods(["GET", "POST"])
@require_perm("cohorts.manage_cohorts")
def enrolment_add(request, pk):
    cohort = access_cohort(request.user, pk, act="cohorts.manage_cohorts")
    form = forms.EnrolmentForm(
        posted_data(request),
        people=selectors.people_who_can_enrol(cohort),
        areas=selectors.enrolment_areas(cohort),
    )
    if done := submit(
        request,
        form,
        lambda data: services.enrolment_create(
            actor=request.user,
            cohort=cohort,
            trainee=data["trainee"],
            clinical_area=data["clinical_area"],
            start_date=data["start_date"],
        ),
    ):
        enrolment = done.result
        messages.success(
            request,
            f"{enrolment.trainee.full_name} enrolled on {cohort.name}. "
            "Now allocate their mentor and tutor.",
        )
        return redirect("pathway:person_detail", enrolment.trainee_id)
    return render(request, "cohorts/enrolment_form.html", {"form": form, "cohort": cohort})


def _enrolment(pk) -> Enrolment:
    try:
        return selectors.enrolment_by_pk(pk)
    except Enrolment.DoesNotExist as missing:
        raise Http404 from missing


@require_http_methods(["GET", "POST"])
@require_perm("cohorts.manage_cohorts")
def enrolment_status(request, pk):
    enrolment = _enrolment(pk)
    form = forms.EnrolmentStatusForm(request.POST or None, current=enrolment.status)
    if not form.fields["status"].choices:
        messages.error(
            request, f"{enrolment.trainee.full_name}'s enrolment is closed: its status is final"
        )
        return redirect("cohorts:cohort_detail", enrolment.cohort_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_change_status(
                actor=request.user, enrolment=enrolment, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Status saved for {enrolment.trainee.full_name}")
            return redirect("cohorts:cohort_detail", enrolment.cohort_id)
    return render(request, "cohorts/enrolment_status.html", {"form": form, "enrolment": enrolment})


@require_http_methods(["GET", "POST"])
@require_perm("cohorts.manage_cohorts")
def enrolment_move(request, pk):
    enrolment = _enrolment(pk)
    later = selectors.later_cohorts(enrolment)
    form = forms.EnrolmentMoveForm(request.POST or None, cohorts=later)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.enrolment_defer(
                actor=request.user, enrolment=enrolment, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{enrolment.trainee.full_name} moved to {moved.cohort.name}")
            return redirect("cohorts:cohort_detail", moved.cohort_id)
    return render(
        request,
        "cohorts/enrolment_move.html",
        {"form": form, "enrolment": enrolment, "has_later": later.exists()},
    )


@require_http_methods(["GET", "POST"])
@require_perm("cohorts.manage_cohorts")
def programme_plan(request, pk):
    programme = access_programme(request.user, pk)
    form = forms.PlanForm(posted_data(request), initial=selectors.plan_initial(programme))
    if submit(
        request,
        form,
        lambda data: services.programme_plan_save(actor=request.user, programme=programme, **data),
    ):
        messages.success(request, f"Plan saved for {programme.name}")
        return redirect("cohorts:cohort_list")
    return render(request, "cohorts/programme_plan.html", {"form": form, "programme": programme})


urlpatterns = [
    path("cohorts/", cohort_list, name="cohort_list"),
    path("cohorts/new/", cohort_create, name="cohort_create"),
    path("cohorts/<int:pk>/edit/", cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/enrol/", enrolment_add, name="enrolment_add"),
    path("enrolments/<int:pk>/status/", enrolment_status, name="enrolment_status"),
    path("enrolments/<int:pk>/move/", enrolment_move, name="enrolment_move"),
    path("programmes/<int:pk>/plan/", programme_plan, name="programme_plan"),
]
