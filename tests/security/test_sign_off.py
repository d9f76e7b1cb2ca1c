"""Sign-offs in someone else's name (issue 15, item 1): a stage move, a dictionary approval and an evidence
entry are recorded for the signed-in account's person; a name sent with the request is not taken."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import col, select

from catalog.actions.accounts import account_create, token_create
from catalog.actions.datasets import dataset_create
from catalog.actions.people import person_create
from catalog.actions.working_groups import working_group_create, working_group_member_add
from catalog.models.audit import AuditEntry
from catalog.models.governance import StageEvent
from tests.conftest import OpenContext
from tests.factories import dataset_input
from tests.security.conftest import ORG_A, ORG_B, PASSWORD, TokenFor
from tests.services.web.conftest import csrf_of

DIRECTOR = "director.hrd@bangkok.go.th"  # chair of A's working group
MEMBER = "steward.hrd@bangkok.go.th"  # a steward of A with a seat (secretary) on A's working group
ADVANCE = "/api/datasets/sign-me/stages/advance"


def _fresh_dataset(open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input("sign-me", title="ชุดข้อมูลทดสอบการลงนาม"), publish=True)


def test_steward_cannot_sign_off_in_the_directors_name(client: TestClient, token_for: TokenFor,
                                                       open_ctx: OpenContext) -> None:
    _fresh_dataset(open_ctx)
    steward = token_for(MEMBER, "steward")
    with open_ctx() as ctx:
        before = len(ctx.session.exec(select(StageEvent)).all())
    forged = client.post(ADVANCE, headers=steward, json={"to": 1, "signed_off_by": DIRECTOR, "reason": "ลงทะเบียนแล้ว"})
    assert forged.status_code == 422, forged.text
    error = forged.json()["errors"][0]
    assert error["field"] == "signed_off_by" and "ลงนามในนามของผู้อื่นไม่ได้" in error["th"]
    assert MEMBER in error["en"] and DIRECTOR in error["en"]
    with open_ctx() as ctx:
        assert len(ctx.session.exec(select(StageEvent)).all()) == before  # nothing recorded

    own = client.post(ADVANCE, headers=steward, json={"to": 1, "reason": "ลงทะเบียนแล้ว"})
    assert own.status_code == 200, own.text
    assert own.json()["signed_off_by"] == MEMBER
    with open_ctx() as ctx:
        entry = ctx.session.exec(select(AuditEntry).where(AuditEntry.action == "stage_advance")
                                 .order_by(col(AuditEntry.id).desc())).first()
    assert entry is not None and entry.actor == MEMBER and entry.after is not None
    assert entry.after["signed_off_by"] == MEMBER


def test_the_stage_board_offers_no_one_else_and_ignores_a_forged_signer(client: TestClient, token_for: TokenFor,
                                                                        open_ctx: OpenContext) -> None:
    _fresh_dataset(open_ctx)
    token_for(MEMBER, "steward")
    page = client.get("/user/login").text
    client.post("/user/login", data={"csrf_token": csrf_of(page), "email": MEMBER, "password": PASSWORD})
    board = client.get(f"/organization/{ORG_A}/stages").text
    assert 'name="signed_off_by"' not in board and DIRECTOR not in board  # no list of signers to choose from
    assert MEMBER in board
    forged = client.post(f"/organization/{ORG_A}/stages/advance", data={
        "csrf_token": csrf_of(board), "dataset": "sign-me", "to": "1", "signed_off_by": DIRECTOR,
        "reason": "ลงทะเบียนแล้ว"})
    assert forged.status_code == 422 and "ลงนามในนามของผู้อื่นไม่ได้" in forged.text  # refused, nothing signed
    assert client.get("/api/datasets/sign-me/stages").json() == []
    done = client.post(f"/organization/{ORG_A}/stages/advance", data={
        "csrf_token": csrf_of(board), "dataset": "sign-me", "to": "1", "reason": "ลงทะเบียนแล้ว"})
    assert done.status_code == 200, done.text
    history = client.get("/api/datasets/sign-me/stages").json()
    assert [event["signed_off_by"] for event in history] == [MEMBER]


def test_evidence_cannot_be_added_in_the_directors_name(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for(MEMBER, "steward")
    body = {"organization": ORG_A, "evidence_date": "2021-01-10", "description": "บัญชีรายการข้อมูล",
            "url": "https://hrd.bangkok.go.th/catalog", "stage": 1}
    forged = client.post("/api/evidence", headers=steward, json={**body, "added_by": DIRECTOR})
    assert forged.status_code == 422 and forged.json()["errors"][0]["field"] == "added_by"
    own = client.post("/api/evidence", headers=steward, json=body)
    assert own.status_code == 201 and own.json()["added_by"] == MEMBER


def test_an_account_without_a_person_cannot_sign(client: TestClient, token_for: TokenFor,
                                                 open_ctx: OpenContext) -> None:
    _fresh_dataset(open_ctx)
    admin = token_for("nobody.admin@bangkok.go.th", "admin")  # no person has this email
    refused = client.post(ADVANCE, headers=admin, json={"to": 1, "signed_off_by": DIRECTOR, "reason": "x"})
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "signed_off_by" and "ไม่ได้ผูกกับบุคคล" in error["th"] and "not linked" in error["en"]


def test_a_member_of_another_agencys_group_cannot_sign_for_this_one(client: TestClient,
                                                                    open_ctx: OpenContext) -> None:
    _fresh_dataset(open_ctx)
    outsider = "wg.other@bangkok.go.th"
    with open_ctx() as ctx:
        person_create(ctx, {"email": outsider, "full_name": "นายทดสอบ ต่างหน่วย", "organization": ORG_B})
        group = working_group_create(ctx, {"organization": ORG_B, "name": "คณะทำงานฯ หน่วยงาน B"})
        working_group_member_add(ctx, group.id, {"person": outsider, "role": "chair"})
        account_create(ctx, {"email": outsider, "roles": [{"role": "steward", "organization": ORG_A}]})
        header = {"Authorization": f"Bearer {token_create(ctx, {'name': 't'}, outsider).token}"}
    refused = client.post(ADVANCE, headers=header, json={"to": 1, "reason": "x"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "signed_off_by"
    assert "ไม่ได้เป็นคณะทำงาน" in refused.json()["errors"][0]["th"]
