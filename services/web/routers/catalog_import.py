"""Importing a catalog workbook on the web (the GD Catalog Excel template): upload, a dry run that shows
what would be created and updated (or every problem, by sheet, row and column), then a confirmation that
imports it. Both steps call ``catalog_import`` as the command line does; the workbook waits between them
in a file only the account that uploaded it can name (its account id and the file's SHA-256)."""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from catalog.actions.catalog_import import ImportFailed, ImportReport, catalog_import
from catalog.actions.lookup import get_organization
from catalog.context import Context
from catalog.errors import NotFound
from catalog.permissions import check
from catalog.settings import get_settings
from schemas.messages import Problem, ProblemsError
from services.api.uploads import gated
from services.excel.reader import read_catalog_workbook
from services.web.deps import CSRF, MemberCtx, PageUploadRoute, attempt
from services.web.flash import redirect_with_flash
from services.web.render import render
from services.web.security import page_context

router = APIRouter(include_in_schema=False, route_class=PageUploadRoute)
_SHA = re.compile(r"^[0-9a-f]{64}$")
KEEP_SECONDS = 24 * 3600  # a workbook nobody confirmed is removed after a day


def _folder() -> Path:
    folder = get_settings().effective_storage_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _held(ctx: Context, sha256: str) -> Path:
    """The workbook this account uploaded with that hash (another account's, or none: not found)."""
    if not _SHA.match(sha256) or not ctx.actor.account_id:
        raise NotFound("upload", sha256[:64])
    path = _folder() / f"{ctx.actor.account_id}-{sha256}.xlsx"
    if not path.is_file():
        raise NotFound("upload", sha256)
    return path


def _page(request: Request, ctx: Context, name: str, report: ImportReport | None = None, sha256: str = "",
          problems: list[Problem] | None = None, status: int = 200, choices: Choices | None = None) -> HTMLResponse:
    org = get_organization(ctx, name)
    check(ctx, "catalog_import", org.id)
    return render(request, "catalog_import.html", {"org": org, "report": report, "sha256": sha256,
                                                   "problems": problems or [], "choices": choices or Choices()},
                  status)


@dataclass(frozen=True)
class Choices:
    """What the admin chose with the workbook: thai_gdc's ``template_org`` filter, and whether to publish."""

    template_org: str = ""
    publish: bool = False

    def run(self, ctx: Context, path: Path, name: str, *, dry_run: bool) -> ImportReport:
        return catalog_import(ctx, read_catalog_workbook(path), organization=name, dry_run=dry_run,
                              template_org=self.template_org.strip() or None, publish=self.publish)


@router.get("/organization/{name}/import", response_class=HTMLResponse)
def import_page(request: Request, ctx: MemberCtx, name: str) -> HTMLResponse:
    return _page(request, ctx, name)


def may_import(ctx: Context, params: Mapping[str, str]) -> None:
    """Before the body is read: the organization's admin only (others: 403)."""
    check(ctx, "catalog_import", get_organization(ctx, params["name"]).id)


@router.post("/organization/{name}/import/upload", dependencies=[CSRF])
@gated(may_import)
def upload_workbook(request: Request, name: str, file: Annotated[UploadFile, File()],
                    template_org: Annotated[str, Form(max_length=500)] = "",
                    publish: Annotated[bool, Form()] = False) -> Response:
    """Step 1: keep the workbook and show the dry run (nothing is written to the catalog)."""
    folder = _folder()
    for old in folder.glob("*.xlsx"):  # workbooks left unconfirmed
        if time.time() - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    digest = hashlib.sha256()
    partial = folder / f"upload-{time.time_ns()}.part"
    with partial.open("wb") as out:
        while chunk := file.file.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    sha256 = digest.hexdigest()
    with page_context(request) as ctx:
        path = folder / f"{ctx.actor.account_id}-{sha256}.xlsx"
        shutil.move(partial, path)
        return _preview(request, ctx, name, path, sha256, Choices(template_org, publish))


def _preview(request: Request, ctx: Context, name: str, path: Path, sha256: str, choices: Choices) -> HTMLResponse:
    try:
        report = choices.run(ctx, path, name, dry_run=True)
    except ImportFailed as exc:  # every problem by sheet, row and column; nothing to confirm
        path.unlink(missing_ok=True)
        return _page(request, ctx, name, exc.report, problems=exc.problems, status=422, choices=choices)
    except ProblemsError as exc:  # not a workbook of the template: nothing to confirm
        path.unlink(missing_ok=True)
        return _page(request, ctx, name, problems=exc.problems, status=422, choices=choices)
    return _page(request, ctx, name, report, sha256, choices=choices)


@router.post("/organization/{name}/import", dependencies=[CSRF])
def confirm_import(request: Request, name: str, sha256: Annotated[str, Form(max_length=64)] = "",
                   template_org: Annotated[str, Form(max_length=500)] = "",
                   publish: Annotated[bool, Form()] = False) -> Response:
    """Step 2: import the workbook the dry run showed (all or nothing, with the same choices), then remove it."""
    choices = Choices(template_org, publish)

    def run(ctx: Context) -> ImportReport:
        return choices.run(ctx, _held(ctx, sha256), name, dry_run=False)

    report, problems = attempt(request, run)
    if report is not None:
        with page_context(request) as ctx:
            _held(ctx, sha256).unlink(missing_ok=True)
        return redirect_with_flash("/workspace/", "catalog_imported_published" if report.published
                                   else "catalog_imported",
                                   count=len(report.datasets_created) + len(report.datasets_updated))
    with page_context(request) as ctx:
        return _page(request, ctx, name, problems=problems, status=422)
