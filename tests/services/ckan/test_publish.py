"""Publishing to a real CKAN 2.11 with the GD Catalog scheming schema (ckan-ci.sh)."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
import requests
from ckanapi import NotFound, RemoteCKAN
from sqlmodel import select

from catalog.actions.datasets import dataset_create, dataset_set_state, dataset_update
from catalog.actions.lookup import get_dataset
from catalog.actions.people import person_create
from catalog.actions.publishing import publication_list
from catalog.actions.resources import resource_create, resource_update
from catalog.models import DatasetState, Resource
from catalog.models.publishing import JobState, PublishJob
from schemas.profile import load_profile
from services.ckan.mapping import comparable, package_fields
from services.ckan.publisher import Publisher, retry_delay
from tests.conftest import OpenContext
from tests.factories import dataset_input, make_org
from tests.publish_clock import Clock, clock_fixture  # noqa: F401 (the clock fixture)
from tests.services.ckan.conftest import CKAN_API_TOKEN, LoggingClient, PortalNames, make_client
from tests.services.ckan.proxy import TroubleProxy

pytestmark = pytest.mark.ckan

CSV = "\ufeffเขต,จำนวนประชากร,หมายเหตุ\r\nพระนคร,45123,\"ข้อมูล ณ ธันวาคม ๒๕๖๗, ปรับปรุงแล้ว\"\r\n".encode()
CLOSED = {"ข้อมูลใช้ภายใน": "ชั้นเผยแพร่ภายในองค์กร", "ข้อมูลส่วนบุคคล": "ลับ",
          "ข้อมูลความลับทางราชการ": "ลับมาก", "ข้อมูลความมั่นคง": "ลับที่สุด"}


def add_dataset(open_ctx: OpenContext, names: PortalNames, stem: str = "city", org: str | None = None,
                files: bool = True, **changes: Any) -> str:
    """A statistical dataset with a link and (unless told not to) a Thai CSV upload."""
    org = org or names.org("pub")
    name = names.dataset(stem)
    with open_ctx() as ctx:
        try:
            make_org(ctx, org, title=f"สำนักงานทดสอบ {names.suffix}")
        except Exception:  # already registered by an earlier call of this test
            ctx.session.rollback()
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input(name, org, title=f"สถิติ {stem} {names.suffix}", **changes), publish=True)
        resource_create(ctx, name, {"name": "ระบบรายงาน", "url": "https://data.bangkok.go.th/api/x", "format": "API",
                                    "resource_last_year_of_data": "2567"})
        if files:
            resource_create(ctx, name, {"name": "ประชากรรายเขต"}, content=io.BytesIO(CSV), filename="ประชากร.csv")
    return name


def show(ckan: RemoteCKAN, name: str) -> dict[str, Any]:
    return ckan.action.package_show(id=name)


def download(url: str) -> bytes:
    answer = requests.get(url, headers={"Authorization": CKAN_API_TOKEN}, timeout=30)
    answer.raise_for_status()
    return answer.content


def test_first_publish_creates_what_the_portal_validates(open_ctx: OpenContext, names: PortalNames,
                                                         publisher: Publisher, ckan: RemoteCKAN) -> None:
    with open_ctx() as ctx:
        make_org(ctx, names.org("pub"), title=f"สำนักงานทดสอบ {names.suffix}")
        person_create(ctx, {"email": f"steward-{names.suffix}@bangkok.go.th", "full_name": "สมหญิง รักข้อมูล"})
    name = add_dataset(open_ctx, names, org=names.orgs[0], steward=f"steward-{names.suffix}@bangkok.go.th")
    with open_ctx() as ctx:
        resource_create(ctx, name, {"name": "ภายในเท่านั้น", "resource_private": "True"},
                        content=io.BytesIO(b"secret,1\n"), filename="internal.csv")

    report = publisher.run()

    assert [(o.dataset, o.status) for o in report.outcomes] == [(name, "done")]
    package = show(ckan, name)
    with open_ctx() as ctx:
        [pub] = publication_list(ctx, ckan.address)
    wanted = package_fields(pub.payload, load_profile())
    assert {k: comparable(k, package.get(k)) for k in wanted if k != "owner_org"} == {
        k: comparable(k, v) for k, v in wanted.items() if k != "owner_org"}
    assert package["organization"]["title"] == f"สำนักงานทดสอบ {names.suffix}"
    link, upload = package["resources"]
    assert (link["name"], link["url"], link["resource_last_year_of_data"]) == (
        "ระบบรายงาน", "https://data.bangkok.go.th/api/x", "2567")
    assert upload["url_type"] == "upload" and download(upload["url"]) == CSV
    assert "steward" not in json.dumps(package) and "สมหญิง" not in json.dumps(package, ensure_ascii=False)
    assert (pub.package_id, pub.package_name, pub.portal_url) == (package["id"], name, ckan.address)
    assert report.write_calls == report.calls.get("package_create", 0) + report.calls.get("resource_create", 0) \
        + report.calls.get("organization_create", 0) == 3


def test_publishing_again_without_change_makes_no_write_call(open_ctx: OpenContext, names: PortalNames,
                                                              publisher: Publisher, client: LoggingClient) -> None:
    add_dataset(open_ctx, names)
    assert publisher.run().ok
    client.sent.clear()
    again = publisher.run()
    assert [i.action for i in again.plan] == ["unchanged"] and again.write_calls == 0 and client.sent == []
    forced = publisher.run(force=True)  # compared with what the portal holds: still nothing to write
    assert forced.write_calls == 0 and client.writes() == [] and forced.calls["package_show"] >= 1


def test_a_change_sends_only_what_changed(open_ctx: OpenContext, names: PortalNames, publisher: Publisher,
                                          client: LoggingClient, ckan: RemoteCKAN) -> None:
    name = add_dataset(open_ctx, names)
    publisher.run()
    with open_ctx() as ctx:
        dataset_update(ctx, name, {"update_frequency_unit": "ไตรมาส", "tag_string": "ตัวชี้วัด,สถิติ,ประชากร"})
        link = ctx.session.exec(select(Resource).where(Resource.name == "ระบบรายงาน")).one()
        resource_update(ctx, link.id, {"description": "ระบบรายงานผลรายไตรมาส"})
    client.sent.clear()
    report = publisher.run()
    writes = client.writes()
    assert [action for action, _ in writes] == ["package_patch", "resource_patch"] and report.write_calls == 2
    assert set(writes[0][1]) == {"id", "update_frequency_unit", "tags"}
    assert set(writes[1][1]) == {"id", "description"}
    package = show(ckan, name)
    assert package["update_frequency_unit"] == "ไตรมาส"
    assert sorted(t["name"] for t in package["tags"]) == sorted(["ตัวชี้วัด", "สถิติ", "ประชากร"])
    assert package["resources"][0]["description"] == "ระบบรายงานผลรายไตรมาส"
    assert download(package["resources"][1]["url"]) == CSV  # the file was left alone


def test_withdrawn_dataset_is_withdrawn_from_the_portal(open_ctx: OpenContext, names: PortalNames,
                                                        publisher: Publisher, ckan: RemoteCKAN) -> None:
    name = add_dataset(open_ctx, names, files=False)
    publisher.run()
    package_id = show(ckan, name)["id"]
    with open_ctx() as ctx:
        dataset_set_state(ctx, name, DatasetState.withdrawn, reason="ยกเลิกการจัดเก็บ")
    report = publisher.run()
    assert [(o.operation, o.status) for o in report.outcomes] == [("withdraw", "done")]
    assert show(ckan, name)["state"] == "deleted"
    with open_ctx() as ctx:
        assert publication_list(ctx, ckan.address) == []
    with open_ctx() as ctx:
        dataset_set_state(ctx, name, DatasetState.active, reason="กลับมาจัดเก็บ")
    publisher.run()
    package = show(ckan, name)
    assert (package["id"], package["state"]) == (package_id, "active")  # the same package, not a second one


def test_closed_data_never_leaves(open_ctx: OpenContext, names: PortalNames, publisher: Publisher,
                                  client: LoggingClient, ckan: RemoteCKAN) -> None:
    open_name = add_dataset(open_ctx, names, stem="open")
    closed = [add_dataset(open_ctx, names, stem=f"closed{i}", org=names.orgs[0], data_category=category,
                          data_classification=classification)
              for i, (category, classification) in enumerate(CLOSED.items())]
    report = publisher.run()
    assert {i.name: i.action for i in report.plan} == {open_name: "publish", **dict.fromkeys(closed, "refused")}
    sent = json.dumps(client.sent, ensure_ascii=False, default=str)
    for name in closed:
        assert name not in sent
        with pytest.raises(NotFound):
            show(ckan, name)
    with open_ctx() as ctx:  # an open dataset made personal data is taken back off the portal
        dataset_update(ctx, open_name, {"data_category": "ข้อมูลส่วนบุคคล", "data_classification": "ลับ",
                                        "accessible_condition": ""})
    assert [(o.operation, o.status) for o in publisher.run().outcomes] == [("withdraw", "done")]
    assert show(ckan, open_name)["state"] == "deleted"


def test_portal_down_mid_run_then_back(open_ctx: OpenContext, names: PortalNames, ckan: RemoteCKAN,
                                       clock: Clock) -> None:
    first = add_dataset(open_ctx, names, stem="first")
    with TroubleProxy(ckan.address) as proxy:
        publisher = Publisher(lambda: open_ctx(clock=clock), make_client(open_ctx, proxy.url, timeout=2))
        # the package is made, then the upload meets a 503: the job waits, knowing the package it made
        proxy.rule = lambda method, path: 503 if path.endswith("/resource_create") else None
        report = publisher.run()
        assert [o.status for o in report.outcomes] == ["pending"] and report.stopped is not None
        assert "HTTP 503" in report.stopped.en
        with open_ctx() as ctx:
            job = ctx.session.exec(select(PublishJob)).one()
        assert job.state == JobState.pending and job.package_id == show(ckan, first)["id"]
        assert [r["name"] for r in show(ckan, first)["resources"]] == ["ระบบรายงาน"]
        clock.now += dt.timedelta(seconds=1)
        second = add_dataset(open_ctx, names, stem="second", org=names.orgs[0], files=False)
        # down, then too slow to answer: the first job stays pending; the second is not tried meanwhile
        for trouble in ("drop", ("slow", 4)):
            proxy.rule = lambda method, path, trouble=trouble: trouble  # type: ignore[misc]
            report = publisher.run(retry_now=True)
            assert [(o.dataset, o.status) for o in report.outcomes] == [(first, "pending")]
        assert "ConnectionError" in (job_error := _job(open_ctx, first).last_error or "") or "Timeout" in job_error
        # back: the second goes at once, the first after its backoff; nothing is duplicated
        proxy.rule = lambda method, path: None
        assert [(o.dataset, o.status) for o in publisher.run().outcomes] == [(second, "done")]
        clock.now += retry_delay(_job(open_ctx, first).attempts)
        assert [(o.dataset, o.status) for o in publisher.run().outcomes] == [(first, "done")]
        proxy_url = proxy.url
    with open_ctx() as ctx:
        assert {job.state for job in ctx.session.exec(select(PublishJob))} == {JobState.done}
        assert {p.package_name for p in publication_list(ctx, proxy_url)} == {first, second}
    found = ckan.action.package_search(fq=f"organization:{names.orgs[0]}", include_private=True, rows=50)
    assert sorted(p["name"] for p in found["results"]) == sorted([first, second]) and found["count"] == 2
    resources = show(ckan, first)["resources"]
    assert [r["name"] for r in resources] == ["ระบบรายงาน", "ประชากรรายเขต"] and download(resources[1]["url"]) == CSV


def _job(open_ctx: OpenContext, dataset: str) -> PublishJob:
    with open_ctx() as ctx:
        dataset_id = get_dataset(ctx, dataset).id
        return ctx.session.exec(select(PublishJob).where(PublishJob.dataset_id == dataset_id)).one()


def test_validation_error_of_the_portal_names_the_field(open_ctx: OpenContext, names: PortalNames,
                                                        publisher: Publisher, client: LoggingClient,
                                                        ckan: RemoteCKAN) -> None:
    name = add_dataset(open_ctx, names, files=False)
    # someone on the portal already uses this title (thai_gdc: titles are unique)
    other_org = names.org("other")
    ckan.action.organization_create(name=other_org, title="หน่วยงานอื่น")
    ckan.action.package_create(**portal_record(names.dataset("theirs"), other_org, f"สถิติ city {names.suffix}"))
    outcome = publisher.run().outcomes[0]
    assert outcome.status == "failed" and [p.field for p in outcome.problems] == ["title"]
    assert "ชื่อชุดข้อมูล" in outcome.problems[0].th and "Dataset Name" in outcome.problems[0].en
    assert "ถูกใช้แล้ว" in outcome.problems[0].th  # the portal's own words come along
    client.sent.clear()
    again = publisher.run()
    assert again.plan[0].action == "failed" and client.sent == []
    # a rule of CKAN itself: tags of at most 100 characters
    with open_ctx() as ctx:
        dataset_update(ctx, name, {"title": f"สถิติใหม่ {names.suffix}", "tag_string": "ก" * 101})
    outcome = publisher.run().outcomes[0]
    assert outcome.status == "failed" and outcome.problems[0].field.startswith("tags")  # type: ignore[union-attr]
    assert "คำสำคัญ" in outcome.problems[0].th and "Tags" in outcome.problems[0].en
    with open_ctx() as ctx:
        dataset_update(ctx, name, {"tag_string": "สถิติ"})
    assert publisher.run().ok and show(ckan, name)["title"] == f"สถิติใหม่ {names.suffix}"


def test_drift_check_reports_portal_edits(open_ctx: OpenContext, names: PortalNames, publisher: Publisher,
                                          ckan: RemoteCKAN) -> None:
    name = add_dataset(open_ctx, names, files=False)
    publisher.run()
    assert publisher.check() == []
    ckan.action.package_patch(id=name, notes="แก้ไขบนพอร์ทัลโดยผู้ดูแล", data_source="แหล่งอื่น")
    [drift] = publisher.check()
    assert drift.dataset == name and drift.changes is not None
    assert {(c.key, c.old, c.new) for c in drift.changes.fields} == {
        ("notes", "แก้ไขบนพอร์ทัลโดยผู้ดูแล", "สถิติประกอบตัวชี้วัดการพัฒนาเมือง"),
        ("data_source", "แหล่งอื่น", "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร")}
    assert publisher.run(force=True).write_calls == 1  # a forced publish puts Banchi's values back
    assert publisher.check() == []


def test_dry_run_shows_changes_field_by_field_and_writes_nothing(open_ctx: OpenContext, names: PortalNames,
                                                                 publisher: Publisher, client: LoggingClient,
                                                                 ckan: RemoteCKAN) -> None:
    name = add_dataset(open_ctx, names)
    preview = publisher.dry_run()
    changes = preview.previews[preview.plan[0].dataset_id]
    assert not changes.exists and [r.op for r in changes.resources] == ["create", "create"]
    assert preview.write_calls == 0
    with pytest.raises(NotFound):
        show(ckan, name)
    publisher.run()
    with open_ctx() as ctx:
        dataset_update(ctx, name, {"geo_coverage": "ประเทศ"})
    client.sent.clear()
    preview = publisher.dry_run()
    changes = preview.previews[preview.plan[0].dataset_id]
    assert [(c.key, c.old, c.new) for c in changes.fields] == [("geo_coverage", "จังหวัด", "ประเทศ")]
    assert client.writes() == [] and show(ckan, name)["geo_coverage"] == "จังหวัด"
    with open_ctx() as ctx:
        assert ctx.session.exec(select(PublishJob).where(PublishJob.state == JobState.pending)).all() == []


def portal_record(name: str, org: str, title: str, **changes: Any) -> dict[str, Any]:
    """A complete thai_gdc record-type package, as an agency's portal holds it."""
    return {
        "name": name, "owner_org": org, "title": title, "data_type": "ข้อมูลระเบียน", "allow_harvest": "True",
        "maintainer": "ฝ่ายเทคโนโลยีสารสนเทศ", "maintainer_email": "it@bangkok.go.th",
        "tag_string": "ประชากร,สิ่งแวดล้อม", "notes": "ข้อมูลจำนวนประชากร **รายเขต**",
        "objective": ["ยุทธศาสตร์ชาติ", "อื่นๆ"], "objective_other": "ตัวชี้วัดที่ 5.2",
        "update_frequency_unit": "เดือน", "update_frequency_interval": "1", "geo_coverage": "จังหวัด",
        "data_source": "สำนักงานปกครองและทะเบียน", "data_format": ["CSV", "อื่นๆ"], "data_format_other": "ODS",
        "data_category": "ข้อมูลสาธารณะ", "data_classification": "เปิดเผย", "license_id": "Open Data Common",
        "accessible_condition": "ไม่มีการจำกัดการเข้าถึงข้อมูล", "data_support": "หน่วยงานของรัฐ",
        "data_collect": "บุคคล", "data_language": ["ไทย", "อังกฤษ"], "created_date": "2023-03-01",
        "last_updated_date": "2025-01-06", "high_value_dataset": "True", "reference_data": "False", **changes,
    }


