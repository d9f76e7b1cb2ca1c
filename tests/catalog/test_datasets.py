"""Registering and editing datasets: profile rules, registry rules, stale writes, the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.actions.access import dataset_list, dataset_show
from catalog.actions.datasets import dataset_create, dataset_set_state, dataset_update
from catalog.actions.lookup import get_dataset
from catalog.actions.people import person_create
from catalog.audit import audit_log, changed_fields
from catalog.errors import Conflict, NotFound, ValidationFailed
from catalog.models import DatasetState
from catalog.versioning import claim_next_version
from tests.conftest import OpenContext
from tests.factories import GEO, RECORD, dataset_input, make_org


@pytest.fixture
def org(open_ctx: OpenContext) -> str:
    with open_ctx() as ctx:
        return make_org(ctx)


def create(open_ctx: OpenContext, **changes: Any) -> dict:
    with open_ctx() as ctx:
        return dataset_create(ctx, dataset_input(**changes), publish=True)


def test_create_and_show_with_gd_catalog_keys(open_ctx: OpenContext, org: str) -> None:
    created = create(open_ctx)
    with open_ctx() as ctx:
        shown = dataset_show(ctx, "city-indicators")
    assert shown["id"] == created["id"] and shown["version"] == 1
    assert shown["owner_org"] == org and shown["organization"]["title"] == "หน่วยงาน bma-hrd"
    assert shown["data_type"] == "ข้อมูลสถิติ" and shown["data_category"] == "ข้อมูลสาธารณะ"
    assert shown["data_classification"] == "เปิดเผย"
    assert shown["tag_string"] == "ตัวชี้วัด,สถิติ" and shown["tags"] == [{"name": "ตัวชี้วัด"}, {"name": "สถิติ"}]
    assert shown["title"] == "ข้อมูลตัวชี้วัดเมือง city-indicators"  # Thai kept byte for byte
    assert shown["resources"] == []


def test_show_output_can_be_fed_back_as_input(open_ctx: OpenContext, org: str) -> None:
    shown = create(open_ctx)
    with open_ctx() as ctx:
        updated = dataset_update(ctx, shown["name"], shown, expected_version=shown["version"])
    assert updated["version"] == 2
    assert {k: v for k, v in updated.items() if k not in ("version", "metadata_modified")} == {
        k: v for k, v in shown.items() if k not in ("version", "metadata_modified", "resources")
    } | {"resources": []}


def test_list_by_organization(open_ctx: OpenContext, org: str) -> None:
    with open_ctx() as ctx:
        make_org(ctx, "bma-other")
    create(open_ctx)
    create(open_ctx, name="other-stats", owner_org="bma-other")
    with open_ctx() as ctx:
        assert [d["name"] for d in dataset_list(ctx)] == ["city-indicators", "other-stats"]
        assert [d["name"] for d in dataset_list(ctx, "bma-other")] == ["other-stats"]


def test_every_bad_field_is_named_and_nothing_is_written(open_ctx: OpenContext, org: str) -> None:
    create(open_ctx)
    bad = dataset_input(
        name="city-indicators",  # duplicate name
        title="ข้อมูลตัวชี้วัดเมือง city-indicators",  # duplicate title
        owner_org="no-such-org",
        maintainer_email="plan-at-bangkok",
        geo_coverage="กรุงเทพฯ",
        data_category="ข้อมูลส่วนบุคคล", data_classification="เปิดเผย",
        notes=None,
    )
    wrong = {
        "name": "duplicate_name", "title": "duplicate_title", "owner_org": "unknown_organization",
        "maintainer_email": "invalid_email", "geo_coverage": "not_in_vocabulary",
        "data_classification": "classification_mismatch",
    }
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        dataset_create(ctx, bad)  # a draft: the empty notes may wait, the wrong values may not
    assert {p.field: p.code for p in caught.value.problems} == wrong
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        dataset_create(ctx, bad, publish=True)  # published at once: complete too
    assert {p.field: p.code for p in caught.value.problems} == {**wrong, "notes": "required_to_publish"}
    assert all(p.th and p.en and p.th != p.en for p in caught.value.problems)
    with open_ctx() as ctx:
        assert len(dataset_list(ctx)) == 1
        assert [e.action for e in audit_log(ctx, entity_type="dataset")] == ["dataset_create"]


def test_name_and_owner_are_required_and_name_is_slug_shaped(open_ctx: OpenContext, org: str) -> None:
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        dataset_create(ctx, dataset_input(name=None, owner_org=None))
    assert [(p.field, p.code) for p in caught.value.problems] == [("name", "required"), ("owner_org", "required")]
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        dataset_create(ctx, dataset_input(name="ข้อมูล เมือง"))
    assert [(p.field, p.code) for p in caught.value.problems] == [("name", "invalid_slug")]


def test_stale_write_is_refused_and_nothing_is_lost(open_ctx: OpenContext, org: str) -> None:
    create(open_ctx)
    with open_ctx() as ctx:
        dataset_update(ctx, "city-indicators", {"notes": "ฉบับแก้ไขของคนแรก"}, expected_version=1)
    with pytest.raises(Conflict) as caught, open_ctx() as ctx:
        dataset_update(ctx, "city-indicators", {"notes": "ฉบับของคนที่สอง"}, expected_version=1)
    assert caught.value.problems[0].code == "stale_version"
    assert "1" in caught.value.problems[0].en and "2" in caught.value.problems[0].en
    with open_ctx() as ctx:
        shown = dataset_show(ctx, "city-indicators")
    assert shown["notes"] == "ฉบับแก้ไขของคนแรก" and shown["version"] == 2


def test_concurrent_editors_exactly_one_wins(open_ctx: OpenContext, org: str) -> None:
    """B read version 1, then A committed version 2: B's guarded update matches no row and is refused."""
    create(open_ctx)
    with open_ctx() as ctx_b:
        seen_by_b = get_dataset(ctx_b, "city-indicators")
        with open_ctx() as ctx_a:
            dataset_update(ctx_a, "city-indicators", {"notes": "A"}, expected_version=1)
        with pytest.raises(Conflict) as caught:
            claim_next_version(ctx_b, seen_by_b, "dataset", "city-indicators", 1)
        assert (caught.value.expected, caught.value.current) == (1, 2)
    with open_ctx() as ctx:
        assert dataset_show(ctx, "city-indicators")["notes"] == "A"


