"""Import and export of whole frameworks, for the lead nurse. Thin: the form checks the upload,
competencies.interchange reads, checks and writes."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods
from rules.contrib.views import permission_required

from competencies import interchange
from competencies.access import MANAGE_FRAMEWORKS, access_framework
from competencies.forms.interchange import FrameworkImportForm


def _download(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=interchange.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _format(fmt: str) -> str:
    if fmt not in interchange.FORMATS:
        raise Http404("No such file layout")
    return fmt


@login_required
@permission_required(MANAGE_FRAMEWORKS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def framework_import(request):
    row_errors, file_name = [], ""
    if request.method == "POST":
        form = FrameworkImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            file_name = upload.name
            try:
                framework = interchange.framework_import(
                    actor=request.user, source=upload, format=form.cleaned_data["format"]
                )
            except interchange.FrameworkImportError as exc:
                form.add_import_errors(exc)
                row_errors = exc.errors
            else:
                messages.success(request, interchange.import_summary(framework) + " as a draft")
                return redirect(reverse("competencies:framework_detail", args=[framework.pk]))
    else:
        form = FrameworkImportForm()
    return render(
        request,
        "competencies/framework_import.html",
        {
            "form": form,
            "row_errors": row_errors,
            "file_name": file_name,
            "examples": [
                (fmt, interchange.FORMAT_LABELS[fmt], interchange.EXAMPLE_FILENAMES[fmt])
                for fmt in interchange.FORMATS
            ],
            "max_upload_bytes": settings.PATHWAY_MAX_UPLOAD_BYTES,
        },
    )


@login_required
@permission_required(MANAGE_FRAMEWORKS, raise_exception=True)
@require_GET
def framework_import_example(request, fmt):
    fmt = _format(fmt)
    return _download(interchange.example_file(fmt), fmt, interchange.EXAMPLE_FILENAMES[fmt])


@login_required
@permission_required(MANAGE_FRAMEWORKS, raise_exception=True)
@require_GET
def framework_export(request, pk, fmt):
    fmt = _format(fmt)
    framework = access_framework(request.user, pk, act=MANAGE_FRAMEWORKS)
    try:
        data = interchange.framework_export(framework=framework, format=fmt)
    except interchange.FrameworkExportError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("competencies:framework_detail", args=[framework.pk]))
    return _download(data, fmt, interchange.export_filename(framework, fmt))


urlpatterns = [
    path("import/", framework_import, name="framework_import"),
    path(
        "import/example/<str:fmt>/",
        framework_import_example,
        name="framework_import_example",
    ),
    path("<int:pk>/export/<str:fmt>/", framework_export, name="framework_export"),
]
