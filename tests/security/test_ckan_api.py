"""Attacks through the CKAN-compatible API (``/api/3/action/...``): malformed parameters answered 500, and
non-public datasets or resources reached through an action, a search, a count or a facet."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.actions.resources import resource_create
from tests.conftest import OpenContext
from tests.security.conftest import NON_PUBLIC_A, ORG_A, ORG_B, TokenFor

PUBLIC_A = "city-development-indicators"


def action(client: TestClient, name: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
    """POST a CKAN action with a JSON body, as ckanapi does."""
    return client.post(f"/api/3/action/{name}", json=params, headers=headers or {})


def test_organization_list_with_non_string_names_is_a_validation_error(client: TestClient) -> None:
    response = action(client, "organization_list", organizations=[1, {"a": 1}])
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["__type"] == "Validation Error" and "organizations" in error


@pytest.mark.parametrize("params", [{"sort": {"x": 1}}, {"limit": [1]}, {"organizations": {"a": 1}}])
def test_organization_list_other_malformed_parameters_are_refused(client: TestClient, params: dict[str, Any]) -> None:
    response = action(client, "organization_list", **params)
    assert response.status_code == 409 and response.json()["error"]["__type"] == "Validation Error"


@pytest.mark.parametrize("params", [{"q": {"a": 1}}, {"fq": [1]}, {"fq_list": [{"a": 1}]}, {"rows": "many"},
                                    {"facet.field": [1, {"a": 1}]}, {"sort": ["name asc"]}])
def test_package_search_malformed_parameters_are_refused_not_500(client: TestClient, params: dict[str, Any]) -> None:
    response = action(client, "package_search", **params)
    assert response.status_code in (400, 409) and response.json()["success"] is False


def test_an_admin_of_b_does_not_find_a_non_public_dataset_of_a(client: TestClient, token_for: TokenFor) -> None:
    admin_b = token_for("admin@other.example", role="admin", org=ORG_B)
    assert action(client, "package_show", admin_b, id=NON_PUBLIC_A).status_code == 404
    found = action(client, "package_search", admin_b, include_private=True, rows=1000,
                   q="ผู้เข้ารับการฝึกอบรม", **{"facet.field": ["organization", "tags"]}).json()["result"]
    assert NON_PUBLIC_A not in {d["name"] for d in found["results"]}
    assert "ข้อมูลส่วนบุคคล" not in found["facets"]["tags"]  # its tags are not counted either
    everything = action(client, "package_search", admin_b, include_private=True, rows=1000,
                        fq=f"organization:{ORG_A} capacity:private").json()["result"]
    assert everything["count"] == 0 and everything["results"] == []
    shown = action(client, "organization_show", admin_b, id=ORG_A, include_datasets=True).json()["result"]
    assert NON_PUBLIC_A not in {d["name"] for d in shown["packages"]} and shown["package_count"] == 10
    assert NON_PUBLIC_A not in action(client, "package_list", admin_b).json()["result"]
    assert "ข้อมูลส่วนบุคคล" not in action(client, "tag_list", admin_b).json()["result"]


def test_anonymous_search_does_not_count_non_public_datasets(client: TestClient) -> None:
    facets: dict[str, Any] = {"facet.field": ["data_category"]}
    found = action(client, "package_search", fq="+state:(active OR withdrawn)", q="title:ทะเบียน*",
                   **facets).json()["result"]
    assert NON_PUBLIC_A not in {d["name"] for d in found["results"]}
    assert "ข้อมูลส่วนบุคคล" not in found["facets"]["data_category"]
    assert action(client, "package_search", fq=f"name:{NON_PUBLIC_A}").json()["result"]["count"] == 0


def test_a_private_resource_of_a_public_dataset_is_not_shown(client: TestClient, open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        hidden = resource_create(ctx, PUBLIC_A, {"name": "ภายใน", "url": "https://example.go.th/internal.csv",
                                                 "format": "CSV", "resource_private": "True"})
    assert action(client, "resource_show", id=hidden["id"]).status_code == 404
    shown = action(client, "package_show", id=PUBLIC_A).json()["result"]
    assert hidden["id"] not in {r["id"] for r in shown["resources"]}
    found = action(client, "package_search", fq=f"name:{PUBLIC_A}").json()["result"]["results"][0]
    assert hidden["id"] not in {r["id"] for r in found["resources"]}


def test_other_ckan_actions_do_not_list_a_non_public_dataset_of_a(client: TestClient, token_for: TokenFor) -> None:
    admin_b = token_for("admin@other.example", role="admin", org=ORG_B)
    recent = action(client, "current_package_list_with_resources", admin_b).json()["result"]
    assert NON_PUBLIC_A not in {d["name"] for d in recent}
    assert action(client, "package_autocomplete", admin_b, q=NON_PUBLIC_A).json()["result"] == []
    members = action(client, "member_list", admin_b, id=ORG_A).json()["result"]
    assert len(members) == 10  # the public datasets; no accounts
    assert action(client, "member_list", admin_b, id=ORG_A, object_type="user").json()["result"] == []
    assert action(client, "tag_autocomplete", admin_b, q="ข้อมูลส่วนบุคคล").json()["result"] == []
    assert action(client, "package_activity_list", admin_b, id=NON_PUBLIC_A).status_code == 404


def test_the_dictionary_of_a_non_public_dataset_is_not_served(client: TestClient, open_ctx: OpenContext) -> None:
    from sqlmodel import select

    from catalog.actions.lookup import get_dataset
    from catalog.models import Resource

    with open_ctx() as ctx:
        dataset = get_dataset(ctx, NON_PUBLIC_A)
        resources = ctx.session.exec(select(Resource).where(Resource.dataset_id == dataset.id)).all()
        ids = [r.id for r in resources]
    for resource_id in ids:
        assert client.get(f"/dataset/{NON_PUBLIC_A}/resource/{resource_id}/dictionary.xlsx").status_code == 404
