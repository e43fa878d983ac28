"""Mentors' queue and decisions; revocation by the signer or the lead nurse."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from competencies import forms, selectors, services
from competencies.models import Assessment, SignOffRequest
from competencies.rules import remember_allocations
from pathway.formtools import add_service_errors
from pathway.models import RoleCode

SUPPORT_ROLES = (RoleCode.MENTOR, RoleCode.TUTOR, RoleCode.PRACTICE_EDUCATOR, RoleCode.MANAGER)


@login_required
def my_trainees(request):
    """A supporter's home: the sign-off queue (mentors) and the trainees they support."""
    user = request.user
    if not user.has_role(*SUPPORT_ROLES):
        raise PermissionDenied
    queue = list(selectors.mentor_queue(user)) if user.has_role(RoleCode.MENTOR) else None
    return render(
        request,
        "competencies/my_trainees.html",
        {
            "queue": queue,
            "records": selectors.supported_records(user),
            "now": timezone.now(),
        },
    )


def _open_request(request, pk) -> SignOffRequest:
    remember_allocations(request.user)
    try:
        sign_off_request = selectors.request_by_pk(pk)
    except SignOffRequest.DoesNotExist as missing:
        raise Http404 from missing
    if not request.user.has_perm("competencies.view_record", sign_off_request.record):
        raise Http404
    return sign_off_request


@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request, pk):
    sign_off_request = _open_request(request, pk)
    record, competency = sign_off_request.record, sign_off_request.competency
    if sign_off_request.status != SignOffRequest.Status.OPEN:
        messages.error(request, "This request has already been decided or withdrawn")
        return redirect("competencies:competency_detail", record.pk, sign_off_request.competency_id)
    if not request.user.has_perm("competencies.decide_request", sign_off_request):
        raise PermissionDenied
    form = forms.SignOffForm(
        request.POST or None, competency=sign_off_request.competency, signer=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.sign_off_record(
                request=sign_off_request,
                assessor=request.user,
                outcome=data["outcome"],
                method=data["method"],
                assessed_on=data["assessed_on"],
                feedback=data["feedback"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            trainee = record.trainee.full_name
            verdict = assessment.get_outcome_display().lower()
            messages.success(request, f"Signed: {competency.code} {verdict} for {trainee}")
            return redirect("competencies:my_trainees")
    # Never send the password back to the browser.
    if form.is_bound:
        form.data = form.data.copy()
        form.data["password"] = ""
    return render(
        request,
        "competencies/sign_off.html",
        {
            "form": form,
            "sign_off_request": sign_off_request,
            "record": record,
            "competency": sign_off_request.competency,
            **selectors.sign_off_context(sign_off_request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, pk):
    remember_allocations(request.user)
    try:
        assessment = selectors.assessment_by_pk(pk)
    except Assessment.DoesNotExist as missing:
        raise Http404 from missing
    if not request.user.has_perm("competencies.view_record", assessment.record):
        raise Http404
    if not request.user.has_perm("competencies.revoke_assessment", assessment):
        raise PermissionDenied
    form = forms.RevokeForm(request.POST or None, signer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_revoke(
                actor=request.user, assessment=assessment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The decision has been revoked")
            return redirect(
                "competencies:competency_detail", assessment.record_id, assessment.competency_id
            )
    if form.is_bound:
        form.data = form.data.copy()
        form.data["password"] = ""
    return render(request, "competencies/revoke.html", {"form": form, "assessment": assessment})


urlpatterns = [
    path("mentor/", my_trainees, name="my_trainees"),
    path("mentor/requests/<int:pk>/", sign_off, name="sign_off"),
    path("assessments/<int:pk>/revoke/", revoke, name="revoke"),
]
