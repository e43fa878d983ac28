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
from competencies.forms.interchange import FrameworkImportConfirmForm, FrameworkImportForm
from competencies.interchange.reading import LIMITS_USE
from pathway import held_uploads

HELD_KIND = "framework"


def _download(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=interchange.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _format(fmt: str) -> str:
    if fmt not in interchange.FORMATS:
        raise Http404("No such file layout")
    return fmt


def _import_page(request, form, row_errors=(), file_name=""):
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
@require_http_methods(["GET", "POST"])
def framework_import(request):
    """Upload: the whole file is read and checked; a good one is held for its preview."""
    if request.method != "POST":
        return _import_page(request, FrameworkImportForm())
    form = FrameworkImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form)
    upload, fmt = form.cleaned_data["file"], form.cleaned_data["format"]
    try:
        interchange.framework_preview(actor=request.user, source=upload, format=fmt)
    except interchange.FrameworkImportError as exc:
        form.add_import_errors(exc)
        return _import_page(request, form, exc.errors, upload.name)
    token = held_uploads.hold(
        request.session, upload, kind=HELD_KIND, format=fmt, limits_use=LIMITS_USE
    )
    return redirect(reverse("competencies:framework_import_preview", args=[token]))


@login_required
@permission_required(MANAGE_FRAMEWORKS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def framework_import_preview(request, token):
    """What the held file would import, and what cannot be kept; confirming imports it all."""
    held = held_uploads.held_file(request.session, token, kind=HELD_KIND)
    if held is None:
        messages.error(request, "The uploaded file is no longer held: upload it again")
        return redirect(reverse("competencies:framework_import"))
    try:
        preview = interchange.framework_preview(
            actor=request.user, source=held.read(), format=held.format
        )
    except interchange.FrameworkImportError as exc:  # the database changed since the upload
        held_uploads.discard(request.session, token, kind=HELD_KIND)
        form = FrameworkImportForm()
        return _import_page(request, form, exc.errors, held.name)
    form = FrameworkImportConfirmForm(
        request.POST if request.method == "POST" else None, asks_which=preview.asks_which
    )
    if request.method == "POST" and form.is_valid():
        try:
            framework = interchange.framework_import(
                actor=request.user,
                source=held.read(),
                format=held.format,
                on_existing=form.cleaned_data.get("on_existing") or None,
                new_code=form.cleaned_data.get("new_code"),
            )
        except interchange.FrameworkImportError as exc:
            form.add_import_errors(exc)
        else:
            held_uploads.discard(request.session, token, kind=HELD_KIND)
            summary = interchange.import_summary(framework)
            messages.success(
                request, summary if framework.import_unchanged else f"{summary} as a draft"
            )
            return redirect(reverse("competencies:framework_detail", args=[framework.pk]))
    return render(
        request,
        "competencies/framework_import_preview.html",
        {
            "form": form,
            "held": held,
            "preview": preview,
            "data": preview.data,
            "counts": preview.counts(),
            "domain_rows": preview.domain_rows(),
            "format_label": interchange.FORMAT_LABELS[held.format],
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
    path("import/<str:token>/", framework_import_preview, name="framework_import_preview"),
    path(
        "import/example/<str:fmt>/",
        framework_import_example,
        name="framework_import_example",
    ),
    path("<int:pk>/export/<str:fmt>/", framework_export, name="framework_export"),
]
