"""Mapping Banchi's payload to thai_gdc package dicts, the diff, and harvest's mapping back (no portal)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from schemas.profile import load_profile
from services.ckan.diff import package_changes, resource_changes
from services.ckan.harvest_mapping import dataset_from_package
from services.ckan.mapping import (
    BANCHI_ID,
    comparable,
    package_fields,
    package_resources,
    resource_fields,
    upload_name,
    without_empty,
)

PROFILE = load_profile()
SCHEMA = {"fields": [{"name": "district", "type": "string", "title": "เขต"}]}


def payload(**dataset: Any) -> dict[str, Any]:
    return {
        "profile": "gdc-2.2",
        "organization": {"name": "bma-hrd", "title": "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร", "title_en": None,
                         "description": None},
        "dataset": {"id": "d-1", "name": "city", "title": "ตัวชี้วัดเมือง", "owner_org": "bma-hrd",
                    "data_type": "ข้อมูลสถิติ", "tag_string": ["ตัวชี้วัด", "สถิติ"], "objective": ["พันธกิจหน่วยงาน"],
                    "update_frequency_interval": 1, "notes": "สถิติ ๑๒๓", **dataset},
        "resources": [
            {"id": "r-link", "kind": "url", "name": "ระบบรายงาน", "format": "API", "url": "https://example.go.th/api",
             "schema": SCHEMA},
            {"id": "r-file", "kind": "file", "name": "ข้อมูล", "format": "CSV",
             "file": {"sha256": "ab" * 32, "size": 10, "filename": "ข้อมูลเขต.csv", "mimetype": "text/csv"}},
        ],
    }


def portal_package(fields: dict[str, Any], resources: list[dict[str, Any]]) -> dict[str, Any]:
    """What CKAN answers after storing ``fields``: org embedded, empties dropped, tags as dicts, ids."""
    package = {k: v for k, v in without_empty(fields).items() if k != "owner_org"}
    package.update(id="p-1", state="active", organization={"name": fields["owner_org"]},
                   extras=[{"key": BANCHI_ID, "value": "d-1"}])
    package["resources"] = [{**without_empty(r), "id": f"c-{r[BANCHI_ID]}",
                             "url_type": "upload" if "hash" in r else None} for r in resources]
    return package


def test_package_fields_follow_the_profile() -> None:
    fields = package_fields(payload(), PROFILE)
    assert fields["tags"] == [{"name": "ตัวชี้วัด"}, {"name": "สถิติ"}]
    assert fields["update_frequency_interval"] == "1"  # CKAN keeps text
    assert fields["objective"] == ["พันธกิจหน่วยงาน"] and fields["data_format"] == []  # empty list clears
    assert fields["data_support"] == "" and "tag_string" not in fields and "steward" not in fields
    assert set(fields) - {"tags", "private"} <= {spec.key for spec in PROFILE.dataset_fields}


def test_resource_fields_carry_the_table_schema_and_the_file_hash() -> None:
    link, file = (resource_fields(r, PROFILE) for r in payload()["resources"])
    assert json.loads(link["schema"]) == SCHEMA and link["url"] == "https://example.go.th/api"
    assert file["hash"] == "ab" * 32 and "url" not in file and file[BANCHI_ID] == "r-file"
    assert upload_name(payload()["resources"][1]) == "resource-r-file.csv"
    assert upload_name({"id": "x", "file": {"filename": "city 2567.csv"}}) == "city-2567.csv"


def test_what_the_portal_holds_compares_equal() -> None:
    fields = package_fields(payload(), PROFILE)
    resources = [resource_fields(r, PROFILE) for r in payload()["resources"]]
    package = portal_package(fields, resources)
    package["tags"] = list(reversed(package["tags"]))  # CKAN sorts tags its own way
    package["resources"][0]["format"] = "api"
    package["resources"][0]["schema"] = json.dumps(SCHEMA, indent=2)  # same schema, other spelling
    assert package_changes(package, fields, "d-1", resources).empty


def test_a_change_is_named_field_by_field() -> None:
    before = package_fields(payload(), PROFILE)
    resources = [resource_fields(r, PROFILE) for r in payload()["resources"]]
    package = portal_package(before, resources)
    after = package_fields(payload(notes="สถิติ ๑๒๔", tag_string=["สถิติ"]), PROFILE)
    changes = package_changes(package, after, "d-1", resources)
    assert [(c.key, c.old, c.new) for c in changes.fields] == [
        ("tags", package["tags"], [{"name": "สถิติ"}]), ("notes", "สถิติ ๑๒๓", "สถิติ ๑๒๔")]
    assert changes.resources == [] and not changes.reorder


def test_deleted_package_is_revived_and_foreign_id_is_replaced() -> None:
    fields = package_fields(payload(), PROFILE)
    package = portal_package(fields, [])
    package.update(state="deleted", extras=[{"key": "other", "value": "x"}])
    changes = package_changes(package, fields, "d-1", [])
    assert {(c.key, c.new) for c in changes.fields} == {("state", "active"), ("extras", "d-1")}


def test_resources_are_created_updated_deleted_and_reordered() -> None:
    link, file = (resource_fields(r, PROFILE) for r in payload()["resources"])
    gone = {**link, BANCHI_ID: "r-gone", "name": "เลิกใช้"}
    portal = [{**without_empty(file), "id": "c-file", "url_type": "upload", "hash": "00"},
              {**without_empty(gone), "id": "c-gone"}]
    ops, reorder = resource_changes(portal, [link, file])
    assert [(op.op, op.banchi_id) for op in ops] == [("create", "r-link"), ("update", "r-file"), ("delete", "r-gone")]
    assert ops[1].upload and [c.key for c in ops[1].fields] == ["hash"]
    assert reorder  # the new link must come before the existing file


def test_untagged_resources_of_the_agency_are_taken_over_by_name() -> None:
    link = resource_fields(payload()["resources"][0], PROFILE)
    portal = [{"id": "c-1", "name": "ระบบรายงาน", "format": "API", "url": "https://example.go.th/api"}]
    ops, reorder = resource_changes(portal, [link])
    assert [(op.op, op.portal_id) for op in ops] == [("update", "c-1")] and not reorder
    assert {c.key for c in ops[0].fields} == {BANCHI_ID, "resource_private", "schema"}


@pytest.mark.parametrize(("value", "same"), [(None, ""), ([], None), (1, "1"), ("CSV", "csv")])
def test_comparable_values(value: Any, same: Any) -> None:
    key = "format" if value == "CSV" else "x"
    assert comparable(key, value) == comparable(key, same)


# -- harvest ----------------------------------------------------------------------------------------------

GD_PACKAGE = {
    "name": "population", "title": "ประชากรรายเขต", "private": False,
    "organization": {"name": "bma-prd", "title": "สำนักงานปกครองและทะเบียน", "description": ""},
    "tags": [{"name": "ประชากร"}], "data_type": "ข้อมูลระเบียน", "maintainer": "ฝ่ายทะเบียน",
    "maintainer_email": "reg@bangkok.go.th", "notes": "ประชากร", "objective": ["พันธกิจหน่วยงาน"],
    "update_frequency_unit": "ปี", "geo_coverage": "จังหวัด", "data_source": "สำนักงานปกครองและทะเบียน",
    "data_format": ["CSV"], "data_category": "ข้อมูลสาธารณะ", "license_id": "Open Data Common",
    "first_year_of_data": "2560",  # a statistical field on a record dataset: scheming let it through
    "resources": [{"name": "ไฟล์", "format": "CSV", "url_type": "upload", "resource_private": "False",
                   "url": "http://portal/dataset/x/resource/y/download/pop.csv", "resource_data_collect": "บุคคล"}],
}
CORE_PACKAGE = {
    "name": "bike-lanes", "title": "Bike lanes", "private": False, "notes": "", "author": "Traffic office",
    "author_email": "traffic@bangkok.go.th", "license_id": "cc-by", "license_title": "Creative Commons Attribution",
    "organization": {"name": "bma-traffic", "title": "สำนักการจราจรและขนส่ง"}, "tags": [{"name": "bike"}],
    "resources": [{"name": "", "format": "geojson", "url": "https://example.go.th/bike.geojson"},
                  {"name": "Table", "format": "csv", "url": "https://example.go.th/bike.csv"}],
}


def test_harvest_takes_gd_catalog_fields_as_they_are() -> None:
    harvested = dataset_from_package(GD_PACKAGE, PROFILE)
    data = harvested.data
    assert (data["owner_org"], data["tag_string"], data["objective"]) == ("bma-prd", ["ประชากร"], ["พันธกิจหน่วยงาน"])
    assert "first_year_of_data" not in data and any("first_year_of_data" in n for n in harvested.notes)
    [resource] = harvested.resources
    assert resource.upload_url is not None
    assert resource.upload_url.endswith("/pop.csv") and resource.filename == "pop.csv" and not resource.private
    assert resource.data == {"name": "ไฟล์", "format": "CSV", "resource_data_collect": "บุคคล"}


def test_harvest_fills_a_plain_ckan_package_from_facts_and_unknown_terms() -> None:
    harvested = dataset_from_package(CORE_PACKAGE, PROFILE, {"geo_coverage": "จังหวัด"})
    data = harvested.data
    assert (data["maintainer"], data["maintainer_email"]) == ("Traffic office", "traffic@bangkok.go.th")
    assert data["notes"] == "Bike lanes"  # no description: the title says what it is
    assert (data["license_id"], data["license_id_other"]) == ("อื่นๆ", "Creative Commons Attribution")
    assert (data["data_format"], data["data_format_other"]) == (["อื่นๆ", "CSV"], "geojson")
    assert (data["objective"], data["update_frequency_unit"]) == (["ไม่ทราบ"], "ไม่ทราบ")
    assert data["geo_coverage"] == "จังหวัด"  # --default wins over the unknown term
    assert data["data_type"] == "ข้อมูลประเภทอื่นๆ" and data["data_type_other"].startswith("ไม่ระบุ")
    assert (data["data_source"], data["data_category"]) == ("สำนักการจราจรและขนส่ง", "ข้อมูลสาธารณะ")
    assert [r.data["name"] for r in harvested.resources] == ["bike.geojson", "Table"]
    private = dataset_from_package({**CORE_PACKAGE, "private": True}, PROFILE)
    assert "data_category" not in private.data  # a private package is not assumed public


def test_a_resource_with_a_dictionary_is_followed_by_the_dictionary_spreadsheet() -> None:
    resources = package_resources(payload(), PROFILE)
    assert [r[BANCHI_ID] for r in resources] == ["r-link", "r-link#dictionary", "r-file"]
    dictionary = resources[1]
    assert dictionary["name"] == "พจนานุกรมข้อมูล: ระบบรายงาน" and dictionary["format"] == "XLSX"
    assert dictionary["hash"].startswith("schema-sha256:")  # names the schema, so it is rebuilt only on a change
    changed = payload()
    changed["resources"][0]["schema"] = {"fields": [{"name": "district", "type": "string", "title": "เขตปกครอง"}]}
    assert package_resources(changed, PROFILE)[1]["hash"] != dictionary["hash"]


def test_harvest_keeps_a_table_schema_and_skips_banchis_own_dictionary_spreadsheet() -> None:
    package = {**GD_PACKAGE, "resources": [
        {"name": "API", "format": "API", "url": "https://example.go.th/api", BANCHI_ID: "r1",
         "schema": json.dumps(SCHEMA, ensure_ascii=False)},
        {"name": "พจนานุกรมข้อมูล: API", "format": "XLSX", "url_type": "upload", BANCHI_ID: "r1#dictionary",
         "url": "http://portal/dataset/x/resource/z/download/data-dictionary-r1.xlsx"}]}
    harvested = dataset_from_package(package, PROFILE)
    assert [(r.data["name"], r.schema) for r in harvested.resources] == [("API", SCHEMA)]
    assert any("พจนานุกรมข้อมูล: API" in note for note in harvested.notes)
