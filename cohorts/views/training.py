"""Clinical training days, the attendance register, and university module results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cohorts.access import access_cohort, access_enrolment
from cohorts.forms import training as forms
from cohorts.models import Cohort, TrainingDay
from cohorts.selectors import training as selectors
from cohorts.services import training as services
from pathway.formtools import add_service_errors, posted_data, submit
from pathway.permissions import require_perm


def _training_day(request, pk) -> TrainingDay:
    try:
        return selectors.training_day_by_pk(pk)
    except TrainingDay.DoesNotExist as missing:
        raise Http404 from missing


def _day_cohort(request, pk) -> Cohort:
    """For the permission check: the cohort of the training day in the URL."""
    return _training_day(request, pk).cohort


def _long(day) -> str:
    return f"{day.day} {day:%B %Y}"


# Training days ---------------------------------------------------------------------------


@login_required
def training_days(request, pk):
    cohort = access_cohort(request.user, pk, act="cohorts.take_attendance")
    return render(
        request,
        "cohorts/training_days.html",
        {
            "cohort": cohort,
            "days": list(selectors.training_days_for(cohort)),
            "trainees": selectors.attendance_by_trainee(cohort),
            "today": timezone.localdate(),
            "can_manage": request.user.has_perm("cohorts.manage_cohorts"),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("cohorts.manage_cohorts")
def training_day_add(request, pk):
    cohort = access_cohort(request.user, pk, act="cohorts.manage_cohorts")
    form = forms.TrainingDayForm(posted_data(request))
    if done := submit(
        request,
        form,
        lambda data: services.training_day_create(actor=request.user, cohort=cohort, **data),
    ):
        day = done.result
        messages.success(request, f"Training day added: {day.topic}, {_long(day.date)}")
        return redirect("cohorts:training_days", cohort.pk)
    return render(
        request, "cohorts/training_day_form.html", {"form": form, "cohort": cohort, "day": None}
    )


@require_http_methods(["GET", "POST"])
@require_perm("cohorts.manage_cohorts")
def training_day_edit(request, pk):
    day = _training_day(request, pk)
    initial = {
        "date": day.date,
        "topic": day.topic,
        "location": day.location,
        "duration_hours": day.duration_hours,
    }
    form = forms.TrainingDayForm(posted_data(request), initial=initial, versioned=day)
    if submit(
        request,
        form,
        lambda data: services.training_day_update(actor=request.user, training_day=day, **data),
    ):
        messages.success(request, f"Training day saved: {day.topic}, {_long(day.date)}")
        return redirect("cohorts:training_days", day.cohort_id)
    return render(
        request,
        "cohorts/training_day_form.html",
        {"form": form, "cohort": day.cohort, "day": day},
    )


@require_http_methods(["GET", "POST"])
@require_perm("cohorts.manage_cohorts")
def training_day_delete(request, pk):
    day = _training_day(request, pk)
    form = forms.DeleteTrainingDayForm(request.POST if request.method == "POST" else None)
    if submit(
        request,
        form,
        lambda data: services.training_day_delete(actor=request.user, training_day=day),
    ):
        messages.success(request, f"Training day deleted: {day.topic}, {_long(day.date)}")
        return redirect("cohorts:training_days", day.cohort_id)
    return render(
        request,
        "cohorts/training_day_confirm_delete.html",
        {"form": form, "day": day, "cohort": day.cohort},
    )


# The register ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_perm("cohorts.take_attendance", fn=_day_cohort)
def attendance_register(request, pk):
    day = _training_day(request, pk)
    held = day.date <= timezone.localdate()
    rows = selectors.register_for(day) if held else []
    caption = f"Register for {day.topic}, {_long(day.date)}"
    marked_everyone = False
    if not held:
        form = None
    elif request.method == "POST" and forms.MARK_EVERYONE in request.POST:
        # Fill in the blanks on screen only: saving is a separate, explicit step.
        initial = forms.everyone_present(request.POST, rows)
        form = forms.AttendanceRegisterForm(rows=rows, caption=caption, initial=initial)
        marked_everyone = True
    elif request.method == "POST":
        form = forms.AttendanceRegisterForm(request.POST, rows=rows, caption=caption)
        if form.is_valid():
            try:
                services.attendance_record(actor=request.user, training_day=day, marks=form.marks())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Register saved for {day.topic}, {_long(day.date)}")
                return redirect("cohorts:training_days", day.cohort_id)
    else:
        form = forms.AttendanceRegisterForm(rows=rows, caption=caption)
    return render(
        request,
        "cohorts/attendance_register.html",
        {
            "day": day,
            "cohort": day.cohort,
            "form": form,
            "held": held,
            "has_rows": bool(rows),
            "marked_everyone": marked_everyone,
        },
    )


# Module results --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def module_result_add(request, pk):
    enrolment = access_enrolment(request.user, pk, act="cohorts.record_module_result")
    form = forms.ModuleResultForm(posted_data(request), modules=selectors.modules_for(enrolment))
    if done := submit(
        request,
        form,
        lambda data: services.module_result_record(actor=request.user, enrolment=enrolment, **data),
    ):
        result = done.result
        messages.success(
            request,
            f"Result saved for {enrolment.trainee.full_name}: {result.module.title}, "
            f"attempt {result.attempt}, {result.get_outcome_display().lower()}",
        )
        return redirect("cohorts:module_result_add", enrolment.pk)
    return render(
        request,
        "cohorts/module_result_form.html",
        {
            "form": form,
            "enrolment": enrolment,
            "results": list(selectors.module_results_for(enrolment)),
        },
    )


urlpatterns = [
    path("cohorts/<int:pk>/training-days/", training_days, name="training_days"),
    path("cohorts/<int:pk>/training-days/add/", training_day_add, name="training_day_add"),
    path("training-days/<int:pk>/edit/", training_day_edit, name="training_day_edit"),
    path("training-days/<int:pk>/delete/", training_day_delete, name="training_day_delete"),
    path("training-days/<int:pk>/register/", attendance_register, name="attendance_register"),
    path("enrolments/<int:pk>/module-results/add/", module_result_add, name="module_result_add"),
]
