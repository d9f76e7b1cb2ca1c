"""Resources of a dataset: uploading data files, a resource's page with its preview and validation report,
and new data checked against the resource's dictionary before it replaces what the resource serves."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from catalog import permissions
from catalog.actions.access import dataset_show, readable_dataset, readable_resource
from catalog.actions.datasets import check_editable, may_edit
from catalog.actions.dictionaries import dictionary_versions, resource_validate
from catalog.actions.jobs import JobPublic
from catalog.actions.resource_files import resource_file_replace
from catalog.actions.resources import resource_create, resource_delete, resource_dict, resource_update
from catalog.actions.validation_jobs import validates_inline, validation_job_start, validation_jobs_waiting
from catalog.context import Context
from catalog.scratch import scratch_folder
from catalog.settings import get_settings
from catalog.storage import object_key
from schemas.messages import Problem
from services.api.uploads import gated, may_add_resource, may_update_resource
from services.jobs.runner import dispatch
from services.web.deps import CSRF, MemberCtx, PageCtx, PageUploadRoute, attempt, problem_status
from services.web.flash import redirect_with_flash
from services.web.preview import preview_file, table_kind
from services.web.render import render
from services.web.resource_view import resource_state
from services.web.security import page_context

router = APIRouter(include_in_schema=False, route_class=PageUploadRoute)
UploadField = Annotated[UploadFile, File()]


@router.get("/dataset/{name}/resource/new", response_class=HTMLResponse)
def new_resource(request: Request, ctx: MemberCtx, name: str) -> HTMLResponse:
    dataset = readable_dataset(ctx, name)
    permissions.check(ctx, "resource_create", dataset.owner_org_id)
    check_editable(dataset)
    return render(request, "resource_new.html", {"d": dataset_show(ctx, name)})


# uploads are posted to paths ending in /upload: the body limit lets those be as large as the settings allow
@router.post("/dataset/{name}/resource/upload", dependencies=[CSRF])
@gated(may_add_resource)
def upload_resource(request: Request, name: str, file: UploadField,
                    resource_name: Annotated[str, Form(max_length=500)] = "",
                    description: Annotated[str, Form(max_length=10_000)] = "") -> Response:
    data = {key: value for key, value in (("name", resource_name.strip()), ("description", description.strip()))
            if value}
    created, problems = attempt(request, lambda ctx: resource_create(
        ctx, name, data, content=file.file, filename=file.filename or ""))
    if created is not None:
        return redirect_with_flash(f"/dataset/{name}/resource/{created['id']}", "file_uploaded")
    with page_context(request) as ctx:
        return render(request, "resource_new.html", {"d": dataset_show(ctx, name), "problems": problems},
                      problem_status(problems))


@router.post("/dataset/{name}/resource/link", dependencies=[CSRF])
async def link_resource(request: Request, name: str) -> Response:
    """A link to data held elsewhere (CKAN's URL resource): the same ``resource_create`` as the API's."""
    form = await request.form()
    data = {key: str(form.get(key) or "").strip() for key in ("url", "name", "format", "description")}
    created, problems = attempt(request, lambda ctx: resource_create(ctx, name, {k: v for k, v in data.items() if v}))
    if created is not None:
        return redirect_with_flash(f"/dataset/{name}", "link_added")
    with page_context(request) as ctx:
        return render(request, "resource_new.html", {"d": dataset_show(ctx, name), "problems": problems,
                                                     "link": data}, problem_status(problems))


@router.post("/dataset/{name}/resource/{resource_id}/private", dependencies=[CSRF])
async def set_resource_private(request: Request, name: str, resource_id: str) -> Response:
    """Keep a resource inside the organization (CKAN's ``resource_private``) or offer it again."""
    form = await request.form()
    private = form.get("private") == "true"

    def change(ctx: Context) -> Any:
        readable_resource(ctx, resource_id, name)
        return resource_update(ctx, resource_id, {"private": "true" if private else "false"})

    _, problems = attempt(request, change)
    if not problems:
        return redirect_with_flash(f"/dataset/{name}/resource/{resource_id}",
                                   "resource_made_private" if private else "resource_made_shareable")
    with page_context(request) as ctx:
        return _resource_page(request, ctx, name, resource_id, problems, 422)


@router.get("/dataset/{name}/resource/{resource_id}/delete", response_class=HTMLResponse)
def confirm_resource_delete(request: Request, ctx: MemberCtx, name: str, resource_id: str) -> HTMLResponse:
    dataset, resource = readable_resource(ctx, resource_id, name)
    permissions.check(ctx, "resource_delete", dataset.owner_org_id)
    return render(request, "resource_delete.html", {"d": dataset, "r": resource})


@router.post("/dataset/{name}/resource/{resource_id}/delete", dependencies=[CSRF])
async def delete_resource(request: Request, name: str, resource_id: str) -> Response:
    form = await request.form()
    reason = str(form.get("reason") or "").strip() or None

    def delete(ctx: Context) -> Any:
        readable_resource(ctx, resource_id, name)  # of this dataset, and one the actor may read: else 404
        return resource_delete(ctx, resource_id, reason)

    _, problems = attempt(request, delete)
    if not problems:
        return redirect_with_flash(f"/dataset/{name}", "resource_deleted")
    with page_context(request) as ctx:
        return _resource_page(request, ctx, name, resource_id, problems, 422)


@router.get("/dataset/{name}/resource/{resource_id}", response_class=HTMLResponse)
def resource_page(request: Request, ctx: PageCtx, name: str, resource_id: str) -> HTMLResponse:
    return _resource_page(request, ctx, name, resource_id)


def _resource_page(request: Request, ctx: Context, name: str, resource_id: str, problems: list[Problem] | None = None,
                   status: int = 200) -> HTMLResponse:
    dataset, resource = readable_resource(ctx, resource_id, name)
    shown = resource_dict(ctx, dataset, resource)
    kind = table_kind(shown)
    preview = preview_file(ctx.settings.effective_storage_dir / object_key(resource.sha256), kind) \
        if kind and resource.sha256 else None
    member = permissions.allowed(ctx, "resource_update", dataset.owner_org_id)
    return render(request, "resource.html", {
        "d": dataset_show(ctx, name), "r": shown, "preview": preview, "member": member,
        "can_edit": may_edit(ctx, dataset, "resource_update"),
        "state": resource_state(ctx, dataset.name, shown) if member else None, "problems": problems or [],
        "validating": validation_jobs_waiting(ctx, dataset.name, resource.id) if member else [],
    }, status)


@router.post("/dataset/{name}/resource/{resource_id}/upload", dependencies=[CSRF])
@gated(may_update_resource)
def upload_new_data(request: Request, name: str, resource_id: str, file: UploadField,
                    keep_invalid: Annotated[bool, Form()] = False) -> Response:
    """Check the new file against the resource's dictionary; only a file that passes replaces the data, unless
    the steward chose to keep it anyway (then it is served marked as failing, with its report)."""
    filename = file.filename or "data.csv"
    suffix = PurePosixPath(filename).suffix.lower() or ".csv"
    with scratch_folder(get_settings().effective_storage_dir, "banchi-upload-") as folder:
        path = folder / f"upload{suffix}"
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)

        def check_then_keep(ctx: Context) -> dict[str, Any]:
            has_dictionary = bool(dictionary_versions(ctx, name, resource_id))
            if has_dictionary and not validates_inline(ctx, path.stat().st_size):  # a large file: a job checks it
                job = validation_job_start(ctx, name, resource_id, path, filename=filename, replace=True,
                                           keep_invalid=keep_invalid, keep_file=True)
                return {"job": job.id}
            run = resource_validate(ctx, name, resource_id, path, keep_file=True) if has_dictionary else None
            if run is None or run.valid or keep_invalid:
                with path.open("rb") as content:
                    resource_file_replace(ctx, resource_id, content, filename)
            return {"run": run.id if run else None}

        outcome, problems = attempt(request, check_then_keep)
    if outcome is not None and "job" in outcome:
        return _validating(name, resource_id, outcome["job"])
    if outcome is not None:
        return RedirectResponse(_report_url(name, resource_id, outcome["run"]), status_code=303)
    with page_context(request) as ctx:
        return _resource_page(request, ctx, name, resource_id, problems, problem_status(problems))


@router.post("/dataset/{name}/resource/{resource_id}/validate", dependencies=[CSRF])
def validate_served_file(request: Request, name: str, resource_id: str) -> Response:
    """Check the file the resource serves now against its dictionary (after the dictionary changed)."""

    def check(ctx: Context) -> Any:
        _, resource = readable_resource(ctx, resource_id, name)
        kind = table_kind(resource_dict(ctx, readable_dataset(ctx, name), resource))
        stored = ctx.settings.effective_storage_dir / object_key(resource.sha256 or "")
        with tempfile.TemporaryDirectory(prefix="banchi-check-") as folder:
            path = Path(folder) / f"data.{kind or 'csv'}"
            path.symlink_to(stored)
            if not validates_inline(ctx, resource.size or 0):
                return validation_job_start(ctx, name, resource_id, path)
            return resource_validate(ctx, name, resource_id, path)

    outcome, problems = attempt(request, check)
    if isinstance(outcome, JobPublic):
        return _validating(name, resource_id, outcome.id)
    if outcome is not None:
        return RedirectResponse(_report_url(name, resource_id, outcome.id), status_code=303)
    with page_context(request) as ctx:
        return _resource_page(request, ctx, name, resource_id, problems, 422)


def _validating(name: str, resource_id: str, job_id: str) -> Response:
    """A large file's check was queued: to the resource's page, which shows it "validating" until the report."""
    dispatch(get_settings(), job_id)
    return redirect_with_flash(f"/dataset/{name}/resource/{resource_id}", "validation_queued")


def _report_url(name: str, resource_id: str, run_id: str | None) -> str:
    """The run's report page; the resource's own page when there was no dictionary to check against."""
    if run_id is None:
        return f"/dataset/{name}/resource/{resource_id}#report"
    return f"/dataset/{name}/resource/{resource_id}/report/{run_id}"
