"""The dictionary editor's pages (issue 14): another agency's steward, a signed-out visitor and a cross-site
form against A's drafts, its versions, the Excel template and approval."""

from __future__ import annotations

import io
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import col

from catalog.actions.accounts import account_create
from catalog.actions.dictionaries import dictionary_version_create, dictionary_versions, resource_validate
from catalog.actions.lookup import get_dataset
from catalog.actions.resources import resource_create
from catalog.models import Resource
from tests.conftest import OpenContext
from tests.security.conftest import NON_PUBLIC_A, ORG_A, ORG_B, PASSWORD
from tests.services.web.conftest import csrf_of

PUBLIC_A = "city-development-indicators"
SCHEMA = {"fields": [{"name": "เขต", "type": "string", "personalData": True}]}


def _resource_with_draft(open_ctx: OpenContext, dataset: str) -> tuple[str, str]:
    with open_ctx() as ctx:
        found = get_dataset(ctx, dataset)
        resource_id = next((r.id for r in ctx.session.query(Resource).filter(col(Resource.dataset_id) == found.id)
                            if r.sha256), None)
        if resource_id is None:
            made = resource_create(ctx, dataset, {}, content=io.BytesIO("เขต\nพระนคร\n".encode()),
                                   filename="เขต.csv")
            resource_id = made["id"]
        version = dictionary_version_create(ctx, dataset, resource_id, SCHEMA)
    return resource_id, version.id


def _signed_in(client: TestClient, open_ctx: OpenContext, email: str, org: str) -> tuple[TestClient, str]:
    with open_ctx() as ctx:
        account_create(ctx, {"email": email, "password": PASSWORD, "roles": [{"role": "steward", "organization": org}]})
    site = TestClient(client.app, headers={"accept": "text/html"})
    form = site.get("/user/login")
    signed = site.post("/user/login", data={"csrf_token": csrf_of(form.text), "email": email, "password": PASSWORD,
                                            "came_from": "/"}, follow_redirects=False)
    assert signed.status_code == 303
    return site, csrf_of(site.get("/workspace/").text)


def _versions(open_ctx: OpenContext, dataset: str, resource_id: str) -> int:
    with open_ctx() as ctx:
        return len(dictionary_versions(ctx, dataset, resource_id))


def test_another_agencys_steward_cannot_read_or_change_a_draft_dictionary(
    client: TestClient, open_ctx: OpenContext,
) -> None:
    """Attack: B's steward opens A's dictionary editor, a draft version's page (which names its editor and
    its personal-data columns), the template download; saves over it, approves it, loads a workbook into it.
    Every one answers 404, as for a resource that does not exist, and nothing is saved."""
    site, token = _signed_in(client, open_ctx, "steward.b@bangkok.go.th", ORG_B)
    for dataset in (PUBLIC_A, NON_PUBLIC_A):
        rid, version_id = _resource_with_draft(open_ctx, dataset)
        base = f"/dataset/{dataset}/resource/{rid}/dictionary"
        for path in (base, f"{base}/versions/1", f"{base}/template.xlsx", f"{base}/template.xlsx?version=1",
                     f"{base}?infer=1"):
            answer = site.get(path)
            assert answer.status_code == 404, (path, answer.status_code)
            assert "personalData" not in answer.text and "เขต" not in answer.text
        saved = site.post(base, data={"csrf_token": token, "count": "1", "name_0": "x", "type_0": "string"})
        approved = site.post(f"{base}/approve", data={"csrf_token": token, "version_id": version_id})
        loaded = site.post(f"{base}/upload", data={"csrf_token": token},
                           files={"file": ("d.xlsx", b"PK\x03\x04", "application/octet-stream")})
        assert (saved.status_code, approved.status_code, loaded.status_code) == (404, 404, 404)
        assert _versions(open_ctx, dataset, rid) == 1
    missing = site.get("/dataset/no-such-dataset/resource/no-such-resource/dictionary")
    assert missing.status_code == 404  # the same answer


def test_a_signed_out_visitor_is_sent_to_sign_in(client: TestClient, open_ctx: OpenContext) -> None:
    rid, _ = _resource_with_draft(open_ctx, PUBLIC_A)
    page = TestClient(client.app, headers={"accept": "text/html"}).get(
        f"/dataset/{PUBLIC_A}/resource/{rid}/dictionary/versions/1", follow_redirects=False)
    assert page.status_code in (302, 303) and "/user/login" in page.headers["location"]


def test_a_cross_site_form_cannot_save_or_approve_a_dictionary(client: TestClient, open_ctx: OpenContext) -> None:
    """Attack: a page elsewhere posts the editor's form (or the approval) with the steward's cookie."""
    site, token = _signed_in(client, open_ctx, "steward.a2@bangkok.go.th", ORG_A)
    rid, version_id = _resource_with_draft(open_ctx, PUBLIC_A)
    base = f"/dataset/{PUBLIC_A}/resource/{rid}/dictionary"
    form = {"count": "1", "name_0": "forged", "type_0": "string"}
    for headers, data in (({"Origin": "https://evil.example"}, form), ({}, form),
                          ({"Origin": "https://evil.example"}, {**form, "csrf_token": "0" * 64})):
        assert site.post(base, data=data, headers=headers).status_code == 403
        assert site.post(f"{base}/approve", data={**data, "version_id": version_id},
                         headers=headers).status_code == 403
    assert _versions(open_ctx, PUBLIC_A, rid) == 1
    assert site.post(base, data={**form, "csrf_token": token}, follow_redirects=False).status_code == 303


def test_another_agencys_steward_cannot_read_a_validation_report(client: TestClient, open_ctx: OpenContext,
                                                                 tmp_path: Path) -> None:
    """Attack: B's steward opens A's validation reports (the rows of a file that may never have been
    published) and downloads their error lists, for a non-public dataset and a public one alike."""
    site, _ = _signed_in(client, open_ctx, "steward.b2@bangkok.go.th", ORG_B)
    for dataset in (NON_PUBLIC_A, PUBLIC_A):
        rid, _ = _resource_with_draft(open_ctx, dataset)
        data = tmp_path / f"{dataset}.csv"
        data.write_text("เขต\n\n", encoding="utf-8")
        with open_ctx() as ctx:
            run = resource_validate(ctx, dataset, rid, data, keep_file=True)
        assert not run.valid
        base = f"/dataset/{dataset}/resource/{rid}/report"
        for path in (base, f"{base}/{run.id}", f"{base}/{run.id}/errors.csv", f"{base}/{run.id}/errors.xlsx",
                     f"{base}/{run.id}?rows=all"):
            answer = site.get(path, follow_redirects=False)
            assert answer.status_code == 404, (path, answer.status_code)
        visitor = TestClient(client.app, headers={"accept": "text/html"})
        assert visitor.get(f"{base}/{run.id}/errors.csv", follow_redirects=False).status_code in (302, 303)
