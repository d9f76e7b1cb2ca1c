"""The two organizations the attacks are played between exist, and A's non-public dataset is hidden from B."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.security.conftest import NON_PUBLIC_A, ORG_B, TokenFor


def test_an_admin_of_b_does_not_see_a_non_public_dataset_of_a(client: TestClient, token_for: TokenFor) -> None:
    admin_b = token_for("admin@other.example", role="admin", org=ORG_B)
    assert client.get(f"/api/organizations/{ORG_B}").status_code == 200
    assert client.get(f"/api/datasets/{NON_PUBLIC_A}", headers=admin_b).status_code == 404
