"""The dictionary editor: infer a draft from the file, edit the fields in a table, compare versions, approve.

Versions are the catalog's (``dictionary_version_create``/``_approve``): a save is a new draft, and only
a member of the organization's working group may approve.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from catalog import permissions
from catalog.actions.access import dataset_show, readable_resource
from catalog.actions.dictionaries import dictionary_version_approve, dictionary_version_create, dictionary_versions
from catalog.actions.resources import resource_dict
from catalog.context import Context
from catalog.errors import NotFound
from catalog.permissions import may_read_org_records
from catalog.storage import object_key
from dictionaries.diff import diff, is_breaking
from dictionaries.infer import infer
from dictionaries.model import FIELD_TYPES, Dictionary
from schemas.messages import Problem, ProblemsError
from services.web.deps import CSRF, MemberCtx, attempt
from services.web.dictionary_form import schema_from_form
from services.web.preview import table_kind
from services.web.render import render
from services.web.security import page_context

router = APIRouter(include_in_schema=False)


@router.get("/dataset/{name}/dictionary", response_class=HTMLResponse)
def dataset_dictionaries(request: Request, ctx: MemberCtx, name: str) -> Response:
    shown = dataset_show(ctx, name)
    files = [r for r in shown.get("resources", []) if r.get("kind") == "file"]
    if len(files) == 1:
        return RedirectResponse(f"/dataset/{name}/resource/{files[0]['id']}/dictionary", status_code=303)
    versions = {r["id"]: dictionary_versions(ctx, name, r["id"]) for r in files}
    return render(request, "dictionaries.html", {"d": shown, "files": files, "versions": versions})


def _member_resource(ctx: Context, name: str, resource_id: str) -> dict[str, Any]:
    dataset, resource = readable_resource(ctx, resource_id, name)
    if not may_read_org_records(ctx.actor, dataset.owner_org_id):
        raise NotFound("resource", resource_id)
    return resource_dict(ctx, dataset, resource)


def _inferred(ctx: Context, resource: dict[str, Any]) -> dict[str, Any]:
    kind = table_kind(resource)
    if not kind:
        raise NotFound("resource", resource["id"])
    stored = ctx.settings.effective_storage_dir / object_key(resource["sha256"])
    with tempfile.TemporaryDirectory(prefix="banchi-infer-") as folder:
        path = Path(folder) / f"data.{kind}"
        path.symlink_to(stored)
        return infer(path).dictionary.to_table_schema()


def _editor(request: Request, ctx: Context, name: str, resource_id: str, *, schema: dict[str, Any] | None = None,
            problems: list[Problem] | None = None, status: int = 200) -> HTMLResponse:
    resource = _member_resource(ctx, name, resource_id)
    versions = dictionary_versions(ctx, name, resource_id)
    params = request.query_params
    by_number = {str(v.number): v for v in versions}
    shown = by_number.get(params.get("version", "")) or (versions[-1] if versions else None)
    inferred = False
    if schema is None:
        if params.get("infer") or shown is None:
            try:
                schema, inferred = _inferred(ctx, resource), True
            except ProblemsError as exc:
                schema, problems = {"fields": []}, [*(problems or []), *exc.problems]
        else:
            schema = shown.table_schema
    changes, breaking = None, False
    old, new = by_number.get(params.get("old", "")), by_number.get(params.get("new", ""))
    if old and new:
        changes = diff(Dictionary.from_table_schema(old.table_schema), Dictionary.from_table_schema(new.table_schema))
        breaking = is_breaking(changes)
    dataset, _ = readable_resource(ctx, resource_id, name)
    return render(request, "dictionary.html", {
        "d": dataset_show(ctx, name), "r": resource, "versions": versions, "shown": shown, "inferred": inferred,
        "schema": schema, "base": json.dumps(schema, ensure_ascii=False), "types": FIELD_TYPES,
        "problems": problems or [], "changes": changes, "breaking": breaking, "old": old, "new": new,
        "can_edit": permissions.allowed(ctx, "resource_update", dataset.owner_org_id),
    }, status)


@router.get("/dataset/{name}/resource/{resource_id}/dictionary", response_class=HTMLResponse)
def dictionary_editor(request: Request, ctx: MemberCtx, name: str, resource_id: str) -> HTMLResponse:
    return _editor(request, ctx, name, resource_id)


@router.post("/dataset/{name}/resource/{resource_id}/dictionary", dependencies=[CSRF])
async def save_dictionary(request: Request, name: str, resource_id: str) -> Response:
    schema = schema_from_form(await request.form())
    saved, problems = attempt(request, lambda ctx: dictionary_version_create(ctx, name, resource_id, schema))
    if saved is not None:
        return RedirectResponse(f"/dataset/{name}/resource/{resource_id}/dictionary?version={saved.number}",
                                status_code=303)
    with page_context(request) as ctx:
        return _editor(request, ctx, name, resource_id, schema=schema, problems=problems, status=422)


@router.post("/dataset/{name}/resource/{resource_id}/dictionary/approve", dependencies=[CSRF])
async def approve_dictionary(request: Request, name: str, resource_id: str) -> Response:
    version_id = str((await request.form()).get("version_id") or "")

    def approve(ctx: Context) -> Any:
        _member_resource(ctx, name, resource_id)
        if version_id not in {v.id for v in dictionary_versions(ctx, name, resource_id)}:
            raise NotFound("dictionary_version", version_id)
        return dictionary_version_approve(ctx, version_id)

    approved, problems = attempt(request, approve)
    if approved is not None:
        return RedirectResponse(f"/dataset/{name}/resource/{resource_id}/dictionary?version={approved.number}",
                                status_code=303)
    with page_context(request) as ctx:
        return _editor(request, ctx, name, resource_id, problems=problems, status=422)
