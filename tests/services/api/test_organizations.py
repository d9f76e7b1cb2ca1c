"""Editing an organization over HTTP: its admin only, the version read (If-Match → 412), every bad field named."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from catalog.models import AuditEntry
from tests.conftest import OpenContext
from tests.services.api.conftest import TokenFor

URL = "/api/organizations/bma-hrd"


def test_admin_edits_with_if_match_and_a_stale_edit_gets_412(
    client: TestClient, token_for: TokenFor, open_ctx: OpenContext,
) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    seen = client.get(URL)
    assert seen.headers["etag"] == '"1"'
    changed = client.patch(URL, json={"title_en": "Civil Service Development Institute", "email": ""},
                           headers={**admin, "If-Match": seen.headers["etag"]})
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"' and changed.json()["email"] is None
    assert changed.json()["title"] == "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร"  # not given: unchanged
    stale = client.patch(URL, json={"title": "ชื่อใหม่"}, headers={**admin, "If-Match": '"1"', "Accept-Language": "en"})
    assert stale.status_code == 412 and stale.json()["errors"][0]["field"] == "version"
    assert client.get(URL).json()["title_en"] == "Civil Service Development Institute"
    assert client.patch(URL, json={"title": "x"}, headers=admin).status_code == 428
    with open_ctx() as ctx:
        entry = ctx.session.exec(select(AuditEntry).where(AuditEntry.action == "organization_update")).one()
    assert entry.before is not None and entry.after is not None
    assert entry.actor == "admin@bangkok.go.th" and entry.before["version"] == 1 and entry.after["version"] == 2


def test_only_the_organizations_admin_edits_it(client: TestClient, token_for: TokenFor) -> None:
    body, version = {"title": "ชื่อใหม่"}, {"If-Match": '"1"'}
    assert client.patch(URL, json=body, headers=version).status_code == 401
    steward = token_for("steward@bangkok.go.th", "steward")
    assert client.patch(URL, json=body, headers={**steward, **version}).status_code == 403
    other_admin = token_for("admin.spe@bangkok.go.th", "admin", org="bma-spe")
    assert client.patch(URL, json=body, headers={**other_admin, **version}).status_code == 403
    parent_admin = token_for("admin.bma@bangkok.go.th", "admin", org="bma")  # roles reach the units below
    assert client.patch(URL, json=body, headers={**parent_admin, **version}).status_code == 200
    assert client.patch("/api/organizations/no-such-org", json=body,
                        headers={**parent_admin, **version}).status_code == 404


def test_bad_input_names_every_field_in_both_languages(client: TestClient, token_for: TokenFor) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    headers = {**admin, "If-Match": '"1"', "Accept-Language": "en"}
    response = client.patch(URL, json={"title": "", "email": "nope"}, headers=headers)
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert set(errors) == {"title", "email"} and all(e["th"] and e["en"] for e in errors.values())
    cleared = client.patch(URL, json={"title": None}, headers=headers)
    assert cleared.status_code == 422 and cleared.json()["errors"][0]["field"] == "title"
    assert cleared.json()["errors"][0]["th"] == "ต้องระบุ ชื่อหน่วยงาน"
    moved = client.patch(URL, json={"parent": "bma-spe", "name": "renamed"}, headers=headers)
    assert moved.status_code == 422 and {e["field"] for e in moved.json()["errors"]} == {"parent", "name"}
    assert client.get(URL).headers["etag"] == '"1"'  # nothing written
