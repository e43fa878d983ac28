"""Pages for the training plan, the end-point assessment gateway and inspection access.

Thin: fetch and authorise (access_plan), call a selector or a service, render. A read-only page
answers GET only, after the access check, so that everyone refused is refused the same way.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from apprenticeships import forms_plan as forms
from apprenticeships import portfolio
from apprenticeships.access_plan import (
    access_apprenticeship,
    access_cohort_plans,
    access_grant,
    access_plan_version,
)
from apprenticeships.rules_plan import plan_party
from apprenticeships.selectors import gateway as gateway_selectors
from apprenticeships.selectors import inspection as inspection_selectors
from apprenticeships.selectors import plan as selectors
from apprenticeships.services import gateway as gateway_services
from apprenticeships.services import inspection as inspection_services
from apprenticeships.services import plan as plan_services
from cohorts.selectors.dashboards import trainee_rows
from pathway.downloads import file_attachment
from pathway.formtools import ConfirmForm, get_or_post, posted_data, submit
from pathway.permissions import require_perm
from pathway.spreadsheets import FORMATS, filename
from pathway.spreadsheets import render as render_table


def _get_only(request):
    return None if request.method == "GET" else HttpResponseNotAllowed(["GET"])


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _unavailable(request):
    return render(request, "pathway/file_unavailable.html", status=503)


# Cohorts ----------------------------------------------------------------------------------------


@require_perm("apprenticeships.manage_inspection")
def plan_cohorts(request):
    if refused := _get_only(request):
        return refused
    return render(
        request,
        "apprenticeships/plan/cohorts.html",
        {"cohorts": selectors.cohorts_with_apprentices()},
    )


@login_required
def cohort_plans(request, pk):
    cohort = access_cohort_plans(request.user, pk)
    if refused := _get_only(request):
        return refused
    today = timezone.localdate()
    rows = selectors.cohort_apprentices(cohort, today=today)
    progress = {
        row.enrolment_pk: row
        for row in trainee_rows(
            selectors.enrolments_of([r.apprenticeship.enrolment_id for r in rows]),
            today=today,
            cohorts=[cohort],
            mentors=False,
        )
    }
    for row in rows:
        row.progress = progress.get(row.apprenticeship.enrolment_id)
    return render(
        request,
        "apprenticeships/plan/cohort_plans.html",
        {"cohort": cohort, "rows": rows, "today": today},
    )


@login_required
def cohort_gateway_export(request, pk, fmt):
    cohort = access_cohort_plans(request.user, pk)
    if refused := _get_only(request):
        return refused
    if fmt not in FORMATS:
        raise Http404
    today = timezone.localdate()
    rows = selectors.cohort_apprentices(cohort, today=today)
    content = render_table(portfolio.gateway_status_table(cohort, rows), fmt)
    return _download(content, FORMATS[fmt], filename(f"gateway {cohort.name}", fmt, today))


# The training plan ------------------------------------------------------------------------------


@login_required
def apprentice_plan(request, pk):
    apprenticeship = access_apprenticeship(request.user, pk)
    if refused := _get_only(request):
        return refused
    user = request.user
    versions = selectors.plan_versions(apprenticeship)
    current = versions[0] if versions else None
    party = plan_party(user, apprenticeship)
    return render(
        request,
        "apprenticeships/plan/apprentice.html",
        {
            "apprenticeship": apprenticeship,
            "enrolment": apprenticeship.enrolment,
            "standard": selectors.standard_of(apprenticeship),
            "current": current,
            "earlier": versions[1:],
            "reviews": selectors.review_flags(apprenticeship),
            "gateway": gateway_selectors.gateway(apprenticeship),
            "sign_offs": gateway_selectors.signed_off_records(apprenticeship),
            "can_change": user.has_perm("apprenticeships.change_training_plan", apprenticeship),
            "can_sign": bool(
                current and party and not any(p == party and s for p, s in current.parties)
            ),
            "party": party,
            "can_pack": user.has_perm("apprenticeships.export_evidence_pack", apprenticeship),
        },
    )


def _initial(apprenticeship, current) -> dict:
    source = current or apprenticeship
    initial = {
        "practical_period_start": source.practical_period_start,
        "planned_end_date": source.planned_end_date,
        "planned_otj_hours": source.planned_otj_hours,
    }
    if current is not None:
        initial |= {
            "provider_responsibilities": current.provider_responsibilities,
            "employer_responsibilities": current.employer_responsibilities,
            "apprentice_responsibilities": current.apprentice_responsibilities,
        }
    return initial


@login_required
@get_or_post
def plan_edit(request, pk):
    apprenticeship = access_apprenticeship(
        request.user, pk, act="apprenticeships.change_training_plan"
    )
    versions = selectors.plan_versions(apprenticeship)
    current = versions[0] if versions else None
    form = forms.TrainingPlanForm(posted_data(request), initial=_initial(apprenticeship, current))
    if done := submit(
        request,
        form,
        lambda data: plan_services.training_plan_create(
            actor=request.user, apprenticeship=apprenticeship, **data
        ),
    ):
        messages.success(
            request, f"Version {done.result.version} saved: all three parties need to sign it"
        )
        return redirect("apprenticeships:apprentice_plan", pk=apprenticeship.pk)
    return render(
        request,
        "apprenticeships/plan/plan_form.html",
        {"form": form, "apprenticeship": apprenticeship, "current": current},
    )


@login_required
def plan_version(request, pk):
    plan = access_plan_version(request.user, pk)
    if refused := _get_only(request):
        return refused
    return render(
        request,
        "apprenticeships/plan/plan_version.html",
        {"plan": plan, "apprenticeship": plan.apprenticeship},
    )


@login_required
@get_or_post
def plan_sign(request, pk):
    plan = access_plan_version(request.user, pk)
    apprenticeship = selectors.apprenticeship_by_pk(plan.apprenticeship_id)
    access_apprenticeship(request.user, apprenticeship.pk, act="apprenticeships.sign_training_plan")
    plan.apprenticeship = apprenticeship
    form = ConfirmForm(posted_data(request), submit="Sign the training plan")
    if submit(
        request,
        form,
        lambda _data: plan_services.training_plan_sign(actor=request.user, plan=plan),
    ):
        messages.success(request, f"You signed version {plan.version} of the training plan")
        return redirect("apprenticeships:apprentice_plan", pk=apprenticeship.pk)
    return render(
        request,
        "apprenticeships/plan/plan_sign.html",
        {
            "form": form,
            "plan": plan,
            "apprenticeship": apprenticeship,
            "party": plan_party(request.user, apprenticeship),
        },
    )


# The gateway ------------------------------------------------------------------------------------


@login_required
def gateway_detail(request, pk):
    apprenticeship = access_apprenticeship(request.user, pk)
    if refused := _get_only(request):
        return refused
    user = request.user
    state = gateway_selectors.gateway(apprenticeship)
    party = plan_party(user, apprenticeship)
    return render(
        request,
        "apprenticeships/plan/gateway.html",
        {
            "apprenticeship": apprenticeship,
            "gateway": state,
            "can_evidence": user.has_perm("apprenticeships.evidence_gateway", apprenticeship)
            and not any(s for _p, s in state.signatures),
            "can_sign": bool(
                party and state.complete and not any(p == party and s for p, s in state.signatures)
            ),
            "can_export": user.has_perm("apprenticeships.export_portfolio", apprenticeship),
        },
    )


def _requirement(apprenticeship, code):
    try:
        return gateway_selectors.requirement(apprenticeship, code)
    except LookupError as missing:
        raise Http404 from missing


@login_required
@get_or_post
def gateway_evidence(request, pk, code):
    apprenticeship = access_apprenticeship(request.user, pk, act="apprenticeships.evidence_gateway")
    requirement = _requirement(apprenticeship, code)
    form = forms.GatewayEvidenceForm(posted_data(request), request.FILES or None)
    if submit(
        request,
        form,
        lambda data: gateway_services.gateway_evidence_record(
            actor=request.user,
            apprenticeship=apprenticeship,
            code=code,
            reference=data["reference"],
            upload=data["upload"],
        ),
    ):
        messages.success(request, f"Evidence saved for {requirement.label}")
        return redirect("apprenticeships:gateway_detail", pk=apprenticeship.pk)
    return render(
        request,
        "apprenticeships/plan/gateway_evidence_form.html",
        {"form": form, "apprenticeship": apprenticeship, "requirement": requirement},
    )


@login_required
def gateway_evidence_file(request, pk, code):
    apprenticeship = access_apprenticeship(request.user, pk)
    if refused := _get_only(request):
        return refused
    evidence = gateway_selectors.evidence_for(apprenticeship, code)
    if evidence is None or not evidence.file:
        raise Http404
    return file_attachment(
        request, evidence.file, filename=evidence.file_name, content_type=evidence.content_type
    )


@login_required
@get_or_post
def gateway_declare(request, pk):
    apprenticeship = access_apprenticeship(request.user, pk, act="apprenticeships.sign_gateway")
    state = gateway_selectors.gateway(apprenticeship)
    form = ConfirmForm(posted_data(request), submit="Sign the gateway declaration")
    if submit(
        request,
        form,
        lambda _data: gateway_services.gateway_declaration_sign(
            actor=request.user, apprenticeship=apprenticeship
        ),
    ):
        messages.success(request, "You signed the gateway declaration")
        return redirect("apprenticeships:gateway_detail", pk=apprenticeship.pk)
    return render(
        request,
        "apprenticeships/plan/gateway_declare.html",
        {
            "form": form,
            "apprenticeship": apprenticeship,
            "gateway": state,
            "party": plan_party(request.user, apprenticeship),
        },
    )


@login_required
def portfolio_export(request, pk):
    apprenticeship = access_apprenticeship(request.user, pk, act="apprenticeships.export_portfolio")
    if refused := _get_only(request):
        return refused
    try:
        content = portfolio.portfolio_zip(apprenticeship)
    except OSError:
        return _unavailable(request)
    name = filename(f"portfolio {apprenticeship.enrolment.trainee.full_name}", "zip", _today())
    return _download(content, "application/zip", name)


@login_required
def evidence_pack(request, pk):
    apprenticeship = access_apprenticeship(
        request.user, pk, act="apprenticeships.export_evidence_pack"
    )
    if refused := _get_only(request):
        return refused
    content = portfolio.evidence_pack_zip(apprenticeship)
    name = filename(f"evidence pack {apprenticeship.enrolment.trainee.full_name}", "zip", _today())
    return _download(content, "application/zip", name)


def _today():
    return timezone.localdate()


# Inspection access ------------------------------------------------------------------------------


@require_perm("apprenticeships.manage_inspection")
def inspection_grants(request):
    if refused := _get_only(request):
        return refused
    return render(
        request,
        "apprenticeships/plan/inspection_grants.html",
        {"grants": inspection_selectors.grants()},
    )


@require_perm("apprenticeships.manage_inspection")
@get_or_post
def inspection_grant_add(request):
    form = forms.InspectionGrantForm(posted_data(request))
    if done := submit(
        request,
        form,
        lambda data: inspection_services.inspection_grant_create(
            actor=request.user,
            inspector=data["inspector"],
            full_name=data["full_name"],
            email=data["email"],
            cohorts=list(data["cohorts"]),
            expires_on=data["expires_on"],
            purpose=data["purpose"],
        ),
    ):
        messages.success(request, f"{done.result.inspector} has read-only access")
        return redirect("apprenticeships:inspection_grants")
    return render(request, "apprenticeships/plan/inspection_grant_form.html", {"form": form})


@require_perm("apprenticeships.manage_inspection")
@get_or_post
def inspection_grant_revoke(request, pk):
    grant = access_grant(request.user, pk)
    form = ConfirmForm(posted_data(request), submit="End access now", warning=True)
    if submit(
        request,
        form,
        lambda _data: inspection_services.inspection_grant_revoke(actor=request.user, grant=grant),
    ):
        messages.success(request, f"{grant.inspector}'s access has ended")
        return redirect("apprenticeships:inspection_grants")
    return render(
        request, "apprenticeships/plan/inspection_grant_revoke.html", {"form": form, "grant": grant}
    )


@require_perm("apprenticeships.inspect")
def inspection_home(request):
    if refused := _get_only(request):
        return refused
    return render(
        request,
        "apprenticeships/plan/inspection_home.html",
        {"grants": inspection_selectors.my_grants(request.user)},
    )
