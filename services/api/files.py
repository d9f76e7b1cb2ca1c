"""Stored files served as downloads, and files the dictionaries library reads from a path (it tells CSV
from XLSX by the suffix): an upload or a stored resource, under a name with its suffix in a temporary folder
that lives as long as the request (under the storage directory's ``tmp/``, removed at start-up if a killed
process left it: ``catalog.scratch``)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from fastapi import UploadFile
from fastapi.responses import FileResponse

from catalog.context import Context
from catalog.errors import NotFound
from catalog.models import Resource
from catalog.scratch import scratch_folder
from catalog.storage import object_key
from services.api.headers import SANDBOX_CSP

_SUFFIX = re.compile(r"^\.[a-z0-9]{1,10}$")


def _suffix(name: str | None, default: str = ".csv") -> str:
    suffix = PurePosixPath(name or "").suffix.lower()
    return suffix if _SUFFIX.match(suffix) else default


@contextmanager
def upload_path(file: UploadFile, storage_dir: Path) -> Iterator[Path]:
    """The uploaded file, copied out of the request (the body limit already bounds its size)."""
    with scratch_folder(storage_dir, "banchi-api-") as folder:
        path = folder / f"upload{_suffix(file.filename)}"
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        yield path


@contextmanager
def stored_path(storage_dir: Path, resource: Resource) -> Iterator[Path | None]:
    """The resource's stored file (a link to it), or None for a link resource or a missing object."""
    stored = storage_dir / object_key(resource.sha256) if resource.sha256 else None
    if stored is None or not stored.is_file():
        yield None
        return
    with scratch_folder(storage_dir, "banchi-api-") as folder:
        named = resource.filename or f"data.{(resource.format or 'csv').lower()}"
        path = folder / f"data{_suffix(named)}"
        path.symlink_to(stored.absolute())  # a relative target would be read from the scratch folder
        yield path


def stored_download(ctx: Context, sha256: str | None, *, media_type: str | None, filename: str,
                    missing: NotFound) -> FileResponse:
    """The stored object ``sha256`` as a download named ``filename``; ``missing`` when there is none."""
    path = ctx.settings.effective_storage_dir / object_key(sha256) if sha256 else None
    if path is None or not path.is_file():
        raise missing
    # an uploaded page (HTML, SVG) opened from here must not run script as Banchi: sandboxed, whatever its type
    return FileResponse(path, media_type=media_type or "application/octet-stream", filename=filename,
                        headers={"ETag": f'"{sha256}"', "Content-Security-Policy": SANDBOX_CSP})
