"""The trainee's record: progress, one competency, practice, evidence and sign-off requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from competencies import forms, selectors, services
from competencies.access import (
    ACT_ON_RECORD,
    access_evidence_file,
    access_practice,
    access_progress,
    access_record,
    access_sign_off_request,
)
from pathway.access import fetch_or_404, require
from pathway.downloads import file_attachment
from pathway.formtools import get_or_post, parse_id, posted_data, submit
from pathway.models import RecordAccess, RoleCode
from pathway.services import record_access_log


@login_required
def my_progress(request):
    record = selectors.active_record_for(request.user)
    if record is None:
        if not request.user.has_role(RoleCode.TRAINEE, RoleCode.ASSISTANT_PRACTITIONER):
            raise PermissionDenied
        return render(request, "competencies/no_record.html")
    return _render_progress(request, record, own=True)


@login_required
def record_detail(request, record_pk):
    record = access_record(request.user, record_pk)
    record_access_log(
        viewer=request.user,
        subject_id=record.trainee_id,
        kind=RecordAccess.Kind.TRAINING_RECORD,
        what=f"Progress on {record.framework}",
        object_id=record.pk,
    )
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
    record = access_record(request.user, record_pk)
    page = fetch_or_404(lambda: selectors.competency_page(record, competency_pk))
    user = request.user
    record_access_log(
        viewer=user,
        subject_id=record.trainee_id,
        kind=RecordAccess.Kind.TRAINING_RECORD,
        what=f"Competency {page.competency.code} {page.competency.title}",
        object_id=record.pk,
    )
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


def _chosen_competency(request) -> dict:
    competency_id = parse_id(request.GET.get("competency"))
    return {} if competency_id is None else {"competencies": [competency_id]}


@login_required
@get_or_post
def practice_add(request, record_pk):
    record = access_record(request.user, record_pk, act=ACT_ON_RECORD)
    form = forms.PracticeForm(
        posted_data(request),
        competencies=selectors.practice_competencies(record),
        supervisors=selectors.practice_supervisors(record),
        chosen=[parse_id(request.GET.get("competency"))],
    )
    if submit(
        request,
        form,
        lambda data: services.practice_log(
            actor=request.user, record=record, **form.service_data()
        ),
    ):
        supervisor = form.cleaned_data["supervisor"]
        messages.success(
            request,
            f"Supervised practice saved. {supervisor.full_name} can now confirm it"
            if supervisor
            else "Supervised practice saved",
        )
        return _back_to(record, form.cleaned_data["competencies"])
    return render(request, "competencies/practice_form.html", {"form": form, "record": record})


@login_required
def practice_queue(request):
    """Practice that trainees say this person supervised, waiting for them to confirm it."""
    require(request.user, "competencies.view_practice_queue")
    return render(
        request,
        "competencies/practice_queue.html",
        {"entries": list(selectors.practice_to_confirm(request.user))},
    )


@login_required
@require_POST
def practice_confirm(request, pk):
    practice = access_practice(request.user, pk, act="competencies.confirm_practice")
    services.practice_confirm(actor=request.user, practice=practice)
    messages.success(
        request,
        f"Confirmed: you supervised {practice.record.trainee.full_name}'s practice on "
        f"{practice.practised_on.day} {practice.practised_on:%B}",
    )
    return redirect(_safe_next(request) or "competencies:practice_queue")


def _safe_next(request) -> str:
    """Back to the page the confirm button was on (the queue or My trainees), if ours."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
@get_or_post
def evidence_add(request, record_pk):
    record = access_record(request.user, record_pk, act=ACT_ON_RECORD)
    form = forms.EvidenceForm(
        posted_data(request),
        request.FILES or None,
        competencies=selectors.applicable_competencies_for(record),
        initial=_chosen_competency(request),
    )
    if submit(
        request,
        form,
        lambda data: services.evidence_add(actor=request.user, record=record, **data),
    ):
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
    evidence = access_evidence_file(request.user, uuid)
    record_access_log(
        viewer=request.user,
        subject_id=evidence.record.trainee_id,
        kind=RecordAccess.Kind.EVIDENCE_FILE,
        what=evidence.title,
        object_id=evidence.uuid,
    )
    return file_attachment(
        request,
        evidence.file,
        filename=evidence.original_filename or "evidence",
        content_type=evidence.content_type,
    )


@login_required
@get_or_post
def request_sign_off(request, record_pk, competency_pk):
    progress = access_progress(request.user, record_pk, competency_pk, act=ACT_ON_RECORD)
    record, competency = progress.record, progress.competency
    mentors = selectors.current_mentors(record.trainee)
    form = forms.SignOffRequestForm(posted_data(request), mentors=mentors)
    if done := submit(
        request,
        form,
        lambda data: services.sign_off_request_create(
            actor=request.user, record=record, competency=competency, **data
        ),
    ):
        messages.success(request, f"Sign-off requested from {done.result.mentor.full_name}")
        return redirect("competencies:competency_detail", record.pk, competency.pk)
    return render(
        request,
        "competencies/request_form.html",
        {
            "form": form,
            "record": record,
            "competency": competency,
            "mentors": mentors,
            "evidence_gaps": selectors.evidence_gaps(record, competency),
        },
    )


@login_required
@require_POST
def request_withdraw(request, pk):
    sign_off_request = access_sign_off_request(
        request.user, pk, act="competencies.withdraw_request"
    )
    try:
        services.sign_off_request_withdraw(actor=request.user, sign_off_request=sign_off_request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your request has been withdrawn")
    return redirect(
        "competencies:competency_detail", sign_off_request.record_id, sign_off_request.competency_id
    )


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
    path("practice/to-confirm/", practice_queue, name="practice_queue"),
    path("practice/<int:pk>/confirm/", practice_confirm, name="practice_confirm"),
    path("records/<int:record_pk>/evidence/add/", evidence_add, name="evidence_add"),
    path("evidence/<uuid:uuid>/", evidence_download, name="evidence_download"),
    path("requests/<int:pk>/withdraw/", request_withdraw, name="request_withdraw"),
]
