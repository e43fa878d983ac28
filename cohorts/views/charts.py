"""The competency grid (with its export), achievement over time, the cohort comparison and the
staff view of one trainee. Thin: check permission, call a selector, render."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from cohorts import exports
from cohorts.access import access_cohort, access_enrolment
from cohorts.jobs import grid_export_in_background, grid_export_start
from cohorts.selectors import charts as selectors
from cohorts.selectors.dashboards import trainees_openable_by
from cohorts.selectors.trainee_links import trainee_links
from pathway.models import RecordAccess
from pathway.permissions import require_perm
from pathway.services import record_access_log

MAX_WEEK = 104


def _get_only(request):
    """A read-only page answers GET only, checked after the access check, so that a person
    refused is refused the same whatever the method (and one allowed gets 405)."""
    return None if request.method == "GET" else HttpResponseNotAllowed(["GET"])


@login_required
def cohort_grid(request, pk):
    cohort = access_cohort(request.user, pk)
    if refused := _get_only(request):
        return refused
    grid = selectors.competency_grid(cohort, today=timezone.localdate())
    return render(
        request,
        "cohorts/cohort_grid.html",
        {
            "cohort": cohort,
            "grid": grid,
            "openable": trainees_openable_by(request.user),
            # The same count the export goes by (the grid has a row per trainee).
            "export_in_background": grid_export_in_background(len(grid.rows)),
        },
    )


@login_required
def cohort_grid_export(request, pk, fmt):
    cohort = access_cohort(request.user, pk)
    if refused := _get_only(request):
        return refused
    if fmt not in exports.FORMATS:
        raise Http404("No such file type")
    if grid_export_in_background(selectors.grid_trainee_count(cohort)):
        job = grid_export_start(actor=request.user, cohort=cohort, fmt=fmt)
        return redirect("pathway:job_detail", job.pk)
    data, filename = exports.grid_download(cohort, fmt, today=timezone.localdate())
    response = HttpResponse(data, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def cohort_progress_chart(request, pk):
    cohort = access_cohort(request.user, pk)
    if refused := _get_only(request):
        return refused
    progress = selectors.achievement_over_time(cohort, today=timezone.localdate())
    return render(
        request, "cohorts/cohort_progress_chart.html", {"cohort": cohort, "progress": progress}
    )


class ComparisonForm(forms.Form):
    """Which week (and, with several programmes, which programme) to compare cohorts at.
    Always bound to request.GET; an empty query string means the defaults."""

    programme = forms.TypedChoiceField(
        label="Programme",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Select a programme from the list"},
    )
    week = forms.IntegerField(
        label="Week of the programme",
        help_text=f"Each cohort's trainees at the end of this week, from 1 to {MAX_WEEK}",
        required=False,
        min_value=1,
        max_value=MAX_WEEK,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}),
        error_messages={
            "invalid": f"Enter the week as a number from 1 to {MAX_WEEK}",
            "min_value": f"Enter a week from 1 to {MAX_WEEK}",
            "max_value": f"Enter a week from 1 to {MAX_WEEK}",
        },
    )

    def __init__(self, data=None, *, programmes=(), **kwargs):
        super().__init__(data, **kwargs)
        programmes = list(programmes)
        self.fields["programme"].choices = [(p.pk, p.name) for p in programmes]
        fields = ["week"]
        if len(programmes) > 1:
            fields.insert(0, "programme")
        else:
            del self.fields["programme"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "app-no-print"
        self.helper.layout = Layout(*fields, Submit("compare", "Compare cohorts"))


@require_perm("cohorts.view_programme")
@require_GET
def cohort_comparison(request):
    today = timezone.localdate()
    programmes = list(selectors.comparison_programmes())
    form = ComparisonForm(request.GET or None, programmes=programmes)
    data = {}
    if form.is_bound:
        form.is_valid()  # a bad value shows its error; the page uses the default for it
        data = form.cleaned_data
    chosen = {p.pk: p for p in programmes}.get(data.get("programme"))
    programme = chosen or selectors.default_programme()
    comparison = None
    if programme is not None:
        comparison = selectors.cohort_comparison(programme, week=data.get("week"), today=today)
        if not form.is_bound:
            form.initial = {"programme": programme.pk, "week": comparison.week}
    return render(
        request,
        "cohorts/cohort_comparison.html",
        {"form": form, "programme": programme, "comparison": comparison},
    )


@login_required
def trainee_overview(request, pk):
    enrolment = access_enrolment(request.user, pk)
    if refused := _get_only(request):
        return refused
    record_access_log(
        viewer=request.user,
        subject_id=enrolment.trainee_id,
        kind=RecordAccess.Kind.PROGRAMME_OVERVIEW,
        what=f"Programme overview in {enrolment.cohort.name}",
        object_id=enrolment.pk,
    )
    overview = selectors.trainee_overview(enrolment, today=timezone.localdate())
    return render(
        request,
        "cohorts/trainee_overview.html",
        {
            "enrolment": enrolment,
            "overview": overview,
            "can_record_result": request.user.has_perm("cohorts.record_module_result", enrolment),
            "can_record_review": request.user.has_perm("cohorts.record_review", enrolment),
            # Pages of other apps about this trainee that the viewer may open (apprenticeships).
            "link_groups": trainee_links(request.user, [enrolment.pk]).get(enrolment.pk, []),
        },
    )


@login_required
def my_programme(request):
    """A trainee's own overview: their current (or latest) enrolment."""
    enrolment = selectors.latest_enrolment_for(request.user)
    if enrolment is None:
        raise Http404
    return redirect("cohorts:trainee_overview", enrolment.pk)


urlpatterns = [
    path("cohorts/<int:pk>/grid/", cohort_grid, name="cohort_grid"),
    path("cohorts/<int:pk>/grid/export.<str:fmt>", cohort_grid_export, name="cohort_grid_export"),
    path("cohorts/<int:pk>/progress-chart/", cohort_progress_chart, name="cohort_progress_chart"),
    path("programme/compare/", cohort_comparison, name="cohort_comparison"),
    path("enrolments/<int:pk>/overview/", trainee_overview, name="trainee_overview"),
    path("my-programme/", my_programme, name="my_programme"),
]
