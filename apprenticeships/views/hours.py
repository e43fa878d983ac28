"""The off-the-job hours pages: an apprentice's ledger (and its downloads), logging hours,
confirming them, breaks in learning, a cohort's hours and the funding at risk.

Thin: access (fetch and authorise), a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from apprenticeships import exports_hours as exports
from apprenticeships.access_hours import (
    access_apprenticeship,
    access_break,
    access_cohort,
    access_entry,
)
from apprenticeships.forms.hours import (
    BreakDecisionForm,
    BreakForm,
    EntryDecisionForm,
    OtjEntryForm,
)
from apprenticeships.selectors import hours as selectors
from apprenticeships.services import hours as services
from pathway.formtools import get_or_post, posted_data, submit
from pathway.permissions import require_perm


def _get_only(request):
    return None if request.method == "GET" else HttpResponseNotAllowed(["GET"])


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _check_format(fmt: str) -> None:
    if fmt not in exports.FORMATS:
        raise Http404


@login_required
def my_hours(request):
    """The signed-in apprentice's own ledger; anyone else has none (404)."""
    if refused := _get_only(request):
        return refused
    apprenticeship = selectors.apprenticeship_of_trainee(request.user)
    if apprenticeship is None:
        raise Http404
    return redirect("apprenticeships:hours", pk=apprenticeship.pk)


@login_required
def hours(request, pk):
    apprenticeship = access_apprenticeship(request.user, pk)
    if refused := _get_only(request):
        return refused
    ledger = selectors.ledger(apprenticeship, today=timezone.localdate())
    user = request.user
    return render(
        request,
        "apprenticeships/hours.html",
        {
            "apprenticeship": apprenticeship,
            "ledger": ledger,
            "hours": ledger.hours,
            "plan": ledger.hours.plan,
            "can_log": user.has_perm("apprenticeships.log_hours", apprenticeship),
            "can_record_break": user.has_perm("apprenticeships.record_break", apprenticeship),
            "decidable": {
                e.pk for e in ledger.entries if user.has_perm("apprenticeships.decide_hours", e)
            },
            "approvable": {
                b.pk for b in ledger.breaks if user.has_perm("apprenticeships.approve_break", b)
            },
        },
    )


@login_required
def hours_export(request, pk, fmt):
    apprenticeship = access_apprenticeship(request.user, pk)
    _check_format(fmt)
    if refused := _get_only(request):
        return refused
    today = timezone.localdate()
    ledger = selectors.ledger(apprenticeship, today=today)
    name = f"off-the-job-hours-{apprenticeship.enrolment.trainee.full_name}"
    return _download(
        exports.render(exports.ledger_table(ledger), fmt), fmt, exports.filename(name, fmt, today)
    )


@login_required
@get_or_post
def hours_log(request, pk):
    apprenticeship = access_apprenticeship(request.user, pk, act="apprenticeships.log_hours")
    form = OtjEntryForm(posted_data(request))
    if submit(
        request,
        form,
        lambda data: services.otj_entry_log(
            actor=request.user, apprenticeship=apprenticeship, **data
        ),
    ):
        messages.success(request, "Hours sent to your line manager to confirm")
        return redirect("apprenticeships:hours", pk=apprenticeship.pk)
    return render(
        request, "apprenticeships/hours_log.html", {"form": form, "apprenticeship": apprenticeship}
    )


@login_required
@get_or_post
def entry_decide(request, pk):
    entry = access_entry(request.user, pk)
    form = EntryDecisionForm(posted_data(request))
    if submit(
        request,
        form,
        lambda data: services.otj_entry_decide(
            actor=request.user, entry=entry, confirm=form.said_yes, reason=data["reason"]
        ),
    ):
        messages.success(request, "Hours confirmed" if form.said_yes else "Hours declined")
        return redirect("apprenticeships:hours", pk=entry.apprenticeship_id)
    return render(request, "apprenticeships/entry_decide.html", {"form": form, "entry": entry})


@require_perm("apprenticeships.view_hours_to_confirm")
def hours_to_confirm(request):
    if refused := _get_only(request):
        return refused
    return render(
        request,
        "apprenticeships/hours_to_confirm.html",
        {"entries": selectors.entries_to_confirm(request.user)},
    )


@login_required
@get_or_post
def break_add(request, pk):
    apprenticeship = access_apprenticeship(request.user, pk, act="apprenticeships.record_break")
    form = BreakForm(posted_data(request))
    if submit(
        request,
        form,
        lambda data: services.break_record(
            actor=request.user, apprenticeship=apprenticeship, **data
        ),
    ):
        messages.success(request, "Break in learning recorded: it now waits for approval")
        return redirect("apprenticeships:hours", pk=apprenticeship.pk)
    return render(
        request, "apprenticeships/break_form.html", {"form": form, "apprenticeship": apprenticeship}
    )


@login_required
@get_or_post
def break_decide(request, pk):
    a_break = access_break(request.user, pk)
    form = BreakDecisionForm(posted_data(request))
    if submit(
        request,
        form,
        lambda data: services.break_decide(
            actor=request.user, a_break=a_break, approve=form.said_yes, note=data["reason"]
        ),
    ):
        messages.success(request, "Break approved" if form.said_yes else "Break not approved")
        return redirect("apprenticeships:hours", pk=a_break.apprenticeship_id)
    return render(request, "apprenticeships/break_decide.html", {"form": form, "a_break": a_break})


@require_perm("apprenticeships.view_breaks_to_approve")
def breaks_to_approve(request):
    if refused := _get_only(request):
        return refused
    return render(
        request,
        "apprenticeships/breaks_to_approve.html",
        {"breaks": selectors.breaks_to_approve(request.user)},
    )


@login_required
def cohort_hours(request, pk):
    cohort = access_cohort(request.user, pk)
    if refused := _get_only(request):
        return refused
    rows = selectors.cohort_hours(cohort, today=timezone.localdate())
    can_see_funding = request.user.has_perm("apprenticeships.view_funding_at_risk")
    return render(
        request,
        "apprenticeships/cohort_hours.html",
        {
            "cohort": cohort,
            "rows": rows,
            "behind": sum(1 for row in rows if row.behind),
            "at_risk": sum(row.funding_at_risk for row in rows) if can_see_funding else None,
            "can_see_funding": can_see_funding,
        },
    )


@login_required
def cohort_hours_export(request, pk, fmt):
    cohort = access_cohort(request.user, pk)
    _check_format(fmt)
    if refused := _get_only(request):
        return refused
    today = timezone.localdate()
    rows = selectors.cohort_hours(cohort, today=today)
    table = exports.cohort_table(
        rows, with_funding=request.user.has_perm("apprenticeships.view_funding_at_risk")
    )
    name = f"off-the-job-hours-{cohort.name}"
    return _download(exports.render(table, fmt), fmt, exports.filename(name, fmt, today))


@require_perm("apprenticeships.view_funding_at_risk")
def funding_at_risk(request):
    if refused := _get_only(request):
        return refused
    risks = selectors.funding_at_risk(today=timezone.localdate())
    return render(
        request,
        "apprenticeships/funding_at_risk.html",
        {
            "risks": risks,
            "total": sum(r.at_risk for r in risks),
            "non_levy_share": selectors.NON_LEVY_GOVERNMENT_SHARE * 100,
        },
    )
