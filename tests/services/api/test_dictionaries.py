"""Dictionaries and validation runs over HTTP: drafts from a Table Schema or inferred from a file, versions
shown and compared, approval by a working-group member, runs on the stored file or an upload."""

from __future__ import annotations

from fastapi.testclient import TestClient

from catalog.actions.accounts import token_create
from tests.conftest import OpenContext
from tests.services.api.conftest import TokenFor

DATASET = "city-development-indicators"
CHAIR = "director.hrd@bangkok.go.th"
HEADER = "district_code,district_name,fiscal_year,trained_male,trained_female,trained_total\n"
GOOD = HEADER + "1001,พระนคร,2564,58,71,129\n"
BAD = HEADER + "1001,พระนคร,2564,ห้าสิบ,71,129\n"


def _uploaded_resource(client: TestClient) -> str:
    resources = client.get(f"/api/datasets/{DATASET}").json()["resources"]
    return next(r["id"] for r in resources if r.get("sha256"))


def test_drafts_versions_diff_and_approval(client: TestClient, token_for: TokenFor, open_ctx: OpenContext) -> None:
    rid = _uploaded_resource(client)
    base = f"/api/datasets/{DATASET}/resources/{rid}/dictionary"
    steward = token_for("steward@bangkok.go.th", "steward")
    inferred = client.post(f"{base}/infer/upload", headers=steward,
                           files={"file": ("sample.csv", GOOD.encode(), "text/csv")})
    assert inferred.status_code == 201, inferred.text
    first = inferred.json()
    assert first["number"] == 1 and first["status"] == "draft"
    fields = first["table_schema"]["fields"]
    assert [f["name"] for f in fields][:2] == ["district_code", "district_name"]

    changed = {**first["table_schema"], "fields": [
        {**f, "title": "เขต"} if f["name"] == "district_name" else f for f in fields if f["name"] != "trained_total"]}
    second = client.post(f"{base}/versions", json=changed, headers=steward)
    assert second.status_code == 201 and second.json()["number"] == 2

    # drafts (which name their editor) are the organization's only, even of a public resource
    assert client.get(f"{base}/versions").json() == []
    assert client.get(f"{base}/versions/2").status_code == 404
    assert [v["number"] for v in client.get(f"{base}/versions", headers=steward).json()] == [1, 2]
    assert client.get(f"{base}/versions/2", headers=steward).json()["table_schema"]["fields"][1]["title"] == "เขต"
    assert client.get(f"{base}/versions/9", headers=steward).status_code == 404
    compared = client.get(f"{base}/diff", params={"old": 1, "new": 2}, headers=steward).json()
    assert compared["breaking"] is True
    kinds = {(c["kind"], c["field"]) for c in compared["changes"]}
    assert kinds >= {("removed", "trained_total"), ("metadata", "district_name")}

    approve = f"{base}/versions/2/approve"
    assert client.post(approve, json={}).status_code == 401
    refused = client.post(approve, json={}, headers={**steward, "Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "approved_by"
    chair = token_for(CHAIR)  # a seat on the working group is the role
    with open_ctx() as ctx:
        secret = token_create(ctx, {"name": "read-only", "scopes": ["read"]}, CHAIR).token
    assert client.post(approve, json={}, headers={"Authorization": f"Bearer {secret}"}).status_code == 403
    approved = client.post(approve, json={}, headers=chair)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["approved_by"] == CHAIR
    again = client.post(approve, json={}, headers=chair)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "status"


def test_bad_schema_is_refused_naming_the_field(client: TestClient, token_for: TokenFor) -> None:
    rid = _uploaded_resource(client)
    base = f"/api/datasets/{DATASET}/resources/{rid}/dictionary"
    steward = token_for("steward@bangkok.go.th", "steward")
    bad = client.post(f"{base}/versions", json={"fields": [{"name": "a", "type": "colour"}]},
                      headers={**steward, "Accept-Language": "en"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["th"] and bad.json()["errors"][0]["en"]
    assert "colour" in bad.json()["errors"][0]["en"]
    assert client.post(f"{base}/versions", json={"fields": []}).status_code == 401
    outsider = token_for("other@bangkok.go.th", "steward", org="bma-spe")
    assert client.post(f"{base}/versions", json={"fields": [{"name": "a"}]}, headers=outsider).status_code == 403
    empty = client.post(f"{base}/infer/upload", headers=steward, files={"file": ("empty.csv", b"", "text/csv")})
    assert empty.status_code == 422 and empty.json()["errors"][0]["code"] == "empty_file"
    assert client.get(f"{base}/versions").json() == []


def test_validation_runs_on_the_stored_file_and_on_uploads(client: TestClient, token_for: TokenFor) -> None:
    rid = _uploaded_resource(client)
    base = f"/api/datasets/{DATASET}/resources/{rid}"
    steward = token_for("steward@bangkok.go.th", "steward")
    no_dictionary = client.post(f"{base}/validation-runs", json={}, headers=steward)
    assert no_dictionary.status_code == 422 and no_dictionary.json()["errors"][0]["code"] == "no_dictionary"
    client.post(f"{base}/dictionary/infer/upload", headers=steward,
                files={"file": ("sample.csv", GOOD.encode(), "text/csv")})

    stored = client.post(f"{base}/validation-runs", json={"version": 1}, headers=steward)
    assert stored.status_code == 201, stored.text
    assert stored.json()["valid"] is True and stored.json()["version_number"] == 1 and stored.json()["rows"] > 1
    upload = client.post(f"{base}/validation-runs/upload", headers=steward, data={"version": "1"},
                         files={"file": ("new.csv", BAD.encode(), "text/csv")})
    assert upload.status_code == 201 and upload.json()["valid"] is False and upload.json()["errors"] == 1

    runs = client.get(f"{base}/validation-runs").json()
    assert [r["valid"] for r in runs] == [True, False]
    shown = client.get(f"{base}/validation-runs/{upload.json()['id']}").json()
    [error] = shown["report"]["errors"]
    assert error["fieldName"] == "trained_male" and error["rowNumber"] == 2
    assert client.get(f"{base}/validation-runs/no-such-run").status_code == 404

    assert client.post(f"{base}/validation-runs", json={"version": 7}, headers=steward).status_code == 404
    unknown = client.post(f"{base}/validation-runs", json={"sheet": 1, "colour": "red"}, headers=steward)
    assert unknown.status_code == 422 and {e["field"] for e in unknown.json()["errors"]} == {"sheet", "colour"}
    assert client.post(f"{base}/validation-runs", json={}).status_code == 401
    outsider = token_for("other@bangkok.go.th", "steward", org="bma-spe")
    assert client.post(f"{base}/validation-runs", json={}, headers=outsider).status_code == 403


def test_a_private_resources_dictionary_is_hidden(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    made = client.post(f"/api/datasets/{DATASET}/resources/upload", headers=steward, data={"private": "true"},
                       files={"file": ("internal.csv", GOOD.encode(), "text/csv")}).json()
    base = f"/api/datasets/{DATASET}/resources/{made['id']}"
    assert client.post(f"{base}/dictionary/infer/upload", headers=steward,
                       files={"file": ("s.csv", GOOD.encode(), "text/csv")}).status_code == 201
    for path in ("/dictionary/versions", "/dictionary/versions/1", "/validation-runs"):
        assert client.get(base + path).status_code == 404
        assert client.get(base + path, headers=steward).status_code == 200
    link = client.get(f"/api/datasets/{DATASET}").json()["resources"]
    link_id = next(r["id"] for r in link if not r.get("sha256"))
    linked = client.post(f"/api/datasets/{DATASET}/resources/{link_id}/validation-runs", json={}, headers=steward)
    assert linked.status_code == 422 and linked.json()["errors"][0]["field"] == "resource"
