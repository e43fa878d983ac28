"""The outcomes dashboard, a cohort's people, pathway histories, moves, stages and bridging
modules. Thin: check the permission, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from cohorts.models import Cohort
from outcomes import forms, selectors, services
from outcomes.access import MANAGE, access_move, access_person, access_stage
from outcomes.exports import outcomes_table
from outcomes.models import BridgingEnrolment, BridgingModule
from pathway import spreadsheets
from pathway.formtools import ConfirmForm, add_service_errors, get_or_post, posted_data, submit
from pathway.paging import page_of
from pathway.permissions import require_perm

# The dashboard ------------------------------------------------------------------------------


@require_perm("outcomes.view_dashboard")
@require_GET
def dashboard(request):
    today = timezone.localdate()
    page, page_range = page_of(
        request,
        selectors.started_cohorts_newest_first(today),
        per_page=selectors.COHORTS_PER_PAGE,
    )
    # The latest intakes on the first page; on each page, oldest first as the chart reads.
    board = selectors.dashboard(today=today, cohorts=reversed(page.object_list))
    return render(
        request,
        "outcomes/dashboard.html",
        {"dashboard": board, "page": page, "page_range": page_range},
    )


@require_perm("outcomes.view_dashboard")
@require_GET
def dashboard_export(request, fmt):
    if fmt not in spreadsheets.FORMATS:
        raise Http404
    today = timezone.localdate()
    content = spreadsheets.render(outcomes_table(selectors.dashboard(today=today)), fmt)
    response = HttpResponse(content, content_type=spreadsheets.FORMATS[fmt])
    name = spreadsheets.filename("pathway-outcomes", fmt, today)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_perm("outcomes.view_dashboard")
@require_GET
def cohort_detail(request, pk):
    try:
        cohort = selectors.cohort_by_pk(pk)
    except Cohort.DoesNotExist as missing:
        raise Http404 from missing
    item = selectors.cohort_outcome(cohort, today=timezone.localdate())
    return render(request, "outcomes/cohort_detail.html", {"item": item, "cohort": cohort})


# Pathway histories and moves -----------------------------------------------------------------


def _history_page(request, person, *, own):
    return render(
        request,
        "outcomes/person_history.html",
        {
            "history": selectors.person_history(person),
            "person": person,
            "own": own,
            "can_manage": request.user.has_perm("outcomes.manage"),
        },
    )


@login_required
@require_GET
def person_history(request, pk):
    person = access_person(request.user, pk)  # private: 404 for those who may not read it
    return _history_page(request, person, own=person.pk == request.user.pk)


@login_required
@require_GET
def my_pathway(request):
    return _history_page(request, request.user, own=True)


@require_perm("outcomes.manage")
@get_or_post
def move_add(request, pk):
    person = access_person(request.user, pk, act=MANAGE)
    form = forms.MoveForm(posted_data(request))
    if submit(
        request,
        form,
        lambda data: services.move_record(actor=request.user, person=person, **data),
    ):
        messages.success(request, f"Move recorded for {person}")
        return redirect("outcomes:person_history", person.pk)
    return render(request, "outcomes/move_form.html", {"form": form, "person": person})


@require_perm("outcomes.manage")
@get_or_post
def move_delete(request, pk):
    move = access_move(request.user, pk)
    form = ConfirmForm(posted_data(request), submit="Remove move", warning=True)
    if submit(request, form, lambda data: services.move_delete(actor=request.user, move=move)):
        messages.success(request, f"Move removed from {move.person}'s pathway")
        return redirect("outcomes:person_history", move.person_id)
    return render(request, "outcomes/move_delete.html", {"move": move, "form": form})


# Stages -------------------------------------------------------------------------------------


@require_perm("outcomes.manage")
@require_GET
def stage_list(request):
    return render(request, "outcomes/stage_list.html", {"stages": selectors.stage_list()})


@require_perm("outcomes.manage")
@get_or_post
def stage_edit(request, pk):
    stage = access_stage(request.user, pk)
    form = forms.StageForm(
        posted_data(request),
        initial={"name": stage.name, "description": stage.description},
        versioned=stage,
    )
    if done := submit(
        request,
        form,
        lambda data: services.stage_update(actor=request.user, stage=stage, **data),
    ):
        messages.success(request, f"Stage “{done.result.name}” saved")
        return redirect("outcomes:stage_list")
    return render(request, "outcomes/stage_form.html", {"form": form, "stage": stage})


# Bridging modules ---------------------------------------------------------------------------


@require_perm("outcomes.manage")
@require_GET
def bridging_list(request):
    return render(request, "outcomes/bridging_list.html", {"modules": selectors.bridging_modules()})


@require_perm("outcomes.manage")
@get_or_post
def bridging_module_add(request):
    form = forms.BridgingModuleForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            module = services.bridging_module_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{module} added")
            return redirect("outcomes:bridging_module", module.pk)
    return render(request, "outcomes/bridging_module_form.html", {"form": form})


def _module(pk) -> BridgingModule:
    try:
        return selectors.bridging_module(pk)
    except BridgingModule.DoesNotExist as missing:
        raise Http404 from missing


@require_perm("outcomes.manage")
@require_GET
def bridging_module(request, pk):
    module = _module(pk)
    return render(
        request,
        "outcomes/bridging_module.html",
        {"module": module, "enrolments": selectors.bridging_enrolments(module)},
    )


@require_perm("outcomes.manage")
@get_or_post
def bridging_enrol(request, pk):
    module = _module(pk)
    form = forms.BridgingEnrolForm(posted_data(request), people=selectors.qualified_people())
    if request.method == "POST" and form.is_valid():
        try:
            services.bridging_enrol(actor=request.user, module=module, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['person']} enrolled on {module}")
            return redirect("outcomes:bridging_module", module.pk)
    return render(request, "outcomes/bridging_enrol.html", {"form": form, "module": module})


@require_perm("outcomes.manage")
@get_or_post
def bridging_result(request, pk):
    try:
        enrolment = selectors.bridging_enrolment(pk)
    except BridgingEnrolment.DoesNotExist as missing:
        raise Http404 from missing
    initial = {"result": enrolment.result, "on": enrolment.result_on}
    form = forms.BridgingResultForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.bridging_result_record(
                actor=request.user, enrolment=enrolment, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Result saved for {enrolment.person}")
            return redirect("outcomes:bridging_module", enrolment.module_id)
    return render(request, "outcomes/bridging_result.html", {"form": form, "enrolment": enrolment})


urlpatterns = [
    path("outcomes/", dashboard, name="dashboard"),
    path("outcomes/export.<str:fmt>", dashboard_export, name="dashboard_export"),
    path("outcomes/cohorts/<int:pk>/", cohort_detail, name="cohort_detail"),
    path("outcomes/people/<int:pk>/", person_history, name="person_history"),
    path("outcomes/people/<int:pk>/moves/add/", move_add, name="move_add"),
    path("outcomes/moves/<int:pk>/delete/", move_delete, name="move_delete"),
    path("outcomes/my-pathway/", my_pathway, name="my_pathway"),
    path("outcomes/stages/", stage_list, name="stage_list"),
    path("outcomes/stages/<int:pk>/edit/", stage_edit, name="stage_edit"),
    path("outcomes/bridging/", bridging_list, name="bridging_list"),
    path("outcomes/bridging/add/", bridging_module_add, name="bridging_module_add"),
    path("outcomes/bridging/<int:pk>/", bridging_module, name="bridging_module"),
    path("outcomes/bridging/<int:pk>/enrol/", bridging_enrol, name="bridging_enrol"),
    path("outcomes/bridging/enrolments/<int:pk>/result/", bridging_result, name="bridging_result"),
]
