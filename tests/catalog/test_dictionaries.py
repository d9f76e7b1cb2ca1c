"""Dictionaries in the catalog: drafts, approval by the working group, validation runs, all-or-nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlmodel import select

from catalog.actions import dictionaries as actions
from catalog.actions.dictionaries import (
    dictionary_version_approve,
    dictionary_version_create,
    dictionary_versions,
    resource_validate,
    validation_runs,
)
from catalog.actions.resources import resource_create
from catalog.audit import audit_log
from catalog.context import Actor
from catalog.errors import ValidationFailed
from catalog.models import Organization, Person
from catalog.models.dictionary import DictionaryVersion, ValidationRun
from tests.conftest import OpenContext
from tests.dictionaries.datagen import SCHEMA, write_csv
from tests.governance_helpers import CHAIR, OUTSIDER, at, make_agency


@pytest.fixture
def resource(open_ctx: OpenContext) -> str:
    with open_ctx() as ctx:
        dataset = make_agency(ctx)
        created = resource_create(ctx, dataset, {"encoding": "utf-8"}, content=io.BytesIO(b"id\n1\n"),
                                  filename="ข้อมูล.csv")
    return created["id"]


def person_actor(open_ctx: OpenContext, email: str) -> Actor:
    with open_ctx() as ctx:
        person = ctx.session.exec(select(Person).where(Person.email == email)).one()
        org = ctx.session.exec(select(Organization).where(Organization.name == "bma-hrd")).one()
    return Actor(name=email, person_id=person.id, account_id="acct", roles={org.id: frozenset({"steward"})})


def test_drafts_are_numbered_and_approved_once_by_the_working_group(open_ctx: OpenContext, resource: str):
    with open_ctx() as ctx:
        first = dictionary_version_create(ctx, "city-indicators", resource, SCHEMA)
        second = dictionary_version_create(ctx, "city-indicators", resource, {"fields": [{"name": "id"}]})
    assert (first.number, second.number, first.status, second.status) == (1, 2, "draft", "draft")
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        dictionary_version_approve(ctx, second.id, {"approved_by": OUTSIDER})
    assert [p.code for p in caught.value.problems] == ["approver_not_in_working_group"]
    assert "คณะทำงาน" in caught.value.problems[0].th
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        dictionary_version_approve(ctx, first.id, {"approved_by": CHAIR})
    assert [p.code for p in caught.value.problems] == ["not_newest_draft"]  # version 2 replaced it
    assert "ฉบับล่าสุด" in caught.value.problems[0].th and "newest" in caught.value.problems[0].en
    with open_ctx(clock=at("2025-03-01")) as ctx:
        approved = dictionary_version_approve(ctx, second.id, {"approved_by": CHAIR})
    assert (approved.status, approved.approved_by, approved.current) == ("approved", CHAIR, True)
    assert approved.approved_at == at("2025-03-01")()
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        dictionary_version_approve(ctx, second.id, {"approved_by": CHAIR})
    assert [p.code for p in caught.value.problems] == ["already_approved"]
    with open_ctx() as ctx:
        third = dictionary_version_create(ctx, "city-indicators", resource, SCHEMA)
        dictionary_version_approve(ctx, third.id, {"approved_by": CHAIR})
        versions = dictionary_versions(ctx, "city-indicators", resource)
        actions_logged = [e.action for e in audit_log(ctx, entity_type="dictionary_version")]
    # exactly one approved version is current: the newest approved
    assert [(v.number, v.status, v.current) for v in versions] == [
        (1, "draft", False), (2, "approved", False), (3, "approved", True)]
    assert versions[0].table_schema == first.table_schema  # content never changes
    assert sorted(actions_logged) == ["dictionary_version_approve", "dictionary_version_approve",
                                      "dictionary_version_create", "dictionary_version_create",
                                      "dictionary_version_create"]


def test_a_member_approves_for_themselves_only(open_ctx: OpenContext, resource: str):
    with open_ctx() as ctx:
        version = dictionary_version_create(ctx, "city-indicators", resource, SCHEMA)
    outsider = person_actor(open_ctx, OUTSIDER)
    with pytest.raises(ValidationFailed) as caught, open_ctx(outsider) as ctx:
        dictionary_version_approve(ctx, version.id, {"approved_by": CHAIR})
    assert caught.value.problems[0].code == "signer_not_you"
    with open_ctx(person_actor(open_ctx, CHAIR)) as ctx:
        assert dictionary_version_approve(ctx, version.id).approved_by == CHAIR


def test_bad_schemas_are_refused_whole(open_ctx: OpenContext, resource: str):
    for schema, code in (({"fields": [{"name": "ชื่อ", "identifier": "ชื่อ"}]}, "bad_identifier"),
                         ({"fields": [{"name": "a", "type": "money"}]}, "unknown_type")):
        with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
            dictionary_version_create(ctx, "city-indicators", resource, schema)
        assert caught.value.problems[0].code == code
    with open_ctx() as ctx:
        assert ctx.session.exec(select(DictionaryVersion)).all() == []


def test_validation_run_is_stored_with_its_figures(open_ctx: OpenContext, resource: str, tmp_path: Path):
    data = write_csv(tmp_path / "upload.csv", 400, 0.1)
    with open_ctx() as ctx:
        version = dictionary_version_create(ctx, "city-indicators", resource, SCHEMA)
        run = resource_validate(ctx, "city-indicators", resource, data)
    assert run.dictionary_version_id == version.id and run.version_number == 1
    assert not run.valid and run.rows == 400 and 0 < run.validity < 100 and 0 < run.completeness < 100
    import hashlib

    assert run.file_sha256 == hashlib.sha256(data.read_bytes()).hexdigest()
    with open_ctx() as ctx:
        [stored] = ctx.session.exec(select(ValidationRun)).all()
        assert stored.report["stats"]["errors"] == run.errors and stored.report["errors"][0]["messageTh"]
        assert [r.id for r in validation_runs(ctx, "city-indicators", resource)] == [run.id]
        assert [e.action for e in audit_log(ctx, entity_type="validation_run")] == ["validation_run_store"]


def test_ctrl_c_leaves_nothing_half_stored(
    open_ctx: OpenContext, resource: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data = write_csv(tmp_path / "upload.csv", 300, 0.1)
    with open_ctx() as ctx:
        dictionary_version_create(ctx, "city-indicators", resource, SCHEMA)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    def interrupt_midway(done: int, total: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(actions, "record_change", interrupted)  # after the run row was added
    with pytest.raises(KeyboardInterrupt), open_ctx() as ctx:
        resource_validate(ctx, "city-indicators", resource, data)
    monkeypatch.undo()
    with pytest.raises(KeyboardInterrupt), open_ctx() as ctx:  # during the validation itself
        resource_validate(ctx, "city-indicators", resource, data, progress=interrupt_midway)
    with open_ctx() as ctx:
        assert ctx.session.exec(select(ValidationRun)).all() == []
        assert audit_log(ctx, entity_type="validation_run") == []
