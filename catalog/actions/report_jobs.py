"""The evaluator's report of a fiscal year built by a job into a file, downloaded once the job is done.

Whoever may read the report (the organization's members, evaluators of that year, sysadmins: the rule
``indicator_report_read``) may ask for it as a job; the job renders it with their rights, so the report is the
one they would have downloaded directly. The file is kept under the storage directory (workers share it),
named by the job alone, so a download never takes a path from the job's result.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from catalog import permissions
from catalog.actions.jobs import JobPublic, job_create, job_show
from catalog.actions.lookup import get_organization
from catalog.context import Context
from catalog.errors import NotFound
from catalog.models.jobs import BackgroundState
from catalog.permissions import action, helper

REPORT_KIND = "report"
REPORT_FORMATS = ("pdf", "xlsx", "html")
REPORT_FOLDER = "job-files/reports"


@action("indicator_report_read")
def report_job_start(ctx: Context, organization: str, fiscal_year: int, fmt: str,
                     as_of: dt.date | None = None) -> JobPublic:
    """Queue the build of the report of ``organization`` for ``fiscal_year`` (Buddhist Era) as ``fmt``. Refused
    at once (as the direct download is) when the actor may not read it. The caller sends the job to the broker
    after this transaction commits."""
    org = get_organization(ctx, organization)
    permissions.check_governance(ctx, org.id, organization, fiscal_year)
    if fmt not in REPORT_FORMATS:
        raise NotFound("report", f"{fiscal_year}.{fmt}")
    params = {"organization": org.name, "fiscal_year": fiscal_year, "format": fmt,
              "as_of": as_of.isoformat() if as_of else None}
    return job_create(ctx, REPORT_KIND, org.name, params)


@helper
def report_job_path(storage_dir: Path, job_id: str, fmt: str) -> Path:
    """Where a report job writes its file."""
    return storage_dir / REPORT_FOLDER / f"{job_id}.{fmt}"


@helper
def report_job_file(ctx: Context, job_id: str) -> tuple[JobPublic, Path]:
    """The built file of a report job the actor may read (``job_show`` decides; NotFound while it is not
    built, or is gone)."""
    job = job_show(ctx, job_id)
    fmt = str(job.params.get("format"))
    path = report_job_path(ctx.settings.effective_storage_dir, job.id, fmt)
    if job.kind != REPORT_KIND or job.state != BackgroundState.succeeded or fmt not in REPORT_FORMATS \
            or not path.is_file():
        raise NotFound("report", job_id)
    return job, path
