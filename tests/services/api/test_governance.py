"""Governance over HTTP: stages and audited results, for members and evaluators only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from catalog.actions.accounts import account_create, token_create
from tests.conftest import OpenContext
from tests.services.api.conftest import TokenFor


def test_stages_are_for_members_and_evaluators_only(client: TestClient, token_for: TokenFor,
                                                     open_ctx: OpenContext) -> None:
    assert client.get("/api/organizations/bma-hrd/stages").status_code == 404
    assert client.get("/api/datasets/city-development-indicators/stages").status_code == 404
    steward = token_for("steward@bangkok.go.th", "steward")
    statuses = client.get("/api/organizations/bma-hrd/stages", headers=steward)
    assert statuses.status_code == 200 and {s["dataset"] for s in statuses.json()} >= {"trainee-registry"}
    history = client.get("/api/datasets/city-development-indicators/stages", headers=steward)
    assert history.status_code == 200 and isinstance(history.json(), list)
    with open_ctx() as ctx:
        account_create(ctx, {"email": "eval@bangkok.go.th", "roles": [{"role": "evaluator", "fiscal_year": 2564}]})
        evaluator = {"Authorization": f"Bearer {token_create(ctx, {'name': 'e'}, 'eval@bangkok.go.th').token}"}
    assert client.get("/api/organizations/bma-hrd/audited-results", params={"fiscal_year": 2564},
                      headers=evaluator).status_code == 200
    assert client.get("/api/organizations/bma-hrd/audited-results", params={"fiscal_year": 2565},
                      headers=evaluator).status_code == 404
    assert client.get("/api/organizations/bma-hrd/stages", headers=evaluator).status_code == 200


def test_stage_change_needs_a_sign_off_and_the_role(client: TestClient, token_for: TokenFor) -> None:
    body = {"to": 5, "signed_off_by": "director.hrd@bangkok.go.th", "reason": "ทดสอบ"}
    assert client.post("/api/datasets/city-development-indicators/stages/advance", json=body).status_code == 401
    outsider = token_for("other@bangkok.go.th", "steward", org="bma-spe")
    refused = client.post("/api/datasets/city-development-indicators/stages/advance", json=body, headers=outsider)
    assert refused.status_code == 403
    steward = token_for("steward@bangkok.go.th", "steward")
    bad = client.post("/api/datasets/city-development-indicators/stages/advance", json={"to": 99},
                      headers={**steward, "Accept-Language": "en"})
    assert bad.status_code == 422 and {"to", "reason"} <= {e["field"] for e in bad.json()["errors"]}
