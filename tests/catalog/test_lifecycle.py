"""The dataset lifecycle (CKAN's): draft → published ⇄ withdrawn; deleted (soft) → restored or purged."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from catalog.actions.access import dataset_count, dataset_list, dataset_show, organization_dataset_counts
from catalog.actions.datasets import (
    dataset_create,
    dataset_delete,
    dataset_publish_draft,
    dataset_purge,
    dataset_restore,
    dataset_update,
    dataset_withdraw,
)
from catalog.actions.lookup import get_dataset, get_organization
from catalog.actions.resources import resource_create
from catalog.audit import audit_log
from catalog.context import ANONYMOUS, Actor
from catalog.db import make_engine, normalize_url
from catalog.errors import Hidden, NotFound, PermissionDenied, ValidationFailed
from catalog.migrate import upgrade
from catalog.models import AuditEntry, Dataset, Resource
from catalog.search import SearchQuery, search_datasets
from tests.conftest import PG_SERVER_URL, OpenContext
from tests.factories import dataset_input, make_org


@pytest.fixture
def orgs(open_ctx: OpenContext) -> dict[str, str]:
    with open_ctx() as ctx:
        make_org(ctx, "bma-hrd")
        make_org(ctx, "bma-other")
        return {name: get_organization(ctx, name).id for name in ("bma-hrd", "bma-other")}


def member(orgs: dict[str, str], role: str, org: str = "bma-hrd") -> Actor:
    return Actor(name=f"{role}@{org}", account_id=str(uuid.uuid4()), roles={orgs[org]: frozenset({role})})


def names(rows: list[dict[str, Any]]) -> list[str]:
    return [row["name"] for row in rows]


def test_a_new_dataset_is_a_draft_only_its_organization_reads(open_ctx: OpenContext, orgs: dict[str, str]) -> None:
    steward, outsider = member(orgs, "steward"), member(orgs, "admin", "bma-other")
    with open_ctx(steward) as ctx:
        created = dataset_create(ctx, dataset_input())
    assert created["state"] == "draft" and created["private"] is False
    with open_ctx(steward) as ctx:
        assert dataset_show(ctx, "city-indicators")["state"] == "draft"
        assert names(dataset_list(ctx)) == ["city-indicators"]  # the organization's listings show its drafts
        assert dataset_count(ctx) == 1
    for actor in (ANONYMOUS, outsider):
        with open_ctx(actor) as ctx:
            with pytest.raises(Hidden):
                dataset_show(ctx, "city-indicators")
            assert dataset_list(ctx) == [] and dataset_count(ctx) == 0
            assert organization_dataset_counts(ctx) == {}
            assert search_datasets(ctx, SearchQuery(q="ตัวชี้วัด", include_private=True)).count == 0


def test_publishing_lists_every_missing_field_then_makes_it_public(open_ctx: OpenContext,
                                                                  orgs: dict[str, str]) -> None:
    steward = member(orgs, "steward")
    with open_ctx(steward) as ctx:
        dataset_create(ctx, dataset_input())
    with open_ctx() as ctx:  # saved under an older profile that did not ask for these yet
        dataset = get_dataset(ctx, "city-indicators")
        dataset.extras = {k: v for k, v in dataset.extras.items() if k not in ("maintainer", "license_id")}
        ctx.session.add(dataset)
    with open_ctx(steward) as ctx, pytest.raises(ValidationFailed) as refused:
        dataset_publish_draft(ctx, "city-indicators")
    assert {p.field for p in refused.value.problems} == {"maintainer", "license_id"}
    assert all("ก่อนเผยแพร่" in p.th and "before publishing" in p.en for p in refused.value.problems)
    with open_ctx(steward) as ctx:
        assert get_dataset(ctx, "city-indicators").state == "draft"  # nothing changed
        dataset_update(ctx, "city-indicators", {"maintainer": "ฝ่ายแผนงาน", "license_id": "Open Data Common"})
        published = dataset_publish_draft(ctx, "city-indicators", reason="พร้อมเผยแพร่")
    assert published["state"] == "active"
    with open_ctx(ANONYMOUS) as ctx:
        assert dataset_show(ctx, "city-indicators")["state"] == "active"
        assert search_datasets(ctx, SearchQuery(q="ตัวชี้วัด")).count == 1
    with open_ctx() as ctx:
        entry = audit_log(ctx, entity_type="dataset", limit=1)[0]
    assert entry.action == "dataset_publish" and entry.actor == steward.name and entry.reason == "พร้อมเผยแพร่"
    with open_ctx(steward) as ctx, pytest.raises(ValidationFailed):
        dataset_publish_draft(ctx, "city-indicators")  # published already


def test_publishing_is_a_stewards_act_and_outsiders_do_not_learn_of_drafts(open_ctx: OpenContext,
                                                                          orgs: dict[str, str]) -> None:
    with open_ctx(member(orgs, "steward")) as ctx:
        dataset_create(ctx, dataset_input())
    with open_ctx(member(orgs, "wg_member")) as ctx, pytest.raises(PermissionDenied):
        dataset_publish_draft(ctx, "city-indicators")  # a working-group member reads it but does not publish
    for actor in (member(orgs, "admin", "bma-other"), ANONYMOUS):
        for act in (dataset_publish_draft, dataset_delete, dataset_withdraw, dataset_restore):
            with open_ctx(actor) as ctx, pytest.raises(Hidden):
                act(ctx, "city-indicators")


def test_a_restricted_category_is_active_but_not_public(open_ctx: OpenContext, orgs: dict[str, str]) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input(data_category="ข้อมูลส่วนบุคคล",
                                          data_classification="ลับ"), publish=True)
    with open_ctx(ANONYMOUS) as ctx, pytest.raises(Hidden):
        dataset_show(ctx, "city-indicators")
    with open_ctx(member(orgs, "wg_member")) as ctx:
        assert dataset_show(ctx, "city-indicators")["state"] == "active"


def test_the_private_flag_keeps_an_open_dataset_inside(open_ctx: OpenContext, orgs: dict[str, str]) -> None:
    steward = member(orgs, "steward")
    with open_ctx(steward) as ctx:
        dataset_create(ctx, dataset_input(private=True), publish=True)
    with open_ctx(ANONYMOUS) as ctx:
        with pytest.raises(Hidden):
            dataset_show(ctx, "city-indicators")
        assert dataset_count(ctx) == 0 and search_datasets(ctx, SearchQuery()).count == 0
    with open_ctx(steward) as ctx:
        assert dataset_show(ctx, "city-indicators")["private"] is True
        dataset_update(ctx, "city-indicators", {"private": "false"})
    with open_ctx(ANONYMOUS) as ctx:
        assert dataset_show(ctx, "city-indicators")["private"] is False
        assert dataset_count(ctx) == 1 and search_datasets(ctx, SearchQuery()).count == 1
    with open_ctx(steward) as ctx, pytest.raises(ValidationFailed) as refused:
        dataset_update(ctx, "city-indicators", {"private": "perhaps"})
    assert refused.value.problems[0].field == "private"


def test_withdraw_restore_delete_restore_and_purge(open_ctx: OpenContext, orgs: dict[str, str],
                                                   tmp_path: Path) -> None:
    steward, wg_member = member(orgs, "steward"), member(orgs, "wg_member")
    with open_ctx(steward) as ctx:
        dataset_create(ctx, dataset_input(), publish=True)
        resource_create(ctx, "city-indicators", {"name": "ลิงก์", "url": "https://data.example.go.th/a.csv",
                                                    "format": "CSV"})
    with open_ctx(steward) as ctx:
        assert dataset_withdraw(ctx, "city-indicators", reason="เลิกจัดเก็บ")["state"] == "withdrawn"
    with open_ctx(ANONYMOUS) as ctx, pytest.raises(Hidden):
        dataset_show(ctx, "city-indicators")
    with open_ctx(steward) as ctx:
        assert dataset_list(ctx) == [] and names(dataset_list(ctx, include_withdrawn=True)) == ["city-indicators"]
        assert dataset_restore(ctx, "city-indicators")["state"] == "active"
        deleted = dataset_delete(ctx, "city-indicators", reason="ซ้ำกับชุดอื่น")
    assert deleted["state"] == "deleted"
    with open_ctx(steward) as ctx:  # out of every listing and search, even the organization's
        assert dataset_list(ctx, include_withdrawn=True) == []
        assert search_datasets(ctx, SearchQuery(include_private=True, include_withdrawn=True)).count == 0
        assert dataset_show(ctx, "city-indicators")["state"] == "deleted"  # its steward may still restore it
    with open_ctx(wg_member) as ctx, pytest.raises(Hidden):
        dataset_show(ctx, "city-indicators")
    with open_ctx(steward) as ctx, pytest.raises(PermissionDenied):
        dataset_purge(ctx, "city-indicators")  # a sysadmin's act
    with open_ctx(steward) as ctx:
        assert dataset_restore(ctx, "city-indicators")["state"] == "draft"  # to be published again
    with open_ctx() as ctx, pytest.raises(ValidationFailed):
        dataset_purge(ctx, "city-indicators")  # only a deleted dataset
    with open_ctx(steward) as ctx:
        dataset_delete(ctx, "city-indicators")
    with open_ctx() as ctx:
        dataset_id = get_dataset(ctx, "city-indicators").id
        dataset_purge(ctx, "city-indicators", reason="ลงทะเบียนผิด")
    with open_ctx() as ctx:
        with pytest.raises(NotFound):
            get_dataset(ctx, "city-indicators")
        assert ctx.session.exec(select(Resource).where(Resource.dataset_id == dataset_id)).all() == []
        actions = [e.action for e in ctx.session.exec(select(AuditEntry).where(
            AuditEntry.entity_id == dataset_id).order_by(col(AuditEntry.id))).all()]
        dataset_create(ctx, dataset_input())  # the name is free again
    assert actions == ["dataset_create", "dataset_withdraw", "dataset_restore", "dataset_delete", "dataset_restore",
                       "dataset_delete", "dataset_purge"]


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """An empty database of its own (SQLite file, or a new PostgreSQL database on the test server)."""
    if not PG_SERVER_URL:
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    server = make_url(normalize_url(PG_SERVER_URL))
    name = f"banchi_lifecycle_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    engine = make_engine(server.set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_datasets_saved_before_the_lifecycle_stay_published(empty_engine: Engine) -> None:
    """Migration 0010 on a database written before it: every dataset stays as it was (active or withdrawn),
    none private, so the public reads what it read before the upgrade (SQLite and PostgreSQL)."""
    engine = empty_engine
    upgrade(engine, "0009")
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC).isoformat()
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO organization (id, name, title, kind, version, created_at, updated_at) "
                                "VALUES ('o1', 'bma-hrd', 'สถาบัน', 'agency', 1, :now, :now)"), {"now": now})
        for state in ("active", "withdrawn"):
            connection.execute(text(
                "INSERT INTO dataset (id, name, title, owner_org_id, profile, data_type, data_category, "
                "data_classification, extras, state, version, created_at, updated_at) VALUES "
                "(:id, :id, :id, 'o1', 'thai_gdc', 'ข้อมูลสถิติ', 'ข้อมูลสาธารณะ', 'เปิดเผย', '{}', :state, 1, :now, :now)"),
                {"id": f"ds-{state}", "state": state, "now": now})
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, state, private FROM dataset ORDER BY name")).all()
    assert [(name, state, bool(private)) for name, state, private in rows] == [
        ("ds-active", "active", False), ("ds-withdrawn", "withdrawn", False)]
    assert Dataset.model_fields["state"].default == "draft"  # only new datasets start as drafts


def test_the_demo_catalog_loads_published(demo: Any, open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        every = dataset_list(ctx, include_withdrawn=True)
    assert every and {d["state"] for d in every} == {"active"}
    with open_ctx(ANONYMOUS) as ctx:
        assert dataset_count(ctx) > 0  # the seed agency's public datasets are public


# what a draft needs: what identifies it; the rest of the GD Catalog's mandatory set waits for publishing
BARE_DRAFT = {"name": "new-database", "title": "ฐานข้อมูลใหม่", "data_type": "ข้อมูลสถิติ", "owner_org": "bma-hrd"}


def test_a_draft_is_saved_incomplete_and_published_only_complete(open_ctx: OpenContext, orgs: dict[str, str]) -> None:
    steward = member(orgs, "steward")
    with open_ctx(steward) as ctx:
        created = dataset_create(ctx, BARE_DRAFT)
        assert created["state"] == "draft"
        # an edit of a draft may leave it incomplete too, but what it gives must be right
        dataset_update(ctx, "new-database", {"notes": "ร่างคำอธิบาย"})
        with pytest.raises(ValidationFailed) as wrong:
            dataset_update(ctx, "new-database", {"maintainer_email": "not-an-email"})
        assert [(p.field, p.code) for p in wrong.value.problems] == [("maintainer_email", "invalid_email")]
    with open_ctx(steward) as ctx, pytest.raises(ValidationFailed) as refused:
        dataset_publish_draft(ctx, "new-database")
    missing = {p.field for p in refused.value.problems}
    assert missing == {"maintainer", "maintainer_email", "tag_string", "objective", "update_frequency_unit",
                       "geo_coverage", "data_source", "data_format", "data_category", "license_id"}
    for found in refused.value.problems:  # each names its field, in Thai and in English
        assert found.code == "required_to_publish" and "ก่อนเผยแพร่" in found.th and "before publishing" in found.en
    assert any("ชื่อฝ่ายงานสำหรับติดต่อ" in p.th and "Contact Person" in p.en for p in refused.value.problems)
    with open_ctx(steward) as ctx:
        full = {k: v for k, v in dataset_input().items() if k not in ("name", "title", "owner_org")}
        dataset_update(ctx, "new-database", full)
        assert dataset_publish_draft(ctx, "new-database")["state"] == "active"
    with open_ctx(steward) as ctx, pytest.raises(ValidationFailed) as emptied:
        dataset_update(ctx, "new-database", {"notes": ""})  # published: it stays complete
    assert [(p.field, p.code) for p in emptied.value.problems] == [("notes", "required")]


def test_a_draft_still_needs_what_identifies_it(open_ctx: OpenContext, orgs: dict[str, str]) -> None:
    with open_ctx(member(orgs, "steward")) as ctx, pytest.raises(ValidationFailed) as refused:
        dataset_create(ctx, {"owner_org": "bma-hrd"})
    assert {(p.field, p.code) for p in refused.value.problems} == {
        ("name", "required"), ("title", "required"), ("data_type", "required")}


def test_a_deleted_dataset_and_its_resources_are_not_edited(open_ctx: OpenContext, orgs: dict[str, str]) -> None:
    from catalog.actions.resources import resource_delete, resource_update

    steward = member(orgs, "steward")
    with open_ctx(steward) as ctx:
        dataset_create(ctx, dataset_input(), publish=True)
        link = resource_create(ctx, "city-indicators", {"name": "ลิงก์", "url": "https://data.example.go.th/a.csv",
                                                           "format": "CSV"})
        dataset_delete(ctx, "city-indicators", reason="ซ้ำ")
    attempts = [
        lambda ctx: dataset_update(ctx, "city-indicators", {"notes": "แก้หลังลบ"}),
        lambda ctx: resource_create(ctx, "city-indicators", {"name": "อีกลิงก์", "url": "https://example.go.th/b",
                                                             "format": "CSV"}),
        lambda ctx: resource_update(ctx, link["id"], {"name": "เปลี่ยนชื่อ"}),
        lambda ctx: resource_delete(ctx, link["id"]),
    ]
    for attempt in attempts:
        with open_ctx(steward) as ctx, pytest.raises(ValidationFailed) as refused:
            attempt(ctx)
        assert refused.value.problems[0].code == "deleted_not_editable"
        assert "ถูกลบแล้ว" in refused.value.problems[0].th and "is deleted" in refused.value.problems[0].en
    with open_ctx(steward) as ctx:
        dataset = get_dataset(ctx, "city-indicators")
        assert dataset.extras["notes"] == dataset_input()["notes"] and dataset.version == 2  # create, delete
        assert [r.name for r in ctx.session.exec(select(Resource).where(Resource.dataset_id == dataset.id))] == ["ลิงก์"]
        dataset_restore(ctx, "city-indicators")
        assert dataset_update(ctx, "city-indicators", {"notes": "แก้ได้อีกครั้ง"})["state"] == "draft"
