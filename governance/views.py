"""Governance pages: the clinical safety hazard log (read-only, from a file in the repository,
so no query is made) and subject access (everything held about a person, as an archive).

The retention schedule and erasure pages. Thin: permission, selector or service, render.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from governance import forms, hazard_log, selectors, services
from governance.access import access_person_to_erase
from governance.models import RecordKind
from pathway.access import access_person, require
from pathway.formtools import get_or_post, posted_data, submit
from pathway.paging import search_text
from pathway.permissions import require_perm

# The governance areas, each shown to whoever may open it (checked by the rules, not by role).
AREAS = (
    (
        "Clinical safety hazard log",
        "governance:hazard_log",
        "governance.view_hazard_log",
        "What could harm patients through Pathway, how likely and how severe, and the tested "
        "controls against each hazard (DCB0129).",
    ),
    (
        "Who looked at records",
        "pathway:record_access_log",
        "pathway.search_record_accesses",
        "Search who opened another person's record, evidence files or current competence, "
        "and when.",
    ),
    (
        "Retention schedule",
        "governance:retention",
        "governance.view_retention",
        "How long each kind of record is kept, what the nightly job has disposed of, and "
        "erasure on request.",
    ),
    (
        "Subject access",
        "governance:subject_access",
        "governance.produce_subject_access",
        "Everything Pathway holds about a person, as one archive to download.",
    ),
)


@require_perm("governance.view_index")
@require_GET
def index(request):
    areas = [
        {"title": title, "url": reverse(url_name), "purpose": purpose}
        for title, url_name, perm, purpose in AREAS
        if request.user.has_perm(perm)
    ]
    return render(request, "governance/index.html", {"areas": areas})


@require_perm("governance.view_hazard_log")
@require_GET
def hazard_log_page(request):
    return render(request, "governance/hazard_log.html", {"log": hazard_log.load()})


@require_perm("governance.view_hazard_log")
@require_GET
def hazard_detail(request, hazard_id):
    log = hazard_log.load()
    hazard = log.hazard(hazard_id)
    if hazard is None:
        raise Http404("No such hazard")
    return render(request, "governance/hazard_detail.html", {"log": log, "hazard": hazard})


logger = logging.getLogger(__name__)

# The administrator finds the person by a search, not a list of everyone (issue #18).
MOST_PEOPLE = 20


def _answer(request, make):
    """Make the archive (or queue it) and answer with it; a storage that cannot be reached
    while evidence files are read gives "try again" (503), as any other download does."""
    try:
        result = make()
    except OSError as error:
        logger.error("Could not read evidence files for a subject access archive: %s", error)
        return render(request, "pathway/file_unavailable.html", status=503)
    if result.job is not None:
        return redirect("pathway:job_detail", result.job.pk)
    archive = result.archive
    response = HttpResponse(archive.content, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, archive.filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_perm("governance.find_people_for_subject_access")
def subject_access(request):
    text = search_text(request)
    found = selectors.people_for_subject_access(text, most=MOST_PEOPLE + 1)
    return render(
        request,
        "governance/subject_access.html",
        {"q": text, "people": found[:MOST_PEOPLE], "more": len(found) > MOST_PEOPLE},
    )


@require_perm("governance.find_people_for_subject_access")
@require_POST
def subject_access_produce(request, pk):
    person = access_person(request.user, pk, act="governance.produce_subject_access")
    return _answer(
        request, lambda: services.subject_access_request(actor=request.user, person=person)
    )


@login_required
@get_or_post
def my_data(request):
    require(request.user, "governance.produce_subject_access", request.user)
    if request.method == "POST":
        return _answer(
            request,
            lambda: services.subject_access_request(actor=request.user, person=request.user),
        )
    return render(request, "governance/my_data.html")


@require_perm("governance.view_retention")
@require_GET
def retention_schedule(request):
    can_change = request.user.has_perm("governance.change_retention")
    today = timezone.localdate()
    return render(
        request,
        "governance/retention.html",
        {
            "rules": selectors.retention_schedule(),
            "disposals": selectors.recent_disposals(),
            "can_change": can_change,
            "due": selectors.people_due_for_review(today) if can_change else [],
        },
    )


@require_perm("governance.change_retention")
@get_or_post
def retention_rule_edit(request, kind):
    if kind not in RecordKind.values:
        raise Http404
    rule = selectors.retention_rule(kind)
    initial = {f: getattr(rule, f) for f in ("period", "unit", "starts", "disposal", "note")}
    form = forms.RetentionRuleForm(posted_data(request), initial=initial)
    if submit(
        request,
        form,
        lambda data: services.retention_rule_update(actor=request.user, kind=kind, **data),
    ):
        messages.success(request, f"Retention period saved for {rule.get_kind_display().lower()}")
        return redirect("governance:retention")
    return render(request, "governance/retention_rule_form.html", {"form": form, "rule": rule})


@login_required
@get_or_post
def person_erase(request, pk):
    person = access_person_to_erase(request.user, pk)
    if selectors.is_erased(person):
        return render(request, "governance/erased.html", {"person": person})
    form = forms.ErasureForm(posted_data(request))
    if done := submit(
        request,
        form,
        lambda data: services.person_erase(
            actor=request.user,
            person=person,
            basis=data["basis"],
            override_reason=data["override_reason"],
        ),
    ):
        messages.success(request, done.result.sentence())
        return redirect("governance:retention")
    return render(
        request,
        "governance/person_erase.html",
        {
            "form": form,
            "person": person,
            "hold": selectors.retention_hold(person, timezone.localdate()),
        },
    )
