"""Harvesting a real CKAN's catalog into Banchi, Thai text round trips, and the CLI against the portal."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest
import requests
from ckanapi import RemoteCKAN
from typer.testing import CliRunner

from catalog.actions.access import dataset_show
from catalog.actions.datasets import dataset_create
from catalog.actions.resources import resource_create
from catalog.settings import Settings
from schemas.profile import load_profile
from services.ckan.harvester import Harvester
from services.ckan.publisher import Publisher
from services.cli.main import app
from tests.conftest import OpenContext
from tests.factories import dataset_input, make_org
from tests.services.ckan.conftest import CKAN_API_TOKEN, CKAN_URL, OtherBanchi, PortalNames, make_client
from tests.services.ckan.test_publish import CSV, add_dataset, portal_record

pytestmark = pytest.mark.ckan
PROFILE = load_profile()

# Text that breaks careless handling: decomposed sara am (nikhahit + sara aa), a zero-width space
# Thai writers use to mark word breaks, Thai digits, curly quotes, markdown and a line break.
TRICKY = "ผู้สูงอายุ ๑๒๓ “กรุงเทพฯ” น\u0e4d\u0e32\u200bท่วม ๆ ฯลฯ\n\n**สำคัญ** ✓"


def fields_of(package: dict[str, Any]) -> dict[str, Any]:
    """A package's GD Catalog fields, name, title, organization and tags, as they are stored."""
    keys = [s.key for s in PROFILE.dataset_fields if s.key not in ("owner_org", "tag_string")]
    data = {k: package.get(k) for k in keys if package.get(k) not in (None, "", [])}
    data["organization"] = (package["organization"]["name"], package["organization"]["title"])
    data["tags"] = sorted(t["name"] for t in package["tags"])
    return data


def resources_of(package: dict[str, Any]) -> list[dict[str, Any]]:
    keys = ["name", "format", "description"] + [s.key for s in PROFILE.resource_fields if s.key.startswith("resource_")]
    found = []
    for resource in package["resources"]:
        item = {k: resource.get(k) for k in keys if resource.get(k) not in (None, "", [])}
        item.setdefault("resource_private", "False")  # thai_gdc reads a missing flag as public, as Banchi does
        if resource.get("url_type") == "upload":
            item["bytes"] = download(resource["url"])
        else:
            item["url"] = resource["url"]
        found.append(item)
    return found


def download(url: str) -> bytes:
    answer = requests.get(url, headers={"Authorization": CKAN_API_TOKEN}, timeout=30)
    answer.raise_for_status()
    return answer.content


def upload(ckan: RemoteCKAN, package_id: str, **fields: Any) -> None:
    ckan.call_action("resource_create", {"package_id": package_id, **fields},
                     files={"upload": ("population.csv", io.BytesIO(CSV))})


