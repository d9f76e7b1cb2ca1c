"""The index follows every write in the same transaction, and can be rebuilt from the catalog."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text
from sqlmodel import col

from catalog.actions.datasets import dataset_create, dataset_set_state, dataset_update
from catalog.actions.lookup import get_dataset, get_organization
from catalog.actions.resources import resource_create, resource_update
from catalog.context import ANONYMOUS, SYSTEM, Actor
from catalog.errors import PermissionDenied
from catalog.models import Dataset, DatasetState, Resource
from catalog.search import SearchQuery, rebuild_index, search_datasets
from catalog.search.documents import optional_model
from catalog.search.model import Words
from catalog.search.schema import search_doc, search_value
from tests.conftest import OpenContext
from tests.factories import dataset_input, make_org


def found(open_ctx: OpenContext, q: str = "", actor: Actor = ANONYMOUS, **params: object) -> list[str]:
    """Names found by ``actor`` (the public unless told)."""
    with open_ctx(actor) as ctx:
        query = SearchQuery(q=q, rows=100, include_private=True, **params)
        return [d["name"] for d in search_datasets(ctx, query).results]


@pytest.fixture
def org(open_ctx: OpenContext) -> str:
    with open_ctx() as ctx:
        return make_org(ctx, "bma-hrd", title="สถาบันพัฒนาข้าราชการกรุงเทพมหานคร")


def test_created_dataset_is_found_in_the_same_transaction(open_ctx: OpenContext, org: str) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input("water-quality", title="คุณภาพน้ำในคลองสาธารณะ",
                                          data_classification="เปิดเผย"), publish=True)
        result = search_datasets(ctx, SearchQuery(q="คลอง"))
        assert [d["name"] for d in result.results] == ["water-quality"]
    assert found(open_ctx, "คุณภาพน้ำ") == ["water-quality"]


def test_rolled_back_writes_leave_no_trace_in_the_index(open_ctx: OpenContext, org: str) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input("kept", title="ข้อมูลที่เก็บไว้", data_classification="เปิดเผย"), publish=True)
    with pytest.raises(RuntimeError), open_ctx() as ctx:
        dataset_create(ctx, dataset_input("dropped", title="ข้อมูลที่ยกเลิก", data_classification="เปิดเผย"), publish=True)
        dataset_update(ctx, "kept", {"title": "ชื่อใหม่ระหว่างธุรกรรม"})
        assert found_in(ctx, "ยกเลิก") == ["dropped"]
        raise RuntimeError("abort")
    assert found(open_ctx, "ยกเลิก") == []
    assert found(open_ctx, "ธุรกรรม") == []
    assert found(open_ctx, "เก็บ") == ["kept"]


def found_in(ctx: object, q: str) -> list[str]:
    return [d["name"] for d in search_datasets(ctx, SearchQuery(q=q)).results]  # type: ignore[arg-type]


def test_updates_withdrawals_and_classification_follow(open_ctx: OpenContext, org: str) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input("budget", title="งบประมาณรายจ่ายประจำปี", data_classification="เปิดเผย"),
                       publish=True)
    assert found(open_ctx, "งบประมาณ") == ["budget"]
    with open_ctx() as ctx:
        dataset_update(ctx, "budget", {"title": "Annual Budget", "tag_string": "การเงิน"})
    assert found(open_ctx, "งบประมาณ") == []
    assert found(open_ctx, "budget") == ["budget"]
    assert found(open_ctx, filters={"tags": ["การเงิน"]}) == ["budget"]
    with open_ctx() as ctx:  # no longer public: gone for the public, still there for its organization
        dataset_update(ctx, "budget", {"data_category": "ข้อมูลใช้ภายใน", "data_classification": ""})
    assert found(open_ctx, "budget") == []
    assert found(open_ctx, "budget", actor=SYSTEM) == ["budget"]
    with open_ctx() as ctx:
        dataset_set_state(ctx, "budget", DatasetState.withdrawn)
    assert found(open_ctx, "budget", actor=SYSTEM) == []
    assert found(open_ctx, "budget", actor=SYSTEM, include_withdrawn=True) == ["budget"]


def test_resources_and_organizations_are_followed(open_ctx: OpenContext, org: str) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input("indicators", data_classification="เปิดเผย"), publish=True)
        resource = resource_create(ctx, "indicators", {"name": "Monthly Ridership", "url": "https://x.example/r.csv",
                                                       "format": "CSV"})
    assert found(open_ctx, "ridership") == ["indicators"]
    assert found(open_ctx, filters={"res_format": ["CSV"]}) == ["indicators"]
    with open_ctx() as ctx:  # a private resource is neither matched nor counted for the public
        resource_update(ctx, resource["id"], {"resource_private": "True"})
    assert found(open_ctx, "ridership") == []
    assert found(open_ctx, filters={"res_format": ["CSV"]}) == []
    with open_ctx() as ctx:  # (no organization_update action yet: the ORM write is what the index follows)
        get_organization(ctx, org).title_en = "Civil Service Development Institute"
    assert found(open_ctx, "civil service") == ["indicators"]


def test_deleting_a_dataset_removes_it(open_ctx: OpenContext, org: str) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input("temp", title="ข้อมูลชั่วคราว", data_classification="เปิดเผย"), publish=True)
    with open_ctx() as ctx:
        dataset = ctx.session.scalars(select(Dataset).where(col(Dataset.name) == "temp")).one()
        ctx.session.execute(delete(Resource).where(col(Resource.dataset_id) == dataset.id))
        ctx.session.delete(dataset)
        ctx.session.flush()
        # a tombstone is left for other processes' facet tables to learn of the deletion
        assert ctx.session.execute(select(search_doc.c.deleted)).scalars().all() == [True]
        assert ctx.session.execute(select(func.count()).select_from(search_value)).scalar_one() == 0
    assert found(open_ctx, "ชั่วคราว") == []
    assert found(open_ctx, actor=SYSTEM, include_withdrawn=True) == []
    with open_ctx() as ctx:  # a rebuild clears tombstones
        assert rebuild_index(ctx) == 0
        assert ctx.session.execute(select(func.count()).select_from(search_doc)).scalar_one() == 0


def test_rebuild_restores_a_lost_index(open_ctx: OpenContext, org: str) -> None:
    with open_ctx() as ctx:
        for n in range(3):
            dataset_create(ctx, dataset_input(f"set-{n}", title=f"ชุดข้อมูลทดสอบ {n}", data_classification="เปิดเผย"),
                           publish=True)
    with open_ctx() as ctx:
        ctx.session.execute(delete(search_value))
        ctx.session.execute(delete(search_doc))
        if ctx.session.get_bind().dialect.name == "sqlite":
            ctx.session.execute(text("DELETE FROM search_fts"))
    assert found(open_ctx, "ทดสอบ") == []
    with open_ctx() as ctx:
        assert rebuild_index(ctx) == 3
    assert sorted(found(open_ctx, "ทดสอบ")) == ["set-0", "set-1", "set-2"]
    with open_ctx() as ctx:
        assert rebuild_index(ctx) == 3  # again: the same index, nothing doubled
        assert ctx.session.execute(select(func.count()).select_from(search_doc)).scalar_one() == 3
    assert sorted(found(open_ctx, "ทดสอบ")) == ["set-0", "set-1", "set-2"]


def test_only_sysadmins_rebuild(open_ctx: OpenContext, org: str) -> None:
    with pytest.raises(PermissionDenied), open_ctx(Actor(name="someone")) as ctx:
        rebuild_index(ctx)


def test_stage_is_a_facet_and_follows_stage_changes(open_ctx: OpenContext, org: str) -> None:
    stage_model = optional_model("governance", "DatasetStage")
    if stage_model is None:
        pytest.skip("catalog.models.governance.DatasetStage is not there yet (governance stages feature)")
    with open_ctx() as ctx:
        for name in ("first", "second"):
            dataset_create(ctx, dataset_input(name, title=f"ชุดข้อมูล {name}", data_classification="เปิดเผย"), publish=True)
    assert facet(open_ctx, "stage") == {"0": 2}
    with open_ctx() as ctx:
        ctx.session.add(stage_model(dataset_id=get_dataset(ctx, "second").id, stage=3))
    assert facet(open_ctx, "stage") == {"0": 1, "3": 1}
    assert found(open_ctx, filters={"stage": ["3"]}) == ["second"]
    with open_ctx() as ctx:
        row = ctx.session.get(stage_model, get_dataset(ctx, "second").id)
        assert row is not None
        row.stage = 4
    assert found(open_ctx, filters={"stage": ["3", "4"]}) == ["second"]
    assert facet(open_ctx, "stage") == {"0": 1, "4": 1}


def facet(open_ctx: OpenContext, key: str) -> dict[str, int]:
    with open_ctx() as ctx:
        return search_datasets(ctx, SearchQuery(facet_fields=[key], rows=0)).facets[key]


def test_dictionary_fields_are_searched_and_new_versions_reindexed(open_ctx: OpenContext, org: str) -> None:
    from catalog.actions.dictionaries import dictionary_version_create

    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input("districts", title="ข้อมูลรายเขต", data_classification="เปิดเผย"), publish=True)
        resource = resource_create(ctx, "districts", {"name": "ตาราง", "url": "https://x.example/d.csv",
                                                     "format": "CSV"})
        dictionary_version_create(ctx, "districts", resource["id"], {"fields": [
            {"name": "district_code", "title": "รหัสสำนักงานเขต", "type": "string"}]})
    assert found(open_ctx, "district_code") == ["districts"]
    assert found(open_ctx, "รหัสสำนักงานเขต") == ["districts"]
    with open_ctx() as ctx:  # a new version: the index follows its fields
        dictionary_version_create(ctx, "districts", resource["id"], {"fields": [
            {"name": "population", "title": "จำนวนประชากร", "type": "integer"}]})
    assert found(open_ctx, "population") == ["districts"]
    assert found(open_ctx, "district_code") == []


def test_postgresql_ranks_from_the_ranked_fields_kept_in_the_row(open_ctx: OpenContext, org: str) -> None:
    """Migration 0014: ``tsv_rank`` holds exactly the title/tags/other lexemes of ``tsv`` (what the
    migration's ts_filter fills it with for rows written before), stored in the row; ``tsv`` out of line."""
    with open_ctx() as ctx:
        if ctx.session.get_bind().dialect.name != "postgresql":
            pytest.skip("PostgreSQL's tsvector columns (SQLite keeps the words in FTS5)")
        dataset_create(ctx, dataset_input("canal-water", title="คุณภาพน้ำในคลอง", tag_string=["คลอง", "น้ำ"],
                                          notes="ข้อมูลจากสำนักงานเขตพระนคร", data_classification="เปิดเผย"),
                       publish=True)
        rank, filtered = ctx.session.execute(text(
            "SELECT tsv_rank::text, ts_filter(tsv, '{a,b,c}')::text FROM search_doc")).one()
        assert rank == filtered and "'คลอง'" in rank and "พระนคร" not in rank
        storage = dict(ctx.session.execute(text(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'search_doc'::regclass "
            "AND attname IN ('tsv', 'tsv_rank')")).all())
        assert storage == {"tsv": "e", "tsv_rank": "m"}
    # a word of the description is found, ranks nothing; words in the title and tags rank first
    assert found(open_ctx, "พระนคร") == ["canal-water"]
    assert found(open_ctx, "คลอง") == ["canal-water"]
    # words in one field: the title through tsv_rank, the description through tsv
    assert found(open_ctx, where=Words("title", "คลอง")) == ["canal-water"]
    assert found(open_ctx, where=Words("title", "พระนคร")) == []
    assert found(open_ctx, where=Words("notes", "พระนคร")) == ["canal-water"]
    assert found(open_ctx, where=Words("notes", "คลอง")) == []
