"""The trainee's record: progress, one competency, practice, evidence and sign-off requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from competencies import forms, selectors, services
from competencies.models import (
    Competency,
    CompetencyProgress,
    Evidence,
    SignOffRequest,
    TrainingRecord,
)
from competencies.rules import remember_allocations
from pathway.formtools import add_service_errors, parse_id


def _record(request, record_pk, perm="competencies.view_record") -> TrainingRecord:
    """The record, if this person may see it. Others get 404: a trainee's record is private."""
    remember_allocations(request.user)
    try:
        record = selectors.record_by_pk(record_pk)
    except TrainingRecord.DoesNotExist as missing:
        raise Http404 from missing
    if not request.user.has_perm("competencies.view_record", record):
        raise Http404
    if perm != "competencies.view_record" and not request.user.has_perm(perm, record):
        raise PermissionDenied
    return record


@login_required
def my_progress(request):
    record = selectors.active_record_for(request.user)
    if record is None:
        if not request.user.has_role("trainee"):
            raise PermissionDenied
        return render(request, "competencies/no_record.html")
    return _render_progress(request, record, own=True)


@login_required
def record_detail(request, record_pk):
    record = _record(request, record_pk)
    return _render_progress(request, record, own=record.trainee_id == request.user.pk)


def _render_progress(request, record, *, own):
    overview = selectors.record_overview(record)
    return render(
        request,
        "competencies/progress.html",
        {"overview": overview, "record": record, "own": own},
    )


@login_required
def competency_detail(request, record_pk, competency_pk):
    record = _record(request, record_pk)
    try:
        page = selectors.competency_page(record, competency_pk)
    except CompetencyProgress.DoesNotExist as missing:
        raise Http404 from missing
    user = request.user
    return render(
        request,
        "competencies/competency_detail.html",
        {
            "page": page,
            "record": record,
            "can_act": user.has_perm("competencies.act_on_record", record),
            "revocable_ids": {
                a.pk for a in page.history if user.has_perm("competencies.revoke_assessment", a)
            },
            "can_decide": page.open_request is not None
            and user.has_perm("competencies.decide_request", page.open_request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_add(request, record_pk):
    record = _record(request, record_pk, "competencies.act_on_record")
    competencies = selectors.applicable_competencies_for(record)
    initial = {}
    if (competency_id := parse_id(request.GET.get("competency"))) is not None:
        initial["competencies"] = [competency_id]
    form = forms.PracticeForm(request.POST or None, competencies=competencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_log(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Supervised practice saved")
            return _back_to(record, form.cleaned_data["competencies"])
    return render(request, "competencies/practice_form.html", {"form": form, "record": record})


@login_required
@require_http_methods(["GET", "POST"])
def evidence_add(request, record_pk):
    record = _record(request, record_pk, "competencies.act_on_record")
    competencies = selectors.applicable_competencies_for(record)
    initial = {}
    if (competency_id := parse_id(request.GET.get("competency"))) is not None:
        initial["competencies"] = [competency_id]
    form = forms.EvidenceForm(
        request.POST or None, request.FILES or None, competencies=competencies, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Evidence saved")
            return _back_to(record, form.cleaned_data["competencies"])
    return render(request, "competencies/evidence_form.html", {"form": form, "record": record})


def _back_to(record, competencies):
    competencies = list(competencies)
    if len(competencies) == 1:
        return redirect("competencies:competency_detail", record.pk, competencies[0].pk)
    return redirect("competencies:record_detail", record.pk)


@login_required
def evidence_download(request, uuid):
    try:
        evidence = selectors.evidence_by_uuid(uuid)
    except Evidence.DoesNotExist as missing:
        raise Http404 from missing
    if not request.user.has_perm("competencies.view_record", evidence.record) or not evidence.file:
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_filename or "evidence",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def request_sign_off(request, record_pk, competency_pk):
    record = _record(request, record_pk, "competencies.act_on_record")
    competency = get_object_or_404(Competency, pk=competency_pk, progress__record=record)
    mentors = selectors.current_mentors(record.trainee)
    form = forms.SignOffRequestForm(request.POST or None, mentors=mentors)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_off_request_create(
                actor=request.user, record=record, competency=competency, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            mentor = form.cleaned_data["mentor"]
            messages.success(request, f"Sign-off requested from {mentor.full_name}")
            return redirect("competencies:competency_detail", record.pk, competency.pk)
    return render(
        request,
        "competencies/request_form.html",
        {"form": form, "record": record, "competency": competency, "mentors": mentors},
    )


@login_required
@require_POST
def request_withdraw(request, pk):
    sign_off_request = get_object_or_404(SignOffRequest.objects.select_related("record"), pk=pk)
    record = _record(request, sign_off_request.record_id, "competencies.act_on_record")
    try:
        services.sign_off_request_withdraw(actor=request.user, request=sign_off_request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your request has been withdrawn")
    return redirect("competencies:competency_detail", record.pk, sign_off_request.competency_id)


urlpatterns = [
    path("progress/", my_progress, name="my_progress"),
    path("records/<int:record_pk>/", record_detail, name="record_detail"),
    path(
        "records/<int:record_pk>/competencies/<int:competency_pk>/",
        competency_detail,
        name="competency_detail",
    ),
    path(
        "records/<int:record_pk>/competencies/<int:competency_pk>/request/",
        request_sign_off,
        name="request_sign_off",
    ),
    path("records/<int:record_pk>/practice/add/", practice_add, name="practice_add"),
    path("records/<int:record_pk>/evidence/add/", evidence_add, name="evidence_add"),
    path("evidence/<uuid:uuid>/", evidence_download, name="evidence_download"),
    path("requests/<int:pk>/withdraw/", request_withdraw, name="request_withdraw"),
]