def test_harvest_then_publish_to_an_empty_portal_gives_the_same_packages(
    open_ctx: OpenContext, names: PortalNames, ckan: RemoteCKAN,
) -> None:
    org = names.org("agency")
    ckan.action.organization_create(name=org, title=f"สำนักงานเขตพระนคร {names.suffix}", description="เขตชั้นใน")
    record = ckan.action.package_create(**portal_record(names.dataset("population"), org, f"ประชากร {names.suffix}",
                                                       notes=TRICKY))
    upload(ckan, record["id"], name="ประชากรรายเขต ธันวาคม ๒๕๖๗", format="CSV", resource_data_collect="บุคคล",
           resource_created_date="2024-12-31", resource_private="False")
    ckan.action.resource_create(package_id=record["id"], name="บริการข้อมูล", url="https://data.bangkok.go.th/api/p",
                                format="API", description="เรียกผ่าน API")
    stats = ckan.action.package_create(
        name=names.dataset("stats"), owner_org=org, title=f"สถิติ {names.suffix}", data_type="ข้อมูลสถิติ",
        maintainer="ฝ่ายแผน", maintainer_email="plan@bangkok.go.th", tag_string="สถิติ", notes="สถิติรายปี",
        objective=["พันธกิจหน่วยงาน"], update_frequency_unit="ปี", update_frequency_interval="1",
        geo_coverage="ประเทศ", data_source="ฝ่ายแผน", data_format=["XLS"], data_category="ข้อมูลสาธารณะ",
        data_classification="เปิดเผย", license_id="Creative Commons Attributions",
        accessible_condition="ไม่มีการจำกัดการเข้าถึงข้อมูล", first_year_of_data="2560", last_year_of_data="2567",
        disaggregate=["เพศ", "อายุ/กลุ่มอายุ"], unit_of_measure="คน", official_statistics="True",
        resources=[{"name": "ตาราง", "url": "https://data.bangkok.go.th/s.xlsx", "format": "XLSX",
                    "resource_disaggregate": ["เพศ"], "resource_unit_of_measure": "คน"}])
    before = {name: (fields_of(show), resources_of(show))
              for name in (record["name"], stats["name"]) for show in [ckan.action.package_show(id=name)]}

    items = Harvester(lambda: open_ctx(), make_client(open_ctx), PROFILE).run(org)
    assert [(i.name, i.status, i.problems) for i in items] == [(record["name"], "created", []),
                                                               (stats["name"], "created", [])]
    for name in before:  # the portal is emptied of them, organization and all
        ckan.action.dataset_purge(id=name)
    ckan.action.organization_purge(id=org)

    report = Publisher(lambda: open_ctx(), make_client(open_ctx)).run()
    assert sorted(o.status for o in report.outcomes) == ["done", "done"]
    after = {name: (fields_of(show), resources_of(show))
             for name in before for show in [ckan.action.package_show(id=name)]}
    for name, (fields, resources) in before.items():
        assert after[name][0] == fields
        assert after[name][1] == resources
    assert after[record["name"]][0]["notes"].encode() == TRICKY.encode()


def test_thai_text_is_byte_identical_after_the_round_trip(open_ctx: OpenContext, names: PortalNames,
                                                          ckan: RemoteCKAN, other_banchi: OtherBanchi) -> None:
    org = names.org("thai")
    name = names.dataset("thai")
    with open_ctx() as ctx:
        make_org(ctx, org, title=f"สำนักงาน “ทดสอบ” {names.suffix}", description=TRICKY)
        sent = dataset_create(ctx, dataset_input(
            name, org, title=f"ข้อมูลผู้สูงอายุ ๑๒๓ น\u0e4d\u0e32ท่วม {names.suffix}", notes=TRICKY,
            maintainer="ฝ่ายสวัสดิการสังคม\u200bเขตพระนคร", data_source="สำนักพัฒนาสังคม (สพส.)",
            tag_string="ผู้สูงอายุ,สวัสดิการ"), publish=True)
        resource_create(ctx, name, {"name": "รายชื่อ “ชุมชน” ๒๕๖๘", "description": TRICKY},
                        content=io.BytesIO(CSV), filename="ชุมชน.csv")
    assert Publisher(lambda: open_ctx(), make_client(open_ctx)).run().ok

    raw = requests.post(f"{CKAN_URL}/api/3/action/package_show", json={"id": name},
                        headers={"Authorization": CKAN_API_TOKEN}, timeout=30).content
    package = json.loads(raw)["result"]
    for key in ("title", "notes", "maintainer", "data_source"):
        assert package[key].encode("utf-8") == sent[key].encode("utf-8"), key
    assert package["organization"]["description"].encode() == TRICKY.encode()
    assert package["resources"][0]["description"].encode() == TRICKY.encode()
    assert download(package["resources"][0]["url"]) == CSV

    [item] = Harvester(other_banchi.opener(), make_client(other_banchi.ctx), PROFILE).run(org)
    assert item.status == "created", item.problems
    with other_banchi.ctx() as ctx:
        back = dataset_show(ctx, name)
    for key in ("title", "notes", "maintainer", "data_source", "tag_string"):
        assert back[key].encode("utf-8") == sent[key].encode("utf-8"), key
    assert back["resources"][0]["description"] == TRICKY
    assert back["resources"][0]["sha256"] == hashlib.sha256(CSV).hexdigest()


