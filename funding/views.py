"""Funding pages: the lead nurse's view of what each cohort costs and who pays."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from funding import access, forms, selectors, services
from pathway.formtools import ConfirmForm, get_or_post, posted_data, submit
from pathway.permissions import require_perm


@require_perm("funding.view")
def index(request):
    return render(
        request,
        "funding/index.html",
        {"finances": selectors.finances(), "can_manage": request.user.has_perm("funding.manage")},
    )


@require_perm("funding.view")
def cohort_detail(request, pk):
    finance = selectors.cohort_finance(pk)
    if finance is None:
        raise Http404
    return render(
        request,
        "funding/cohort_detail.html",
        {
            "finance": finance,
            "cohort": finance.cohort,
            "sources": list(selectors.sources_of(finance.cohort)),
            "costs": list(selectors.costs_of(finance.cohort)),
            "can_manage": request.user.has_perm("funding.manage"),
        },
    )


def _back(cohort):
    return redirect("funding:cohort_detail", cohort.pk)


def _gone(request, what: str):
    """A remove button pressed again after the first press removed the thing (a double click,
    or the back button): the removal stands, and the answer is a page, not an error."""
    if request.method != "POST":
        raise Http404
    messages.info(request, f"The {what} has already been removed")
    return redirect("funding:index")


def _source_form_page(request, cohort, form, source=None):
    return render(
        request,
        "funding/form.html",
        {
            "form": form,
            "cohort": cohort,
            "title": "Change a funding source" if source else "Add a funding source",
        },
    )


@require_perm("funding.manage")
@get_or_post
def source_add(request, pk):
    cohort = access.access_cohort(request.user, pk)
    form = forms.FundingSourceForm(posted_data(request))
    if done := submit(
        request,
        form,
        lambda data: services.source_save(actor=request.user, cohort=cohort, **data),
    ):
        messages.success(request, f"{done.result.name} added")
        return _back(cohort)
    return _source_form_page(request, cohort, form)


@require_perm("funding.manage")
@get_or_post
def source_edit(request, pk):
    source = access.access_source(request.user, pk)
    initial = {
        "name": source.name,
        "organisation": source.organisation_id,
        "amount": source.amount,
        "notes": source.notes,
    }
    form = forms.FundingSourceForm(posted_data(request), initial=initial, versioned=source)
    if submit(
        request,
        form,
        lambda data: services.source_save(
            actor=request.user, cohort=source.cohort, source=source, **data
        ),
    ):
        messages.success(request, "Funding source saved")
        return _back(source.cohort)
    return _source_form_page(request, source.cohort, form, source)


@require_perm("funding.manage")
@get_or_post
def source_delete(request, pk):
    try:
        source = access.access_source(request.user, pk)
    except Http404:
        return _gone(request, "funding source")
    form = ConfirmForm(posted_data(request), submit="Remove funding source", warning=True)
    if submit(
        request, form, lambda data: services.source_delete(actor=request.user, source=source)
    ):
        messages.success(request, f"{source.name} removed")
        return _back(source.cohort)
    return render(
        request,
        "funding/confirm_delete.html",
        {"form": form, "cohort": source.cohort, "thing": source.name},
    )


def _cost_form_page(request, cohort, form, cost=None):
    return render(
        request,
        "funding/form.html",
        {
            "form": form,
            "cohort": cohort,
            "title": "Change a cost" if cost else "Add a cost",
            "backfill": selectors.backfill_hint(cohort),
            "hours_per_day": selectors.BACKFILL_HOURS_PER_DAY,
        },
    )


@require_perm("funding.manage")
@get_or_post
def cost_add(request, pk):
    cohort = access.access_cohort(request.user, pk)
    form = forms.CostLineForm(posted_data(request))
    if done := submit(
        request,
        form,
        lambda data: services.cost_save(actor=request.user, cohort=cohort, **data),
    ):
        messages.success(request, f"{done.result.description} added")
        return _back(cohort)
    return _cost_form_page(request, cohort, form)


@require_perm("funding.manage")
@get_or_post
def cost_edit(request, pk):
    cost = access.access_cost(request.user, pk)
    initial = {
        "category": cost.category,
        "description": cost.description,
        "quantity": cost.quantity,
        "unit": cost.unit,
        "unit_cost": cost.unit_cost,
    }
    form = forms.CostLineForm(posted_data(request), initial=initial, versioned=cost)
    if submit(
        request,
        form,
        lambda data: services.cost_save(actor=request.user, cohort=cost.cohort, cost=cost, **data),
    ):
        messages.success(request, "Cost saved")
        return _back(cost.cohort)
    return _cost_form_page(request, cost.cohort, form, cost)


@require_perm("funding.manage")
@get_or_post
def cost_delete(request, pk):
    try:
        cost = access.access_cost(request.user, pk)
    except Http404:
        return _gone(request, "cost")
    form = ConfirmForm(posted_data(request), submit="Remove cost", warning=True)
    if submit(request, form, lambda data: services.cost_delete(actor=request.user, cost=cost)):
        messages.success(request, f"{cost.description} removed")
        return _back(cost.cohort)
    return render(
        request,
        "funding/confirm_delete.html",
        {"form": form, "cohort": cost.cohort, "thing": cost.description},
    )


urlpatterns = [
    path("funding/", index, name="index"),
    path("funding/cohorts/<int:pk>/", cohort_detail, name="cohort_detail"),
    path("funding/cohorts/<int:pk>/sources/new/", source_add, name="source_add"),
    path("funding/sources/<int:pk>/edit/", source_edit, name="source_edit"),
    path("funding/sources/<int:pk>/remove/", source_delete, name="source_delete"),
    path("funding/cohorts/<int:pk>/costs/new/", cost_add, name="cost_add"),
    path("funding/costs/<int:pk>/edit/", cost_edit, name="cost_edit"),
    path("funding/costs/<int:pk>/remove/", cost_delete, name="cost_delete"),
]
