"""The CKAN actions clients call besides search, and CKAN 2.11's shapes (with scheming) of what they return,
against the demo catalog."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from catalog.actions.lookup import get_dataset
from catalog.actions.resources import resource_create
from catalog.models import Organization
from catalog.publish_rules import publication_content
from services.ckan.mapping import package_fields
from tests.conftest import OpenContext

CKAN_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")
NON_PUBLIC = {"trainee-registry", "lecturer-registry", "training-budget", "scholarship-committee-minutes"}


def call(client: TestClient, action: str, **params: Any) -> Any:
    response = client.post(f"/api/3/action/{action}", json=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["help"].endswith(f"help_show?name={action}")
    return body["result"]


def test_api_version_and_unknown_action(client: TestClient) -> None:
    assert client.get("/api/3").json() == {"version": 3}
    unknown = client.get("/api/3/action/package_destroy_everything")
    assert unknown.status_code == 400
    assert unknown.json() == "Bad request - Action name not known: package_destroy_everything"
    assert "Solr" in call(client, "help_show", name="package_search")
    assert client.get("/api/3/action/help_show", params={"name": "nope"}).status_code == 404


def test_package_shape_is_ckan_2_11_with_scheming(client: TestClient, open_ctx: OpenContext) -> None:
    package = call(client, "package_show", id="city-development-indicators")
    for key in ("author", "author_email", "creator_user_id", "version", "license_title", "isopen", "extras"):
        assert key in package, key
    assert package["extras"] == [] and package["version"] is None and package["type"] == "dataset"
    assert isinstance(package["banchi_version"], int)  # Banchi's edit counter, beside CKAN's free-text version
    assert "steward" not in package  # a person never leaves through the portal's API
    assert CKAN_TIME.match(package["metadata_created"]) and CKAN_TIME.match(package["metadata_modified"])
    assert package["update_frequency_interval"] == "1"  # as CKAN stores it: text
    assert package["owner_org"] == package["organization"]["id"]
    assert "created" in package["organization"]
    assert {"created", "image_display_url", "package_count"} <= set(call(client, "organization_show", id="bma-hrd"))
    assert package["isopen"] is True and package["license_id"] == "Open Data Common"
    names = [tag["name"] for tag in package["tags"]]
    assert names == sorted(names) and package["num_tags"] == len(names)
    assert all(set(tag) == {"id", "name", "display_name", "state", "vocabulary_id"} for tag in package["tags"])
    for resource in package["resources"]:
        assert {"hash", "metadata_modified", "mimetype", "resource_type", "url_type", "created"} <= set(resource)
        assert resource["url_type"] is None and resource["url"].startswith("http")  # a link that survives a copy
    hosted = [r for r in package["resources"] if "/download/" in r["url"]]
    assert hosted and all(len(r["hash"]) == 64 for r in hosted)
    # what the publisher sends to a portal is what the API shows
    with open_ctx() as ctx:
        dataset = get_dataset(ctx, "city-development-indicators")
        org = ctx.session.get(Organization, dataset.owner_org_id)
        assert org is not None
        published = package_fields(publication_content(ctx, dataset, org).payload, ctx.profile)
        resources = publication_content(ctx, dataset, org).payload["resources"]
    for key, value in published.items():
        if key not in ("owner_org", "tags", "private"):
            assert package[key] == value, key
    assert [r["id"] for r in package["resources"]] == [r["id"] for r in resources]


def test_resource_show_and_personal_data_stay_home(client: TestClient, open_ctx: OpenContext) -> None:
    package = call(client, "package_show", id="city-development-indicators")
    shown = call(client, "resource_show", id=package["resources"][0]["id"])
    assert shown == package["resources"][0] | {"position": shown["position"]}
    with open_ctx() as ctx:
        private = resource_create(ctx, "city-development-indicators", {
            "name": "ภายใน", "url": "https://example.go.th/x.csv", "format": "CSV", "resource_private": "True"})
    assert client.get("/api/3/action/resource_show", params={"id": private["id"]}).status_code == 404


def test_lists_and_autocompletes(client: TestClient) -> None:
    licences = call(client, "license_list")
    assert licences[0]["id"] == "Open Data Common"
    by_id = {item["id"]: item for item in licences}
    assert by_id["Creative Commons Attributions"]["url"].startswith("https://creativecommons.org/licenses/by/")
    assert by_id["Creative Commons Attribution No-Derivs"]["is_okd_compliant"] is False
    assert call(client, "group_list") == []
    assert client.get("/api/3/action/group_show", params={"id": "any"}).status_code == 404
    recent = call(client, "current_package_list_with_resources", limit=3)
    assert len(recent) == 3 and all("resources" in p for p in recent)
    modified = [p["metadata_modified"] for p in recent]
    assert modified == sorted(modified, reverse=True)
    assert not {p["name"] for p in call(client, "current_package_list_with_resources")} & NON_PUBLIC
    matches = call(client, "package_autocomplete", q="TRAIN")
    assert matches and all({"name", "title", "match_field", "match_displayed"} == set(m) for m in matches)
    assert not {m["name"] for m in matches} & NON_PUBLIC
    assert not call(client, "package_autocomplete", q="trainee-registry")
    assert call(client, "format_autocomplete", q="cs") == ["CSV"]
    assert call(client, "tag_autocomplete", q="สถิ") == ["สถิติ"]
    assert not call(client, "tag_autocomplete", q="ข้อมูลส่วนบุคคล")  # a tag of non-public data only
    orgs = call(client, "organization_autocomplete", q="hrd")
    assert orgs[0]["name"] == "bma-hrd" and all(set(o) == {"id", "name", "title"} for o in orgs)
    members = call(client, "member_list", id="bma-hrd")
    assert len(members) == 10 and all(kind == "package" for _, kind, _ in members)
    assert call(client, "member_list", id="bma-hrd", object_type="user") == []
    tags = call(client, "tag_list", all_fields=True)
    assert tags and set(tags[0]) == {"id", "name", "display_name", "state", "vocabulary_id"}


def test_package_activity_list_shows_public_changes_only(client: TestClient, open_ctx: OpenContext) -> None:
    from catalog.actions.datasets import dataset_update

    name = "city-development-indicators"
    before = call(client, "package_activity_list", id=name)
    assert before and before[-1]["activity_type"] == "new package"
    with open_ctx() as ctx:
        dataset_update(ctx, name, {"notes": "แก้ไขต่อสาธารณะ"})
        dataset_update(ctx, name, {"data_category": "ข้อมูลความลับทางราชการ", "data_classification": "ลับ"})
        dataset_update(ctx, name, {"notes": "แก้ไขระหว่างไม่เปิดเผย"})
    assert client.get("/api/3/action/package_activity_list", params={"id": name}).status_code == 404
    with open_ctx() as ctx:
        dataset_update(ctx, name, {"data_category": "ข้อมูลสาธารณะ", "data_classification": "เปิดเผย"})
    after = call(client, "package_activity_list", id=name)
    assert len(after) == len(before) + 2  # the edit while public and the return to public; not the rest
    assert [a["activity_type"] for a in after[:2]] == ["changed package", "changed package"]
    assert all(a["user_id"] is None and set(a["data"]["package"]) == {"id", "name", "title", "type"} for a in after)
    assert CKAN_TIME.match(after[0]["timestamp"])
    assert client.get("/api/3/action/package_activity_list", params={"id": "trainee-registry"}).status_code == 404


def test_a_resource_dictionary_is_listed_and_downloadable_as_published(client: TestClient) -> None:
    package = call(client, "package_show", id="annual-training-statistics")
    described = [r for r in package["resources"] if r.get("schema")]
    assert described
    position = package["resources"].index(described[0])
    dictionary = package["resources"][position + 1]  # right after its resource, as the publisher adds it
    assert dictionary["format"] == "XLSX" and dictionary["name"].startswith("พจนานุกรมข้อมูล")
    assert dictionary["hash"].startswith("schema-sha256:") and package["num_resources"] == len(package["resources"])
    path = dictionary["url"].split("://", 1)[1].split("/", 1)[1]
    download = client.get(f"/{path}")
    assert download.status_code == 200 and download.content[:2] == b"PK"  # an XLSX (zip) file
    other = client.get(f"/dataset/annual-training-statistics/resource/{described[0]['id']}x/dictionary.xlsx")
    assert other.status_code == 404
