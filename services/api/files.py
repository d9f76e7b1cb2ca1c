"""Stored files served as downloads, and files the dictionaries library reads from a path (it tells CSV
from XLSX by the suffix): an upload or a stored resource, under a name with its suffix in a temporary folder
that lives as long as the request (under the storage directory's ``tmp/``, removed at start-up if a killed
process left it: ``catalog.scratch``)."""

from __future__ import annotations

import codecs
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from fastapi import UploadFile
from fastapi.responses import FileResponse, StreamingResponse

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


# The charset a text download is labelled with, by the codec the file decodes with. Thai files from Windows
# are cp874; "tis-620" is the label both sides know: browsers read it as windows-874 (WHATWG Encoding
# labels), and Python tools (requests, httpx, pandas) find a codec by that name, which they do not for
# "windows-874" (they then fall back to UTF-8 and show mojibake).
HTTP_CHARSETS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "cp874": "tis-620", "tis-620": "tis-620"}
TEXT_TYPES = ("text/", "application/csv")


def text_codec(path: Path, declared: str | None) -> str | None:
    """The codec a stored text file decodes with: as declared at upload if that is one we label, else
    detected from its bytes (UTF-8, UTF-8 with BOM or TIS-620/cp874); None when neither says."""
    from dictionaries.encoding import HEAD_BYTES, detect_encoding, read_head
    from schemas.messages import ProblemsError

    head = read_head(path)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if declared:
        try:
            name = codecs.lookup(declared).name
        except LookupError:
            name = None
        if name in HTTP_CHARSETS:
            return name
    try:
        return detect_encoding(head, full=len(head) < HEAD_BYTES)
    except ProblemsError:
        return None


def transcoded(path: Path, codec: str, chunk: int = 1 << 16) -> Iterator[bytes]:
    """The file re-encoded as UTF-8 (no BOM), a block at a time; a byte the codec cannot read becomes U+FFFD."""
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            yield decoder.decode(block).encode("utf-8")
        yield decoder.decode(b"", final=True).encode("utf-8")


def stored_download(ctx: Context, sha256: str | None, *, media_type: str | None, filename: str,
                    missing: NotFound, declared_encoding: str | None = None,
                    as_utf8: bool = False) -> FileResponse | StreamingResponse:
    """The stored object ``sha256`` as a download named ``filename``; ``missing`` when there is none."""
    path = ctx.settings.effective_storage_dir / object_key(sha256) if sha256 else None
    if path is None or not path.is_file():
        raise missing
    media_type = media_type or "application/octet-stream"
    # an uploaded page (HTML, SVG) opened from here must not run script as Banchi: sandboxed, whatever its type
    headers = {"ETag": f'"{sha256}"', "Content-Security-Policy": SANDBOX_CSP}
    if media_type.startswith(TEXT_TYPES):
        # the file's own charset, never the "utf-8" Starlette would add to any text/* type by itself
        codec = text_codec(path, declared_encoding)
        if as_utf8 and codec:
            stem, dot, suffix = filename.rpartition(".")
            name = f"{stem}.utf-8.{suffix}" if dot else f"{filename}.utf-8"
            headers = {"ETag": f'"{sha256}-utf-8"', "Content-Security-Policy": SANDBOX_CSP,
                       "Content-Disposition": content_disposition(name)}
            return StreamingResponse(transcoded(path, codec), media_type=f"{media_type}; charset=utf-8",
                                     headers=headers)
        media_type = f"{media_type}; charset={HTTP_CHARSETS[codec]}" if codec else "application/octet-stream"
    return FileResponse(path, media_type=media_type, filename=filename, headers=headers)


def content_disposition(filename: str) -> str:
    """An attachment named ``filename`` (RFC 6266: an ASCII fallback and the UTF-8 name)."""
    from urllib.parse import quote

    fallback = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=utf-8''{quote(filename)}"
