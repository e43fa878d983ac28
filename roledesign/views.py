"""Job descriptions and role design pages. Thin: permission, selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from competencies import selectors as competency_selectors
from competencies.models import TrainingRecord
from pathway.formtools import ConfirmForm, add_service_errors, get_or_post, posted_data, submit
from pathway.permissions import require_perm
from roledesign import access, forms, selectors, services
from roledesign.docx_export import jd_docx
from roledesign.models import JobDescription, RoleDesignProject, Stage
from roledesign.task_import import TEMPLATE_FORMATS, template_file


def _jd(pk) -> JobDescription:
    try:
        return selectors.jd_detail(pk)
    except JobDescription.DoesNotExist as missing:
        raise Http404 from missing


def _jd_context(jd, **extra) -> dict:
    return {
        "jd": jd,
        "domains": selectors.jd_competencies(jd),
        "review": selectors.jd_review(jd),
        **extra,
    }


# Job descriptions -------------------------------------------------------------------------------


@require_perm("roledesign.view")
def jd_list(request):
    return render(
        request,
        "roledesign/jd_list.html",
        {"jds": selectors.jd_list(), "can_manage": request.user.has_perm("roledesign.manage")},
    )


@require_perm("roledesign.manage")
@get_or_post
def jd_create(request):
    form = forms.JobDescriptionForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            jd = services.jd_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{jd} saved as a draft")
            return redirect("roledesign:jd_detail", jd.pk)
    return render(request, "roledesign/jd_form.html", {"form": form})


@require_perm("roledesign.manage")
@get_or_post
def jd_edit(request, pk):
    jd = _jd(pk)
    if not jd.is_editable:
        messages.info(request, "Only a draft can be changed: make a new version to change it")
        return redirect("roledesign:jd_detail", jd.pk)
    form = forms.JobDescriptionForm(
        posted_data(request), initial=forms.JobDescriptionForm.initial_for(jd)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.jd_update(actor=request.user, jd=jd, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Job description saved")
            return redirect("roledesign:jd_detail", jd.pk)
    return render(request, "roledesign/jd_form.html", {"form": form, "jd": jd})


@require_perm("roledesign.view")
def jd_detail(request, pk):
    jd = _jd(pk)
    return render(
        request,
        "roledesign/jd_detail.html",
        _jd_context(
            jd,
            can_manage=request.user.has_perm("roledesign.manage"),
            can_audit=request.user.has_perm("cohorts.view_audit_log"),
        ),
    )


@require_perm("roledesign.view")
def jd_print(request, pk):
    jd = _jd(pk)
    return render(request, "roledesign/jd_print.html", _jd_context(jd))


@require_perm("roledesign.view")
def jd_download(request, pk):
    jd = _jd(pk)
    response = HttpResponse(
        jd_docx(jd),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"{slugify(jd.title) or 'job-description'}-v{jd.version}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_perm("roledesign.manage")
@get_or_post
def jd_approve(request, pk):
    jd = _jd(pk)
    form = ConfirmForm(posted_data(request), submit="Approve job description")
    if submit(request, form, lambda data: services.jd_approve(actor=request.user, jd=jd)):
        messages.success(request, f"{jd} approved")
        return redirect("roledesign:jd_detail", jd.pk)
    return render(request, "roledesign/jd_approve.html", {"jd": jd, "form": form})


@require_perm("roledesign.manage")
@get_or_post
def jd_new_version(request, pk):
    jd = _jd(pk)
    frameworks = selectors.framework_versions_for_new_jd(jd)
    form = forms.NewVersionForm(
        posted_data(request), frameworks=frameworks, initial={"framework": frameworks.first()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.jd_new_version(actor=request.user, jd=jd, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{new} made as a draft")
            return redirect("roledesign:jd_detail", new.pk)
    return render(request, "roledesign/jd_new_version.html", {"jd": jd, "form": form})


@require_perm("roledesign.view_own_job_description")
def my_job_description(request):
    record = competency_selectors.active_record_for(request.user)
    jd = selectors.approved_jd_for_record(record) if record else None
    return _render_trainee_jd(request, record, jd, own=True)


@require_perm("roledesign.view_record_job_description")
def record_job_description(request, record_pk):
    try:
        record = competency_selectors.record_by_pk(record_pk)
    except TrainingRecord.DoesNotExist as missing:
        raise Http404 from missing
    if not request.user.has_perm("competencies.view_record", record):
        raise Http404  # a trainee's record is private: others do not learn that it exists
    return _render_trainee_jd(request, record, selectors.approved_jd_for_record(record), own=False)


def _render_trainee_jd(request, record, jd, *, own):
    context = {"record": record, "own": own, "jd": None}
    if jd is not None:
        jd = selectors.jd_detail(jd.pk)
        context.update(_jd_context(jd))
    return render(request, "roledesign/trainee_jd.html", context)


@login_required
@require_http_methods(["GET"])
def current_competence(request, pk):
    """What a trainee or assistant practitioner may do: on their own, only under supervision,
    never. Every look is kept in the audit history."""
    person = access.access_competence_person(request.user, pk)
    summary = selectors.competence_summary(person)
    services.competence_view_record(actor=request.user, person=person)
    return render(
        request,
        "roledesign/current_competence.html",
        {
            "person": person,
            "summary": summary,
            "own": request.user.pk == person.pk,
            "can_see_ward": summary.area is not None
            and request.user.has_perm("roledesign.view_ward_competence", summary.area),
        },
    )


@login_required
@require_http_methods(["GET"])
def my_ward(request):
    """Where ward staff start: their own ward's "who can do this now"; the lead nurse chooses
    a ward."""
    if not request.user.has_perm("roledesign.view_any_ward_competence"):
        if request.user.clinical_area_id is None:
            raise PermissionDenied
        area = access.access_ward(request.user, request.user.clinical_area_id)
        return redirect("roledesign:ward_competence", area.pk)
    return render(request, "roledesign/ward_choose.html", {"areas": selectors.clinical_areas()})


@login_required
@require_http_methods(["GET"])
def ward_competence(request, pk):
    """Who on this ward can do a competency now. Every look is kept in the audit history."""
    area = access.access_ward(request.user, pk)
    people = selectors.ward_people(area)
    tasks = selectors.ward_tasks(area)
    choices = selectors.ward_question_choices(area, tasks)
    form = forms.WardQuestionForm(request.GET or None, choices=choices)
    answer = None
    if form.is_bound and form.is_valid():
        answer = selectors.ward_who_can(
            area, form.cleaned_data["competency"], people=people, tasks=tasks, choices=choices
        )
    services.competence_view_record(
        actor=request.user, clinical_area=area, competency=answer.title if answer else ""
    )
    return render(
        request,
        "roledesign/ward_competence.html",
        {
            "area": area,
            "people": people,
            "form": form,
            "answer": answer,
            "not_delegated": selectors.ward_not_delegated(tasks),
            "soon_days": selectors.EXPIRING_SOON_DAYS,
        },
    )


# Role design ------------------------------------------------------------------------------------


def _project(pk) -> RoleDesignProject:
    try:
        return selectors.project_detail(pk)
    except RoleDesignProject.DoesNotExist as missing:
        raise Http404 from missing


@require_perm("roledesign.view")
def project_list(request):
    return render(
        request,
        "roledesign/project_list.html",
        {
            "projects": list(selectors.project_list()),
            "can_manage": request.user.has_perm("roledesign.manage"),
        },
    )


@require_perm("roledesign.manage")
@get_or_post
def project_create(request):
    form = forms.ProjectForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user, lead=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{project} created with the seven Calderdale stages")
            return redirect("roledesign:project_detail", project.pk)
    return render(request, "roledesign/project_form.html", {"form": form})


@require_perm("roledesign.view")
def project_detail(request, pk):
    project = _project(pk)
    return render(
        request,
        "roledesign/project_detail.html",
        {"project": project, "can_manage": request.user.has_perm("roledesign.manage")},
    )


@require_perm("roledesign.manage")
@get_or_post
def stage_edit(request, pk):
    try:
        stage = selectors.stage_by_pk(pk)
    except Stage.DoesNotExist as missing:
        raise Http404 from missing
    cannot_start = stage.status == Stage.Status.CANNOT_START
    initial = {
        "status": Stage.Status.NOT_STARTED if cannot_start else stage.status,
        "owner": stage.owner_id,
        "start_date": stage.start_date,
        "end_date": stage.end_date,
        "notes": stage.notes,
    }
    form = forms.StageForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_update(actor=request.user, stage=stage, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{stage.get_kind_display()} saved")
            return redirect("roledesign:project_detail", stage.project_id)
    return render(
        request,
        "roledesign/stage_form.html",
        {"form": form, "stage": stage, "waiting_for": selectors.stage_waiting_for(stage)},
    )


@require_perm("roledesign.manage")
@get_or_post
def task_create(request, pk):
    project = access.access_project(request.user, pk)
    form = forms.TaskForm(posted_data(request))
    if done := submit(
        request,
        form,
        lambda data: services.task_create(actor=request.user, project=project, **data),
    ):
        messages.success(request, f"Task {done.result} added")
        return redirect("roledesign:task_detail", done.result.pk)
    return render(request, "roledesign/task_form.html", {"form": form, "project": project})


@require_perm("roledesign.manage")
@get_or_post
def task_import(request, pk):
    project = access.access_project(request.user, pk)
    form = forms.TaskImportForm(posted_data(request), request.FILES or None)
    if done := submit(
        request,
        form,
        lambda data: services.task_import(actor=request.user, project=project, upload=data["file"]),
    ):
        count = len(done.result)
        messages.success(request, f"{count} task{'s' if count != 1 else ''} imported")
        return redirect("roledesign:project_detail", project.pk)
    return render(
        request,
        "roledesign/task_import.html",
        {"form": form, "project": project, "formats": TEMPLATE_FORMATS},
    )


@require_perm("roledesign.manage")
@require_http_methods(["GET"])
def task_import_template(request, fmt):
    """The task import template to fill in, as CSV or Excel."""
    if fmt not in TEMPLATE_FORMATS:
        raise Http404
    content_type, filename = TEMPLATE_FORMATS[fmt]
    response = HttpResponse(template_file(fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_perm("roledesign.manage")
@get_or_post
def task_edit(request, pk):
    task = access.access_task(request.user, pk)
    initial = {name: getattr(task, name) for name in services.TASK_FIELDS}
    form = forms.TaskForm(posted_data(request), initial=initial, versioned=task)
    if submit(
        request,
        form,
        lambda data: services.task_update(actor=request.user, task=task, **data),
    ):
        messages.success(request, "Task saved")
        return redirect("roledesign:task_detail", task.pk)
    return render(
        request, "roledesign/task_form.html", {"form": form, "project": task.project, "task": task}
    )


@require_perm("roledesign.view")
def task_detail(request, pk):
    task = access.access_task(request.user, pk, act="roledesign.view")
    return render(
        request,
        "roledesign/task_detail.html",
        {"task": task, "can_manage": request.user.has_perm("roledesign.manage")},
    )


@require_perm("roledesign.manage")
@get_or_post
def task_make_competency(request, pk):
    task = access.access_task(request.user, pk)
    form = forms.MakeCompetencyForm(
        posted_data(request),
        domains=selectors.draft_domains(),
        initial={"title": task.name, "description": task.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            competency = services.task_make_competency(
                actor=request.user, task=task, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Draft competency {competency.code} made in {competency.framework}"
            )
            return redirect("roledesign:task_detail", task.pk)
    return render(request, "roledesign/make_competency.html", {"form": form, "task": task})


@require_perm("roledesign.manage")
def competency_provenance(request, competency_pk):
    competency = access.access_competency(request.user, competency_pk)
    return render(
        request,
        "roledesign/provenance.html",
        {"competency": competency, "links": selectors.provenance_for(competency)},
    )


urlpatterns = [
    path("job-descriptions/", jd_list, name="jd_list"),
    path("job-descriptions/new/", jd_create, name="jd_create"),
    path("job-descriptions/<int:pk>/", jd_detail, name="jd_detail"),
    path("job-descriptions/<int:pk>/edit/", jd_edit, name="jd_edit"),
    path("job-descriptions/<int:pk>/approve/", jd_approve, name="jd_approve"),
    path("job-descriptions/<int:pk>/new-version/", jd_new_version, name="jd_new_version"),
    path("job-descriptions/<int:pk>/print/", jd_print, name="jd_print"),
    path("job-descriptions/<int:pk>/download/", jd_download, name="jd_download"),
    path("my-job-description/", my_job_description, name="my_job_description"),
    path(
        "records/<int:record_pk>/job-description/",
        record_job_description,
        name="record_job_description",
    ),
    path("people/<int:pk>/current-competence/", current_competence, name="current_competence"),
    path("ward/", my_ward, name="my_ward"),
    path("wards/<int:pk>/competence/", ward_competence, name="ward_competence"),
    path("role-design/", project_list, name="project_list"),
    path("role-design/new/", project_create, name="project_create"),
    path("role-design/<int:pk>/", project_detail, name="project_detail"),
    path("role-design/stages/<int:pk>/", stage_edit, name="stage_edit"),
    path("role-design/<int:pk>/tasks/new/", task_create, name="task_create"),
    path("role-design/<int:pk>/tasks/import/", task_import, name="task_import"),
    path(
        "role-design/task-import-template/<str:fmt>/",
        task_import_template,
        name="task_import_template",
    ),
    path("role-design/tasks/<int:pk>/", task_detail, name="task_detail"),
    path("role-design/tasks/<int:pk>/edit/", task_edit, name="task_edit"),
    path(
        "role-design/tasks/<int:pk>/make-competency/",
        task_make_competency,
        name="task_make_competency",
    ),
    path(
        "competency-provenance/<int:competency_pk>/",
        competency_provenance,
        name="competency_provenance",
    ),
]
