"""A resource page previews a TIS-620/cp874 file and a UTF-8 one in readable Thai and offers a UTF-8 copy."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from catalog.actions.resources import resource_create
from tests.conftest import OpenContext

TEXT = "เขต,จำนวนผู้เข้าอบรม,หมายเหตุ\nพระนคร,12,ผ่าน\nดุสิต,7,ข้อมูลปี ๒๕๖๗\n"


@pytest.mark.parametrize("codec", ["cp874", "utf-8-sig", "utf-8"])
def test_preview_reads_thai_and_offers_a_utf8_copy(site: TestClient, open_ctx: OpenContext, codec: str):
    with open_ctx() as ctx:
        created = resource_create(ctx, "city-development-indicators", {"name": f"รายเขต {codec}"},
                                  content=io.BytesIO(TEXT.encode(codec)), filename=f"{codec}.csv")
    page = site.get(f"/dataset/city-development-indicators/resource/{created['id']}")
    assert page.status_code == 200
    assert "จำนวนผู้เข้าอบรม" in page.text and "ข้อมูลปี ๒๕๖๗" in page.text  # decoded, not mojibake
    assert "?encoding=utf-8" in page.text
    url = created["url"].split("://", 1)[-1].split("/", 1)[-1]
    copy = site.get(f"/{url}", params={"encoding": "utf-8"})
    assert copy.status_code == 200 and copy.content.decode("utf-8").lstrip("\ufeff") == TEXT
