"""Input that becomes output: a link that runs script, a page without a Content-Security-Policy, a cell that
a spreadsheet runs as a formula.

Each test is one attack: what the attacker enters, and what the site now answers or writes.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from catalog.models import Dataset, Resource, ResourceKind
from tests.conftest import OpenContext
from tests.security.conftest import ORG_A, TokenFor

PUBLIC_A = "city-development-indicators"  # a public dataset of A
SECRETARY = "steward.hrd@bangkok.go.th"  # a person of A on record, secretary of its working group
SCRIPT_LINKS = ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>",
                "vbscript:msgbox(1)", "java\tscript:alert(1)", " javascript:alert(1)", "file:///etc/passwd",
                "https:/\\evil.example", "//evil.example/x"]


def _assert_url_refused(response: object, field: str) -> None:
    assert response.status_code == 422, response.text  # type: ignore[attr-defined]
    errors = {e["field"]: e for e in response.json()["errors"]}  # type: ignore[attr-defined]
    assert field in errors, errors
    assert errors[field]["code"] == "invalid_url"
    assert "http://" in errors[field]["th"] and "http://" in errors[field]["en"]
    assert errors[field]["th"] != errors[field]["en"]


@pytest.mark.parametrize("link", SCRIPT_LINKS)
def test_a_resource_link_that_runs_script_is_refused(client: TestClient, token_for: TokenFor, link: str) -> None:
    steward = token_for("steward@bangkok.go.th", "steward", org=ORG_A)
    response = client.post(f"/api/datasets/{PUBLIC_A}/resources", headers=steward,
                           json={"name": "ลิงก์", "url": link, "format": "CSV"})
    _assert_url_refused(response, "url")
    made = client.post(f"/api/datasets/{PUBLIC_A}/resources", headers=steward,
                       json={"name": "ลิงก์", "url": "https://data.bangkok.go.th/x.csv", "format": "CSV"})
    assert made.status_code == 201
    edited = client.patch(f"/api/resources/{made.json()['id']}", headers={**steward, "If-Match": '"1"'},
                          json={"url": link})
    _assert_url_refused(edited, "url")


def test_an_evidence_link_that_runs_script_is_refused(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for(SECRETARY, "steward", org=ORG_A)
    body = {"organization": ORG_A, "evidence_date": "2021-01-10", "description": "หลักฐาน", "stage": 1,
            "url": "data:text/html,<script>alert(1)</script>"}
    _assert_url_refused(client.post("/api/evidence", json=body, headers=steward), "url")


def test_meeting_minutes_at_a_script_link_are_refused(client: TestClient, token_for: TokenFor) -> None:
    secretary = token_for(SECRETARY, "steward", org=ORG_A)
    response = client.post("/api/meetings", headers=secretary, json={
        "organization": ORG_A, "meeting_date": "2021-05-01", "title": "ครั้งที่ 3/2564",
        "minutes_url": "javascript:alert(1)"})
    _assert_url_refused(response, "minutes_url")


def test_an_organization_website_that_runs_script_is_refused(client: TestClient, token_for: TokenFor) -> None:
    admin = token_for("admin@bangkok.go.th", "admin", org=ORG_A)
    version = client.get(f"/api/organizations/{ORG_A}").headers["etag"]
    response = client.patch(f"/api/organizations/{ORG_A}", headers={**admin, "If-Match": version},
                            json={"url": "javascript:alert(1)"})
    _assert_url_refused(response, "url")


def test_a_script_link_stored_before_the_checks_is_not_rendered_as_a_link(
    client: TestClient, open_ctx: OpenContext,
) -> None:
    """Links kept before the checks existed (or harvested) are shown as inert ``#`` links."""
    with open_ctx() as ctx:
        dataset = ctx.session.exec(select(Dataset).where(Dataset.name == PUBLIC_A)).one()
        resource = ctx.session.exec(select(Resource).where(Resource.dataset_id == dataset.id,
                                                           Resource.kind == ResourceKind.url)).first()
        if resource is None:
            pytest.fail("the demo's public dataset has a link resource")
        resource.url = "javascript:alert(1)"
        ctx.session.add(resource)
        resource_id = resource.id
    for path in (f"/dataset/{PUBLIC_A}", f"/dataset/{PUBLIC_A}/resource/{resource_id}"):
        page = client.get(path)
        assert page.status_code == 200
        links = re.findall(r'href="([^"]*)"', page.text)
        schemes = {found.group(1).lower() for link in links
                   if (found := re.match(r"\s*([a-z][a-z0-9+.-]*):", link, re.I))}
        assert schemes <= {"http", "https", "mailto"} and "#" in links  # mailto: from checked emails
