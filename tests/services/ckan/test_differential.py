"""The differential test: Banchi's CKAN-compatible API against the real CKAN (2.11 with the thai_gdc
scheming schema) holding the same catalog.

The demo is published to the CI CKAN by Banchi's publisher; then, for every public dataset and the
organization, ``package_show`` and ``organization_show`` are compared key by key, and ``package_search``
result set by result set over queries drawn from what ckanapi, ckanext-harvest, ckanext-dcat and CKAN's
own frontend send. What may differ is the short list ``ALLOWED`` below, each with its reason; anything
else that differs fails the test.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from ckanapi import NotFound, RemoteCKAN
from fastapi.testclient import TestClient

from catalog.settings import Settings
from services.api.app import create_app
from services.ckan.publisher import Publisher
from tests.conftest import OpenContext
from tests.services.ckan.conftest import make_client

pytestmark = pytest.mark.ckan
ORG = "bma-hrd"

# Differences allowed between Banchi's answer and the real CKAN's, by key (package / resource / organization):
ALLOWED_PACKAGE = {
    "id": "the portal gives the package its own id (Banchi's is kept in the extra banchi_id)",
    "owner_org": "the portal's own organization id",
    "metadata_created": "when the portal received it",
    "metadata_modified": "when the portal last changed it",
    "creator_user_id": "the portal account that published it",
    "extras": "the publisher ties the package to its Banchi record with the extra banchi_id",
    "banchi_version": "Banchi's edit counter, kept beside CKAN's free-text version",
    "isopen": "CKAN's licence register does not know thai_gdc's licence labels (always false there)",
    "license_title": "the same reason: CKAN repeats the label, Banchi gives the licence's title",
    "license_url": "the same reason: CKAN knows no URL for a thai_gdc label",
}
ALLOWED_RESOURCE = {
    "id": "the portal's own resource id", "package_id": "the portal's own package id",
    "url": "a file Banchi hosts is uploaded to the portal, which serves its own copy",
    "url_type": "the same reason: 'upload' on the portal, a plain link in Banchi",
    "created": "when the portal received it", "metadata_modified": "when the portal last changed it",
    "last_modified": "when the portal received the upload",
    "mimetype": "the portal guesses its own from the uploaded file name",
    "banchi_id": "the publisher's tie from the portal's resource to Banchi's",
    "size": "a data dictionary's spreadsheet is made when it is downloaded: its size is not known before",
}
ALLOWED_ORGANIZATION = {
    "id": "the portal's own id", "created": "when the portal received it",
    "image_display_url": "CKAN fills it from its own site URL",
    "title_en": "Banchi's English title (the portal's organization schema has none)",
    "num_followers": "followers are a portal feature",
    "users": "the portal lists its accounts; Banchi does not make people's roles public",
}
# package_search: every query runs on both, narrowed to the published organization (the portal may hold
# other tests' datasets). Allowed differences in search:
SEARCH_ALLOWED = {
    "order by score": "the CI CKAN's search is a Solr stand-in without relevance: compared as sets",
    "order by id, metadata_modified, metadata_created": "the portal's ids and times are its own (when it "
                                                        "received each package): compared as sets",
    "order by title_string": "Banchi sorts Thai titles in dictionary order (a leading vowel after its "
                             "consonant), Solr by code point: compared as sets",
    "res_format facet": "the stand-in counts resources, Solr counts datasets, and the portal's dictionary "
                        "resources are XLSX: compared with the datasets of the portal's own results",
    "fq with OR between fields": "the stand-in ignores OR between two fielded terms (answers everything): "
                                 "compared with the union of the two terms' answers",
}
# (the stand-in also has no NOW date math: date ranges here use ISO times)
SCOPE = f"organization:{ORG}"
SEARCHES: list[dict[str, Any]] = [
    {},  # ckanapi / the frontend's first page
    {"rows": 100, "start": 0, "sort": "id asc"},  # ckanext-harvest's gather
    {"rows": 3, "start": 3, "sort": "name asc"},  # paging (by name: the portal's ids are its own)
    {"fq": "metadata_modified:[2020-01-01T00:00:00Z TO *]", "rows": 100, "sort": "id asc"},  # harvest, incremental
    {"fq": "metadata_modified:[2999-01-01T00:00:00Z TO *]", "sort": "id asc"},  # nothing changed since
    {"q": "*:*", "sort": "metadata_modified desc", "rows": 100},  # ckanext-dcat's catalog
    {"q": "*:*", "fq": "metadata_modified:[2020-01-01T00:00:00.000Z TO *]", "sort": "metadata_modified desc"},
    {"sort": "title_string asc", "rows": 100},  # the frontend's sorts
    {"sort": "title_string desc", "rows": 100},
    {"sort": "name asc", "rows": 5},
    {"sort": "name desc", "rows": 100},
    {"sort": "metadata_created asc, name asc", "rows": 100},
    {"sort": "score desc, metadata_modified desc", "rows": 100},
    {"fq": 'tags:"สถิติ"'},  # the frontend's facet filters
    {"fq": 'res_format:"CSV"', "rows": 100},
    {"fq": 'license_id:"Open Data Common"'},
    {"fq": f'organization:"{ORG}" tags:"แผนที่"'},
    {"fq_list": ['res_format:"CSV"', 'tags:"สถิติ"']},
    {"fq": "-tags:แผนที่", "rows": 100},
    {"fq": "tags:(แผนที่ OR สถิติ)", "rows": 100},
    {"fq": "data_type:ข้อมูลสถิติ", "rows": 100},  # GD Catalog keys
    {"fq": 'data_category:"ข้อมูลสาธารณะ" +data_classification:"เปิดเผย"', "rows": 100},
    {"fq": "allow_harvest:True", "rows": 100},
    {"fq": "name:city-development-indicators"},
    {"fq": "groups:anything"},
    {"q": "name:training*", "rows": 100},
    {"fq": "capacity:public", "rows": 100},
    {"rows": 0, "facet.field": json.dumps(["organization", "groups", "tags", "res_format", "license_id"]),
     "facet.limit": 50},  # the frontend's facets
    {"fq": 'tags:"ฝึกอบรม"', "rows": 0, "facet.field": json.dumps(["tags", "res_format", "license_id"]),
     "facet.limit": -1},
    {"rows": 0, "facet.field": json.dumps(["tags"]), "facet.limit": 3},
    {"rows": 0, "facet.field": json.dumps(["tags"]), "facet.mincount": 2, "facet.limit": -1},
]


@pytest.fixture
def published(open_ctx: OpenContext, demo: Settings) -> Iterator[RemoteCKAN]:
    """The demo, published to the CI CKAN; purged from it afterwards."""
    portal = make_client(open_ctx)
    report = Publisher(lambda: open_ctx(), portal).run(organization=ORG)
    assert report.ok, report
    ckan = RemoteCKAN(portal.url, apikey=portal.api_key)
    yield ckan
    for outcome in report.outcomes:
        with contextlib.suppress(NotFound):
            ckan.action.dataset_purge(id=outcome.dataset)
    with contextlib.suppress(NotFound):
        ckan.action.organization_purge(id=ORG)


def banchi_action(client: TestClient, action: str, **params: Any) -> Any:
    response = client.post(f"/api/3/action/{action}", json=params)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def differences(ours: Any, theirs: Any, allowed: dict[str, str], path: str = "") -> list[str]:
    """Keys whose values differ (a key missing on one side differs when the other holds a value)."""
    found = []
    for key in sorted(set(ours) | set(theirs)):
        if key in allowed:
            continue
        mine, other = ours.get(key), theirs.get(key)
        if mine in ("", None, []) and other in ("", None, []):
            continue
        if mine != other:
            found.append(f"{path}{key}: banchi={json.dumps(mine, ensure_ascii=False)[:120]} "
                         f"ckan={json.dumps(other, ensure_ascii=False)[:120]}")
    return found


def test_package_and_organization_show_match_the_real_ckan(published: RemoteCKAN) -> None:
    client = TestClient(create_app())
    problems: list[str] = []
    names = banchi_action(client, "package_list")
    assert len(names) == 10
    for name in names:
        ours, theirs = banchi_action(client, "package_show", id=name), published.action.package_show(id=name)
        problems += differences({k: v for k, v in ours.items() if k not in ("resources", "organization", "tags")},
                                {k: v for k, v in theirs.items() if k not in ("resources", "organization", "tags")},
                                ALLOWED_PACKAGE, f"{name}.")
        problems += differences({"tags": [t["name"] for t in ours["tags"]]},
                                {"tags": sorted(t["name"] for t in theirs["tags"])}, {}, f"{name}.")
        if len(theirs["resources"]) != len(ours["resources"]):
            problems.append(f"{name}.resources: banchi={len(ours['resources'])} ckan={len(theirs['resources'])}")
        for mine, other in zip(ours["resources"], theirs["resources"], strict=False):
            problems += differences(mine, other, ALLOWED_RESOURCE, f"{name}.resources[{mine['name']}].")
        problems += differences(ours["organization"], theirs["organization"], ALLOWED_ORGANIZATION,
                                f"{name}.organization.")
    ours, theirs = banchi_action(client, "organization_show", id=ORG), published.action.organization_show(id=ORG)
    problems += differences(ours, theirs, ALLOWED_ORGANIZATION, "organization_show.")
    assert not problems, "\n".join(problems)


def scoped(params: dict[str, Any]) -> dict[str, Any]:
    return {**params, "fq_list": [*params.get("fq_list", []), SCOPE]}


def test_package_search_answers_as_the_real_ckan(published: RemoteCKAN) -> None:
    client = TestClient(create_app())
    problems: list[str] = []
    assert len(SEARCHES) >= 25
    for params in SEARCHES:
        ours = banchi_action(client, "package_search", **scoped(params))
        theirs = published.action.package_search(**scoped(params))
        label = json.dumps(params, ensure_ascii=False)
        if ours["count"] != theirs["count"]:
            problems.append(f"{label}: count banchi={ours['count']} ckan={theirs['count']}")
        mine, other = [d["name"] for d in ours["results"]], [d["name"] for d in theirs["results"]]
        ordered = str(params.get("sort") or "score").split()[0] in ("name",)
        if (mine != other) if ordered else (set(mine) != set(other)):
            problems.append(f"{label}: results banchi={mine} ckan={other}")
        their_facets = dict(theirs["facets"])
        if "res_format" in their_facets:
            every = published.action.package_search(**scoped({**params, "rows": 1000, "start": 0}))["results"]
            their_facets["res_format"] = dataset_counts(every)
            limit = int(params.get("facet.limit", 50))
            their_facets["res_format"] = dict(list(their_facets["res_format"].items())[:limit if limit >= 0 else None])
        if ours["facets"] != their_facets:
            problems.append(f"{label}: facets banchi={ours['facets']} ckan={their_facets}")
    assert not problems, "\n".join(problems)


def dataset_counts(packages: list[dict[str, Any]]) -> dict[str, int]:
    """Datasets per resource format (Solr's facet count), the portal's dictionary resources left out."""
    counts: dict[str, int] = {}
    for package in packages:
        formats = {r["format"] for r in package["resources"]
                   if r.get("format") and not r.get("banchi_id", "").endswith("#dictionary")}
        for fmt in formats:
            counts[fmt] = counts.get(fmt, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def test_or_between_fielded_terms(published: RemoteCKAN) -> None:
    """What the stand-in cannot answer, checked against what it can: the union of the two terms."""
    client = TestClient(create_app())
    both = {d["name"] for d in banchi_action(client, "package_search", **scoped(
        {"fq": "tags:แผนที่ OR tags:สถิติ", "rows": 100}))["results"]}
    union = set()
    for tag in ("แผนที่", "สถิติ"):
        union |= {d["name"] for d in published.action.package_search(**scoped({"fq": f"tags:{tag}", "rows": 100}))[
            "results"]}
    assert both == union and len(both) == 4
