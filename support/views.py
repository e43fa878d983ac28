"""Practice educator team pages: caseloads, support logs, the mentor register and workload.

Thin: permission, selector or service, render. Refusals are 403 for staff without the right
(caseloads and the register are not a trainee's private record).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from pathway import selectors as pathway_selectors
from pathway.formtools import get_or_post, posted_data, submit
from pathway.paging import page_of
from pathway.permissions import require_perm
from support import forms, selectors, services
from support.access import access_educator, access_mentor


def _get_only(request):
    """A read-only page answers GET only, checked after the access check, so that a person
    refused is refused the same whatever the method (and one allowed gets 405)."""
    return None if request.method == "GET" else HttpResponseNotAllowed(["GET"])


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


@login_required
def educator_caseload(request, pk):
    educator = access_educator(request.user, pk)
    if refused := _get_only(request):
        return refused
    return _caseload_page(request, educator, own=educator.pk == request.user.pk)


@require_perm("support.manage_caseloads")
@get_or_post
def mentor_caseload_add(request, pk):
    educator = access_educator(request.user, pk, act="support.manage_caseloads")
    form = forms.MentorCaseloadForm(posted_data(request))
    if submit(
        request,
        form,
        lambda data: services.mentor_caseload_add(actor=request.user, educator=educator, **data),
    ):
        messages.success(request, f"{form.cleaned_data['mentor']} added to {educator}'s caseload")
        return redirect("support:educator_caseload", pk=educator.pk)
    return render(
        request, "support/mentor_caseload_form.html", {"form": form, "educator": educator}
    )


# Support logs -----------------------------------------------------------------------------------


@require_perm("support.log_support")
@get_or_post
def support_log_add(request):
    form = forms.SupportLogForm(posted_data(request), educator=request.user)
    if submit(
        request,
        form,
        lambda data: services.support_log_create(
            actor=request.user,
            kind=data["kind"],
            on=data["on"],
            minutes=data["total_minutes"],
            person=data["person"],
            notes=data["notes"],
        ),
    ):
        messages.success(request, "Support saved")
        return redirect("support:caseload")
    return render(request, "support/support_log_form.html", {"form": form})


@login_required
def support_log_list(request, pk):
    educator = access_educator(request.user, pk)
    if refused := _get_only(request):
        return refused
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
    # Fifty mentors a page, read a page at a time: every mentor by name, or (?due=soon) those
    # due an update within 30 days, the soonest first. The full register names the first few
    # of those in a query of its own, with how many there are.
    due_only = request.GET.get("due") == "soon"
    mentors = (
        pathway_selectors.mentors_due_soon()
        if due_only
        else pathway_selectors.mentor_register_pages()
    )
    page, page_range = page_of(request, mentors)
    return render(
        request,
        "support/mentor_register.html",
        {
            "entries": pathway_selectors.register_entries(page.object_list),
            "page": page,
            "page_range": page_range,
            "due_only": due_only,
            "due_soon": None if due_only else pathway_selectors.mentor_updates_due_soon(),
            "can_record": request.user.has_perm("pathway.record_mentor_preparation"),
            "can_see_educators": request.user.has_perm("support.view_all_caseloads"),
        },
    )


@login_required
def mentor_entry(request, pk):
    entry = selectors.mentor_entry(access_mentor(request.user, pk))
    if refused := _get_only(request):
        return refused
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
    mentor = access_mentor(request.user, pk, act="pathway.record_mentor_preparation")
    current = selectors.mentor_preparation_of(mentor)
    initial = {"prepared_on": current.prepared_on, "last_update_on": current.last_update_on}
    form = forms.MentorPreparationForm(posted_data(request), initial=initial, versioned=current)
    if submit(
        request,
        form,
        lambda data: services.mentor_preparation_update(actor=request.user, mentor=mentor, **data),
    ):
        messages.success(request, f"Mentor preparation saved for {mentor}")
        return redirect("support:mentor_register")
    return render(request, "support/mentor_preparation_form.html", {"form": form, "mentor": mentor})


@require_perm("support.view_mentor_workload")
@require_GET
def mentor_workload(request):
    return render(
        request, "support/mentor_workload.html", {"workload": selectors.mentor_workload()}
    )
