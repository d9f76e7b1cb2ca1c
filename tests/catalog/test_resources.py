"""Resources: uploaded files stored by sha256, links, and the resource profile fields."""

from __future__ import annotations

import hashlib
import io

import pytest

from catalog.actions.access import dataset_show
from catalog.actions.datasets import dataset_create
from catalog.actions.resources import resource_create, resource_update
from catalog.errors import ValidationFailed
from catalog.settings import Settings
from catalog.storage import object_key
from tests.conftest import OpenContext
from tests.factories import dataset_input, make_org

CSV = "เขต,จำนวนผู้เข้าอบรม\nบางรัก,120\n".encode()


@pytest.fixture
def dataset(open_ctx: OpenContext) -> str:
    with open_ctx() as ctx:
        make_org(ctx)
        return dataset_create(ctx, dataset_input(), publish=True)["name"]


def test_upload_is_stored_by_sha256(open_ctx: OpenContext, dataset: str, settings: Settings) -> None:
    with open_ctx() as ctx:
        resource = resource_create(ctx, dataset, {"resource_last_year_of_data": "2564", "encoding": "utf-8"},
                                   content=io.BytesIO(CSV), filename="ผู้เข้าอบรม.csv")
    digest = hashlib.sha256(CSV).hexdigest()
    assert (resource["sha256"], resource["size"], resource["format"]) == (digest, len(CSV), "CSV")
    assert resource["name"] == "ผู้เข้าอบรม.csv" and resource["encoding"] == "utf-8"
    assert resource["url"].endswith(f"/dataset/{dataset}/resource/{resource['id']}/download/ผู้เข้าอบรม.csv")
    assert (settings.effective_storage_dir / object_key(digest)).read_bytes() == CSV
    with open_ctx() as ctx:
        [shown] = dataset_show(ctx, dataset)["resources"]
    assert shown["resource_last_year_of_data"] == "2564"


def test_link_resource_needs_url_and_format(open_ctx: OpenContext, dataset: str) -> None:
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        resource_create(ctx, dataset, {"name": "ลิงก์"})
    assert {p.field for p in caught.value.problems} == {"url", "format"}
    with open_ctx() as ctx:
        link = resource_create(ctx, dataset, {"name": "ระบบรายงาน", "url": "https://data.bangkok.go.th/x",
                                              "format": "API"})
    assert link["kind"] == "url" and link["url"] == "https://data.bangkok.go.th/x"


def test_resource_fields_follow_the_dataset_type(open_ctx: OpenContext, dataset: str) -> None:
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        resource_create(ctx, dataset, {"resource_geographic_data_set": "ชั้นข้อมูลป่าไม้"}, content=io.BytesIO(CSV),
                        filename="a.csv")
    assert [p.code for p in caught.value.problems] == ["not_for_type"]


def test_path_tricks_in_file_names_are_cut_to_the_name(open_ctx: OpenContext, dataset: str) -> None:
    with open_ctx() as ctx:
        resource = resource_create(ctx, dataset, {}, content=io.BytesIO(CSV), filename="../../etc/passwd.csv")
    assert resource["filename"] == "passwd.csv"


def test_oversized_upload_is_refused_and_leaves_nothing(open_ctx: OpenContext, dataset: str,
                                                        settings: Settings) -> None:
    settings.max_upload_bytes = 10
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        resource_create(ctx, dataset, {}, content=io.BytesIO(CSV), filename="big.csv")
    assert caught.value.problems[0].code == "file_too_large"
    assert not any(p.is_file() for p in settings.effective_storage_dir.rglob("*"))
    with open_ctx() as ctx:
        assert dataset_show(ctx, dataset)["resources"] == []


def test_update_resource_with_version(open_ctx: OpenContext, dataset: str) -> None:
    with open_ctx() as ctx:
        resource = resource_create(ctx, dataset, {}, content=io.BytesIO(CSV), filename="a.csv")
    with open_ctx() as ctx:
        updated = resource_update(ctx, resource["id"], {"description": "ข้อมูลรายเขต", "resource_private": "True"},
                                  expected_version=1)
    assert updated["description"] == "ข้อมูลรายเขต" and updated["resource_private"] == "True"
    assert updated["version"] == 2
