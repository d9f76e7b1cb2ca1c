"""A resource's validation reports as stewards act on them: the checked rows as a grid with the bad cells
marked, filters by error type and column, the first errors of each type, the error list as CSV and XLSX.

Reports are for the organization's members (a report shows the rows of a file that may never have been
published); anyone else gets the answer a resource that does not exist gets.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from catalog import permissions
from catalog.actions.access import dataset_show
from catalog.actions.dictionaries import ValidationRunPublic, dictionary_versions, validation_runs
from catalog.actions.resources import resource_dict
from catalog.context import Context
from catalog.errors import NotFound
from catalog.models.dictionary import ValidationRun
from catalog.scratch import scratch_folder
from catalog.storage import object_key
from services.web.deps import MemberCtx
from services.web.render import render
from services.web.report_view import ReportView, build, errors_csv, errors_xlsx, filtered, titled_errors
from services.web.resource_view import member_resource

router = APIRouter(include_in_schema=False)
LIST_LIMIT = 500  # errors listed on the page; the downloads have them all
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _run(ctx: Context, name: str, resource_id: str, run_id: str) -> tuple[ValidationRunPublic, dict[str, Any],
                                                                          dict[str, Any]]:
    """The run (of this resource, read through the catalog), its stored report and the schema it checked."""
    member_resource(ctx, name, resource_id)
    run = next((r for r in validation_runs(ctx, name, resource_id) if r.id == run_id), None)
    stored = ctx.session.get(ValidationRun, run_id) if run else None
    if run is None or stored is None:
        raise NotFound("validation_run", run_id)
    version = next((v for v in dictionary_versions(ctx, name, resource_id) if v.id == run.dictionary_version_id),
                   None)
    return run, stored.report, version.table_schema if version else {}


@contextmanager
def checked_file(ctx: Context, sha256: str) -> Iterator[Path | None]:
    """The checked file under a name its reader accepts (the store names objects by hash alone; openpyxl
    opens only a name ending in .xlsx), or None when it was not kept."""
    stored = ctx.settings.effective_storage_dir / object_key(sha256)
    if not stored.is_file():
        yield None
        return
    with stored.open("rb") as head:
        suffix = ".xlsx" if head.read(4) == b"PK\x03\x04" else ".csv"
    with scratch_folder(ctx.settings.effective_storage_dir, "banchi-report-") as folder:
        path = folder / f"checked{suffix}"
        path.symlink_to(stored.absolute())
        yield path


@router.get("/dataset/{name}/resource/{resource_id}/report", response_class=HTMLResponse)
def latest_report(ctx: MemberCtx, name: str, resource_id: str) -> Response:
    member_resource(ctx, name, resource_id)
    runs = validation_runs(ctx, name, resource_id)
    if not runs:
        return RedirectResponse(f"/dataset/{name}/resource/{resource_id}#report", status_code=303)
    return RedirectResponse(f"/dataset/{name}/resource/{resource_id}/report/{runs[-1].id}", status_code=303)


def _choice(request: Request, key: str, allowed: set[str]) -> str:
    value = request.query_params.get(key, "")
    return value if value in allowed else ""


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(1, min(int(raw), 1_000_000)) if raw.isdigit() else 1


@router.get("/dataset/{name}/resource/{resource_id}/report/{run_id}", response_class=HTMLResponse)
def report_page(request: Request, ctx: MemberCtx, name: str, resource_id: str, run_id: str) -> HTMLResponse:
    run, report, schema = _run(ctx, name, resource_id, run_id)
    dataset, resource = member_resource(ctx, name, resource_id)
    errors = titled_errors(report, schema)
    error_type = _choice(request, "type", {e["type"] for e in errors})
    column = _choice(request, "column", {e["fieldName"] for e in errors if e.get("fieldName")})
    every_row = request.query_params.get("rows") == "all"
    with checked_file(ctx, run.file_sha256) as path:
        view: ReportView = build(report, schema, path, error_type=error_type, column=column, every_row=every_row,
                                 page=_page_number(request))
    filters = {k: v for k, v in (("type", error_type), ("column", column), ("rows", "all" if every_row else ""))
               if v}
    shown = resource_dict(ctx, dataset, resource)
    return render(request, "report.html", {
        "d": dataset_show(ctx, name), "r": shown, "run": run, "view": view, "chosen_type": error_type,
        "chosen_column": column, "every_row": every_row, "list_limit": LIST_LIMIT,
        "base": f"/dataset/{name}/resource/{resource_id}/report/{run_id}",
        "query": f"?{urlencode(filters)}" if filters else "", "filter_query": f"&{urlencode(filters)}" if filters
        else "", "served": run.file_sha256 == shown.get("sha256"),
        "member": permissions.allowed(ctx, "resource_update", dataset.owner_org_id), "problems": [],
    })


def _download(request: Request, ctx: Context, name: str, resource_id: str, run_id: str) -> list[dict[str, Any]]:
    _, report, schema = _run(ctx, name, resource_id, run_id)
    errors = titled_errors(report, schema)
    return filtered(errors, request.query_params.get("type", ""), request.query_params.get("column", ""))


@router.get("/dataset/{name}/resource/{resource_id}/report/{run_id}/errors.csv")
def report_errors_csv(request: Request, ctx: MemberCtx, name: str, resource_id: str, run_id: str) -> Response:
    content = errors_csv(_download(request, ctx, name, resource_id, run_id))
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="errors-{run_id[:8]}.csv"'})


@router.get("/dataset/{name}/resource/{resource_id}/report/{run_id}/errors.xlsx")
def report_errors_xlsx(request: Request, ctx: MemberCtx, name: str, resource_id: str, run_id: str) -> Response:
    content = errors_xlsx(_download(request, ctx, name, resource_id, run_id))
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="errors-{run_id[:8]}.xlsx"'})
