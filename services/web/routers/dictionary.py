"""The dictionary editor: the whole dictionary as one grid (inferred from the file in place, or loaded from the
Excel template), saved as one draft per save; each version on a page of its own, read-only, with its changes
against the current approved version, where the working group approves the newest draft.

Versions are the catalog's (``dictionary_version_create``/``_approve``); who may do what is decided there.
"""

from __future__ import annotations

import shutil
from pathlib import PurePosixPath
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from catalog.actions.access import dataset_show
from catalog.actions.datasets import may_edit
from catalog.actions.dictionaries import (
    VersionPublic,
    dictionary_version_approve,
    dictionary_version_create,
    dictionary_versions,
)
from catalog.actions.resources import resource_dict
from catalog.actions.working_groups import is_working_group_member
from catalog.context import Context
from catalog.errors import NotFound
from catalog.models import Dataset, Resource
from catalog.scratch import scratch_folder
from dictionaries.diff import Change, diff, is_breaking
from dictionaries.excel import COLUMNS, export_xlsx, field_cells, import_xlsx
from dictionaries.infer import infer
from dictionaries.messages import problem
from dictionaries.model import CLASSIFICATIONS, FIELD_TYPES, FIELDS_MATCH, Dictionary
from schemas.messages import Problem, ProblemsError
from services.api.files import stored_path
from services.api.uploads import gated, may_update_resource
from services.web.deps import CSRF, MemberCtx, PageUploadRoute, attempt
from services.web.dictionary_form import Grid, grid_from_form
from services.web.preview import table_kind
from services.web.render import render
from services.web.resource_view import member_resource
from services.web.security import page_context

router = APIRouter(include_in_schema=False, route_class=PageUploadRoute)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMN_OF = {column.en: column for column in COLUMNS}


@router.get("/dataset/{name}/dictionary", response_class=HTMLResponse)
def dataset_dictionaries(request: Request, ctx: MemberCtx, name: str) -> Response:
    shown = dataset_show(ctx, name)
    files = [r for r in shown.get("resources", []) if r.get("kind") == "file"]
    if len(files) == 1:
        return RedirectResponse(f"/dataset/{name}/resource/{files[0]['id']}/dictionary", status_code=303)
    versions = {r["id"]: dictionary_versions(ctx, name, r["id"]) for r in files}
    return render(request, "dictionaries.html", {"d": shown, "files": files, "versions": versions})


def _inferred(ctx: Context, dataset: Dataset, resource: Resource) -> dict[str, Any]:
    """A draft inferred from the file the resource serves; a problem names the resource, never a server path."""
    if not table_kind(resource_dict(ctx, dataset, resource)):
        raise NotFound("resource", resource.id)
    with stored_path(ctx.settings.effective_storage_dir, resource) as path:
        if path is None:
            raise ProblemsError([problem("file_not_found", "resource", value=resource.name or resource.id)])
        return infer(path).dictionary.to_table_schema()


def _current_approved(versions: list[VersionPublic]) -> VersionPublic | None:
    return next((v for v in versions if v.current), None)


def _changes(old: VersionPublic | None, new: VersionPublic | None) -> list[Change] | None:
    if old is None or new is None:
        return None
    return diff(Dictionary.from_table_schema(old.table_schema), Dictionary.from_table_schema(new.table_schema))


def _editor(request: Request, ctx: Context, name: str, resource_id: str, *, grid: Grid | None = None,
            problems: list[Problem] | None = None, status: int = 200, source: str = "") -> HTMLResponse:
    dataset, resource = member_resource(ctx, name, resource_id)
    versions = dictionary_versions(ctx, name, resource_id)
    params = request.query_params
    by_number = {str(v.number): v for v in versions}
    shown = by_number.get(params.get("version", "")) or (versions[-1] if versions else None)
    if grid is None:
        if params.get("infer") or shown is None:
            try:
                grid, source = Grid.from_schema(_inferred(ctx, dataset, resource)), "inferred"
            except ProblemsError as exc:
                grid, problems = Grid([]), [*(problems or []), *exc.problems]
        else:
            grid = Grid.from_schema(shown.table_schema)
    old, new = by_number.get(params.get("old", "")), by_number.get(params.get("new", ""))
    changes = _changes(old, new)
    bad_rows = {p.row for p in problems or [] if p.row is not None and p.sheet is None}
    bad_cells = {(p.row, COLUMN_OF[p.column].key) for p in problems or []
                 if p.row is not None and p.sheet is None and p.column in COLUMN_OF}
    return render(request, "dictionary.html", {
        "d": dataset_show(ctx, name), "r": resource_dict(ctx, dataset, resource), "versions": versions,
        "shown": shown, "source": source, "grid": grid, "columns": COLUMNS, "types": FIELD_TYPES,
        "fields_match": FIELDS_MATCH, "classifications": CLASSIFICATIONS, "problems": problems or [],
        "bad_rows": bad_rows, "bad_cells": bad_cells, "column_of": COLUMN_OF,
        "changes": changes, "breaking": is_breaking(changes or []), "old": old, "new": new,
        "current": _current_approved(versions),
        "can_edit": may_edit(ctx, dataset, "resource_update"),
    }, status)


@router.get("/dataset/{name}/resource/{resource_id}/dictionary", response_class=HTMLResponse)
def dictionary_editor(request: Request, ctx: MemberCtx, name: str, resource_id: str) -> HTMLResponse:
    return _editor(request, ctx, name, resource_id)


