"""Publishing rules (what may go openly) and the outbox state machine (plan, claim, done, retry, fail)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from sqlmodel import select

from catalog.actions.datasets import dataset_create, dataset_set_state, dataset_update
from catalog.actions.dictionaries import dictionary_version_approve, dictionary_version_create
from catalog.actions.lookup import get_dataset
from catalog.actions.people import person_create
from catalog.actions.publishing import (
    normalize_portal_url,
    publication_list,
    publish_due_jobs,
    publish_job_claim,
    publish_job_done,
    publish_job_fail,
    publish_job_list,
    publish_job_retry,
    publish_plan,
)
from catalog.actions.resources import resource_create
from catalog.audit import audit_log
from catalog.context import Actor, Context
from catalog.errors import NotFound, PermissionDenied, ValidationFailed
from catalog.models import Dataset, DatasetState, Organization, Resource
from catalog.models.publishing import JobState, Publication, PublishJob
from catalog.publish_messages import publish_problem
from catalog.publish_rules import dataset_refusals, personal_data_fields, resource_refusal
from tests.conftest import OpenContext
from tests.factories import dataset_input, make_org
from tests.governance_helpers import CHAIR, at, make_agency
from tests.publish_clock import Clock, clock_fixture  # noqa: F401 (the clock fixture)

PORTAL = "https://data.example.go.th"
LEASE = dt.timedelta(minutes=5)
CLOSED = {  # non-public categories with a classification each allows
    "ข้อมูลใช้ภายใน": "ชั้นเผยแพร่ภายในองค์กร",
    "ข้อมูลส่วนบุคคล": "ลับ",
    "ข้อมูลความลับทางราชการ": "ลับมาก",
    "ข้อมูลความมั่นคง": "ลับที่สุด",
}


@pytest.fixture
def org(open_ctx: OpenContext) -> str:
    with open_ctx() as ctx:
        return make_org(ctx)


def create(open_ctx: OpenContext, name: str, **changes: Any) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input(name, **changes), publish=True)


def plan(open_ctx: OpenContext, clock: Clock, **kwargs: object) -> dict[str, str]:
    with open_ctx(clock=clock) as ctx:
        return {item.name: item.action for item in publish_plan(ctx, PORTAL, **kwargs)}  # type: ignore[arg-type]


def run_job(open_ctx: OpenContext, clock: Clock, job_id: str, package: str = "pkg-1") -> None:
    with open_ctx(clock=clock) as ctx:
        claimed = publish_job_claim(ctx, job_id, LEASE)
        assert claimed is not None
    with open_ctx(clock=clock) as ctx:
        publish_job_done(ctx, job_id, package_id=package, package_name=claimed.dataset_name)


def due(open_ctx: OpenContext, clock: Clock, **kwargs: object) -> list[str]:
    with open_ctx(clock=clock) as ctx:
        return publish_due_jobs(ctx, PORTAL, **kwargs)  # type: ignore[arg-type]


def test_only_public_complete_datasets_are_published(open_ctx: OpenContext, org: str, clock: Clock) -> None:
    create(open_ctx, "open-data")
    for index, (category, classification) in enumerate(CLOSED.items()):
        create(open_ctx, f"closed-{index}", data_category=category, data_classification=classification)
    with open_ctx(clock=clock) as ctx:
        items = {item.name: item for item in publish_plan(ctx, PORTAL)}
    assert items["open-data"].action == "publish" and items["open-data"].job_id
    for index in range(len(CLOSED)):
        item = items[f"closed-{index}"]
        assert (item.action, item.payload, item.job_id) == ("refused", None, None)
        assert [p.field for p in item.refusals] == ["data_category"]
    with open_ctx() as ctx:
        jobs = ctx.session.exec(select(PublishJob)).all()
    assert [job.dataset_id for job in jobs] == [items["open-data"].dataset_id]


def test_incomplete_mandatory_metadata_is_refused_naming_the_fields(open_ctx: OpenContext, org: str) -> None:
    create(open_ctx, "open-data")
    with open_ctx() as ctx:
        dataset = ctx.session.exec(select(Dataset)).one()
        # stored before a stricter profile, say: the registry holds it, the portal must not get it
        dataset.extras = {k: v for k, v in dataset.extras.items() if k not in ("maintainer_email", "objective")}
        ctx.session.add(dataset)
    with open_ctx() as ctx:
        dataset = ctx.session.exec(select(Dataset)).one()
        refusals = dataset_refusals(ctx, dataset, _org(ctx, dataset))
    assert [(p.code, p.field) for p in refusals] == [("mandatory_missing", "maintainer_email"),
                                                     ("mandatory_missing", "objective")]
    assert "อีเมลสำหรับติดต่อ" in refusals[0].th and "Contact Email" in refusals[0].en


def test_payload_leaves_private_resources_and_the_steward_behind(open_ctx: OpenContext, org: str,
                                                                 clock: Clock) -> None:
    with open_ctx() as ctx:
        person_create(ctx, {"email": "somchai@bangkok.go.th", "full_name": "สมชาย ใจดี", "organization": org})
    create(open_ctx, "open-data", steward="somchai@bangkok.go.th")
    with open_ctx() as ctx:
        resource_create(ctx, "open-data", {"name": "ลิงก์", "url": "https://example.go.th/a", "format": "API"})
        resource_create(ctx, "open-data", {"name": "ภายใน", "resource_private": "True"},
                        content=io.BytesIO(b"a,b\n"), filename="internal.csv")
    with open_ctx(clock=clock) as ctx:
        [item] = publish_plan(ctx, PORTAL)
    assert item.payload is not None
    assert [r["name"] for r in item.payload["resources"]] == ["ลิงก์"]
    assert [p.code for p in item.excluded] == ["resource_private"]
    assert "somchai" not in str(item.payload) and "สมชาย" not in str(item.payload)


def test_a_file_with_personal_data_fields_is_not_uploaded() -> None:
    schema = {"fields": [{"name": "district", "type": "string"},
                         {"name": "citizen_id", "type": "string", "personalData": True}]}
    assert personal_data_fields(schema) == ["citizen_id"]
    upload = Resource(dataset_id="d", name="ผู้มีสิทธิ์.csv", kind="file")
    link = Resource(dataset_id="d", name="ระบบ", kind="url", url="https://example.go.th")
    refusal = resource_refusal(upload, personal_data_fields(schema))
    assert refusal is not None and refusal.code == "personal_data_file" and "citizen_id" in refusal.th
    assert resource_refusal(link, personal_data_fields(schema)) is None
    assert resource_refusal(upload, []) is None


def test_unchanged_content_queues_nothing_and_a_change_queues_one_job(open_ctx: OpenContext, org: str,
                                                                      clock: Clock) -> None:
    create(open_ctx, "open-data")
    assert plan(open_ctx, clock) == {"open-data": "publish"}
    assert plan(open_ctx, clock) == {"open-data": "publish"}  # planned twice: still one job
    [job_id] = due(open_ctx, clock)
    run_job(open_ctx, clock, job_id)
    assert plan(open_ctx, clock) == {"open-data": "unchanged"} and due(open_ctx, clock) == []
    with open_ctx() as ctx:
        dataset_update(ctx, "open-data", {"update_frequency_unit": "ไตรมาส"})
    assert plan(open_ctx, clock) == {"open-data": "publish"}
    assert len(due(open_ctx, clock)) == 1
    with open_ctx() as ctx:  # changed back before the job ran: the queued job is no longer needed
        dataset_update(ctx, "open-data", {"update_frequency_unit": "เดือน"})
    assert plan(open_ctx, clock) == {"open-data": "unchanged"} and due(open_ctx, clock) == []


def test_publication_is_recorded_with_its_hash_and_audited(open_ctx: OpenContext, org: str, clock: Clock) -> None:
    create(open_ctx, "open-data")
    with open_ctx(clock=clock) as ctx:
        [item] = publish_plan(ctx, PORTAL + "/")
    assert item.job_id is not None
    run_job(open_ctx, clock, item.job_id, package="abc-123")
    with open_ctx() as ctx:
        [pub] = publication_list(ctx, PORTAL)
        entries = audit_log(ctx, entity_id=pub.dataset_id)
    assert (pub.portal_url, pub.package_id, pub.content_hash, pub.published_at) == (
        PORTAL, "abc-123", item.content_hash, clock.now)
    assert pub.payload["dataset"]["name"] == "open-data" and pub.withdrawn_at is None
    assert entries[0].action == "dataset_publish" and (entries[0].after or {}).get("package_id") == "abc-123"


def test_withdrawn_or_closed_datasets_are_withdrawn_from_the_portal(open_ctx: OpenContext, org: str,
                                                                    clock: Clock) -> None:
    create(open_ctx, "open-data")
    create(open_ctx, "becomes-internal")
    for job_id in _plan_jobs(open_ctx, clock):
        run_job(open_ctx, clock, job_id)
    with open_ctx() as ctx:
        dataset_set_state(ctx, "open-data", DatasetState.withdrawn, reason="เลิกจัดเก็บ")
        dataset_update(ctx, "becomes-internal", {"data_category": "ข้อมูลใช้ภายใน", "data_classification": "",
                                                 "accessible_condition": ""})
    assert plan(open_ctx, clock) == {"becomes-internal": "withdraw", "open-data": "withdraw"}
    for job_id in due(open_ctx, clock):
        run_job(open_ctx, clock, job_id)
    with open_ctx() as ctx:
        pubs = ctx.session.exec(select(Publication)).all()
        assert publication_list(ctx, PORTAL) == []
    assert all(pub.withdrawn_at == clock.now for pub in pubs)
    assert plan(open_ctx, clock) == {"becomes-internal": "refused", "open-data": "refused"}


def test_claim_is_exclusive_until_the_lease_ends(open_ctx: OpenContext, org: str, clock: Clock) -> None:
    create(open_ctx, "open-data")
    [job_id] = _plan_jobs(open_ctx, clock)
    with open_ctx(clock=clock) as ctx:
        first = publish_job_claim(ctx, job_id, LEASE)
    with open_ctx(clock=clock) as ctx:
        assert publish_job_claim(ctx, job_id, LEASE) is None  # another run holds it
    assert first is not None and first.attempts == 1 and due(open_ctx, clock) == []
    clock.now += LEASE + dt.timedelta(seconds=1)  # the first run died: the job comes back
    assert due(open_ctx, clock) == [job_id]
    with open_ctx(clock=clock) as ctx:
        again = publish_job_claim(ctx, job_id, LEASE)
    assert again is not None and again.attempts == 2


def test_transient_failure_waits_for_its_backoff(open_ctx: OpenContext, org: str, clock: Clock) -> None:
    create(open_ctx, "open-data")
    [job_id] = _plan_jobs(open_ctx, clock)
    with open_ctx(clock=clock) as ctx:
        publish_job_claim(ctx, job_id, LEASE)
    problem = publish_problem("portal_unavailable", portal=PORTAL, detail="HTTP 503")
    with open_ctx(clock=clock) as ctx:
        publish_job_retry(ctx, job_id, [problem], clock.now + dt.timedelta(seconds=30))
    with open_ctx() as ctx:
        job = ctx.session.get(PublishJob, job_id)
    assert job is not None and job.state == JobState.pending and "HTTP 503" in (job.last_error or "")
    assert due(open_ctx, clock) == [] and due(open_ctx, clock, ignore_backoff=True) == [job_id]
    clock.now += dt.timedelta(seconds=30)
    assert due(open_ctx, clock) == [job_id]
    assert plan(open_ctx, clock) == {"open-data": "publish"}  # re-planning keeps the job and its backoff
    with open_ctx() as ctx:
        assert ctx.session.exec(select(PublishJob)).one().attempts == 1


def test_refused_content_is_not_retried_until_it_changes(open_ctx: OpenContext, org: str, clock: Clock) -> None:
    create(open_ctx, "open-data")
    [job_id] = _plan_jobs(open_ctx, clock)
    with open_ctx(clock=clock) as ctx:
        publish_job_claim(ctx, job_id, LEASE)
    refused = publish_problem("portal_rejected", "title", label="ชื่อชุดข้อมูล", label_en="Dataset Name",
                              detail="ชื่อชุดข้อมูลนี้ถูกใช้แล้ว")
    with open_ctx(clock=clock) as ctx:
        publish_job_fail(ctx, job_id, [refused])
    with open_ctx(clock=clock) as ctx:
        [item] = publish_plan(ctx, PORTAL)
    assert item.action == "failed" and "ชื่อชุดข้อมูล" in (item.error or "") and due(open_ctx, clock) == []
    assert plan(open_ctx, clock, force=True) == {"open-data": "publish"}
    with open_ctx() as ctx:
        dataset_update(ctx, "open-data", {"title": "ชื่อใหม่ที่ไม่ซ้ำ"})
    assert plan(open_ctx, clock) == {"open-data": "publish"} and len(due(open_ctx, clock)) == 1


def test_claim_checks_the_rules_again(open_ctx: OpenContext, org: str, clock: Clock) -> None:
    create(open_ctx, "open-data")
    [job_id] = _plan_jobs(open_ctx, clock)
    with open_ctx() as ctx:  # closed after the job was queued, before it ran: nothing may go
        dataset_update(ctx, "open-data", {"data_category": "ข้อมูลส่วนบุคคล", "data_classification": "ลับ",
                                          "accessible_condition": ""})
    with open_ctx(clock=clock) as ctx:
        assert publish_job_claim(ctx, job_id, LEASE) is None
    with open_ctx() as ctx:
        job = ctx.session.get(PublishJob, job_id)
    assert job is not None and job.state == JobState.done and due(open_ctx, clock) == []


def test_claim_sends_the_newest_content(open_ctx: OpenContext, org: str, clock: Clock) -> None:
    create(open_ctx, "open-data")
    [job_id] = _plan_jobs(open_ctx, clock)
    with open_ctx() as ctx:
        dataset_update(ctx, "open-data", {"notes": "คำอธิบายใหม่"})
    with open_ctx(clock=clock) as ctx:
        claimed = publish_job_claim(ctx, job_id, LEASE)
    assert claimed is not None and claimed.payload is not None
    assert claimed.payload["dataset"]["notes"] == "คำอธิบายใหม่"


def test_publishing_needs_the_organizations_admin_or_steward(open_ctx: OpenContext, org: str, clock: Clock) -> None:
    create(open_ctx, "open-data")
    with open_ctx() as ctx:
        org_id = _org(ctx, ctx.session.exec(select(Dataset)).one()).id
    for outsider in (Actor(name="member", roles={org_id: frozenset({"wg_member"})}),
                     Actor(name="other-steward", roles={"another-org": frozenset({"steward"})})):
        with pytest.raises(PermissionDenied), open_ctx(outsider) as ctx:
            publish_plan(ctx, PORTAL)
    for role in ("steward", "admin"):
        with open_ctx(Actor(name=role, roles={org_id: frozenset({role})}), clock=clock) as ctx:
            assert [i.action for i in publish_plan(ctx, PORTAL)] == ["publish"]


def test_portal_url_is_normalized_and_checked() -> None:
    assert normalize_portal_url(" HTTPS://Data.Example.go.th/ ") == "https://data.example.go.th"
    with pytest.raises(ValidationFailed) as caught:
        normalize_portal_url("data.example.go.th")
    assert caught.value.problems[0].field == "ckan_url"


def _plan_jobs(open_ctx: OpenContext, clock: Clock) -> list[str]:
    with open_ctx(clock=clock) as ctx:
        return [item.job_id for item in publish_plan(ctx, PORTAL) if item.job_id]


def _org(ctx: Context, dataset: Dataset) -> Organization:
    org = ctx.session.get(Organization, dataset.owner_org_id)
    assert org is not None
    return org


# -- data dictionaries ---------------------------------------------------------------------------------

DICTIONARY = {"fields": [{"name": "district", "type": "string", "title": "เขต"},
                         {"name": "population", "type": "integer", "title": "จำนวนประชากร", "unit": "คน"}]}
PERSONAL = {"fields": [*DICTIONARY["fields"],
                       {"name": "citizen_id", "type": "string", "title": "เลขประจำตัวประชาชน", "personalData": True}]}


def test_dictionary_goes_with_its_resource_and_personal_data_files_stay_home(open_ctx: OpenContext,
                                                                             clock: Clock) -> None:
    with open_ctx() as ctx:
        dataset = make_agency(ctx)
        data = resource_create(ctx, dataset, {"name": "ประชากร"}, content=io.BytesIO(b"district\n"), filename="p.csv")
        link = resource_create(ctx, dataset, {"name": "API", "url": "https://example.go.th/api", "format": "API"})
        first = dictionary_version_create(ctx, dataset, data["id"], DICTIONARY)
        dictionary_version_create(ctx, dataset, link["id"], PERSONAL)
    with open_ctx(clock=clock) as ctx:
        [item] = publish_plan(ctx, PORTAL, record=False)
    assert item.payload is not None
    sent = {r["name"]: r for r in item.payload["resources"]}
    assert sent["ประชากร"]["schema"]["fields"][1]["unit"] == "คน"
    assert sent["API"]["schema"] == PERSONAL  # a link sends no personal data itself; its dictionary goes
    with open_ctx(clock=at("2025-03-01")) as ctx:
        dictionary_version_approve(ctx, first.id, {"approved_by": CHAIR})
        dictionary_version_create(ctx, dataset, data["id"], PERSONAL)  # a newer draft flags personal data
    with open_ctx(clock=clock) as ctx:
        [item] = publish_plan(ctx, PORTAL, record=False)
    assert item.payload is not None and [r["name"] for r in item.payload["resources"]] == ["API"]
    assert [(p.code, p.value) for p in item.excluded] == [("personal_data_file", "ประชากร")]
    assert "citizen_id" in item.excluded[0].th


def test_a_run_includes_only_the_datasets_chosen_and_drafts_stay_home(open_ctx: OpenContext, org: str,
                                                                       clock: Clock) -> None:
    create(open_ctx, "chosen")
    create(open_ctx, "left-out")
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input("a-draft"))  # not published in Banchi: never sent
    assert plan(open_ctx, clock, organization=org, only=["chosen"]) == {"chosen": "publish"}
    with open_ctx() as ctx:
        assert [job.dataset_id for job in publish_job_list(ctx, organization=org)] == [
            get_dataset(ctx, "chosen").id]
    with pytest.raises(NotFound):  # a name outside the organization's catalog, as if it did not exist
        plan(open_ctx, clock, organization=org, only=["chosen", "someone-elses"])
    assert plan(open_ctx, clock, organization=org)["a-draft"] == "refused"
