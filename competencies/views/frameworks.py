"""The framework editor: the lead nurse builds, publishes, versions and retires frameworks.

Thin views: check permission, look up, call a selector or a service, render. A framework that
is no longer a draft cannot be changed: its editing pages answer with a page that says so
(framework_locked.html), whether the URL was followed or typed by hand.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe
from rules.contrib.views import permission_required

from competencies.access import (
    MANAGE_FRAMEWORKS,
    VIEW_FRAMEWORKS,
    access_competency,
    access_domain,
    access_framework,
)
from competencies.forms.frameworks import (
    CompetencyForm,
    DomainForm,
    FrameworkEditForm,
    FrameworkForm,
)
from competencies.models import Framework
from competencies.selectors import frameworks as selectors
from competencies.services import frameworks as services
from pathway.formtools import ConfirmForm, add_service_errors, get_or_post, posted_data, submit

# Anonymous people are sent to sign in; signed-in people without the permission get a 403.
can_view = permission_required(VIEW_FRAMEWORKS, raise_exception=True)
can_manage = permission_required(MANAGE_FRAMEWORKS, raise_exception=True)

DIRECTIONS = {"up", "down"}


# Helpers ------------------------------------------------------------------------------------


def _detail_url(framework, anchor: str = "") -> str:
    url = reverse("competencies:framework_detail", args=[framework.pk])
    return f"{url}#{anchor}" if anchor else url


def _not_possible(request, framework, heading: str, reason: str, *, show_new_version=False):
    """A page that says plainly why an action cannot be done to this framework now."""
    return render(
        request,
        "competencies/framework_locked.html",
        {
            "framework": framework,
            "heading": heading,
            "reason": reason,
            "show_new_version": show_new_version,
        },
    )


def _locked(request, framework):
    """The answer to any attempt to change a framework that is no longer a draft."""
    status = framework.get_status_display().lower()
    return _not_possible(
        request,
        framework,
        "This framework cannot be changed",
        f"{framework} is {status}. Only a draft can be changed, so that every sign-off keeps "
        "pointing at exactly what the trainee was assessed against.",
        show_new_version=True,
    )


def _confirm(request, template, context, form):
    return render(request, template, {**context, "form": form})


# Frameworks ---------------------------------------------------------------------------------


@login_required
@can_view
@require_safe
def framework_list(request):
    return render(
        request,
        "competencies/framework_list.html",
        {
            "frameworks": selectors.framework_list(),
            "can_manage": request.user.has_perm(MANAGE_FRAMEWORKS),
        },
    )


@login_required
@can_manage
@get_or_post
def framework_create(request):
    form = FrameworkForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.framework_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{framework.name} created as a draft")
            return redirect(_detail_url(framework))
    return render(request, "competencies/framework_form.html", {"form": form, "framework": None})


@login_required
@can_view
@require_safe
def framework_detail(request, pk):
    framework = access_framework(request.user, pk, structure=True)
    can_manage = request.user.has_perm(MANAGE_FRAMEWORKS)
    draft = None
    if can_manage and not framework.is_editable:
        draft = selectors.draft_version_of(framework)
    return render(
        request,
        "competencies/framework_detail.html",
        {
            "framework": framework,
            "domains": selectors.domains_with_nested_competencies(framework),
            "can_manage": can_manage,
            "can_edit": can_manage and framework.is_editable,
            "existing_draft": draft,
        },
    )


@login_required
@can_manage
@get_or_post
def framework_edit(request, pk):
    framework = access_framework(request.user, pk, act=MANAGE_FRAMEWORKS)
    if not framework.is_editable:
        return _locked(request, framework)
    form = FrameworkEditForm(posted_data(request), framework=framework)
    if submit(
        request,
        form,
        lambda data: services.framework_update(actor=request.user, framework=framework, **data),
    ):
        messages.success(request, "Framework details saved")
        return redirect(_detail_url(framework))
    return render(
        request, "competencies/framework_form.html", {"form": form, "framework": framework}
    )


@login_required
@can_manage
@get_or_post
def framework_publish(request, pk):
    framework = access_framework(request.user, pk, act=MANAGE_FRAMEWORKS)
    if not framework.is_editable:
        return _locked(request, framework)
    form = ConfirmForm(posted_data(request), submit="Publish framework")
    if request.method == "POST" and form.is_valid():
        try:
            services.framework_publish(actor=request.user, framework=framework)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{framework} published")
            return redirect(_detail_url(framework))
    return _confirm(
        request,
        "competencies/framework_publish.html",
        {"framework": framework, "counts": selectors.framework_counts(framework)},
        form,
    )


@login_required
@can_manage
@get_or_post
def framework_new_version(request, pk):
    framework = access_framework(request.user, pk, act=MANAGE_FRAMEWORKS)
    if framework.is_editable:
        return _not_possible(
            request,
            framework,
            "You cannot make a new version of a draft",
            f"{framework} is still a draft: you can change it as it is. "
            "Publish it before making a new version.",
        )
    draft = selectors.draft_version_of(framework)
    if draft is not None:
        return _not_possible(
            request,
            draft,
            "There is already a draft version",
            f"Version {draft.version} of {draft.name} is a draft. Change that draft, or delete "
            "it, before making another version.",
        )
    form = ConfirmForm(posted_data(request), submit="Create new version")
    if request.method == "POST" and form.is_valid():
        try:
            new = services.framework_new_version(actor=request.user, framework=framework)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Version {new.version} created as a draft")
            return redirect(_detail_url(new))
    return _confirm(
        request,
        "competencies/framework_new_version.html",
        {
            "framework": framework,
            "next_version": selectors.next_version_number(framework),
        },
        form,
    )


@login_required
@can_manage
@get_or_post
def framework_retire(request, pk):
    framework = access_framework(request.user, pk, act=MANAGE_FRAMEWORKS)
    if framework.status != Framework.Status.PUBLISHED:
        return _not_possible(
            request,
            framework,
            "You cannot retire this framework",
            f"{framework} is {framework.get_status_display().lower()}. "
            "Only a published framework can be retired.",
        )
    form = ConfirmForm(posted_data(request), submit="Retire framework", warning=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.framework_retire(actor=request.user, framework=framework)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{framework} retired")
            return redirect(_detail_url(framework))
    return _confirm(
        request,
        "competencies/framework_retire.html",
        {"framework": framework},
        form,
    )


# Domains ------------------------------------------------------------------------------------


@login_required
@can_manage
@get_or_post
def domain_add(request, pk):
    framework = access_framework(request.user, pk, act=MANAGE_FRAMEWORKS)
    if not framework.is_editable:
        return _locked(request, framework)
    form = DomainForm(posted_data(request), framework=framework)
    if request.method == "POST" and form.is_valid():
        try:
            domain = services.domain_create(
                actor=request.user, framework=framework, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Domain {domain.title} added")
            return redirect(_detail_url(framework, f"domain-{domain.pk}"))
    return render(
        request,
        "competencies/domain_form.html",
        {"form": form, "framework": framework, "domain": None},
    )


@login_required
@can_manage
@get_or_post
def domain_edit(request, pk):
    domain = access_domain(request.user, pk)
    framework = domain.framework
    if not framework.is_editable:
        return _locked(request, framework)
    form = DomainForm(posted_data(request), framework=framework, domain=domain)
    if done := submit(
        request,
        form,
        lambda data: services.domain_update(actor=request.user, domain=domain, **data),
    ):
        messages.success(request, f"Domain {done.result.title} saved")
        return redirect(_detail_url(framework, f"domain-{domain.pk}"))
    return render(
        request,
        "competencies/domain_form.html",
        {"form": form, "framework": framework, "domain": domain},
    )


@login_required
@can_manage
@get_or_post
def domain_delete(request, pk):
    domain = access_domain(request.user, pk)
    framework = domain.framework
    if not framework.is_editable:
        return _locked(request, framework)
    form = ConfirmForm(posted_data(request), submit="Delete domain", warning=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.domain_delete(actor=request.user, domain=domain)
        except ValidationError as error:
            add_service_errors(form, error)
        except ProtectedError:
            form.add_error(None, "This domain's competencies are in use, so it cannot be deleted")
        else:
            messages.success(request, f"Domain {domain.title} deleted")
            return redirect(_detail_url(framework))
    return _confirm(
        request,
        "competencies/domain_confirm_delete.html",
        {"framework": framework, "domain": domain},
        form,
    )


@login_required
@can_manage
@require_POST
def domain_move(request, pk):
    domain = access_domain(request.user, pk)
    framework = domain.framework
    if not framework.is_editable:
        return _locked(request, framework)
    direction = request.POST.get("direction")
    if direction not in DIRECTIONS:
        return HttpResponseBadRequest("Direction must be up or down")
    services.domain_move(actor=request.user, domain=domain, direction=direction)
    return redirect(_detail_url(framework, f"domain-{domain.pk}"))


# Competencies -------------------------------------------------------------------------------


@login_required
@can_manage
@get_or_post
def competency_add(request, pk):
    domain = access_domain(request.user, pk)
    framework = domain.framework
    if not framework.is_editable:
        return _locked(request, framework)
    form = CompetencyForm(posted_data(request), framework=framework)
    if request.method == "POST" and form.is_valid():
        try:
            competency = services.competency_create(
                actor=request.user, domain=domain, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Competency {competency.code} added to {domain.title}")
            return redirect(_detail_url(framework, f"domain-{domain.pk}"))
    return render(
        request,
        "competencies/competency_form.html",
        {"form": form, "framework": framework, "domain": domain, "competency": None},
    )


@login_required
@can_manage
@get_or_post
def competency_edit(request, pk):
    competency = access_competency(request.user, pk)
    framework = competency.framework
    if not framework.is_editable:
        return _locked(request, framework)
    form = CompetencyForm(posted_data(request), framework=framework, competency=competency)
    if done := submit(
        request,
        form,
        lambda _data: services.competency_update(
            actor=request.user, competency=competency, **form.service_arguments()
        ),
    ):
        saved = done.result
        messages.success(request, f"Competency {saved.code} saved")
        return redirect(_detail_url(framework, f"domain-{saved.domain_id}"))
    return render(
        request,
        "competencies/competency_form.html",
        {
            "form": form,
            "framework": framework,
            "domain": competency.domain,
            "competency": competency,
        },
    )


@login_required
@can_manage
@get_or_post
def competency_delete(request, pk):
    competency = access_competency(request.user, pk)
    framework = competency.framework
    if not framework.is_editable:
        return _locked(request, framework)
    form = ConfirmForm(posted_data(request), submit="Delete competency", warning=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.competency_delete(actor=request.user, competency=competency)
        except ValidationError as error:
            add_service_errors(form, error)
        except ProtectedError:
            form.add_error(None, "This competency is in use, so it cannot be deleted")
        else:
            messages.success(request, f"Competency {competency.code} deleted")
            return redirect(_detail_url(framework, f"domain-{competency.domain_id}"))
    return _confirm(
        request,
        "competencies/competency_confirm_delete.html",
        {
            "framework": framework,
            "competency": competency,
            "beneath": selectors.competency_descendants(competency),
        },
        form,
    )


@login_required
@can_manage
@require_POST
def competency_move(request, pk):
    competency = access_competency(request.user, pk)
    framework = competency.framework
    if not framework.is_editable:
        return _locked(request, framework)
    direction = request.POST.get("direction")
    if direction not in DIRECTIONS:
        return HttpResponseBadRequest("Direction must be up or down")
    services.competency_move(actor=request.user, competency=competency, direction=direction)
    return redirect(_detail_url(framework, f"competency-{competency.pk}"))


urlpatterns = [
    path("", framework_list, name="framework_list"),
    path("new/", framework_create, name="framework_create"),
    path("<int:pk>/", framework_detail, name="framework_detail"),
    path("<int:pk>/edit/", framework_edit, name="framework_edit"),
    path("<int:pk>/publish/", framework_publish, name="framework_publish"),
    path("<int:pk>/new-version/", framework_new_version, name="framework_new_version"),
    path("<int:pk>/retire/", framework_retire, name="framework_retire"),
    path("<int:pk>/domains/add/", domain_add, name="domain_add"),
    path("domains/<int:pk>/edit/", domain_edit, name="domain_edit"),
    path("domains/<int:pk>/delete/", domain_delete, name="domain_delete"),
    path("domains/<int:pk>/move/", domain_move, name="domain_move"),
    path("domains/<int:pk>/competencies/add/", competency_add, name="competency_add"),
    path("competencies/<int:pk>/edit/", competency_edit, name="competency_edit"),
    path("competencies/<int:pk>/delete/", competency_delete, name="competency_delete"),
    path("competencies/<int:pk>/move/", competency_move, name="competency_move"),
]