def test_audit_log_keeps_who_when_what_before_after(open_ctx: OpenContext, org: str) -> None:
    create(open_ctx)
    with open_ctx() as ctx:
        dataset_update(ctx, "city-indicators", {"title": "ตัวชี้วัดเมือง ฉบับปรับปรุง"}, expected_version=1,
                       reason="แก้ชื่อตามมติคณะทำงาน")
    with open_ctx() as ctx:
        update, creation = audit_log(ctx, entity_type="dataset")
    assert creation.action == "dataset_create" and creation.before is None and creation.actor == "system"
    assert update.action == "dataset_update" and update.reason == "แก้ชื่อตามมติคณะทำงาน"
    assert update.before is not None and update.after is not None
    assert update.before["title"] == "ข้อมูลตัวชี้วัดเมือง city-indicators"
    assert update.after["title"] == "ตัวชี้วัดเมือง ฉบับปรับปรุง"
    assert changed_fields(update.before, update.after) == ["title", "updated_at", "version"]
    assert update.at >= creation.at and update.at.tzinfo is not None


def test_changing_type_drops_the_old_types_own_fields(open_ctx: OpenContext, org: str) -> None:
    create(open_ctx)
    with open_ctx() as ctx:
        changed = dataset_update(ctx, "city-indicators", {"data_type": RECORD, "data_collect": "บุคคล"})
    assert changed["data_type"] == RECORD and changed["data_collect"] == "บุคคล"
    assert "first_year_of_data" not in changed


def test_invalid_update_changes_nothing(open_ctx: OpenContext, org: str) -> None:
    create(open_ctx)
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        dataset_update(ctx, "city-indicators", {"data_type": GEO, "equivalent_scale": "1:1"}, expected_version=1)
    assert [p.field for p in caught.value.problems] == ["equivalent_scale"]
    with open_ctx() as ctx:
        assert dataset_show(ctx, "city-indicators")["version"] == 1


def test_unknown_dataset(open_ctx: OpenContext) -> None:
    with pytest.raises(NotFound) as caught, open_ctx() as ctx:
        dataset_show(ctx, "nothing-here")
    assert caught.value.problems[0].th == "ไม่พบชุดข้อมูล “nothing-here”"


def test_steward_must_be_a_known_person(open_ctx: OpenContext, org: str) -> None:
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        dataset_create(ctx, dataset_input(steward="nobody@bangkok.go.th"))
    assert [(p.field, p.code) for p in caught.value.problems] == [("steward", "unknown_person")]
    with open_ctx() as ctx:
        person_create(ctx, {"full_name": "นายบริกร ข้อมูลดี", "email": "steward@bangkok.go.th", "organization": org})
        created = dataset_create(ctx, dataset_input(steward="steward@bangkok.go.th"))
    assert created["steward"]["full_name"] == "นายบริกร ข้อมูลดี"


def test_withdraw_and_restore(open_ctx: OpenContext, org: str) -> None:
    create(open_ctx)
    with open_ctx() as ctx:
        withdrawn = dataset_set_state(ctx, "city-indicators", DatasetState.withdrawn, reason="ยกเลิกการจัดเก็บ")
        assert withdrawn["state"] == "withdrawn"
        assert dataset_list(ctx) == []
        assert [d["name"] for d in dataset_list(ctx, include_withdrawn=True)] == ["city-indicators"]
        assert dataset_set_state(ctx, "city-indicators", DatasetState.active)["state"] == "active"
