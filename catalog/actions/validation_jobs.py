"""Validation of a large data file as a background job.

A file up to ``validate_inline_max_bytes`` is checked within the request that brought it (it takes seconds);
a larger one is kept for the job under the storage directory (workers share it) and checked by a worker, the
resource's page showing "validating" with the job's progress until the report is there. What is refused
(no dictionary to check against, a dataset that may not be edited, no right to) is refused at once, before
anything is kept. The job runs ``resource_validate`` (and, for new data, ``resource_file_replace``) with the
rights of whoever asked, so the rules are the same either way.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from catalog import permissions
from catalog.actions.datasets import check_editable
from catalog.actions.dictionaries import _resource, _version_for
from catalog.actions.jobs import JobPublic, job_create, job_list
from catalog.context import Context
from catalog.models import Organization
from catalog.models.jobs import BackgroundState
from catalog.permissions import action, helper

VALIDATION_KIND = "validation"
JOB_FILES = "job-files"  # under the storage directory, which every worker reads


@helper
def validates_inline(ctx: Context, size: int) -> bool:
    """Whether a file of ``size`` bytes is checked within the request (else by a job)."""
    return size <= ctx.settings.validate_inline_max_bytes


@action("resource_update")
def validation_job_start(
    ctx: Context, dataset: str, resource_id: str, path: Path, *, filename: str | None = None,
    version_id: str | None = None, options: dict[str, Any] | None = None, replace: bool = False,
    keep_invalid: bool = False, keep_file: bool = False,
) -> JobPublic:
    """Queue the check of ``path`` against the resource's dictionary (``version_id``, else the current one).
    ``replace``: the file becomes the resource's data if it passes (or anyway, with ``keep_invalid``), as the
    page's upload of new data does. ``path`` (a copy of an upload, or a link to the resource's stored file,
    named with the file's suffix) is moved into the job's keeping and deleted when the job ends. The caller
    sends the job to the broker after this transaction commits."""
    found, resource = _resource(ctx, dataset, resource_id)
    permissions.check(ctx, "resource_update", found.owner_org_id)
    check_editable(found)
    version = _version_for(ctx, resource, version_id)  # no dictionary: refused now, as inline
    org = ctx.session.get(Organization, found.owner_org_id)
    assert org is not None
    folder = ctx.settings.effective_storage_dir / JOB_FILES
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"{uuid.uuid4()}{path.suffix}"
    shutil.move(path, kept)  # a link moves as a link
    params = {"dataset": found.name, "resource_id": resource.id, "file": str(kept), "delete_file": True,
              "filename": filename or path.name, "version_id": version.id, "options": options or {},
              "replace": replace, "keep_invalid": keep_invalid, "keep_file": keep_file}
    try:
        return job_create(ctx, VALIDATION_KIND, org.name, params)
    except Exception:
        kept.unlink(missing_ok=True)
        raise


@action("job_read")
def validation_jobs_waiting(ctx: Context, dataset: str, resource_id: str) -> list[JobPublic]:
    """The resource's validations still queued or running, oldest first (for its page: "validating")."""
    found, resource = _resource(ctx, dataset, resource_id)
    org = ctx.session.get(Organization, found.owner_org_id)
    if org is None or not permissions.allowed(ctx, "job_read", org.id):
        return []
    jobs = job_list(ctx, org.name, states=(BackgroundState.queued, BackgroundState.running),
                    kinds=(VALIDATION_KIND,), limit=1000)
    return [job for job in reversed(jobs) if job.params.get("resource_id") == resource.id]
