"""The lifecycle through every read interface (issue 15 item 2): a draft, a private dataset and a deleted
one are nowhere the public or another organization looks — the REST API, the CKAN-compatible API a
harvester reads, DCAT, Data Package, search and the counts — while their own organization still reads them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from catalog.actions.datasets import dataset_create, dataset_delete
from tests.conftest import OpenContext
from tests.factories import dataset_input
from tests.security.conftest import ORG_A, ORG_B, TokenFor

HIDDEN = {"a-draft": {}, "a-private": {"private": True}, "a-deleted": {}}


def _hidden_datasets(open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input("a-draft", owner_org=ORG_A, title="ชุดข้อมูลฉบับร่างลับเฉพาะ"))
        dataset_create(ctx, dataset_input("a-private", owner_org=ORG_A, title="ชุดข้อมูลส่วนตัวลับเฉพาะ",
                                          private=True), publish=True)
        dataset_create(ctx, dataset_input("a-deleted", owner_org=ORG_A, title="ชุดข้อมูลที่ลบลับเฉพาะ"),
                       publish=True)
        dataset_delete(ctx, "a-deleted", reason="ซ้ำ")


def _seen(client: TestClient, headers: dict[str, str]) -> dict[str, set[str]]:
    """Which of the hidden datasets each read interface shows to the caller."""
    names = set(HIDDEN)

    def action(name: str, **params: object) -> Any:
        answer = client.get(f"/api/3/action/{name}", params=params, headers=headers)
        assert answer.status_code in (200, 404), answer.text
        return answer.json().get("result")

    shown: dict[str, set[str]] = {
        "rest_show": {n for n in names if client.get(f"/api/datasets/{n}", headers=headers).status_code == 200},
        "rest_list": {d["name"] for d in client.get("/api/datasets", params={"limit": 1000},
                                                    headers=headers).json()["results"]} & names,
        "package_show": {n for n in names if client.get("/api/3/action/package_show", params={"id": n},
                                                        headers=headers).status_code == 200},
        "package_list": set(action("package_list") or []) & names,
        "package_search": {d["name"] for d in action("package_search", q="ลับเฉพาะ", include_private="true",
                                                     rows=100)["results"]} & names,
        "current_package_list": {d["name"] for d in action("current_package_list_with_resources",
                                                           limit=1000)} & names,
        "dcat": {n for n in names if n in client.get("/catalog.ttl", headers=headers).text},
        "datapackage": {n for n in names if client.get(f"/api/datasets/{n}/datapackage.json",
                                                       headers=headers).status_code == 200},
    }
    return shown


def test_the_public_and_another_organization_see_none_of_them(client: TestClient, token_for: TokenFor,
                                                              open_ctx: OpenContext) -> None:
    _hidden_datasets(open_ctx)
    public_count = client.get("/api/datasets").json()["count"]
    for headers in ({}, token_for("admin.b@bangkok.go.th", "admin", org=ORG_B)):
        assert all(found == set() for found in _seen(client, headers).values()), headers
    assert client.get("/api/datasets", headers=token_for("reader.b@bangkok.go.th", "steward", org=ORG_B,
                                                         scopes=["read"])).json()["count"] == public_count


def test_the_organization_reads_its_drafts_and_private_datasets_and_its_admins_the_deleted_one(
        client: TestClient, token_for: TokenFor, open_ctx: OpenContext) -> None:
    _hidden_datasets(open_ctx)
    steward = token_for("steward.a@bangkok.go.th", "steward", org=ORG_A)
    seen = _seen(client, steward)
    assert seen["rest_show"] == set(HIDDEN)  # a steward of A may restore the deleted one, so reads it
    assert seen["rest_list"] == {"a-draft", "a-private"}  # listings leave the deleted one out
    assert seen["package_list"] == set() and seen["current_package_list"] == set()  # CKAN's: public only
    member = token_for("member.a@bangkok.go.th", "wg_member", org=ORG_A)
    assert client.get("/api/datasets/a-deleted", headers=member).status_code == 404
    assert client.get("/api/datasets/a-draft", headers=member).json()["state"] == "draft"
    reader = {**token_for("reader.a@bangkok.go.th", "steward", org=ORG_A, scopes=["read"]), "If-Match": '"1"'}
    assert client.post("/api/datasets/a-draft/publish", headers=reader, json={}).status_code == 403
    assert client.delete("/api/datasets/a-draft", headers=reader).status_code == 403
    published = client.post("/api/datasets/a-draft/publish", headers={**steward, "If-Match": '"1"'}, json={})
    assert published.status_code == 200 and published.json()["state"] == "active"
    assert "a-draft" in {d["name"] for d in client.get("/api/datasets").json()["results"]}


def test_purge_is_a_sysadmins_act(client: TestClient, token_for: TokenFor, open_ctx: OpenContext) -> None:
    _hidden_datasets(open_ctx)
    admin = token_for("admin.a@bangkok.go.th", "admin", org=ORG_A)
    assert client.post("/api/datasets/a-deleted/purge", headers=admin, json={}).status_code == 403
    outsider = token_for("admin.b@bangkok.go.th", "admin", org=ORG_B)
    assert client.post("/api/datasets/a-deleted/purge", headers=outsider, json={}).status_code == 404
    root = token_for("root@bangkok.go.th", "sysadmin")
    assert client.post("/api/datasets/a-draft/purge", headers=root, json={}).status_code == 422  # not deleted
    assert client.post("/api/datasets/a-deleted/purge", headers=root, json={"reason": "ซ้ำ"}).status_code == 204
    assert client.get("/api/datasets/a-deleted", headers=root).status_code == 404


NEW_FORMS = [  # every form the lifecycle and task pages added, posted as the attacker would
    "/dataset/a-draft/publish", "/dataset/a-draft/withdraw", "/dataset/a-draft/restore", "/dataset/a-draft/private",
    "/dataset/a-draft/delete", "/dataset/a-draft/resource/link", f"/organization/{ORG_A}/stages/bulk",
    f"/organization/{ORG_A}/stages/bulk/review", f"/organization/{ORG_A}/meetings",
    f"/organization/{ORG_A}/narratives", f"/organization/{ORG_A}/import", "/accounts/", "/user/password",
]


def test_a_read_only_token_changes_nothing_through_the_pages(client: TestClient, token_for: TokenFor,
                                                             open_ctx: OpenContext) -> None:
    """Attack: a steward's read-only token (an integration's) sent to the web forms instead of the API, with
    the fields each form takes: every one is refused and the draft stays a draft."""
    _hidden_datasets(open_ctx)
    reader = token_for("reader.a@bangkok.go.th", "steward", org=ORG_A, scopes=["read"])
    fields = {"version": "1", "private": "true", "url": "https://example.go.th/x.csv", "name": "x", "format": "CSV",
              "to": "1", "dataset": "a-draft", "reason": "x", "meeting_date": "2021-03-15", "title": "x",
              "fiscal_year": "2564", "quarter": "1", "text": "x", "email": "mole@bangkok.go.th", "role": "admin",
              "organization": ORG_A, "password": "Another-heron-2565-x", "current_password": "x", "sha256": "0" * 64}
    for path in NEW_FORMS:
        answer = client.post(path, headers=reader, data=fields, follow_redirects=False)
        assert answer.status_code in (401, 403), (path, answer.status_code)
    steward = token_for("steward.a@bangkok.go.th", "steward", org=ORG_A)
    shown = client.get("/api/datasets/a-draft", headers=steward).json()
    assert shown["state"] == "draft" and shown["private"] is False and shown["version"] == 1