@router.post("/dataset/{name}/resource/{resource_id}/dictionary", dependencies=[CSRF])
async def save_dictionary(request: Request, name: str, resource_id: str) -> Response:
    """The whole grid, saved as one new draft; a bad cell is named by row and column and nothing is saved."""
    grid = grid_from_form(await request.form())

    def save(ctx: Context) -> VersionPublic:
        member_resource(ctx, name, resource_id)
        return dictionary_version_create(ctx, name, resource_id, grid.to_schema())

    saved, problems = attempt(request, save)
    if saved is not None:
        return RedirectResponse(f"/dataset/{name}/resource/{resource_id}/dictionary?version={saved.number}",
                                status_code=303)
    with page_context(request) as ctx:
        return _editor(request, ctx, name, resource_id, grid=grid, problems=problems, status=422)


@router.get("/dataset/{name}/resource/{resource_id}/dictionary/template.xlsx")
def dictionary_workbook(request: Request, ctx: MemberCtx, name: str, resource_id: str) -> Response:
    """The shown version (else the newest, else a draft inferred from the file) as the Excel template."""
    dataset, resource = member_resource(ctx, name, resource_id)
    versions = dictionary_versions(ctx, name, resource_id)
    wanted = request.query_params.get("version", "")
    version = next((v for v in versions if str(v.number) == wanted), versions[-1] if versions else None)
    if wanted and (version is None or str(version.number) != wanted):
        raise NotFound("dictionary_version", wanted)
    schema = version.table_schema if version else _inferred(ctx, dataset, resource)
    with scratch_folder(ctx.settings.effective_storage_dir, "banchi-dictionary-") as folder:
        content = export_xlsx(Dictionary.from_table_schema(schema), folder / "dictionary.xlsx").read_bytes()
    filename = f"{dataset.name}-dictionary" + (f"-v{version.number}" if version else "") + ".xlsx"
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


# the path ends in /upload: the body limit lets it be as large as the settings allow
@router.post("/dataset/{name}/resource/{resource_id}/dictionary/upload", dependencies=[CSRF])
@gated(may_update_resource)
def load_workbook(request: Request, name: str, resource_id: str,
                  file: Annotated[UploadFile, File()]) -> HTMLResponse:
    """A filled-in Excel template, loaded into the grid to review and save (nothing is saved yet)."""
    suffix = PurePosixPath(file.filename or "").suffix.lower()
    with page_context(request) as ctx:
        member_resource(ctx, name, resource_id)
        if suffix != ".xlsx":
            refused = problem("unsupported_format", "file", value=suffix or file.filename or "")
            return _editor(request, ctx, name, resource_id, problems=[refused], status=422)
        with scratch_folder(ctx.settings.effective_storage_dir, "banchi-dictionary-") as folder:
            path = folder / "dictionary.xlsx"
            with path.open("wb") as out:
                shutil.copyfileobj(file.file, out)
            try:
                loaded = import_xlsx(path)
            except ProblemsError as exc:
                return _editor(request, ctx, name, resource_id, problems=exc.problems, status=422)
        return _editor(request, ctx, name, resource_id, grid=Grid.from_schema(loaded.to_table_schema()),
                       source="workbook")


# -- one version, read-only, and its approval ---------------------------------------------------------------


def _may_approve(ctx: Context, dataset: Dataset) -> bool:
    person = ctx.actor.person_id
    return bool(person) and is_working_group_member(ctx, person or "", dataset.owner_org_id)


def _version_page(request: Request, ctx: Context, name: str, resource_id: str, number: int,
                  problems: list[Problem] | None = None, status: int = 200) -> HTMLResponse:
    dataset, resource = member_resource(ctx, name, resource_id)
    versions = dictionary_versions(ctx, name, resource_id)
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise NotFound("dictionary_version", str(number))
    current = _current_approved(versions)
    dictionary = Dictionary.from_table_schema(version.table_schema)
    newest = versions[-1].number
    return render(request, "dictionary_version.html", {
        "d": dataset_show(ctx, name), "r": resource_dict(ctx, dataset, resource), "v": version,
        "versions": versions, "current": current, "columns": COLUMNS, "rows": field_cells(dictionary),
        "dictionary": dictionary, "changes": _changes(current, version) if current and current is not version
        else None, "newest": newest, "may_approve": _may_approve(ctx, dataset), "problems": problems or [],
    }, status)


@router.get("/dataset/{name}/resource/{resource_id}/dictionary/versions/{number}", response_class=HTMLResponse)
def version_page(request: Request, ctx: MemberCtx, name: str, resource_id: str, number: int) -> HTMLResponse:
    return _version_page(request, ctx, name, resource_id, number)


@router.post("/dataset/{name}/resource/{resource_id}/dictionary/approve", dependencies=[CSRF])
async def approve_dictionary(request: Request, name: str, resource_id: str) -> Response:
    """Approve a version (the catalog refuses any but the newest draft, and anyone off the working group)."""
    version_id = str((await request.form()).get("version_id") or "")
    number: int | None = None

    def approve(ctx: Context) -> Any:
        nonlocal number
        member_resource(ctx, name, resource_id)
        listed = {v.id: v for v in dictionary_versions(ctx, name, resource_id)}
        if version_id not in listed:
            raise NotFound("dictionary_version", version_id)
        number = listed[version_id].number
        return dictionary_version_approve(ctx, version_id)

    approved, problems = attempt(request, approve)
    if approved is not None:
        return RedirectResponse(f"/dataset/{name}/resource/{resource_id}/dictionary/versions/{approved.number}",
                                status_code=303)
    with page_context(request) as ctx:
        assert number is not None
        return _version_page(request, ctx, name, resource_id, number, problems, status=422)
