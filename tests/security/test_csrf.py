"""Cookie-authenticated writes (issue 13, item 5): the multipart endpoints and ``POST /api/auth/logout``
accepted the session cookie from another origin with no CSRF token.

Now every state-changing request made with the session cookie needs the CSRF token (``X-CSRF-Token``) or an
``Origin`` naming Banchi; bearer tokens are exempt, and the pages' forms keep working with their own token.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.security.conftest import ORG_A, PASSWORD, TokenFor

PUBLIC_A = "city-development-indicators"
SECRETARY = "steward.hrd@bangkok.go.th"  # a person of A, secretary of its working group
EVIL = {"Origin": "https://evil.example"}
CSV = ("data.csv", "เขต,จำนวน\nพระนคร,12\n".encode(), "text/csv")


def sign_in(client: TestClient, token_for: TokenFor, email: str = SECRETARY) -> str:
    """Sign ``client`` in (the session cookie is kept) and return the CSRF token the sign-in answered."""
    token_for(email, "steward", org=ORG_A)
    answer = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    token = answer.json()["csrf_token"]
    assert isinstance(token, str) and len(token) >= 32
    return token


def _file_resource(client: TestClient, token: str) -> str:
    made = client.post(f"/api/datasets/{PUBLIC_A}/resources/upload", files={"file": CSV},
                       headers={"X-CSRF-Token": token})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


# each multipart endpoint: (path, form fields, files)
def _multipart_writes(resource_id: str) -> list[tuple[str, dict[str, str], dict[str, Any]]]:
    under_resource = f"/api/datasets/{PUBLIC_A}/resources/{resource_id}"
    return [
        (f"/api/datasets/{PUBLIC_A}/resources/upload", {"name": "forged"}, {"file": CSV}),
        ("/api/evidence/upload", {"organization": ORG_A, "evidence_date": "2021-06-30", "description": "forged",
                                  "stage": "1"}, {"file": CSV}),
        ("/api/meetings/upload", {"organization": ORG_A, "meeting_date": "2021-03-15", "title": "forged"},
         {"minutes": CSV}),
        (f"{under_resource}/validation-runs/upload", {}, {"file": CSV}),
        (f"{under_resource}/dictionary/infer/upload", {}, {"file": CSV}),
    ]


@pytest.mark.parametrize("which", range(5))
def test_a_cross_site_multipart_write_with_the_session_cookie_is_refused(
    client: TestClient, token_for: TokenFor, which: int,
) -> None:
    token = sign_in(client, token_for)
    path, data, files = _multipart_writes(_file_resource(client, token))[which]
    for headers in (EVIL, {}, {**EVIL, "X-CSRF-Token": "0" * 64}):
        forged = client.post(path, data=data, files=files, headers=headers)
        assert forged.status_code == 403, (path, headers, forged.text)
        [error] = forged.json()["errors"]
        assert error["code"] == "csrf_required" and "X-CSRF-Token" in error["en"] and "CSRF" in error["th"]
    assert client.get("/api/me").status_code == 200  # the session itself is untouched


def test_cookie_writes_from_banchi_itself_still_work(client: TestClient, token_for: TokenFor) -> None:
    token = sign_in(client, token_for)
    with_token = client.post(f"/api/datasets/{PUBLIC_A}/resources/upload", files={"file": CSV},
                             headers={"X-CSRF-Token": token})
    assert with_token.status_code == 201
    same_origin = client.post(f"/api/datasets/{PUBLIC_A}/resources/upload", files={"file": CSV},
                              headers={"Origin": "http://testserver"})
    assert same_origin.status_code == 201


def test_a_cross_site_json_write_with_the_session_cookie_is_refused(client: TestClient, token_for: TokenFor) -> None:
    sign_in(client, token_for)
    # text/plain is what a cross-site form may send without asking; JSON is refused by its type already
    forged = client.patch(f"/api/datasets/{PUBLIC_A}", json={"title": "forged"},
                          headers={**EVIL, "If-Match": "*"})
    assert forged.status_code == 403 and forged.json()["errors"][0]["code"] == "csrf_required"
    assert client.get(f"/api/datasets/{PUBLIC_A}").json()["title"] != "forged"


def test_a_cross_site_logout_is_refused(client: TestClient, token_for: TokenFor) -> None:
    token = sign_in(client, token_for)
    forged = client.post("/api/auth/logout", headers=EVIL)
    assert forged.status_code == 403 and forged.json()["errors"][0]["code"] == "csrf_required"
    assert client.get("/api/me").status_code == 200  # still signed in
    assert client.post("/api/auth/logout", headers={"X-CSRF-Token": token}).status_code == 204
    assert client.get("/api/me").status_code == 401


def test_bearer_tokens_are_exempt(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward", org=ORG_A)
    made = client.post(f"/api/datasets/{PUBLIC_A}/resources/upload", files={"file": CSV},
                       headers={**steward, **EVIL})
    assert made.status_code == 201, made.text
