"""Setting up the apprenticeship route (standards, KSBs, programmes, apprentices' terms), KSB
coverage and the skills scan. Thin: access, a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apprenticeships import exports_ksb
from apprenticeships.access_standards import (
    access_apprenticeship,
    access_enrolment,
    access_programme,
    access_standard,
)
from apprenticeships.forms import standards as forms
from apprenticeships.ksb_import import TEMPLATE_FORMATS, template_file
from apprenticeships.selectors import coverage as selectors
from apprenticeships.services import prior_learning, standards
from pathway import spreadsheets
from pathway.access import fetch_or_404
from pathway.downloads import file_attachment
from pathway.formtools import ConfirmForm, get_or_post, posted_data, submit
from pathway.permissions import require_perm

MANAGE = "apprenticeships.manage_standards"
VIEW = "apprenticeships.view_standards"
ASSESS = "apprenticeships.assess_prior_learning"


def _get_only(request):
    return None if request.method == "GET" else HttpResponseNotAllowed(["GET"])


def _download(content: bytes, fmt: str, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=spreadsheets.FORMATS[fmt])
    name = spreadsheets.filename(stem, fmt, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# Standards ------------------------------------------------------------------------------------


@require_perm(VIEW)
@require_GET
def standard_list(request):
    return render(
        request,
        "apprenticeships/standard_list.html",
        {"standards": list(selectors.standards()), "can_manage": request.user.has_perm(MANAGE)},
    )


@require_perm(MANAGE)
@get_or_post
def standard_create(request):
    form = forms.StandardForm(posted_data(request))
    if done := submit(
        request, form, lambda data: standards.standard_create(actor=request.user, **data)
    ):
        messages.success(request, f"{done.result.reference} added: now import its KSBs")
        return redirect("apprenticeships:standard_detail", done.result.pk)
    return render(request, "apprenticeships/standard_form.html", {"form": form, "standard": None})


@login_required
def standard_detail(request, pk):
    standard = access_standard(request.user, pk)
    if refused := _get_only(request):
        return refused
    return render(
        request,
        "apprenticeships/standard_detail.html",
        {
            "standard": standard,
            "ksbs": selectors.standard_ksbs(standard),
            "frameworks": selectors.standard_frameworks(standard),
            "programmes": selectors.standard_programmes(standard),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@require_perm(MANAGE)
@get_or_post
def standard_edit(request, pk):
    standard = access_standard(request.user, pk, act=MANAGE)
    form = forms.StandardForm(posted_data(request), standard=standard)
    if submit(
        request,
        form,
        lambda data: standards.standard_update(actor=request.user, standard=standard, **data),
    ):
        messages.success(request, "Standard saved")
        return redirect("apprenticeships:standard_detail", standard.pk)
    return render(
        request, "apprenticeships/standard_form.html", {"form": form, "standard": standard}
    )


@require_perm(MANAGE)
@get_or_post
def ksb_import(request, pk):
    standard = access_standard(request.user, pk, act=MANAGE)
    form = forms.KsbImportForm(posted_data(request), request.FILES or None)
    if done := submit(
        request,
        form,
        lambda data: standards.ksbs_import(
            actor=request.user, standard=standard, upload=data["file"]
        ),
    ):
        added, changed = done.result["added"], done.result["changed"]
        messages.success(request, f"KSBs imported: {added} added, {changed} changed")
        return redirect("apprenticeships:standard_detail", standard.pk)
    return render(
        request,
        "apprenticeships/ksb_import.html",
        {"form": form, "standard": standard, "formats": TEMPLATE_FORMATS},
    )


@require_perm(MANAGE)
@require_GET
def ksb_import_template(request, fmt):
    if fmt not in TEMPLATE_FORMATS:
        raise Http404
    content_type, filename = TEMPLATE_FORMATS[fmt]
    response = HttpResponse(template_file(fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Coverage of a standard by a framework ----------------------------------------------------------


@login_required
def framework_coverage(request, pk, framework_pk):
    standard = access_standard(request.user, pk)
    if refused := _get_only(request):
        return refused
    framework = _framework_or_404(standard, framework_pk)
    return render(
        request,
        "apprenticeships/framework_coverage.html",
        {"coverage": selectors.framework_coverage(standard, framework)},
    )


def _framework_or_404(standard, framework_pk):
    return fetch_or_404(lambda: selectors.framework_of_standard(standard, framework_pk))


@login_required
def framework_coverage_export(request, pk, framework_pk, fmt):
    standard = access_standard(request.user, pk)
    if refused := _get_only(request):
        return refused
    if fmt not in spreadsheets.FORMATS:
        raise Http404
    framework = _framework_or_404(standard, framework_pk)
    coverage = selectors.framework_coverage(standard, framework)
    table = exports_ksb.framework_coverage_table(coverage)
    stem = f"ksb-coverage-{standard.reference}-{framework.code}-v{framework.version}"
    return _download(spreadsheets.render(table, fmt), fmt, stem)


# Programmes and apprentices' terms --------------------------------------------------------------


@require_perm(MANAGE)
@require_GET
def programme_list(request):
    return render(
        request, "apprenticeships/programme_list.html", {"programmes": selectors.programmes()}
    )


@require_perm(MANAGE)
@get_or_post
def programme_standard(request, pk):
    programme = access_programme(request.user, pk)
    current = selectors.standard_of_programme(programme)
    form = forms.ProgrammeStandardForm(
        posted_data(request), standards=selectors.standards(), current=current
    )
    if submit(
        request,
        form,
        lambda data: standards.programme_standard_set(
            actor=request.user, programme=programme, standard=data["standard"]
        ),
    ):
        messages.success(request, "Apprenticeship standard saved")
        return redirect("apprenticeships:programme_standard", programme.pk)
    return render(
        request,
        "apprenticeships/programme_standard.html",
        {
            "programme": programme,
            "standard": current,
            "form": form,
            "enrolments": selectors.programme_enrolments(programme) if current else [],
        },
    )


@require_perm(MANAGE)
@get_or_post
def terms_edit(request, pk):
    enrolment = access_enrolment(request.user, pk)
    standard = selectors.standard_of_programme(enrolment.cohort.programme)
    if standard is None:
        raise Http404
    terms = getattr(enrolment, "apprenticeship", None)
    form = forms.TermsForm(
        posted_data(request),
        terms=terms,
        default_hours=standards.default_otj_hours(standard, enrolment),
    )
    if done := submit(
        request,
        form,
        lambda data: standards.apprenticeship_terms_save(
            actor=request.user, enrolment=enrolment, **data
        ),
    ):
        messages.success(request, f"Apprenticeship terms saved for {enrolment.trainee}")
        return redirect("apprenticeships:apprentice", done.result.pk)
    return render(
        request,
        "apprenticeships/terms_form.html",
        {"form": form, "enrolment": enrolment, "standard": standard, "terms": terms},
    )


# An apprentice --------------------------------------------------------------------------------


@login_required
def apprentice(request, pk):
    apprenticeship = access_apprenticeship(request.user, pk)
    if refused := _get_only(request):
        return refused
    return render(
        request,
        "apprenticeships/apprentice.html",
        {
            "apprenticeship": apprenticeship,
            "standard": selectors.standard_of(apprenticeship),
            "coverage": selectors.apprentice_coverage(apprenticeship),
            "scan": selectors.skills_scan(apprenticeship),
            "accepted": selectors.accepted_items(apprenticeship),
            "can_assess": request.user.has_perm(ASSESS, apprenticeship),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@login_required
def apprentice_ksb_export(request, pk, fmt):
    apprenticeship = access_apprenticeship(request.user, pk)
    if refused := _get_only(request):
        return refused
    if fmt not in spreadsheets.FORMATS:
        raise Http404
    table = exports_ksb.apprentice_coverage_table(selectors.apprentice_coverage(apprenticeship))
    stem = f"ksbs-{apprenticeship.enrolment.trainee.full_name}"
    return _download(spreadsheets.render(table, fmt), fmt, stem)


# The skills scan ------------------------------------------------------------------------------


@login_required
@get_or_post
def skills_scan(request, pk):
    apprenticeship = access_apprenticeship(request.user, pk, act=ASSESS)
    scan = selectors.skills_scan(apprenticeship)
    form = ConfirmForm(posted_data(request), submit="Start the skills scan")
    if scan is None and submit(
        request,
        form,
        lambda data: prior_learning.skills_scan_start(
            actor=request.user, apprenticeship=apprenticeship
        ),
    ):
        messages.success(request, "Skills scan started")
        return redirect("apprenticeships:skills_scan", apprenticeship.pk)
    return render(
        request,
        "apprenticeships/skills_scan.html",
        {
            "apprenticeship": apprenticeship,
            "scan": scan,
            "items": selectors.scan_items(scan) if scan else [],
            "form": form,
        },
    )


def _scan_or_404(apprenticeship):
    scan = selectors.skills_scan(apprenticeship)
    if scan is None:
        raise Http404
    return scan


@login_required
@get_or_post
def scan_item(request, pk, item_pk):
    apprenticeship = access_apprenticeship(request.user, pk, act=ASSESS)
    scan = _scan_or_404(apprenticeship)
    item = fetch_or_404(lambda: selectors.scan_item(scan, item_pk))
    form = forms.ScanItemForm(posted_data(request), request.FILES or None, item=item)
    if submit(
        request,
        form,
        lambda data: prior_learning.scan_item_decide(actor=request.user, item=item, **data),
    ):
        messages.success(request, f"Decision saved for {item}")
        return redirect("apprenticeships:skills_scan", apprenticeship.pk)
    return render(
        request,
        "apprenticeships/scan_item.html",
        {"apprenticeship": apprenticeship, "scan": scan, "item": item, "form": form},
    )


@login_required
@get_or_post
def scan_complete(request, pk):
    apprenticeship = access_apprenticeship(request.user, pk, act=ASSESS)
    scan = _scan_or_404(apprenticeship)
    form = forms.ScanCompleteForm(posted_data(request))
    if submit(
        request,
        form,
        lambda data: prior_learning.skills_scan_complete(actor=request.user, scan=scan, **data),
    ):
        messages.success(request, "Skills scan complete")
        return redirect("apprenticeships:apprentice", apprenticeship.pk)
    return render(
        request,
        "apprenticeships/scan_complete.html",
        {"apprenticeship": apprenticeship, "scan": scan, "form": form},
    )


@login_required
def scan_evidence(request, pk, item_pk):
    apprenticeship = access_apprenticeship(request.user, pk)
    if refused := _get_only(request):
        return refused
    scan = _scan_or_404(apprenticeship)
    item = fetch_or_404(lambda: selectors.scan_item(scan, item_pk))
    if not item.evidence_file:
        raise Http404
    return file_attachment(
        request,
        item.evidence_file,
        filename=item.evidence_filename or "evidence",
        content_type=item.evidence_content_type,
    )
