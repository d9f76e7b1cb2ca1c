"""A file's size and sha256, computed in a thread of its own from the moment it is asked for.

hashlib and file reads release the GIL, so the hash runs on another core while the caller works: the
CLI starts it before it loads Arrow (imports take a third of a second on one core), and the validation
engine starts one for any file it is not handed one for. Kept apart from :mod:`dictionaries.validate`
so that starting it imports nothing heavy.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

# large reads: each needs the GIL back between two updates, and another thread may hold it for a
# switch interval (5 ms) at a time
CHUNK = 8 << 20


class FileDigest:
    """``result()`` is ``(bytes, sha256 hex)`` of the whole file; ``cancel()`` stops a hash no longer wanted."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._stop = threading.Event()
        self._result: tuple[int, str] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="banchi-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = file_digest(self.path, self._stop)
        except BaseException as exc:  # handed to whoever asks for the result
            self._error = exc

    def result(self) -> tuple[int, str]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def cancel(self) -> None:
        self._stop.set()


def file_digest(path: Path, stop: threading.Event | None = None) -> tuple[int, str]:
    """Size and sha256 of the whole file (``stop`` ends it early when the result is no longer wanted)."""
    digest, size = hashlib.sha256(), 0
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with Path(path).open("rb", buffering=0) as handle:
        while (count := handle.readinto(buffer)) and not (stop and stop.is_set()):
            digest.update(view[:count])
            size += count
    return size, digest.hexdigest()
