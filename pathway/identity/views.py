"""Pages for signing in with an NHS account or a passkey, signing out, a person's passkeys,
and a programme's rule on ways of signing. Thin: check, call a service, render."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from pathway import forms as pathway_forms
from pathway.access import fetch_or_404
from pathway.formtools import ConfirmForm, get_or_post, posted_data, submit
from pathway.identity import oidc, selectors, services
from pathway.identity import passkeys as passkey_protocol
from pathway.identity.config import (
    local_passwords_enabled,
    oidc_settings,
    passkeys_enabled,
    post_logout_url,
    sso_enabled,
)
from pathway.identity.forms import (
    PasskeyAddForm,
    PasskeyRenameForm,
    PasskeySignInForm,
    ProgrammeSigningForm,
)
from pathway.identity.signing import RESUME_FIELD, sso_signing_returned
from pathway.lockout import Client
from pathway.models import SignatureMethod
from pathway.permissions import require_perm

logger = logging.getLogger(__name__)

# Kept in the session: the ID token of an NHS sign-in (for signing out at the provider), and
# when the person last signed in (adding a passkey needs a recent sign-in).
ID_TOKEN_KEY = "pathway.identity.id_token"
SIGNED_IN_AT_KEY = "pathway.identity.signed_in_at"
# Adding a passkey, a way to sign records, needs a sign-in this recent: on a shared ward
# computer left signed in, someone else cannot add their own passkey to a nurse's account.
FRESH_SIGN_IN_SECONDS = 600
# The backend that loads the person for each request of the session (whatever proved who
# they were: it checks only that the account is active).
SESSION_BACKEND = "pathway.identity.backends.PersonBackend"

PROVIDER_ERRORS = {
    "access_denied": "You cancelled signing in to your NHS account.",
    "login_required": "Your NHS account asked you to sign in, and you did not.",
    "interaction_required": "Your NHS account needs you to do something before you sign in.",
}


def mark_signed_in(sender, request, user, **kwargs) -> None:
    """Receiver of user_logged_in: when this session's sign-in happened."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT_KEY] = int(time.time())


def _signed_in_recently(request) -> bool:
    return time.time() - int(request.session.get(SIGNED_IN_AT_KEY, 0)) < FRESH_SIGN_IN_SECONDS


def _safe_next(request, candidate) -> str:
    if isinstance(candidate, str) and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _failed(request, message: str, *, status: int = 400):
    return render(request, "registration/sso_failed.html", {"message": message}, status=status)


def _locked(request):
    return render(request, "registration/locked_out.html", status=429)


def _refused(request, refused: services.SignInRefused):
    if refused.kind == "unknown":
        return render(request, "registration/sso_unknown.html", status=403)
    if refused.kind == "locked":
        return _locked(request)
    return _failed(request, refused.message or oidc.OIDCError("").message, status=403)


# Single sign-on -------------------------------------------------------------------------------


@get_or_post
def sso_start(request):
    """Off to the provider to sign in ("Sign in with your NHS account")."""
    if not sso_enabled():
        raise Http404
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    next_page = _safe_next(request, request.GET.get("next"))
    try:
        address = oidc.authorisation_url(
            request.session, purpose="sign_in", extra={"next": next_page}
        )
    except oidc.OIDCError as failure:
        logger.warning("Single sign-on could not start: %s", failure.reason)
        return _failed(request, failure.message, status=503)
    return redirect(address)


def _tokens(request, pending) -> dict:
    """The provider's answer to this callback, exchanged for tokens. Raises OIDCError."""
    config = oidc_settings()
    if error := request.GET.get("error"):
        raise oidc.OIDCError(
            f"provider error {error[:60]!r}",
            PROVIDER_ERRORS.get(error, "Your NHS account did not sign you in. Try again."),
        )
    issuer = request.GET.get("iss")
    if issuer is not None and issuer != config.issuer:  # RFC 9207: another provider's answer
        raise oidc.OIDCError(f"callback from issuer {issuer[:100]!r}")
    code = request.GET.get("code")
    if not code or len(code) > 2000:
        raise oidc.OIDCError("no code in the callback")
    return oidc.code_exchange(code, pending)


@require_GET
def sso_callback(request):
    """Where the provider sends the browser back, for signing in or for signing a record."""
    config = oidc_settings()
    if config is None:
        raise Http404
    pending = oidc.pending_take(request.session, request.GET.get("state"))
    if pending is None:
        return _failed(
            request,
            "This sign-in has expired or was already used. Start again from the sign-in page.",
        )
    if pending.purpose == "sign":
        return _signing_returned(request, pending)
    client = Client.of(request)
    try:
        tokens = _tokens(request, pending)
        claims = oidc.id_token_verify(tokens["id_token"], nonce=pending.nonce)
        claims = oidc.with_userinfo(
            claims,
            tokens,
            [
                config.email_claim,
                config.email_verified_claim,
                config.employee_number_claim,
                config.name_claim,
            ],
        )
        person = services.sso_sign_in(claims=claims, issuer=config.issuer, client=client)
    except oidc.TokenRefused as refused:
        logger.warning("Single sign-on refused an ID token: %s", refused.reason)
        if services.sso_failure_record(claims=refused.claims, issuer=config.issuer, client=client):
            return _locked(request)
        return _failed(request, refused.message)
    except oidc.ProviderUnavailable as failure:
        logger.warning("Single sign-on failed: %s", failure.reason)
        return _failed(request, failure.message, status=503)
    except oidc.OIDCError as failure:
        logger.warning("Single sign-on failed: %s", failure.reason)
        return _failed(request, failure.message)
    except services.SignInRefused as refused:
        return _refused(request, refused)
    login(request, person, backend=SESSION_BACKEND)
    request.session[ID_TOKEN_KEY] = tokens["id_token"]
    return redirect(_safe_next(request, pending.extra.get("next")) or settings.LOGIN_REDIRECT_URL)


def _signing_returned(request, pending):
    """Back from signing in again to sign a record: keep the answer with the decision and
    post back to the signing page, which checks it (pathway.signatures)."""
    token = pending.extra.get("pending")
    if not request.user.is_authenticated:
        return _failed(request, "Sign in to Pathway first, then sign the record again.")
    try:
        tokens = _tokens(request, pending)
    except oidc.OIDCError as failure:
        logger.info("Signing with the NHS account did not complete: %s", failure.reason)
        return_to = sso_signing_returned(request.session, token, error=failure.message)
    else:
        return_to = sso_signing_returned(
            request.session, token, nonce=pending.nonce, id_token=tokens["id_token"]
        )
    if return_to is None:
        return _failed(
            request,
            "Pathway kept your decision for 15 minutes only, so nothing was signed. Fill it in "
            "and sign again.",
        )
    return render(
        request,
        "pathway/identity/signing_resume.html",
        {"return_to": return_to, "resume_field": RESUME_FIELD, "token": token},
    )


@require_POST
def sign_out(request):
    """Sign out of Pathway and, after an NHS sign-in, of the provider too."""
    id_token = request.session.get(ID_TOKEN_KEY, "")
    logout(request)
    address = (
        oidc.end_session_url(id_token=id_token, post_logout_redirect_uri=post_logout_url())
        if id_token
        else None
    )
    return redirect(address or settings.LOGOUT_REDIRECT_URL)


class BreakGlassSignInView(auth_views.LoginView):
    """The password form for break-glass accounts when local passwords are off."""

    form_class = pathway_forms.SignInForm
    template_name = "registration/break_glass.html"
    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        if local_passwords_enabled():
            return redirect("login")
        return super().dispatch(request, *args, **kwargs)


# Signing in with a passkey --------------------------------------------------------------------


def _passkeys_on():
    if not passkeys_enabled():
        raise Http404


@require_POST
def passkey_sign_in_options(request):
    _passkeys_on()
    return JsonResponse(
        passkey_protocol.authentication_options(purpose=passkey_protocol.Purpose.SIGN_IN)
    )