def test_harvest_keeps_an_incomplete_dataset_as_a_draft_and_says_why(open_ctx: OpenContext, names: PortalNames,
                                                                     ckan: RemoteCKAN) -> None:
    """A dataset the portal holds without a mandatory field arrives as a draft (issue 15's lifecycle: a draft
    may be incomplete), visible to its organization only, and the harvest names what publishing it lacks."""
    org = names.org("mixed")
    ckan.action.organization_create(name=org, title="หน่วยงานผสม")
    good = ckan.action.package_create(**portal_record(names.dataset("good"), org, f"ครบ {names.suffix}"))
    no_tags = ckan.action.package_create(**portal_record(names.dataset("notags"), org, f"ไม่มีคำสำคัญ {names.suffix}",
                                                         tag_string=""))
    harvester = Harvester(lambda: open_ctx(), make_client(open_ctx), PROFILE)
    items = {i.name: i for i in harvester.run(org)}
    assert items[good["name"]].status == "created"
    assert items[no_tags["name"]].status == "created"
    [draft_note] = [note for note in items[no_tags["name"]].notes if "kept as a draft" in note]
    assert "before publishing" in draft_note
    with open_ctx() as ctx:
        assert dataset_show(ctx, good["name"])["state"] == "active"
        assert dataset_show(ctx, no_tags["name"])["state"] == "draft"
    again = {i.name: i.status for i in harvester.run(org, {"tag_string": "นำเข้า"})}
    assert again == {good["name"]: "exists", no_tags["name"]: "exists"}


def test_cli_publishes_checks_and_harvests(open_ctx: OpenContext, names: PortalNames, banchi_env: Settings,
                                           ckan: RemoteCKAN) -> None:
    name = add_dataset(open_ctx, names)
    runner = CliRunner()
    args = ["publish", "--ckan-url", CKAN_URL, "--api-key", CKAN_API_TOKEN, "--format", "json"]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    [planned] = json.loads(dry.stdout)["datasets"]
    assert planned["changes"]["exists"] is False and json.loads(dry.stdout)["write_calls"] == 0
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["datasets"][0]["status"] == "done"
    second = runner.invoke(app, args)
    assert (json.loads(second.stdout)["write_calls"], json.loads(second.stdout)["datasets"][0]["action"]) == (
        0, "unchanged")
    ckan.action.package_patch(id=name, notes="แก้บนพอร์ทัล")
    check = runner.invoke(app, ["publish", "--ckan-url", CKAN_URL, "--api-key", CKAN_API_TOKEN, "--check"])
    assert check.exit_code == 3 and "รายละเอียด / Description" in check.stdout and "แก้บนพอร์ทัล" in check.stdout
    table = runner.invoke(app, ["harvest", "--ckan-url", CKAN_URL, "--org", names.orgs[0]])
    assert table.exit_code == 0, table.output
    assert name in table.stdout and "มีอยู่แล้ว / already in Banchi" in table.stdout


def test_cli_publishes_checks_and_harvests_through_a_registered_portal(
    open_ctx: OpenContext, names: PortalNames, banchi_env: Settings, ckan: RemoteCKAN,
) -> None:
    name = add_dataset(open_ctx, names)
    runner = CliRunner()
    refused = runner.invoke(app, ["portal", "add", "ci-cli", "--url", CKAN_URL, "--api-key", CKAN_API_TOKEN])
    assert refused.exit_code == 0, refused.output  # registered, but on loopback without permission:
    dry = runner.invoke(app, ["publish", "--portal", "ci-cli", "--dry-run", "--format", "json"])
    assert dry.exit_code == 1 and json.loads(dry.stdout)["stopped"][0]["code"] == "outbound_private"
    assert runner.invoke(app, ["portal", "remove", "ci-cli"]).exit_code == 0
    added = runner.invoke(app, ["portal", "add", "ci-cli", "--url", CKAN_URL, "--api-key", CKAN_API_TOKEN,
                                "--allow-private-network"])
    assert added.exit_code == 0, added.output
    first = runner.invoke(app, ["publish", "--portal", "ci-cli", "--format", "json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["datasets"][0]["status"] == "done"
    ckan.action.package_patch(id=name, notes="แก้บนพอร์ทัลอีกครั้ง")
    check = runner.invoke(app, ["publish", "--portal", "ci-cli", "--check"])
    assert check.exit_code == 3 and "แก้บนพอร์ทัลอีกครั้ง" in check.stdout
    harvested = runner.invoke(app, ["harvest", "--portal", "ci-cli", "--org", names.orgs[0]])
    assert harvested.exit_code == 0 and "มีอยู่แล้ว / already in Banchi" in harvested.stdout