DICTIONARY = {"fields": [
    {"name": "district", "type": "string", "title": "เขต", "description": "เขตการปกครองของกรุงเทพมหานคร"},
    {"name": "population", "type": "integer", "title": "จำนวนประชากร", "unit": "คน"},
    {"name": "note", "type": "string", "title": "หมายเหตุ"}]}
PERSONAL = {"fields": [{"name": "citizen_id", "type": "string", "title": "เลขประจำตัวประชาชน", "personalData": True},
                       {"name": "allowance", "type": "number", "title": "เบี้ยยังชีพ", "unit": "บาท"}]}


def test_dictionary_goes_as_table_schema_and_spreadsheet_and_personal_files_stay_home(
    open_ctx: OpenContext, names: PortalNames, publisher: Publisher, client: LoggingClient, ckan: RemoteCKAN,
    other_banchi: Any,
) -> None:
    from frictionless import Schema
    from openpyxl import load_workbook

    from catalog.actions.access import dataset_show
    from catalog.actions.dictionaries import dictionary_version_create, dictionary_versions
    from services.ckan.harvester import Harvester

    name = add_dataset(open_ctx, names)
    with open_ctx() as ctx:
        data = ctx.session.exec(select(Resource).where(Resource.name == "ประชากรรายเขต")).one()
        dictionary_version_create(ctx, name, data.id, DICTIONARY)
        private = resource_create(ctx, name, {"name": "ผู้รับเบี้ยยังชีพ"}, content=io.BytesIO(b"citizen_id,allowance\n"),
                                  filename="allowance.csv")
        dictionary_version_create(ctx, name, private["id"], PERSONAL)
    report = publisher.run()
    assert report.ok and [p.code for p in report.plan[0].excluded] == ["personal_data_file"]
    assert "ผู้รับเบี้ยยังชีพ" not in json.dumps(client.sent, ensure_ascii=False, default=str)
    link, upload, spreadsheet = show(ckan, name)["resources"]
    # ckanext-validation reads the Table Schema from the resource's schema field (JSON text)
    assert json.loads(upload["schema"]) == DICTIONARY and Schema.from_descriptor(json.loads(upload["schema"]))
    assert download(upload["url"]) == CSV and link["name"] == "ระบบรายงาน"
    rows = list(load_workbook(io.BytesIO(download(spreadsheet["url"]))).active.iter_rows(values_only=True))
    assert spreadsheet["name"] == "พจนานุกรมข้อมูล: ประชากรรายเขต" and spreadsheet["format"] == "XLSX"
    assert [(row[0], row[2]) for row in rows[1:]] == [  # name, identifier (none here), Thai title
        ("district", "เขต"), ("population", "จำนวนประชากร"), ("note", "หมายเหตุ")]
    assert publisher.run(force=True).write_calls == 0

    [item] = Harvester(other_banchi.opener(), make_client(other_banchi.ctx), load_profile()).run(names.orgs[0])
    assert item.status == "created", item.problems
    with other_banchi.ctx() as ctx:
        resources = dataset_show(ctx, name)["resources"]
        assert [r["name"] for r in resources] == ["ระบบรายงาน", "ประชากรรายเขต"]  # the spreadsheet is remade, not kept
        [version] = dictionary_versions(ctx, name, resources[1]["id"])
    assert (version.table_schema, version.status) == (DICTIONARY, "draft")
