"""The ESR staff-extract import, for the lead nurse and administrators: upload, preview, confirm.
Thin: pathway.esr reads, checks and writes; the file waits between preview and confirmation in
pathway.held_uploads."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from pathway import esr, held_uploads
from pathway.forms import EsrConfirmForm, EsrImportForm
from pathway.permissions import require_perm

HELD_KIND = "esr"


def _upload_page(request, form, errors=()):
    return render(request, "pathway/esr_import.html", {"form": form, "row_errors": errors})


@require_perm(esr.MANAGE_PEOPLE)
@require_http_methods(["GET", "POST"])
def esr_import(request):
    if request.method != "POST":
        return _upload_page(request, EsrImportForm())
    form = EsrImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form)
    upload = form.cleaned_data["file"]
    try:
        esr.esr_preview(actor=request.user, source=upload)
    except esr.EsrImportError as exc:
        form.add_import_errors(exc)
        return _upload_page(request, form, exc.errors)
    token = held_uploads.hold(
        request.session, upload, kind=HELD_KIND, format="table", limits_use=esr.LIMITS_USE
    )
    return redirect(reverse("pathway:esr_import_preview", args=[token]))


@require_perm(esr.MANAGE_PEOPLE)
@require_http_methods(["GET", "POST"])
def esr_import_preview(request, token):
    held = held_uploads.held_file(request.session, token, kind=HELD_KIND)
    if held is None:
        messages.error(request, "The uploaded file is no longer held: upload it again")
        return redirect(reverse("pathway:esr_import"))
    form = EsrConfirmForm(request.POST if request.method == "POST" else None)
    try:
        preview = esr.esr_preview(actor=request.user, source=held.read())
        if request.method == "POST" and form.is_valid():
            if esr.esr_import_in_background(preview):
                job = esr.esr_import_queue(
                    actor=request.user,
                    stored_name=held_uploads.hand_over(request.session, token, kind=HELD_KIND),
                    file_name=held.name,
                    key=f"esr:{token}",
                )
                return redirect("pathway:job_detail", job.pk)
            result = esr.esr_import(actor=request.user, source=held.read())
            held_uploads.discard(request.session, token, kind=HELD_KIND)
            messages.success(request, result.summary)
            return redirect(reverse("pathway:people"))
    except esr.EsrImportError as exc:  # the people changed since the upload
        held_uploads.discard(request.session, token, kind=HELD_KIND)
        form = EsrImportForm()
        form.add_import_errors(exc, bound=False)
        return _upload_page(request, form, exc.errors)
    return render(
        request,
        "pathway/esr_import_preview.html",
        {"form": form, "held": held, "preview": preview},
    )
