"""Pages for background jobs (pathway/jobs.py): progress, then the result to download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from pathway.access import access_background_job
from pathway.downloads import file_attachment
from pathway.models import BackgroundJob
from pathway.templatetags.jobs import job_progress_text


def _job(request, pk):
    """The job, for its starter only; then GET only, so anyone else is refused the same
    whatever the method."""
    job = access_background_job(request.user, pk)
    if request.method != "GET":
        return job, HttpResponseNotAllowed(["GET"])
    return job, None


@login_required
def job_detail(request, pk):
    job, refused = _job(request, pk)
    if refused:
        return refused
    return render(request, "pathway/job_detail.html", {"job": job})


@never_cache
@login_required
def job_status(request, pk):
    """What the progress page's script asks every few seconds."""
    job, refused = _job(request, pk)
    if refused:
        return refused
    return JsonResponse(
        {
            "status": job.status,
            "status_text": job.get_status_display(),
            "progress_text": job_progress_text(job),
            "finished": job.finished,
        }
    )


@login_required
def job_download(request, pk):
    job, refused = _job(request, pk)
    if refused:
        return refused
    if job.status != BackgroundJob.Status.DONE or not job.result:
        raise Http404
    return file_attachment(
        request,
        job.result,
        filename=job.result_filename,
        content_type=job.result_content_type,
    )
