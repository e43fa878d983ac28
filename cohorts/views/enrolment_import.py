"""Enrolling a cohort's trainees from a file, for the lead nurse. Thin: the form checks the
upload, cohorts.services.enrolment_import reads, checks and writes."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from cohorts import enrolment_files
from cohorts.access import access_cohort
from cohorts.forms.enrolment_import import EnrolmentImportForm
from cohorts.services import enrolment_import as service
from pathway.permissions import require_perm

PERMISSION = "cohorts.manage_cohorts"


@require_http_methods(["GET", "POST"])
@require_perm(PERMISSION)
def enrolment_import(request, pk):
    cohort = access_cohort(request.user, pk, act=PERMISSION)
    row_errors, file_name = [], ""
    if request.method == "POST":
        form = EnrolmentImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            file_name = upload.name
            try:
                result = service.enrolment_import(
                    actor=request.user,
                    cohort=cohort,
                    source=upload,
                    filename=upload.name,
                    confirm_unprepared=form.cleaned_data.get("confirm_unprepared", False),
                )
            except service.EnrolmentImportError as error:
                if getattr(error, "needs_confirmation", False):
                    form.ask_confirmation(error.unprepared_mentors)
                form.add_import_errors(error)
                row_errors = error.errors
            else:
                messages.success(request, result.summary)
                return redirect(reverse("cohorts:cohort_detail", args=[cohort.pk]))
    else:
        form = EnrolmentImportForm()
    return render(
        request,
        "cohorts/enrolment_import.html",
        {
            "cohort": cohort,
            "form": form,
            "row_errors": row_errors,
            "file_name": file_name,
            "columns": enrolment_files.COLUMNS,
            "areas": service.area_choices(cohort),
            "max_upload_bytes": settings.PATHWAY_MAX_UPLOAD_BYTES,
        },
    )


def _download(data: bytes, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=enrolment_files.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        True, enrolment_files.TEMPLATE_FILENAMES[fmt]
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@require_perm(PERMISSION)
def enrolment_template_csv(request):
    return _download(enrolment_files.template_csv(), "csv")


@require_GET
@require_perm(PERMISSION)
def enrolment_template_xlsx(request):
    return _download(enrolment_files.template_xlsx(service.area_choices()), "xlsx")


urlpatterns = [
    path("cohorts/<int:pk>/enrol/upload/", enrolment_import, name="enrolment_import"),
    path("cohorts/enrol/template.csv", enrolment_template_csv, name="enrolment_template_csv"),
    path("cohorts/enrol/template.xlsx", enrolment_template_xlsx, name="enrolment_template_xlsx"),
]
