"""Mentors' queue and decisions; revocation by the signer or the lead nurse."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from competencies import forms, selectors, services
from competencies.access import access_assessment, access_sign_off_request
from competencies.models import SignOffRequest
from pathway.formtools import get_or_post, submit
from pathway.identity.signing import signing_data
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
            "practice_to_confirm": list(selectors.practice_to_confirm(user)),
            "now": timezone.now(),
        },
    )


@login_required
@get_or_post
def sign_off(request, pk):
    sign_off_request = access_sign_off_request(request.user, pk)
    record, competency = sign_off_request.record, sign_off_request.competency
    if sign_off_request.status != SignOffRequest.Status.OPEN:
        messages.error(request, "This request has already been decided or withdrawn")
        return redirect("competencies:competency_detail", record.pk, competency.pk)
    if not request.user.has_perm("competencies.decide_request", sign_off_request):
        raise PermissionDenied
    form = forms.SignOffForm(
        signing_data(request), competency=competency, signer=request.user, record=record
    )
    if submit(
        request,
        form,
        lambda data: services.sign_off_request_decide(
            actor=request.user,
            sign_off_request=sign_off_request,
            signature=form.signature(request),
            **form.decision(),
        ),
    ):
        return redirect("competencies:sign_off_done", sign_off_request.pk)
    form.forget_password()
    return render(
        request,
        "competencies/sign_off.html",
        {
            "form": form,
            "sign_off_request": sign_off_request,
            "record": record,
            "competency": competency,
            **selectors.sign_off_context(sign_off_request),
        },
    )


@login_required
@require_GET
def sign_off_done(request, pk):
    """What was signed, and the next request in the mentor's queue one tap away."""
    sign_off_request = access_sign_off_request(
        request.user, pk, act="competencies.see_own_decision"
    )
    return render(
        request,
        "competencies/sign_off_done.html",
        {
            "sign_off_request": sign_off_request,
            **selectors.after_sign_off(sign_off_request, mentor=request.user),
        },
    )


@login_required
@get_or_post
def revoke(request, pk):
    assessment = access_assessment(request.user, pk, act="competencies.revoke_assessment")
    form = forms.RevokeForm(signing_data(request), signer=request.user, record=assessment.record)
    if submit(
        request,
        form,
        lambda data: services.assessment_revoke(
            actor=request.user,
            assessment=assessment,
            reason=data["reason"],
            signature=form.signature(request),
        ),
    ):
        messages.success(request, "The decision has been revoked")
        return redirect(
            "competencies:competency_detail", assessment.record_id, assessment.competency_id
        )
    form.forget_password()
    return render(request, "competencies/revoke.html", {"form": form, "assessment": assessment})


urlpatterns = [
    path("mentor/", my_trainees, name="my_trainees"),
    path("mentor/requests/<int:pk>/", sign_off, name="sign_off"),
    path("mentor/requests/<int:pk>/signed/", sign_off_done, name="sign_off_done"),
    path("assessments/<int:pk>/revoke/", revoke, name="revoke"),
]
