"""Signing a decision or a revocation with a passkey or a fresh NHS sign-in.

The sign-off and revocation pages (competencies/views/signoff.py) post here first when the
signer chooses one of these ways:
- passkey: the page's script posts the form; if the decision is complete, the answer is the
  passkey challenge for exactly that decision (JSON). The script then asks the passkey and
  posts the form, with its answer, to the page as usual.
- nhs-account: the decision is kept in the session (pathway.identity.signing) and the browser
  is sent to sign in to the NHS account again; the provider's callback brings it back.
An incomplete decision is shown on the page with its errors, as a plain post would be.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from competencies import forms, signing
from competencies.access import access_assessment, access_sign_off_request
from competencies.models import SignOffRequest
from competencies.views import signoff
from pathway.identity import oidc
from pathway.identity import passkeys as passkey_protocol
from pathway.identity.config import passkeys_enabled, sso_enabled
from pathway.identity.signing import sso_signing_start

PASSKEY, NHS_ACCOUNT = "passkey", "nhs-account"


def _not_ready(message: str = "") -> JsonResponse:
    # The script then posts the form to the page, which shows what is missing.
    return JsonResponse({"ok": False, "message": message}, status=400)


def _sign_with(request, how, form, *, statement_of, show_page, return_to):
    if how == PASSKEY:
        if not passkeys_enabled():
            raise Http404
        if not form.is_valid() or not form.signing.passkey:
            return _not_ready()
        options = passkey_protocol.authentication_options(
            purpose=passkey_protocol.Purpose.SIGN,
            person=request.user,
            statement=statement_of(form.cleaned_data),
        )
        return JsonResponse({"ok": True, "options": options})
    if how == NHS_ACCOUNT:
        if not sso_enabled():
            raise Http404
        if not form.is_valid() or not form.signing.sso:
            return show_page()
        try:
            address = sso_signing_start(
                request,
                statement=statement_of(form.cleaned_data),
                data=request.POST,
                return_to=return_to,
            )
        except oidc.OIDCError as unavailable:
            messages.error(request, unavailable.message)
            return show_page()
        return redirect(address)
    raise Http404


@login_required
@require_POST
def sign_off_with(request, pk, how):
    sign_off_request = access_sign_off_request(request.user, pk)
    if sign_off_request.status != SignOffRequest.Status.OPEN:
        return signoff.sign_off(request, pk)  # says it is decided, and goes back
    if not request.user.has_perm("competencies.decide_request", sign_off_request):
        raise PermissionDenied
    form = forms.SignOffForm(
        request.POST,
        competency=sign_off_request.competency,
        signer=request.user,
        record=sign_off_request.record,
    )
    return _sign_with(
        request,
        how,
        form,
        statement_of=lambda data: signing.decision_statement(sign_off_request, **form.decision()),
        show_page=lambda: signoff.sign_off(request, pk),
        return_to=reverse("competencies:sign_off", args=[pk]),
    )


@login_required
@require_POST
def revoke_with(request, pk, how):
    assessment = access_assessment(request.user, pk, act="competencies.revoke_assessment")
    form = forms.RevokeForm(request.POST, signer=request.user, record=assessment.record)
    return _sign_with(
        request,
        how,
        form,
        statement_of=lambda data: signing.revocation_statement(assessment, reason=data["reason"]),
        show_page=lambda: signoff.revoke(request, pk),
        return_to=reverse("competencies:revoke", args=[pk]),
    )


urlpatterns = [
    path("mentor/requests/<int:pk>/sign-with/<slug:how>/", sign_off_with, name="sign_off_with"),
    path("assessments/<int:pk>/revoke/sign-with/<slug:how>/", revoke_with, name="revoke_with"),
]
