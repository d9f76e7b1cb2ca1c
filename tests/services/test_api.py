"""The web application at this stage: health and the public dataset list."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from catalog.demo import load_demo
from catalog.settings import Settings
from services.api.app import create_app
from tests.conftest import OpenContext


@pytest.fixture
def client(banchi_env: Settings, open_ctx: OpenContext) -> TestClient:
    with open_ctx() as ctx:
        load_demo(ctx)
    return TestClient(create_app())


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["schema_up_to_date"] is True and body["datasets"] == 10


def test_public_list_hides_non_public_datasets(client: TestClient) -> None:
    names = {d["name"] for d in client.get("/api/datasets").json()}
    assert "city-development-indicators" in names
    assert not names & {"trainee-registry", "lecturer-registry", "training-budget", "scholarship-committee-minutes"}


def test_non_public_dataset_answers_404_in_the_asked_language(client: TestClient) -> None:
    response = client.get("/api/datasets/trainee-registry", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Not found: dataset “trainee-registry”"
    thai = client.get("/api/datasets/trainee-registry").json()
    assert thai["title"] == "ไม่พบชุดข้อมูล “trainee-registry”"


def test_public_dataset_with_gd_catalog_keys(client: TestClient) -> None:
    body = client.get("/api/datasets/city-development-indicators").json()
    assert body["data_type"] == "ข้อมูลสถิติ" and body["resources"][0]["format"] == "CSV"
