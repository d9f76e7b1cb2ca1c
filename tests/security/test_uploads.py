"""Uploads (issue 13, item 7): an anonymous 400 MB upload was read to the end before 401/404, and an upload
killed half-way left its temporary file forever.

An upload is now authorized from its headers and path before a byte of its body is read, stopped at the size
limit while it streams (413), and temporary uploads no live process holds are removed at start-up.
"""

from __future__ import annotations

import asyncio
import fcntl
import io
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from catalog.scratch import remove_orphans
from catalog.settings import Settings, get_settings
from catalog.storage import store_stream
from services.web.site import create_site
from tests.security.conftest import NON_PUBLIC_A, ORG_A, ORG_B, TokenFor

PUBLIC_A = "city-development-indicators"
MB = 1024 * 1024
BOUNDARY = b"banchi-test-boundary"
FILE_PART = (b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
             b"Content-Type: text/csv\r\n\r\n")


class ReadTooMuch(Exception):
    """The application kept reading a body it should have refused."""


def send_upload(path: str, *, size: int, headers: dict[str, str] | None = None, length: bool = True,
                read_at_most: int = MB) -> tuple[int | None, int]:
    """POST a multipart body of ``size`` bytes to the whole site, produced only as the application reads it.

    Returns the status answered and how many body bytes the application had taken by then; reading past
    ``read_at_most`` before answering counts as a failure (the status is then None).
    """
    app = create_site()
    taken, status = 0, None
    chunk = 256 * 1024
    raw = [(b"content-type", b"multipart/form-data; boundary=" + BOUNDARY), (b"host", b"testserver")]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if length:
        raw.append((b"content-length", str(size).encode()))

    async def receive() -> dict[str, object]:
        nonlocal taken
        if taken > read_at_most and status is None:
            raise ReadTooMuch(taken)
        body = FILE_PART if taken == 0 else b"x" * min(chunk, size - taken)
        taken += len(body)
        return {"type": "http.request", "body": body, "more_body": taken < size}

    async def send(message: dict[str, object]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])  # type: ignore[call-overload]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"", "headers": raw,
             "client": ("127.0.0.1", 40000), "server": ("testserver", 80)}
    try:
        asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    except ReadTooMuch:
        return None, taken
    return status, taken


UPLOAD_PATHS = [
    f"/api/datasets/{PUBLIC_A}/resources/upload",
    "/api/evidence/upload",
    "/api/meetings/upload",
    f"/dataset/{PUBLIC_A}/resource/upload",
    f"/organization/{ORG_A}/evidence/upload",
]


@pytest.mark.usefixtures("two_orgs")
@pytest.mark.parametrize("path", UPLOAD_PATHS)
def test_an_anonymous_400_mb_upload_is_refused_before_its_body_is_read(path: str) -> None:
    status, taken = send_upload(path, size=400 * MB)
    assert status in (401, 303), f"answered {status} after reading {taken:,} bytes"  # 303: the sign-in page
    assert taken == 0


@pytest.mark.usefixtures("two_orgs")
def test_a_bad_token_is_refused_before_the_body_is_read() -> None:
    status, taken = send_upload(UPLOAD_PATHS[0], size=400 * MB, headers={"Authorization": "Bearer bch_nope"})
    assert (status, taken) == (401, 0)


def test_an_upload_to_a_dataset_one_may_not_see_or_change_is_refused_before_its_body_is_read(
    token_for: TokenFor, two_orgs: Settings,
) -> None:
    steward_b = token_for("steward.b@other.example", "steward", org=ORG_B)
    hidden, taken = send_upload(f"/api/datasets/{NON_PUBLIC_A}/resources/upload", size=400 * MB, headers=steward_b)
    assert (hidden, taken) == (404, 0)  # as a dataset that does not exist
    public, taken = send_upload(f"/api/datasets/{PUBLIC_A}/resources/upload", size=400 * MB, headers=steward_b)
    assert (public, taken) == (403, 0)


def test_an_upload_without_a_length_is_stopped_at_the_limit_while_it_streams(
    token_for: TokenFor, two_orgs: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BANCHI_MAX_UPLOAD_BYTES", str(MB))
    get_settings.cache_clear()
    steward = token_for("steward@bangkok.go.th", "steward", org=ORG_A)
    status, taken = send_upload(f"/api/datasets/{PUBLIC_A}/resources/upload", size=400 * MB, headers=steward,
                                length=False, read_at_most=2 * MB)
    assert status == 413, f"answered {status} after reading {taken:,} bytes"
    assert taken <= MB + 512 * 1024


def _hold(path: Path) -> int:
    fd = os.open(path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_temporary_uploads_a_killed_process_left_are_removed_at_start_up(two_orgs: Settings) -> None:
    storage = two_orgs.effective_storage_dir
    (storage / "tmp").mkdir(parents=True, exist_ok=True)
    killed_upload = storage / ".upload-killed"
    killed_upload.write_bytes(b"x" * 1000)  # what store_stream was writing when the process was killed
    killed_folder = storage / "tmp" / "banchi-killed"
    killed_folder.mkdir()
    (killed_folder / "upload.csv").write_bytes(b"a,b\n")
    receiving = storage / ".upload-receiving"  # another worker is still receiving this one
    receiving.write_bytes(b"y")
    held = _hold(receiving)
    try:
        with TestClient(create_site()) as client:  # start-up
            assert client.get("/health").status_code == 200
        assert not killed_upload.exists() and not killed_folder.exists()
        assert receiving.exists()
    finally:
        os.close(held)


def test_an_upload_in_progress_holds_its_temporary_file(tmp_path: Path) -> None:
    """While a file streams into the store its temporary file is held: a start-up meanwhile leaves it alone."""
    removed: list[list[Path]] = []

    class SlowUpload(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            removed.append(remove_orphans(tmp_path))  # another worker starting while this one receives
            return super().read(size)

    stored = store_stream(tmp_path, SlowUpload(b"a,b\n1,2\n"), max_bytes=MB)
    assert (tmp_path / stored.key).read_bytes() == b"a,b\n1,2\n"
    assert removed and all(r == [] for r in removed)
    assert not list(tmp_path.glob(".upload-*"))
