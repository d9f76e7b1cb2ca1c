"""The publisher against an in-memory CKAN: only what changed is sent, failures keep the outbox honest."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from ckanapi import ValidationError
from sqlmodel import select

from catalog.actions.datasets import dataset_create, dataset_set_state, dataset_update
from catalog.actions.resources import resource_create
from catalog.models import DatasetState
from catalog.models.publishing import JobState, Publication, PublishJob
from schemas.profile import load_profile
from services.ckan.publisher import Publisher, retry_delay
from tests.conftest import OpenContext
from tests.factories import dataset_input, make_org
from tests.publish_clock import Clock, clock_fixture  # noqa: F401 (the clock fixture)
from tests.services.fake_ckan import FakeCKAN, FakeClient, connection_refused, http_error

CSV = "เขต,จำนวน\nพระนคร,1\n".encode()


@pytest.fixture
def fake() -> FakeCKAN:
    return FakeCKAN()


@pytest.fixture
def publisher(open_ctx: OpenContext, fake: FakeCKAN, clock: Clock) -> Publisher:
    with open_ctx() as ctx:
        make_org(ctx)
        dataset_create(ctx, dataset_input("city"), publish=True)
        resource_create(ctx, "city", {"name": "ลิงก์", "url": "https://example.go.th/a", "format": "API"})
        resource_create(ctx, "city", {"name": "ไฟล์"}, content=io.BytesIO(CSV), filename="เขต.csv")
    return Publisher(lambda: open_ctx(clock=clock), FakeClient(fake, profile=load_profile()))


def jobs(open_ctx: OpenContext) -> list[PublishJob]:
    with open_ctx() as ctx:
        return list(ctx.session.exec(select(PublishJob)))


def test_first_publish_then_nothing_to_write(publisher: Publisher, fake: FakeCKAN) -> None:
    report = publisher.run()
    assert [o.status for o in report.outcomes] == ["done"] and report.ok
    package = fake.by_name("city")
    assert [r["name"] for r in package["resources"]] == ["ลิงก์", "ไฟล์"]
    [upload] = [r for r in package["resources"] if r.get("url_type") == "upload"]
    assert fake.uploads[upload["id"]] == CSV and upload["url"].endswith("/resource-" + upload["banchi_id"][:8] + ".csv")
    fake.sent.clear()
    assert publisher.run().plan[0].action == "unchanged" and fake.sent == []
    assert publisher.run(force=True).write_calls == 0 and fake.writes() == []


def test_a_change_sends_only_the_changed_field(publisher: Publisher, fake: FakeCKAN, open_ctx: OpenContext) -> None:
    publisher.run()
    fake.sent.clear()
    with open_ctx() as ctx:
        dataset_update(ctx, "city", {"update_frequency_unit": "ไตรมาส"})
    report = publisher.run()
    patches = [data for action, data in fake.sent if action == "package_patch"]
    assert fake.writes() == ["package_patch"] and report.write_calls == 1
    assert set(patches[0]) == {"id", "update_frequency_unit"} and patches[0]["update_frequency_unit"] == "ไตรมาส"


def test_withdrawal_deletes_the_package(publisher: Publisher, fake: FakeCKAN, open_ctx: OpenContext) -> None:
    publisher.run()
    with open_ctx() as ctx:
        dataset_set_state(ctx, "city", DatasetState.withdrawn)
    assert [(o.operation, o.status) for o in publisher.run().outcomes] == [("withdraw", "done")]
    assert fake.by_name("city")["state"] == "deleted"
    with open_ctx() as ctx:
        dataset_set_state(ctx, "city", DatasetState.active)
    publisher.run()
    assert fake.by_name("city")["state"] == "active" and len(fake.packages) == 1


def test_portal_down_keeps_the_job_pending_and_stops_the_run(publisher: Publisher, fake: FakeCKAN,
                                                             open_ctx: OpenContext, clock: Clock) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input("second"), publish=True)
    fake.fail["organization_show"] = connection_refused()
    report = publisher.run()
    assert [o.status for o in report.outcomes] == ["pending"] and report.stopped is not None
    assert "Connection refused" in report.stopped.en and fake.writes() == []
    tried, waiting = sorted(jobs(open_ctx), key=lambda job: -job.attempts)
    assert (tried.state, tried.attempts, tried.next_attempt_at) == ("pending", 1, clock.now + retry_delay(1))
    assert (waiting.state, waiting.attempts) == ("pending", 0)  # not tried while the portal is down
    [outcome] = publisher.run().outcomes  # the one tried waits for its backoff; the other goes now
    assert outcome.status == "done" and outcome.dataset == report.plan[1 - _index(report, tried)].name
    clock.now += dt.timedelta(minutes=5)
    assert [o.status for o in publisher.run().outcomes] == ["done"]
    assert len(fake.packages) == 2 and {j.state for j in jobs(open_ctx)} == {"done"}


def _index(report: object, job: PublishJob) -> int:
    return [item.dataset_id for item in report.plan].index(job.dataset_id)  # type: ignore[attr-defined]


def test_upload_failing_half_way_is_completed_next_run(publisher: Publisher, fake: FakeCKAN,
                                                       open_ctx: OpenContext, clock: Clock) -> None:
    fake.fail["resource_create"] = http_error(503)
    report = publisher.run()
    assert report.outcomes[0].status == "pending" and "HTTP 503" in report.outcomes[0].problems[0].en
    [job] = jobs(open_ctx)
    package = fake.by_name("city")
    assert job.package_id == package["id"] and [r["name"] for r in package["resources"]] == ["ลิงก์"]
    clock.now += retry_delay(1)
    fake.sent.clear()
    assert publisher.run().ok
    assert len(fake.packages) == 1 and [r["name"] for r in fake.by_name("city")["resources"]] == ["ลิงก์", "ไฟล์"]
    assert [a for a, _ in fake.sent if a != "package_show"] == ["organization_show", "resource_create"]


def test_validation_error_fails_the_job_naming_the_field(publisher: Publisher, fake: FakeCKAN,
                                                         open_ctx: OpenContext) -> None:
    fake.fail["package_create"] = ValidationError({"title": ["ชื่อชุดข้อมูลนี้ถูกใช้แล้ว"], "__type": "Validation Error"})
    outcome = publisher.run().outcomes[0]
    assert outcome.status == "failed" and [p.field for p in outcome.problems] == ["title"]
    assert "ชื่อชุดข้อมูล" in outcome.problems[0].th and "Dataset Name" in outcome.problems[0].en
    [job] = jobs(open_ctx)
    assert job.state == JobState.failed and job.problems and job.problems[0]["field"] == "title"
    fake.sent.clear()
    report = publisher.run()
    assert report.plan[0].action == "failed" and fake.sent == []


def test_a_package_of_another_dataset_is_not_taken(publisher: Publisher, fake: FakeCKAN,
                                                   open_ctx: OpenContext) -> None:
    fake.organization_create({"name": "other-org", "title": "อื่น"}, None)
    fake.package_create({"name": "city", "owner_org": "other-org", "title": "ของคนอื่น"}, None)
    outcome = publisher.run().outcomes[0]
    assert outcome.status == "failed" and outcome.problems[0].code == "name_taken"
    assert fake.by_name("city")["title"] == "ของคนอื่น"


def test_dry_run_writes_nothing(publisher: Publisher, fake: FakeCKAN, open_ctx: OpenContext) -> None:
    report = publisher.dry_run()
    changes = report.previews[report.plan[0].dataset_id]
    assert not changes.exists and {"title", "tags", "data_category"} <= {c.key for c in changes.fields}
    assert [(r.op, r.upload) for r in changes.resources] == [("create", False), ("create", True)]
    assert fake.writes() == [] and jobs(open_ctx) == []


def test_drift_names_fields_edited_on_the_portal(publisher: Publisher, fake: FakeCKAN,
                                                 open_ctx: OpenContext) -> None:
    publisher.run()
    assert publisher.check() == []
    fake.by_name("city")["notes"] = "แก้บนพอร์ทัล"
    [drift] = publisher.check()
    assert [(c.key, c.old, c.new) for c in drift.changes.fields] == [  # type: ignore[union-attr]
        ("notes", "แก้บนพอร์ทัล", "สถิติประกอบตัวชี้วัดการพัฒนาเมือง")]
    with open_ctx() as ctx:
        assert ctx.session.exec(select(Publication)).one().package_id == drift.package_id


def test_the_dictionary_goes_as_schema_and_as_a_spreadsheet(open_ctx: OpenContext, fake: FakeCKAN,
                                                            clock: Clock) -> None:
    from openpyxl import load_workbook

    from catalog.actions.dictionaries import dictionary_version_create
    from tests.governance_helpers import make_agency

    schema = {"fields": [{"name": "district", "type": "string", "title": "เขต", "description": "เขตปกครอง"}]}
    with open_ctx() as ctx:
        dataset = make_agency(ctx)
        data = resource_create(ctx, dataset, {"name": "ประชากร"}, content=io.BytesIO(CSV), filename="p.csv")
        dictionary_version_create(ctx, dataset, data["id"], schema)
    publisher = Publisher(lambda: open_ctx(clock=clock), FakeClient(fake, profile=load_profile()))
    assert publisher.run().ok
    file, dictionary = fake.by_name(dataset)["resources"]
    assert json.loads(file["schema"]) == schema and dictionary["name"] == "พจนานุกรมข้อมูล: ประชากร"
    sheet = load_workbook(io.BytesIO(fake.uploads[dictionary["id"]])).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("ชื่อฟิลด์") and rows[1][:3] == ("district", None, "เขต")
    assert publisher.run(force=True).write_calls == 0  # same schema: the spreadsheet is not sent again


def test_publishing_sends_no_link_back_to_banchi(publisher: Publisher, fake: FakeCKAN, open_ctx: OpenContext) -> None:
    """A worker or a scheduled run has no request and may have no BANCHI_SITE_URL: publishing needs neither,
    since files and dictionaries are uploaded to the portal and the package carries no address of Banchi."""
    with open_ctx() as ctx:
        assert ctx.settings.site_url is None and ctx.base_url is None and ctx.site_url == ""
    assert publisher.run().ok
    sent = json.dumps(fake.sent, ensure_ascii=False, default=str)
    assert "/download/" not in sent and "/evidence/" not in sent
    assert all(r["url"].startswith(("https://example.go.th/", "http")) for r in fake.by_name("city")["resources"])