@require_POST
def passkey_sign_in(request):
    _passkeys_on()
    form = PasskeySignInForm(request.POST)
    if form.is_valid():
        try:
            person = services.passkey_sign_in(
                response_json=form.cleaned_data["passkey_response"], client=Client.of(request)
            )
        except passkey_protocol.PasskeyRefused as refused:
            form.add_error(None, refused.message)
        except services.SignInRefused as refused:
            return _refused(request, refused)
        else:
            login(request, person, backend=SESSION_BACKEND)
            next_page = _safe_next(request, request.POST.get("next"))
            return redirect(next_page or settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "registration/login.html",
        {"form": pathway_forms.SignInForm(request), "passkey_form": form},
    )


# A person's passkeys --------------------------------------------------------------------------


@require_GET
@login_required
def passkeys(request):
    _passkeys_on()
    return render(
        request,
        "pathway/identity/passkeys.html",
        {
            "passkeys": selectors.passkeys_of(request.user),
            "links": selectors.account_links_of(request.user),
        },
    )


@login_required
@get_or_post
def passkey_add(request):
    _passkeys_on()
    if not _signed_in_recently(request):
        return render(request, "pathway/identity/passkey_sign_in_again.html")
    form = PasskeyAddForm(posted_data(request))
    if done := submit(
        request,
        form,
        lambda data: services.passkey_register(
            actor=request.user, name=data["name"], response_json=data["passkey_response"]
        ),
    ):
        messages.success(request, f"Passkey added: {done.result.name}")
        return redirect("identity:passkeys")
    return render(request, "pathway/identity/passkey_add.html", {"form": form})


@login_required
@require_POST
def passkey_add_options(request):
    _passkeys_on()
    if not _signed_in_recently(request):
        return JsonResponse({"ok": False, "message": "Sign in again to add a passkey"}, status=403)
    return JsonResponse(passkey_protocol.registration_options(request.user))


def _own_passkey(request, pk):
    _passkeys_on()
    return fetch_or_404(lambda: selectors.passkey_of(request.user, pk))


@login_required
@get_or_post
def passkey_rename(request, pk):
    passkey = _own_passkey(request, pk)
    form = PasskeyRenameForm(posted_data(request), initial={"name": passkey.name})
    if submit(
        request,
        form,
        lambda data: services.passkey_rename(
            actor=request.user, passkey=passkey, name=data["name"]
        ),
    ):
        messages.success(request, "Passkey renamed")
        return redirect("identity:passkeys")
    return render(
        request, "pathway/identity/passkey_rename.html", {"form": form, "passkey": passkey}
    )


@login_required
@get_or_post
def passkey_remove(request, pk):
    passkey = _own_passkey(request, pk)
    form = ConfirmForm(posted_data(request), submit="Remove passkey", warning=True)
    if submit(
        request, form, lambda data: services.passkey_remove(actor=request.user, passkey=passkey)
    ):
        messages.success(request, f"Passkey removed: {passkey.name}")
        return redirect("identity:passkeys")
    return render(
        request, "pathway/identity/passkey_remove.html", {"form": form, "passkey": passkey}
    )


# A programme's rule on ways of signing --------------------------------------------------------


@require_perm("pathway.set_signature_methods")
@get_or_post
def programme_signing(request, pk):
    programme = fetch_or_404(lambda: selectors.programme_by_pk(pk))
    methods = programme.allowed_signature_methods or SignatureMethod.values
    form = ProgrammeSigningForm(posted_data(request), initial={"methods": list(methods)})
    if submit(
        request,
        form,
        lambda data: services.programme_signature_methods_set(
            actor=request.user, programme=programme, methods=data["methods"]
        ),
    ):
        messages.success(request, f"Ways of signing saved for {programme.name}")
        return redirect(reverse("identity:programme_signing", args=[programme.pk]))
    return render(
        request,
        "pathway/identity/programme_signing.html",
        {"form": form, "programme": programme},
    )
