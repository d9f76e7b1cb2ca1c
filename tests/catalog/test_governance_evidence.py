"""Evidence: a dated document (by sha256, never overwritten) or link, who added it and what it shows."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlmodel import select

from catalog.actions.evidence import evidence_add, evidence_list, working_group_meetings
from catalog.errors import ValidationFailed
from catalog.models.governance import Evidence
from catalog.settings import Settings
from catalog.storage import object_key
from tests.conftest import OpenContext
from tests.governance_helpers import CHAIR, at, make_agency

MINUTES = "รายงานการประชุมคณะทำงาน ครั้งที่ 1/2563\n".encode()


@pytest.fixture
def dataset(open_ctx: OpenContext) -> str:
    with open_ctx(clock=at("2021-01-05")) as ctx:
        return make_agency(ctx, meeting=True)


def _count(open_ctx: OpenContext) -> int:
    with open_ctx() as ctx:
        return len(ctx.session.exec(select(Evidence)).all())


def test_document_is_stored_by_sha256_and_never_overwritten(open_ctx: OpenContext, dataset: str,
                                                            settings: Settings) -> None:
    before = _count(open_ctx)
    with open_ctx(clock=at("2021-06-30")) as ctx:
        first = evidence_add(ctx, {"dataset": dataset, "gate": "usage_evidence", "evidence_date": "2021-06-29",
                                   "description": "หลักฐานการใช้ประโยชน์", "added_by": CHAIR},
                             content=io.BytesIO(MINUTES), filename="../หลักฐาน.txt")
        again = evidence_add(ctx, {"organization": "bma-hrd", "evidence_date": "2021-06-30",
                                   "description": "สำเนา", "added_by": CHAIR},
                             content=io.BytesIO(MINUTES), filename="copy.txt")
    digest = hashlib.sha256(MINUTES).hexdigest()
    assert first.sha256 == again.sha256 == digest and first.filename == "หลักฐาน.txt"
    assert (first.stage, first.gate, first.fiscal_year, first.kind) == (4, "usage_evidence", 2564, "document")
    assert first.added_by == CHAIR and first.url.endswith(f"/evidence/{first.id}/download/หลักฐาน.txt")
    assert (settings.effective_storage_dir / object_key(digest)).read_bytes() == MINUTES
    assert _count(open_ctx) == before + 2
    with open_ctx() as ctx:
        assert [e.description for e in evidence_list(ctx, "bma-hrd", dataset=dataset)] == ["หลักฐานการใช้ประโยชน์"]


@pytest.mark.parametrize(("data", "content", "fields"), [
    ({"description": "ไม่มีวันที่", "url": "https://x.go.th/a"}, None, {"evidence_date"}),
    ({"description": "ไม่มีไฟล์", "evidence_date": "2021-01-01"}, None, {"file"}),
    ({"description": "ทั้งสอง", "evidence_date": "2021-01-01", "url": "https://x.go.th/a"}, b"x", {"url"}),
    ({"description": "อนาคต", "evidence_date": "2021-02-01", "url": "https://x.go.th/a"}, None, {"evidence_date"}),
    ({"evidence_date": "2021-01-01", "url": "https://x.go.th/a"}, None, {"description"}),
    ({"description": "ลิงก์เสีย", "evidence_date": "2021-01-01", "url": "not a link"}, None, {"url"}),
    ({"description": "เกณฑ์", "evidence_date": "2021-01-01", "url": "https://x.go.th/a", "gate": "nope"}, None,
     {"gate"}),
    ({"description": "เกณฑ์", "evidence_date": "2021-01-01", "url": "https://x.go.th/a", "gate": "usage_evidence",
      "stage": 2}, None, {"gate"}),
])
def test_bad_evidence_is_refused_and_nothing_is_written(open_ctx: OpenContext, dataset: str, data: dict[str, object],
                                                        content: bytes | None, fields: set[str],
                                                        settings: Settings) -> None:
    before = _count(open_ctx)
    objects = list((settings.effective_storage_dir / "objects").rglob("*")) if settings.effective_storage_dir.exists() \
        else []
    with pytest.raises(ValidationFailed) as caught, open_ctx(clock=at("2021-01-10")) as ctx:
        evidence_add(ctx, {"dataset": dataset, "added_by": CHAIR, **data},
                     content=io.BytesIO(content) if content else None, filename="e.txt" if content else None)
    assert {p.field for p in caught.value.problems} == fields
    assert all(p.th and p.en and p.th != p.en for p in caught.value.problems)
    assert _count(open_ctx) == before
    after = list((settings.effective_storage_dir / "objects").rglob("*")) if settings.effective_storage_dir.exists() \
        else []
    assert after == objects


def test_meeting_minutes_become_evidence(open_ctx: OpenContext, dataset: str) -> None:
    with open_ctx() as ctx:
        [meeting] = working_group_meetings(ctx, "bma-hrd")
    assert meeting.minutes is not None and meeting.minutes.stage == 1
    assert meeting.minutes.url == "https://hrd.bangkok.go.th/minutes-1.pdf"
    assert meeting.minutes.description.endswith("ครั้งที่ 1/2563")
