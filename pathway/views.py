"""Views for the core: home, account, people and allocations. Thin: check, call, render."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import NoReverseMatch, reverse, reverse_lazy

from pathway import accessibility as accessibility_statement
from pathway import forms, selectors, services
from pathway import privacy as privacy_notice
from pathway.access import access_person
from pathway.availability import database_unavailable
from pathway.formtools import get_or_post, posted_data, submit
from pathway.lockout import Client, reset_requests_throttled
from pathway.models import RoleCode
from pathway.navigation import items_for
from pathway.paging import page_of, search_text
from pathway.permissions import require_perm

# How long the "briefly unavailable" page asks browsers and clients to wait before retrying.
RETRY_AFTER_SECONDS = 60

# Where each role lands after signing in, most specific first. A page that does not exist yet
# is skipped, so the home page below serves until it does.
LANDING_PAGES = [
    (RoleCode.LEAD_NURSE, "cohorts:programme_overview"),
    (RoleCode.MENTOR, "competencies:my_trainees"),
    (RoleCode.TRAINEE, "competencies:my_progress"),
    (RoleCode.ASSISTANT_PRACTITIONER, "competencies:my_progress"),
    (RoleCode.PRACTICE_EDUCATOR, "support:caseload"),
    (RoleCode.PRACTICE_EDUCATOR, "competencies:my_trainees"),
    (RoleCode.TUTOR, "competencies:my_trainees"),
    (RoleCode.MANAGER, "competencies:my_trainees"),
]


@login_required
def home(request):
    for role, url_name in LANDING_PAGES:
        if request.user.has_role(role):
            try:
                return redirect(reverse(url_name))
            except NoReverseMatch:
                continue
    return render(
        request, "pathway/home.html", {"shortcuts": items_for(request.user, request.path)}
    )


@login_required
def account(request):
    return render(
        request,
        "pathway/account.html",
        {"person": request.user, "roles": request.user.held_roles},
    )


@require_perm("pathway.manage_people")
def people(request):
    text = search_text(request)
    page, page_range = page_of(request, selectors.people_directory(text))
    return render(
        request,
        "pathway/people.html",
        {"page": page, "page_range": page_range, "q": text},
    )


@login_required
def person_detail(request, pk):
    person = access_person(request.user, pk)
    return render(
        request,
        "pathway/person_detail.html",
        {
            "person": person,
            "allocations": selectors.allocations_for(trainee=person),
            "can_allocate": request.user.has_perm("pathway.manage_allocations")
            and person.has_role(RoleCode.TRAINEE),
        },
    )


@get_or_post
@require_perm("pathway.manage_allocations")
def allocation_add(request, pk):
    trainee = access_person(request.user, pk)
    if not trainee.has_role(RoleCode.TRAINEE):
        raise PermissionDenied
    form = forms.AllocationForm(posted_data(request))

    def allocate(data):
        try:
            return services.allocation_create(actor=request.user, trainee=trainee, **data)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "confirm_unprepared" in error.error_dict:
                # The mentor register changed since the form was drawn: ask again.
                form.ask_confirmation(error.message_dict["confirm_unprepared"])
            raise

    if submit(request, form, allocate):
        messages.success(request, f"Allocation saved for {trainee}")
        return redirect("pathway:person_detail", pk=trainee.pk)
    return render(request, "pathway/allocation_form.html", {"form": form, "trainee": trainee})


@require_perm("pathway.view_own_record_accesses")
def my_record_accesses(request):
    """Who has looked at your record: everyone else's looks, newest first, a page at a time."""
    page, page_range = page_of(request, selectors.accesses_to(request.user))
    return render(
        request, "pathway/my_record_accesses.html", {"page": page, "page_range": page_range}
    )


@require_perm("pathway.search_record_accesses")
def record_access_log(request):
    """The access log for the lead nurse and administrator: by whose record, who looked and
    between which days."""
    form = forms.RecordAccessSearchForm(request.GET)
    filters = form.filters()
    page, page_range = page_of(request, selectors.access_log_search(**filters))
    return render(
        request,
        "pathway/record_access_log.html",
        {
            "form": form,
            "page": page,
            "page_range": page_range,
            "filtered": any(filters.values()),
        },
    )


def accessibility(request):
    return render(
        request, "pathway/accessibility.html", {"statement": accessibility_statement.statement()}
    )


def privacy(request):
    return render(
        request,
        "pathway/privacy.html",
        {
            "retention": privacy_notice.retention_periods(),
            "my_data_url": privacy_notice.my_data_url(),
        },
    )


class SignInView(auth_views.LoginView):
    form_class = forms.SignInForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("pathway:account")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "client": Client.of(self.request)}

    def form_valid(self, form):
        messages.success(self.request, "Your password has been changed")
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links are built from PATHWAY_BASE_URL, never from the Host header a request
    claims (which an attacker could point at their own site), and requests are throttled."""

    form_class = forms.PasswordResetForm

    def form_valid(self, form):
        if reset_requests_throttled(
            email=form.cleaned_data["email"], client=Client.of(self.request)
        ):
            # The same page as for a sent link: nobody learns whether the address exists.
            return redirect(self.get_success_url())
        base = urlsplit(settings.PATHWAY_BASE_URL)
        form.save(
            domain_override=base.netloc,
            use_https=base.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    """The page for a request that failed. Rendered without a request context: the failure may
    be in a context processor, or the database may be down (then it is the 503 page: Pathway
    is briefly unavailable, not broken)."""
    # Django calls this while it handles the exception, so the exception is the current one.
    if database_unavailable(sys.exc_info()[1]):
        # Nor can who is asking be looked up: the middleware on the way out sees nobody signed
        # in, rather than each trying the database again (and failing and logging again).
        request.user = AnonymousUser()
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
