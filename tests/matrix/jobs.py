"""Background jobs: the lead nurse's export, which only she may watch and download."""

from pathway.jobs import job_run, job_start
from tests.matrix.common import ANON, LEAD, LOGIN

MATRIX = {
    # Read-only pages, for the person who asked only: to anyone else the job does not exist,
    # whatever the method (405 comes after the access check, for the starter only).
    "pathway:job_detail": {
        "GET": {"*": 404, ANON: LOGIN, LEAD: 200},
        "POST": {"*": 404, ANON: LOGIN, LEAD: 405},
    },
    "pathway:job_status": {
        "GET": {"*": 404, ANON: LOGIN, LEAD: 200},
        "POST": {"*": 404, ANON: LOGIN, LEAD: 405},
    },
    "pathway:job_download": {
        "GET": {"*": 404, ANON: LOGIN, LEAD: 200},
        "POST": {"*": 404, ANON: LOGIN, LEAD: 405},
    },
}

KWARGS = {name: (lambda w: {"pk": w.background_job.pk}) for name in MATRIX}


def extend_world(world):
    world.background_job = job_start(
        actor=world.lead_nurse,
        kind="cohorts.grid_export",
        title="Competency grid",
        key="matrix",
        params={"cohort": world.cohort.pk, "format": "csv"},
    )
    job_run(job_id=world.background_job.pk)
