"""Recruitment pages. Thin: permission, selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from pathway.formtools import add_service_errors, get_or_post, posted_data, submit
from pathway.permissions import require_perm
from recruitment import access, forms, selectors, services
from recruitment.access import MANAGE
from recruitment.models import ApplicationStatus

S = ApplicationStatus


def _detail(application):
    return redirect("recruitment:application_detail", application.pk)


def _not_now(request, application, what: str):
    messages.info(
        request,
        f"{what} is not possible now: the application is "
        f"{application.get_status_display().lower()}",
    )
    return _detail(application)


# The lead nurse's pages ----------------------------------------------------------------------


@require_perm("recruitment.manage")
def index(request):
    return render(
        request,
        "recruitment/index.html",
        {
            "rounds": list(selectors.rounds_with_figures()),
            "cohorts": list(selectors.cohorts_without_recruitment()),
            "today": timezone.localdate(),
        },
    )


@require_perm("recruitment.manage")
@get_or_post
def round_open(request, cohort_pk):
    cohort = access.access_cohort(request.user, cohort_pk)
    existing = selectors.round_of_cohort(cohort)
    if existing is not None:
        messages.info(request, f"Recruitment to {cohort} is already open")
        return redirect("recruitment:round_detail", existing.pk)
    form = forms.RoundForm(posted_data(request))
    if done := submit(
        request,
        form,
        lambda data: services.round_open(actor=request.user, cohort=cohort, **form.service_data()),
    ):
        messages.success(request, f"{cohort} is open for applications")
        return redirect("recruitment:round_detail", done.result.pk)
    return render(
        request,
        "recruitment/round_form.html",
        {"form": form, "cohort": cohort, "title": f"Open {cohort} for applications"},
    )


@require_perm("recruitment.manage")
@get_or_post
def round_edit(request, pk):
    recruitment = access.access_round(request.user, pk)
    form = forms.RoundForm(
        posted_data(request),
        initial=forms.RoundForm.initial_for(recruitment),
        submit="Save changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(
                actor=request.user, recruitment=recruitment, **form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Recruitment details saved")
            return redirect("recruitment:round_detail", recruitment.pk)
    return render(
        request,
        "recruitment/round_form.html",
        {
            "form": form,
            "cohort": recruitment.cohort,
            "recruitment": recruitment,
            "title": f"Change recruitment to {recruitment.cohort}",
        },
    )


@require_perm("recruitment.manage")
def round_detail(request, pk):
    recruitment = access.access_round(request.user, pk)
    return render(
        request,
        "recruitment/round_detail.html",
        {
            "recruitment": recruitment,
            "figures": selectors.figures_of(recruitment),
            "applications": list(selectors.round_applications(recruitment)),
            "is_open": recruitment.is_open(),
        },
    )


@require_perm("recruitment.manage")
@get_or_post
def application_add(request, pk):
    recruitment = access.access_round(request.user, pk)
    form = forms.ApplicationForm(posted_data(request), on_behalf=True)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                actor=request.user, recruitment=recruitment, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Application recorded for {application.applicant}: "
                f"{application.manager} is asked to confirm their support",
            )
            return _detail(application)
    return render(
        request,
        "recruitment/apply.html",
        {"form": form, "recruitment": recruitment, "on_behalf": True},
    )


# Applicants -----------------------------------------------------------------------------------


@require_perm("recruitment.view_own_applications")
def my_applications(request):
    mine = list(selectors.applications_of(request.user))
    applied_to = {a.round_id for a in mine}
    return render(
        request,
        "recruitment/my_applications.html",
        {
            "applications": mine,
            "open_rounds": [r for r in selectors.open_rounds() if r.pk not in applied_to],
            "can_apply": request.user.has_perm("recruitment.apply"),
        },
    )


@require_perm("recruitment.apply")
@get_or_post
def apply(request, pk):
    recruitment = access.access_round(request.user, pk, act="recruitment.apply")
    existing = selectors.application_by(recruitment, request.user)
    if existing is not None:
        messages.info(request, f"You have already applied to {recruitment.cohort}")
        return _detail(existing)
    form = forms.ApplicationForm(
        posted_data(request), initial=forms.ApplicationForm.initial_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                actor=request.user,
                recruitment=recruitment,
                applicant=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Application sent. {application.manager} is asked to confirm their support.",
            )
            return _detail(application)
    return render(
        request,
        "recruitment/apply.html",
        {"form": form, "recruitment": recruitment, "is_open": recruitment.is_open()},
    )


@login_required
def application_detail(request, pk):
    application = access.access_application(request.user, pk)
    user = request.user
    return render(
        request,
        "recruitment/application_detail.html",
        {
            "application": application,
            "interview": selectors.interview_of(application),
            "criteria": application.round.criteria.all(),
            "is_lead": user.has_perm("recruitment.manage"),
            "is_applicant": application.applicant_id == user.pk,
            "can_support": user.has_perm("recruitment.decide_support", application),
        },
    )


# Managers -------------------------------------------------------------------------------------


@require_perm("recruitment.view_support_requests")
def support_requests(request):
    waiting, answered = selectors.support_requests(request.user)
    return render(
        request, "recruitment/support_requests.html", {"waiting": waiting, "answered": answered}
    )


@login_required
@get_or_post
def support_decide(request, pk):
    application = access.access_application(request.user, pk, act="recruitment.decide_support")
    if not application.can_become(S.SUPPORTED):
        return _not_now(request, application, "Answering the request for support")
    form = forms.SupportForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.support_decide(
                actor=request.user,
                application=application,
                supports=form.cleaned_data["supports"] == "yes",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your answer about {application.applicant} is recorded")
            return redirect("recruitment:support_requests")
    return _action(request, application, form, "support", "Confirm your support")


# Shortlisting, interview, offer, enrolment (the lead nurse) -------------------------------------


def _action(request, application, form, step, title, **extra):
    return render(
        request,
        "recruitment/action.html",
        {
            "application": application,
            "form": form,
            "step": step,
            "title": title,
            "interview": selectors.interview_of(application),
            **extra,
        },
    )


@require_perm("recruitment.manage")
@get_or_post
def shortlist(request, pk):
    application = access.access_application(request.user, pk, act=MANAGE)
    if not application.can_become(S.SHORTLISTED):
        return _not_now(request, application, "Shortlisting")
    form = forms.ShortlistForm(posted_data(request), criteria=application.round.criteria.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.shortlist_decide(
                actor=request.user,
                application=application,
                assessments=form.cleaned_data["assessments"],
                shortlist=form.cleaned_data["decision"] == "yes",
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Shortlisting of {application.applicant} saved")
            return _detail(application)
    return _action(request, application, form, "shortlist", "Shortlist against the criteria")


@require_perm("recruitment.manage")
@get_or_post
def interview(request, pk):
    application = access.access_application(request.user, pk, act=MANAGE)
    if not application.can_become(S.APPOINTABLE):
        return _not_now(request, application, "Recording an interview")
    form = forms.InterviewForm(posted_data(request), initial={"panel": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_record(
                actor=request.user, application=application, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Interview of {application.applicant} recorded")
            return _detail(application)
    return _action(request, application, form, "interview", "Record the interview")


@require_perm("recruitment.manage")
@get_or_post
def offer(request, pk):
    application = access.access_application(request.user, pk, act=MANAGE)
    if not application.can_become(S.OFFERED):
        return _not_now(request, application, "Making an offer")
    form = forms.NotesForm(posted_data(request), submit="Make the offer")
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_make(
                actor=request.user, application=application, notes=form.cleaned_data["notes"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{application.applicant} is offered a place on {application.round.cohort}"
            )
            return _detail(application)
    return _action(request, application, form, "offer", "Offer a place")


@require_perm("recruitment.manage")
@get_or_post
def enrol(request, pk):
    application = access.access_application(request.user, pk, act=MANAGE)
    if not application.can_become(S.ENROLLED):
        return _not_now(request, application, "Enrolling")
    cohort = application.round.cohort
    form = forms.EnrolForm(
        posted_data(request), cohort=cohort, initial={"clinical_area": application.clinical_area_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_enrol(
                actor=request.user, application=application, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{application.applicant} is enrolled on {cohort}, with a training record",
            )
            return _detail(application)
    return _action(request, application, form, "enrol", f"Enrol on {cohort}")


# The applicant's answers -------------------------------------------------------------------------


@login_required
@get_or_post
def respond(request, pk):
    application = access.access_application(request.user, pk, act="recruitment.respond")
    if not application.can_become(S.ACCEPTED):
        return _not_now(request, application, "Answering an offer")
    form = forms.RespondForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["accept"] == "yes"
        try:
            services.offer_respond(
                actor=request.user,
                application=application,
                accept=accept,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "You accepted the offer: the lead nurse will enrol you"
                if accept
                else "You declined the offer",
            )
            return _detail(application)
    return _action(request, application, form, "respond", "Your offer of a place")


@login_required
@get_or_post
def withdraw(request, pk):
    application = access.access_application(request.user, pk)
    user = request.user
    if not (
        user.has_perm("recruitment.respond", application) or user.has_perm("recruitment.manage")
    ):
        raise PermissionDenied
    if not application.can_become(S.WITHDRAWN):
        return _not_now(request, application, "Withdrawing")
    form = forms.NotesForm(
        posted_data(request), submit="Withdraw the application", label="Reason (optional)"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                actor=user, application=application, reason=form.cleaned_data["notes"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The application is withdrawn")
            return _detail(application)
    return _action(request, application, form, "withdraw", "Withdraw the application")


urlpatterns = [
    path("recruitment/", index, name="index"),
    path("recruitment/cohorts/<int:cohort_pk>/open/", round_open, name="round_open"),
    path("recruitment/<int:pk>/", round_detail, name="round_detail"),
    path("recruitment/<int:pk>/edit/", round_edit, name="round_edit"),
    path("recruitment/<int:pk>/apply/", apply, name="apply"),
    path("recruitment/<int:pk>/applications/new/", application_add, name="application_add"),
    path("recruitment/my-applications/", my_applications, name="my_applications"),
    path("recruitment/support/", support_requests, name="support_requests"),
    path("recruitment/applications/<int:pk>/", application_detail, name="application_detail"),
    path("recruitment/applications/<int:pk>/support/", support_decide, name="support_decide"),
    path("recruitment/applications/<int:pk>/shortlist/", shortlist, name="shortlist"),
    path("recruitment/applications/<int:pk>/interview/", interview, name="interview"),
    path("recruitment/applications/<int:pk>/offer/", offer, name="offer"),
    path("recruitment/applications/<int:pk>/respond/", respond, name="respond"),
    path("recruitment/applications/<int:pk>/enrol/", enrol, name="enrol"),
    path("recruitment/applications/<int:pk>/withdraw/", withdraw, name="withdraw"),
]
