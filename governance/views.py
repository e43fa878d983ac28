"""Governance pages: the clinical safety hazard log, read-only.

Thin: permission, read the log, render. The log is a file in the repository (governance/
hazard_log.py), so no query is made."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance import hazard_log
from pathway.permissions import require_perm


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
