"""Temporary files of uploads in progress, and the removal of those a killed process left behind.

An upload is written beside the store (``.upload-*`` in the storage directory) before it is moved into
place, and a file the dictionaries library must read from a path is put in a folder under ``tmp/`` there.
Each holds an exclusive ``flock`` while in use; a process that is killed loses its locks, so at start-up
whatever can be locked is an orphan and is removed, while the uploads other workers are still receiving
(locked) are left alone.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

UPLOAD_PREFIX = ".upload-"
SCRATCH_DIR = "tmp"


def hold(fd: int) -> None:
    """Mark the open file (or folder) ``fd`` as in use until it is closed."""
    fcntl.flock(fd, fcntl.LOCK_EX)


@contextmanager
def scratch_folder(storage_dir: Path, prefix: str = "banchi-") -> Iterator[Path]:
    """A folder of one's own under the storage directory's ``tmp/``, removed on leaving (or at the next
    start-up, if the process is killed first)."""
    root = storage_dir / SCRATCH_DIR
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=root, prefix=prefix))
    fd = os.open(folder, os.O_RDONLY)
    try:
        hold(fd)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def remove_orphans(storage_dir: Path) -> list[Path]:
    """Remove temporary uploads that no live process holds; returns what was removed."""
    candidates = list(storage_dir.glob(f"{UPLOAD_PREFIX}*")) if storage_dir.is_dir() else []
    scratch = storage_dir / SCRATCH_DIR
    if scratch.is_dir():
        candidates += list(scratch.iterdir())
    removed = []
    for path in candidates:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue  # gone meanwhile, or not ours to open
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # an upload still being received
        else:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed
