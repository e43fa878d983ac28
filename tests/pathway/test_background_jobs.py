"""Background jobs (pathway/jobs.py): a large export made by the task queue for the person who
asked, its progress on a page of theirs only, the file to download when done, run once however
often the queue delivers it, and refused when the person may no longer see the data."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from pathway.jobs import job_run, job_start
from pathway.models import BackgroundJob, RoleCode
from tests import factories
from tests.cohorts import test_charts

pytestmark = pytest.mark.django_db

# Two trainees on a cohort halfway through its year (tests/cohorts/test_charts.py).
known_cohort = test_charts.known_cohort


@pytest.fixture
def in_background(settings):
    """Every grid export is large enough to go to the queue."""
    settings.PATHWAY_EXPORT_IN_BACKGROUND_OVER = 0


def _export(client, cohort, capture, fmt="xlsx"):
    with capture(execute=True):
        return client.get(reverse("cohorts:cohort_grid_export", args=[cohort.pk, fmt]))


def test_a_large_grid_export_is_made_in_the_background_and_downloaded_when_ready(
    client, lead_nurse, known_cohort, in_background, django_capture_on_commit_callbacks
):
    cohort, _c, _ = known_cohort
    client.force_login(lead_nurse)
    response = _export(client, cohort, django_capture_on_commit_callbacks)
    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("pathway:job_detail", args=[job.pk])
    assert job.status == BackgroundJob.Status.DONE
    assert job.started_by == lead_nurse and job.attempts == 1
    assert job.progress_done == job.progress_total == 3  # the heading row and two trainees

    page = client.get(response.url).content.decode()
    assert "Cohort 7: competency grid (XLSX)" in page
    assert "Ready" in page and "nhsuk-tag--green" in page
    grid = reverse("cohorts:cohort_grid", args=[cohort.pk])
    assert f'<a class="nhsuk-back-link" href="{grid}">Back to the competency grid</a>' in page
    assert reverse("pathway:job_download", args=[job.pk]) in page
    assert "job-status.js" not in page  # nothing left to watch

    download = client.get(reverse("pathway:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    content = b"".join(download.streaming_content)
    rows = [
        [cell.value for cell in row]
        for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()
    ]
    assert rows[0][4:] == ["K1", "K2", "S1", "S2"]
    assert [row[0] for row in rows[1:]] == ["Amy Adams", "Ben Brown"]


def test_a_small_export_is_still_sent_at_once(client, lead_nurse, known_cohort):
    cohort, _c, _ = known_cohort
    client.force_login(lead_nurse)
    response = client.get(reverse("cohorts:cohort_grid_export", args=[cohort.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert not BackgroundJob.objects.exists()


def test_asking_again_while_it_waits_is_the_same_job(
    client, lead_nurse, known_cohort, in_background
):
    cohort, _c, _ = known_cohort
    client.force_login(lead_nurse)
    url = reverse("cohorts:cohort_grid_export", args=[cohort.pk, "xlsx"])
    first, second = client.get(url), client.get(url)  # no commit here: the job waits
    assert first.url == second.url
    job = BackgroundJob.objects.get()
    assert job.status == BackgroundJob.Status.QUEUED
    page = client.get(first.url).content.decode()
    assert "Waiting to start" in page and "job-status.js" in page and "Check again" in page
    status = client.get(reverse("pathway:job_status", args=[job.pk])).json()
    assert status == {
        "status": "queued",
        "status_text": "Waiting to start",
        "progress_text": "Waiting for its turn. This usually takes a few seconds.",
        "finished": False,
    }
    # Not ready: nothing to download yet.
    assert client.get(reverse("pathway:job_download", args=[job.pk])).status_code == 404


def test_a_job_runs_once_however_often_the_queue_delivers_it(lead_nurse, known_cohort):
    cohort, _c, _ = known_cohort
    job = job_start(
        actor=lead_nurse,
        kind="cohorts.grid_export",
        title="Grid",
        key="k",
        params={"cohort": cohort.pk, "format": "csv"},
    )
    assert job_run(job_id=job.pk) is True
    assert job_run(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.attempts == 1 and job.status == BackgroundJob.Status.DONE
    assert job.result.read().decode("utf-8-sig").startswith("Trainee")


def test_a_job_whose_person_lost_the_right_fails_with_a_reason(lead_nurse, known_cohort):
    cohort, _c, _ = known_cohort
    job = job_start(
        actor=lead_nurse,
        kind="cohorts.grid_export",
        title="Grid",
        key="k",
        params={"cohort": cohort.pk, "format": "csv"},
    )
    lead_nurse.roles.remove(*lead_nurse.roles.filter(code=RoleCode.LEAD_NURSE))
    lead_nurse = type(lead_nurse).objects.get(pk=lead_nurse.pk)  # no cached permissions
    assert job_run(job_id=job.pk) is True
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.message == "You may no longer do this."
    assert not job.result


@pytest.mark.parametrize(
    "other",
    [
        factories.LeadNurseFactory,
        factories.AdministratorFactory,
        factories.MentorFactory,
        factories.TraineeFactory,
        factories.TutorFactory,
        factories.ManagerFactory,
        factories.PracticeEducatorFactory,
    ],
)
def test_only_the_person_who_asked_sees_the_job(client, lead_nurse, known_cohort, other):
    cohort, _c, _ = known_cohort
    job = job_start(
        actor=lead_nurse,
        kind="cohorts.grid_export",
        title="Grid",
        key="k",
        params={"cohort": cohort.pk, "format": "csv"},
    )
    job_run(job_id=job.pk)
    client.force_login(other())
    for name in ("pathway:job_detail", "pathway:job_status", "pathway:job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, lead_nurse, known_cohort):
    cohort, _c, _ = known_cohort
    job = job_start(
        actor=lead_nurse, kind="cohorts.grid_export", title="Grid", key="k",
        params={"cohort": cohort.pk, "format": "csv"},
    )  # fmt: skip
    response = client.get(reverse("pathway:job_detail", args=[job.pk]))
    assert response.status_code == 302 and "/sign-in/" in response.url


def test_the_grid_says_a_large_file_is_made_while_you_carry_on(
    client, lead_nurse, known_cohort, settings
):
    cohort, _c, _ = known_cohort
    client.force_login(lead_nurse)
    url = reverse("cohorts:cohort_grid", args=[cohort.pk])
    small = client.get(url).content.decode()
    assert ">Download the grid as CSV<" in small and " download>" in small
    settings.PATHWAY_EXPORT_IN_BACKGROUND_OVER = 1
    large = client.get(url).content.decode()
    # Not a download link: it leads to the job's page, which a browser must open, not save.
    assert ">Make the grid as CSV<" in large and " download>" not in large
    assert "A file of 2 trainees takes a little while to make" in large


def test_starting_an_export_checks_who_asks(known_cohort):
    """The service refuses whoever may not see the cohort, before any job is written."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from cohorts.jobs import grid_export_start
    from pathway import esr

    cohort, _c, _ = known_cohort
    for person in (factories.TraineeFactory(), factories.MentorFactory()):
        with pytest.raises((PermissionDenied, Http404)):
            grid_export_start(actor=person, cohort=cohort, fmt="csv")
        with pytest.raises(PermissionDenied):
            esr.esr_import_queue(
                actor=person, stored_name="held-uploads/x.upload", file_name="x.csv", key="k"
            )
    assert not BackgroundJob.objects.exists()
