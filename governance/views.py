"""The retention schedule and erasure pages. Thin: permission, selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from governance import forms, selectors, services
from governance.access import access_person_to_erase
from governance.models import RecordKind
from pathway.formtools import get_or_post, posted_data, submit
from pathway.permissions import require_perm


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
