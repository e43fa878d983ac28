"""Pathway's own work on the task queue (pathway/taskqueue.py)."""

from __future__ import annotations

from celery import Task, shared_task

from pathway.jobs import job_give_up, job_run


class JobTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Out of retries, or a fault in the job's own code: tell the person, do not leave it
        # "in progress" for ever.
        job_give_up(job_id=args[0])


@shared_task(
    base=JobTask,
    # Storage or database briefly out of reach: try again, 10 s, 20 s, ... up to 10 minutes.
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=10,
)
def run_background_job(job_id: str) -> bool:
    return job_run(job_id=job_id)
