"""Uploaded files, stored once by content (sha256) and never overwritten."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from catalog.scratch import UPLOAD_PREFIX, hold
from schemas.messages import Problem

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    key: str  # path below the storage directory

    def path(self, storage_dir: Path) -> Path:
        return storage_dir / self.key


class TooLarge(ValueError):
    def __init__(self, limit: int):
        self.problem = Problem(
            field="file", code="file_too_large",
            th=f"ไฟล์มีขนาดเกิน {limit:,} ไบต์", en=f"The file is larger than the limit of {limit:,} bytes",
        )
        super().__init__(self.problem.en)


def object_key(sha256: str) -> str:
    return f"objects/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_stream(storage_dir: Path, stream: BinaryIO, max_bytes: int) -> StoredFile:
    """Copy ``stream`` into the store while hashing it; nothing is left behind if it is too large."""
    storage_dir.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    handle, temp_name = tempfile.mkstemp(dir=storage_dir, prefix=UPLOAD_PREFIX)
    try:
        hold(handle)  # in use until closed: a start-up meanwhile does not take it for an orphan
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(max_bytes)
                digest.update(chunk)
                out.write(chunk)
        sha256 = digest.hexdigest()
        target = storage_dir / object_key(sha256)
        if target.exists():
            os.unlink(temp_name)  # same bytes already stored: the object is immutable, keep it
            os.utime(target)  # stored again just now: not for a sweep to take (catalog.kept_files)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp_name, target)
        return StoredFile(sha256=sha256, size=size, key=object_key(sha256))
    except BaseException:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
        raise


def store_upload(storage_dir: Path, stream: BinaryIO, max_bytes: int) -> StoredFile:
    """:func:`store_stream` for an upload: too large is bad input, refused with the bilingual problem."""
    from catalog.errors import ValidationFailed

    try:
        return store_stream(storage_dir, stream, max_bytes)
    except TooLarge as exc:
        raise ValidationFailed([exc.problem]) from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
