"""The answer to a request that queued a job: 202, the job, its address in ``Location``; the job goes to the
broker after the answer is sent, so after the request's transaction committed (a worker finds the job row)."""

from __future__ import annotations

from fastapi import BackgroundTasks, Response

from catalog.actions.jobs import JobPublic
from catalog.settings import get_settings
from services.jobs.runner import dispatch


def queued(job: JobPublic, response: Response, tasks: BackgroundTasks) -> JobPublic:
    tasks.add_task(dispatch, get_settings(), job.id)
    response.status_code = 202
    response.headers["Location"] = f"/api/jobs/{job.id}"
    return job
