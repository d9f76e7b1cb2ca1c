"""The REST API: visibility by role, versions (If-Match → 412), bilingual problems, accounts over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import col, select

from catalog.models import AuditEntry, Dataset
from tests.conftest import OpenContext
from tests.factories import dataset_input
from tests.services.api.conftest import PASSWORD, TokenFor

NON_PUBLIC = {"trainee-registry", "lecturer-registry", "training-budget", "scholarship-committee-minutes"}


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}  # alive; /ready checks the database (test_observe)


def test_public_sees_only_public_datasets_and_404_for_the_rest(client: TestClient) -> None:
    page = client.get("/api/datasets", params={"limit": 100}).json()
    names = {d["name"] for d in page["results"]}
    assert page["count"] == 10 == len(names) and "city-development-indicators" in names
    assert not names & NON_PUBLIC
    for name in NON_PUBLIC:
        response = client.get(f"/api/datasets/{name}", headers={"Accept-Language": "en"})
        assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
        assert response.json()["title"] == f"Not found: dataset “{name}”"
    # the same answer as a dataset that does not exist at all
    assert client.get("/api/datasets/no-such-dataset").json()["title"] == "ไม่พบชุดข้อมูล “no-such-dataset”"


def test_public_dataset_with_gd_catalog_keys_and_an_etag(client: TestClient) -> None:
    response = client.get("/api/datasets/city-development-indicators")
    body = response.json()
    assert body["data_type"] == "ข้อมูลสถิติ" and body["resources"][0]["format"] == "CSV"
    assert response.headers["etag"] == f'"{body["version"]}"'


def test_accept_language_weights_choose_the_language(client: TestClient) -> None:
    url = "/api/datasets/trainee-registry"
    assert client.get(url, headers={"Accept-Language": "th;q=0.4, en;q=0.9"}).json()["title"].startswith("Not found")
    assert client.get(url, headers={"Accept-Language": "en-US;q=0.5, th"}).json()["title"].startswith("ไม่พบ")
    assert client.get(url, headers={"Accept-Language": "fr"}).headers["content-language"] == "th"


def test_paging(client: TestClient) -> None:
    first = client.get("/api/datasets", params={"limit": 4}).json()
    second = client.get("/api/datasets", params={"limit": 4, "offset": 4}).json()
    assert first["count"] == second["count"] == 10 and len(first["results"]) == 4
    assert not {d["name"] for d in first["results"]} & {d["name"] for d in second["results"]}
    assert client.get("/api/datasets", params={"limit": 0}).status_code == 422


def test_members_read_their_organizations_non_public_datasets(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    outsider = token_for("other@bangkok.go.th", "steward", org="bma-spe")
    page = client.get("/api/datasets", params={"limit": 100}, headers=steward).json()
    assert {d["name"] for d in page["results"]} >= NON_PUBLIC and page["count"] == 14
    assert client.get("/api/datasets/trainee-registry", headers=steward).status_code == 200
    assert client.get("/api/datasets/trainee-registry", headers=outsider).status_code == 404
    # a bad token is refused outright rather than treated as anonymous
    response = client.get("/api/datasets", headers={"Authorization": "Bearer banchi_nope"})
    assert response.status_code == 401 and response.json()["errors"][0]["code"] == "login_failed"


def test_create_then_update_with_if_match_and_a_stale_write_gets_412(
    client: TestClient, token_for: TokenFor, open_ctx: OpenContext
) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    created = client.post("/api/datasets", json=dataset_input("api-stats", title="สถิติผ่าน API"), headers=steward)
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"' and created.headers["location"] == "/api/datasets/api-stats"

    no_version = client.patch("/api/datasets/api-stats", json={"notes": "x"}, headers=steward)
    assert no_version.status_code == 428

    first = client.patch("/api/datasets/api-stats", json={"notes": "แก้ครั้งแรก"},
                         headers={**steward, "If-Match": '"1"'})
    assert first.status_code == 200 and first.headers["etag"] == '"2"'
    stale = client.patch("/api/datasets/api-stats", json={"notes": "แก้ทับ"},
                         headers={**steward, "If-Match": '"1"', "Accept-Language": "en"})
    assert stale.status_code == 412 and stale.json()["errors"][0]["field"] == "version"
    assert client.get("/api/datasets/api-stats", headers=steward).json()["notes"] == "แก้ครั้งแรก"

    with open_ctx() as ctx:
        actors = {e.actor for e in ctx.session.exec(select(AuditEntry).where(col(AuditEntry.action).like("dataset_%")))}
    assert "steward@bangkok.go.th" in actors


def test_writes_need_an_account_with_the_role(client: TestClient, token_for: TokenFor) -> None:
    body = dataset_input("anon-try")
    assert client.post("/api/datasets", json=body).status_code == 401
    outsider = token_for("other@bangkok.go.th", "steward", org="bma-spe")
    assert client.post("/api/datasets", json=body, headers=outsider).status_code == 403
    reader = token_for("reader@bangkok.go.th", "steward", scopes=["read"])
    assert client.post("/api/datasets", json=body, headers=reader).status_code == 403


def test_bad_input_names_every_field_in_both_languages(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    body = dataset_input("bad-one", update_frequency_unit="ทุกชาติ", maintainer_email="nope", colour="red")
    response = client.post("/api/datasets", json=body, headers={**steward, "Accept-Language": "en"})
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert {"update_frequency_unit", "maintainer_email", "colour"} <= set(errors)
    assert errors["maintainer_email"]["th"] and errors["maintainer_email"]["en"]
    assert errors["maintainer_email"]["message"] == errors["maintainer_email"]["en"]


def test_malformed_json_unknown_fields_and_wrong_content_type(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    json_headers = {**steward, "Content-Type": "application/json"}
    malformed = client.post("/api/datasets", content=b'{"name": "x",', headers=json_headers)
    assert malformed.status_code == 422 and malformed.json()["errors"][0]["code"] == "malformed_json"
    unknown = client.post("/api/organizations", json={"name": "new-org", "title": "ใหม่", "colour": "red"},
                          headers=steward)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "colour"
    wrong = client.post("/api/datasets", content=b"name=x", headers={**steward, "Content-Type": "text/plain"})
    assert wrong.status_code == 415 and wrong.json()["errors"][0]["code"] == "unsupported_media_type"


def test_password_login_sets_a_session_and_failures_are_slowed_down(
    client: TestClient, token_for: TokenFor
) -> None:
    token_for("steward@bangkok.go.th", "steward")
    signed_in = client.post("/api/auth/login", json={"email": "steward@bangkok.go.th", "password": PASSWORD})
    assert signed_in.status_code == 200 and "banchi_session" in signed_in.cookies
    assert client.get("/api/me").json()["email"] == "steward@bangkok.go.th"  # the cookie signs the client in
    assert client.get("/api/datasets/trainee-registry").status_code == 200
    csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}  # a change made with the cookie carries it
    assert client.post("/api/auth/logout", headers=csrf).status_code == 204
    client.cookies.clear()
    assert client.get("/api/me").status_code == 401

    # Three mistakes are free; after that each one doubles the wait (1 s, 2 s, 4 s, ...). The loop goes on
    # until the wait shows, so a slow machine (password hashing takes its time) cannot outlast a 1 s delay.
    answers = []
    for _ in range(10):
        wrong = client.post("/api/auth/login", json={"email": "steward@bangkok.go.th", "password": "wrong"})
        answers.append(wrong.status_code)
        if wrong.status_code == 429:
            break
    assert answers[:3] == [401, 401, 401] and answers[-1] == 429, answers
    throttled = client.post("/api/auth/login", json={"email": "steward@bangkok.go.th", "password": PASSWORD})
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1


def test_personal_tokens_over_http(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    made = client.post("/api/me/tokens", json={"name": "harvester", "scopes": ["read"]}, headers=steward)
    assert made.status_code == 201
    secret = made.json()["token"]
    listed = client.get("/api/me/tokens", headers=steward).json()
    assert {t["name"] for t in listed} == {"test", "harvester"} and all("token" not in t for t in listed)
    reader = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/datasets/trainee-registry", headers=reader).status_code == 200
    assert client.delete(f"/api/me/tokens/{made.json()['id']}", headers=steward).status_code == 200
    assert client.get("/api/datasets/trainee-registry", headers=reader).status_code == 401


def test_org_admin_creates_accounts_over_http(client: TestClient, token_for: TokenFor) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    made = client.post("/api/accounts", json={"email": "new@bangkok.go.th", "password": PASSWORD,
                                              "roles": [{"role": "steward", "organization": "bma-hrd"}]},
                       headers=admin)
    assert made.status_code == 201, made.text
    elsewhere = client.post("/api/accounts", json={"email": "x@bangkok.go.th",
                                                   "roles": [{"role": "steward", "organization": "bma-spe"}]},
                            headers=admin)
    assert elsewhere.status_code == 403
    stale = client.patch("/api/accounts/new@bangkok.go.th", json={"display_name": "ใหม่"},
                         headers={**admin, "If-Match": '"7"'})
    assert stale.status_code == 412
    assert client.get("/api/accounts", headers=admin).json()["count"] == 2


def test_withdrawn_dataset_disappears_for_the_public(client: TestClient, token_for: TokenFor,
                                                     open_ctx: OpenContext) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    with open_ctx() as ctx:
        version = ctx.session.exec(select(Dataset.version).where(Dataset.name == "training-satisfaction")).one()
    response = client.post("/api/datasets/training-satisfaction/withdraw", json={"reason": "ยกเลิก"},
                           headers={**steward, "If-Match": f'"{version}"'})
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    assert client.get("/api/datasets/training-satisfaction").status_code == 404
    history = client.get("/api/datasets/training-satisfaction/history", headers=steward).json()
    assert history[0]["action"] == "dataset_withdraw" and history[0]["actor"] == "steward@bangkok.go.th"
    assert client.get("/api/datasets/city-development-indicators/history").status_code == 404


def test_search_counts_only_what_the_caller_may_read(client: TestClient, token_for: TokenFor) -> None:
    public = client.get("/api/search", params={"facet": ["data_category", "organization"], "limit": 100}).json()
    assert public["count"] == 10 and set(public["facets"]["data_category"]) == {"ข้อมูลสาธารณะ"}
    assert not {d["name"] for d in public["results"]} & NON_PUBLIC
    steward = token_for("steward@bangkok.go.th", "steward")
    own = client.get("/api/search", params={"facet": "data_category", "include_private": True, "limit": 100},
                     headers=steward).json()
    assert own["count"] == 14 and own["facets"]["data_category"]["ข้อมูลส่วนบุคคล"] == 2
    anonymous = client.get("/api/search", params={"include_private": True, "facet": "data_category"}).json()
    assert anonymous["count"] == 10 and "ข้อมูลส่วนบุคคล" not in anonymous["facets"]["data_category"]
    narrowed = client.get("/api/search", params={"data_type": "ข้อมูลสถิติ", "tags": "สถิติ"}).json()
    assert narrowed["count"] >= 1 and all(d["data_type"] == "ข้อมูลสถิติ" for d in narrowed["results"])
    bad = client.get("/api/search", params={"facet": "colour"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "facet_fields"
