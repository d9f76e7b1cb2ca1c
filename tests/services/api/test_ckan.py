"""The CKAN-compatible API, read by the ``ckanapi`` client itself over HTTP from a running Banchi."""

from __future__ import annotations

from collections.abc import Iterator

import ckanapi
import httpx
import pytest

from catalog.settings import Settings
from tests.live_server import live_server
from tests.services.api.conftest import TokenFor

NON_PUBLIC = {"trainee-registry", "lecturer-registry", "training-budget", "scholarship-committee-minutes"}


@pytest.fixture
def server(demo: Settings) -> Iterator[str]:
    with live_server() as url:
        yield url


def test_status_and_package_list(server: str) -> None:
    ckan = ckanapi.RemoteCKAN(server)
    status = ckan.action.status_show()
    assert status["ckan_version"].startswith("2.") and status["locale_default"] == "th"
    names = ckan.action.package_list()
    assert len(names) == 10 and "city-development-indicators" in names and not set(names) & NON_PUBLIC
    assert ckan.action.package_list(limit=3, offset=3) == names[3:6]


def test_package_show_with_gd_catalog_keys_and_404_for_non_public(server: str) -> None:
    ckan = ckanapi.RemoteCKAN(server)
    package = ckan.action.package_show(id="city-development-indicators")
    assert package["data_type"] == "ข้อมูลสถิติ" and package["data_category"] == "ข้อมูลสาธารณะ"
    assert package["private"] is False and package["organization"]["name"] == "bma-hrd"
    assert package["num_resources"] == len(package["resources"]) >= 1
    resource = ckan.action.resource_show(id=package["resources"][0]["id"])
    assert resource["format"] == "CSV" and resource["url"].endswith(".csv")
    for name in NON_PUBLIC:
        with pytest.raises(ckanapi.NotFound):
            ckan.action.package_show(id=name)
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_show()


def test_package_search_translates_q_fq_facets_sort_and_paging(server: str) -> None:
    ckan = ckanapi.RemoteCKAN(server)
    everything = ckan.action.package_search(rows=1000, **{"facet.field": ["organization", "data_type", "tags"]})
    assert everything["count"] == 10 and len(everything["results"]) == 10
    assert not {p["name"] for p in everything["results"]} & NON_PUBLIC
    assert sum(everything["facets"]["organization"].values()) == 10  # facet counts see only public data
    statistics = everything["facets"]["data_type"]["ข้อมูลสถิติ"]

    found = ckan.action.package_search(fq='organization:bma-hrd data_type:"ข้อมูลสถิติ"', rows=100)
    assert found["count"] == statistics and all(p["data_type"] == "ข้อมูลสถิติ" for p in found["results"])
    tagged = ckan.action.package_search(fq="tags:สถิติ")
    assert tagged["count"] >= 1 and all("สถิติ" in [t["name"] for t in p["tags"]] for p in tagged["results"])
    csv = ckan.action.package_search(fq="res_format:CSV", rows=100)
    assert csv["count"] >= 1 and all(any(r["format"] == "CSV" for r in p["resources"]) for p in csv["results"])

    ascending = [p["name"] for p in ckan.action.package_search(sort="title_string asc", rows=100)["results"]]
    descending = [p["name"] for p in ckan.action.package_search(sort="title_string desc", rows=100)["results"]]
    assert len(ascending) == 10 and ascending == descending[::-1]
    page = ckan.action.package_search(sort="metadata_modified desc", rows=3, start=3)
    assert len(page["results"]) == 3 and page["count"] == 10
    items = everything["search_facets"]["organization"]["items"]
    assert items[0]["display_name"] == "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร"

    with pytest.raises(ckanapi.SearchQueryError):
        ckan.action.package_search(fq="colour:red")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(rows=-1)
    assert len(ckan.action.package_search(rows=5000)["results"]) == 10  # capped at 1000, as CKAN does


def test_include_private_for_permitted_accounts_only(server: str, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")["Authorization"].removeprefix("Bearer ")
    anonymous = ckanapi.RemoteCKAN(server).action.package_search(include_private=True, rows=100,
                                                                 **{"facet.field": ["organization"]})
    assert anonymous["count"] == 10
    member = ckanapi.RemoteCKAN(server, apikey=steward)
    found = member.action.package_search(include_private=True, rows=100, **{"facet.field": ["organization"]})
    assert found["count"] == 14 and {p["name"] for p in found["results"]} >= NON_PUBLIC
    assert sum(found["facets"]["organization"].values()) == 14
    assert {p["name"]: p["private"] for p in found["results"]}["trainee-registry"] is True
    assert member.action.package_search(rows=100)["count"] == 10  # without include_private: public only
    assert member.action.package_show(id="trainee-registry")["name"] == "trainee-registry"


def test_organizations_and_tags(server: str) -> None:
    ckan = ckanapi.RemoteCKAN(server)
    names = ckan.action.organization_list()
    assert "bma-hrd" in names
    full = {o["name"]: o for o in ckan.action.organization_list(all_fields=True)}
    assert full["bma-hrd"]["package_count"] == 10 and full["bma-hrd"]["title"] == "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร"
    shown = ckan.action.organization_show(id="bma-hrd", include_datasets=True)
    assert shown["package_count"] == 10 and not {p["name"] for p in shown["packages"]} & NON_PUBLIC
    with pytest.raises(ckanapi.NotFound):
        ckan.action.organization_show(id="nowhere")
    tags = ckan.action.tag_list()
    assert "สถิติ" in tags and tags == sorted(tags)


def test_envelope_over_plain_http(server: str) -> None:
    ok = httpx.get(f"{server}/api/3/action/package_show", params={"id": "city-development-indicators"}).json()
    assert ok["success"] is True and ok["help"].endswith("name=package_show") and ok["result"]["name"]
    missing = httpx.get(f"{server}/api/3/action/package_show", params={"id": "trainee-registry"})
    assert missing.status_code == 404
    assert missing.json()["success"] is False and missing.json()["error"]["__type"] == "Not Found Error"
