"""Practice educator team pages: caseloads, support logs, the mentor register and workload.

Thin: permission, selector or service, render. Refusals are 403 for staff without the right
(caseloads and the register are not a trainee's private record).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from pathway import selectors as pathway_selectors
from pathway import services as pathway_services
from pathway.formtools import add_service_errors, get_or_post
from pathway.models import MentorPreparation, RoleCode, User
from pathway.permissions import require_perm
from support import forms, selectors, services


def _educator(request, pk) -> User:
    educator = get_object_or_404(User, pk=pk)
    if not educator.has_role(RoleCode.PRACTICE_EDUCATOR):
        raise Http404
    return educator


def _mentor(request, pk) -> User:
    mentor = get_object_or_404(User.objects.select_related("mentor_preparation"), pk=pk)
    if not mentor.has_role(RoleCode.MENTOR):
        raise Http404
    return mentor


def _caseload_page(request, educator, *, own: bool):
    return render(
        request,
        "support/caseload.html",
        {
            "caseload": selectors.educator_caseload(educator),
            "own": own,
            "can_log": own and request.user.has_perm("support.log_support"),
            "can_manage": request.user.has_perm("support.manage_caseloads"),
            "waiting_days": selectors.WAITING_LONG_DAYS,
        },
    )


# Caseloads --------------------------------------------------------------------------------------


@require_perm("support.view_own_caseload")
@require_GET
def caseload(request):
    return _caseload_page(request, request.user, own=True)


@require_perm("support.view_all_caseloads")
@require_GET
def educator_list(request):
    return render(request, "support/educator_list.html", {"rows": selectors.educator_list()})


@require_perm("support.view_caseload", fn=_educator)
@require_GET
def educator_caseload(request, pk):
    educator = _educator(request, pk)
    return _caseload_page(request, educator, own=educator.pk == request.user.pk)


@require_perm("support.manage_caseloads")
@get_or_post
def mentor_caseload_add(request, pk):
    educator = _educator(request, pk)
    form = forms.MentorCaseloadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_caseload_add(actor=request.user, educator=educator, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{form.cleaned_data['mentor']} added to {educator}'s caseload"
            )
            return redirect("support:educator_caseload", pk=educator.pk)
    return render(
        request, "support/mentor_caseload_form.html", {"form": form, "educator": educator}
    )


# Support logs -----------------------------------------------------------------------------------


@require_perm("support.log_support")
@get_or_post
def support_log_add(request):
    form = forms.SupportLogForm(request.POST or None, educator=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.support_log_create(
                actor=request.user,
                kind=data["kind"],
                on=data["on"],
                minutes=data["total_minutes"],
                person=data["person"],
                notes=data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Support saved")
            return redirect("support:caseload")
    return render(request, "support/support_log_form.html", {"form": form})


@require_perm("support.view_caseload", fn=_educator)
@require_GET
def support_log_list(request, pk):
    educator = _educator(request, pk)
    return render(
        request,
        "support/support_log_list.html",
        {
            "educator": educator,
            "own": educator.pk == request.user.pk,
            "totals": selectors.support_totals(educator),
            "logs": selectors.support_logs(educator),
        },
    )


# The mentor register and workload ---------------------------------------------------------------


@require_perm("pathway.view_mentor_register")
@require_GET
def mentor_register(request):
    entries = pathway_selectors.mentor_register()
    return render(
        request,
        "support/mentor_register.html",
        {
            "entries": entries,
            "due_soon": [e for e in entries if e.due_within_30_days],
            "can_record": request.user.has_perm("pathway.record_mentor_preparation"),
            "can_see_educators": request.user.has_perm("support.view_all_caseloads"),
        },
    )


@require_perm("pathway.view_mentor_preparation", fn=_mentor)
@require_GET
def mentor_entry(request, pk):
    mentor = _mentor(request, pk)
    entry = pathway_selectors.mentor_register(mentors=User.objects.filter(pk=mentor.pk))[0]
    return render(
        request,
        "support/mentor_entry.html",
        {
            "entry": entry,
            "can_record": request.user.has_perm("pathway.record_mentor_preparation"),
            "can_see_register": request.user.has_perm("pathway.view_mentor_register"),
        },
    )


@require_perm("pathway.record_mentor_preparation")
@get_or_post
def mentor_preparation_edit(request, pk):
    mentor = _mentor(request, pk)
    current = MentorPreparation.objects.filter(mentor=mentor).first()
    initial = (
        {"prepared_on": current.prepared_on, "last_update_on": current.last_update_on}
        if current
        else {}
    )
    form = forms.MentorPreparationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pathway_services.mentor_preparation_record(
                actor=request.user, mentor=mentor, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Mentor preparation saved for {mentor}")
            return redirect("support:mentor_register")
    return render(request, "support/mentor_preparation_form.html", {"form": form, "mentor": mentor})


@require_perm("support.view_mentor_workload")
@require_GET
def mentor_workload(request):
    return render(
        request, "support/mentor_workload.html", {"workload": selectors.mentor_workload()}
    )
