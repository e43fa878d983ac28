"""The lead nurse's dashboards: the programme overview and one cohort's trainees, with
CSV and Excel downloads of each. Thin: check the permission, call the selectors, render."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from cohorts import exports
from cohorts.forms.dashboards import DashboardFilterForm
from cohorts.models import Cohort
from cohorts.selectors import dashboards as selectors
from cohorts.selectors.trainee_links import add_row_links
from pathway.paging import page_of
from pathway.permissions import require_perm


def _cohort(request, pk, **kwargs) -> Cohort:
    """The cohort, or 404. Looked up once: the permission check and the view share it."""
    cached = getattr(request, "_dashboard_cohort", None)
    if cached is None or cached.pk != pk:
        try:
            cached = selectors.cohort_for_dashboard(pk)
        except Cohort.DoesNotExist as missing:
            raise Http404 from missing
        request._dashboard_cohort = cached
    return cached


def _check_format(fmt: str) -> None:
    if fmt not in exports.FORMATS:
        raise Http404


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # Trainees' names and progress: not to be kept by shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


@require_perm("cohorts.view_programme")
def programme_overview(request):
    overview = selectors.programme_overview(
        today=timezone.localdate(), finished=selectors.FINISHED_SHOWN
    )
    # The totals count every running cohort; the tables show a page of them.
    page, page_range = page_of(request, overview.running, per_page=selectors.RUNNING_PER_PAGE)
    return render(
        request,
        "cohorts/programme_overview.html",
        {"overview": overview, "page": page, "page_range": page_range},
    )


@require_perm("cohorts.view_programme")
def programme_overview_export(request, fmt):
    _check_format(fmt)
    today = timezone.localdate()
    overview = selectors.programme_overview(today=today)
    content = exports.render(exports.programme_table(overview), fmt)
    return _download(content, fmt, exports.filename("programme-overview", fmt, today))


def _cohort_page(request, cohort):
    """The dashboard with the filters and sort order of the query string applied."""
    dashboard = selectors.cohort_dashboard(cohort, today=timezone.localdate())
    form = DashboardFilterForm(
        request.GET,
        areas=dashboard.area_choices,
        mentors=dashboard.mentor_choices,
        clear_url=reverse("cohorts:cohort_detail", args=[cohort.pk]),
    )
    sort, descending = form.sorting()
    rows = dashboard.select(form.filters(), sort, descending)
    return dashboard, form, rows, sort, descending


@require_perm("cohorts.view_cohort", fn=_cohort)
def cohort_detail(request, pk):
    cohort = _cohort(request, pk)
    dashboard, form, rows, sort, descending = _cohort_page(request, cohort)
    add_row_links(request.user, rows)
    return render(
        request,
        "cohorts/cohort_dashboard.html",
        {
            "cohort": cohort,
            "dashboard": dashboard,
            "summary": dashboard.summary,
            "rows": rows,
            "form": form,
            "sort": sort,
            "descending": descending,
            "can_manage": request.user.has_perm("cohorts.manage_cohorts"),
            "can_view_programme": request.user.has_perm("cohorts.view_programme"),
            "openable": selectors.trainees_openable_by(request.user),
        },
    )


@require_perm("cohorts.view_cohort", fn=_cohort)
def cohort_export(request, pk, fmt):
    _check_format(fmt)
    cohort = _cohort(request, pk)
    dashboard, _form, rows, _sort, _descending = _cohort_page(request, cohort)
    content = exports.render(exports.cohort_table(cohort, rows), fmt)
    return _download(content, fmt, exports.filename(cohort.name, fmt, dashboard.today))


urlpatterns = [
    path("programme/", programme_overview, name="programme_overview"),
    path("programme/export.<str:fmt>", programme_overview_export, name="programme_overview_export"),
    path("cohorts/<int:pk>/", cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/export.<str:fmt>", cohort_export, name="cohort_export"),
]
