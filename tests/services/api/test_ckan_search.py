"""``package_search`` speaks the Solr query syntax CKAN clients send (q, fq, fq_list, sort, facets),
against the demo catalog (10 public datasets of bma-hrd)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.actions.datasets import dataset_update
from services.api.ckan_query import SearchQueryError as QueryRefused
from services.api.ckan_query import parse_lucene
from tests.conftest import OpenContext


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/3/action/package_search", params={"rows": 100, **params})
    assert response.status_code == 200, response.text
    return response.json()["result"]


def names(client: TestClient, **params: Any) -> set[str]:
    return {d["name"] for d in search(client, **params)["results"]}


def refused(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/3/action/package_search", params=params)
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["success"] is False
    return body["error"]


def test_fields_boolean_operators_and_prefixes(client: TestClient) -> None:
    everything = names(client)
    assert len(everything) == 10
    mapped = names(client, q="tags:แผนที่")
    assert mapped == {"district-training-coverage", "training-venues-map"}
    assert names(client, q="-tags:แผนที่") == everything - mapped  # not: the others, not the tagged ones
    assert names(client, q="*:* -tags:แผนที่") == everything - mapped
    assert names(client, q="NOT tags:แผนที่") == everything - mapped
    assert names(client, q="title:สถิติ") == {"annual-training-statistics"}  # the field is honoured
    both = names(client, q="สถิติ AND ข้อมูล")
    either = names(client, q="สถิติ OR ข้อมูล")
    assert both < either and both == names(client, q="+สถิติ +ข้อมูล") == names(client, q="สถิติ ข้อมูล")
    assert names(client, q="(tags:แผนที่ OR tags:สถิติ) AND -title:สถิติ") == (
        names(client, q="tags:(แผนที่ OR สถิติ)") - {"annual-training-statistics"})
    assert names(client, q='tags:"แผนที่"') == mapped
    assert names(client, q="name:city*") == {"city-development-indicators"}
    assert names(client, q="*:*") == everything
    assert names(client, q="data_type:ข้อมูลสถิติ") == names(client, fq='data_type:"ข้อมูลสถิติ"')


def test_fq_and_fq_list_are_all_applied(client: TestClient) -> None:
    csv = names(client, fq="res_format:CSV")
    statistics = names(client, fq="data_type:ข้อมูลสถิติ")
    assert names(client, fq_list='["res_format:CSV", "data_type:ข้อมูลสถิติ"]') == csv & statistics
    assert names(client, fq="res_format:CSV", fq_list='["data_type:ข้อมูลสถิติ"]') == csv & statistics
    assert names(client, fq="organization:bma-hrd capacity:public dataset_type:dataset +state:active") == names(client)
    org_id = search(client, rows=1)["results"][0]["owner_org"]
    assert names(client, fq=f"owner_org:{org_id}") == names(client)
    assert names(client, fq="organization:nowhere") == set()
    assert names(client, fq="groups:anything") == set()
    one = search(client, rows=1)["results"][0]
    assert names(client, fq=f"id:{one['id']}") == {one["name"]}
    assert names(client, fq=f'license_id:"{one["license_id"]}"') >= {one["name"]}
    assert names(client, fq="objective:*") == {d["name"] for d in search(client)["results"] if d.get("objective")}


def test_date_ranges_with_now_and_iso_times(client: TestClient, open_ctx: OpenContext) -> None:
    everything = names(client)
    assert names(client, fq="metadata_modified:[* TO NOW]") == everything
    assert names(client, fq="metadata_modified:[NOW+1DAY TO *]") == set()
    assert names(client, fq="metadata_created:[NOW/DAY-1DAY TO NOW+1HOUR]") == everything
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    time.sleep(1.1)
    with open_ctx() as ctx:  # an edit after `later` is what an incremental harvest asks for
        dataset_update(ctx, "city-development-indicators", {"notes": "แก้ไขคำอธิบาย"})
    assert names(client, fq=f"metadata_modified:[{later} TO *]") == {"city-development-indicators"}
    assert names(client, fq=f"metadata_modified:{{* TO {later}]") == everything - {"city-development-indicators"}
    assert refused(client, fq="metadata_modified:[yesterday TO *]")["__type"] == "Search Query Error"


def test_sort_keys_rows_cap_and_facet_options(client: TestClient) -> None:
    by_name = [d["name"] for d in search(client, sort="name asc")["results"]]
    assert by_name == sorted(by_name) and len(by_name) == 10
    assert [d["name"] for d in search(client, sort="name desc")["results"]] == by_name[::-1]
    by_id = [d["id"] for d in search(client, sort="id asc")["results"]]
    assert by_id == sorted(by_id)
    several = [d["name"] for d in search(client, sort="metadata_created desc, name asc")["results"]]
    assert sorted(several) == sorted(by_name)
    assert search(client)["sort"] == "score desc, metadata_modified desc"
    assert len(search(client, rows=5000)["results"]) == 10  # capped at 1000 silently
    refused(client, sort="colour asc")
    refused(client, sort="name sideways")

    faceted = search(client, fq="tags:แผนที่", **{"facet.field": '["tags", "organization", "license_id"]'})
    assert faceted["facets"]["tags"]["แผนที่"] == faceted["count"] == 2  # the counts of the filtered result
    assert sum(faceted["facets"]["organization"].values()) == 2
    limited = search(client, **{"facet.field": '["tags"]', "facet.limit": 2})
    assert len(limited["facets"]["tags"]) == 2 and len(limited["search_facets"]["tags"]["items"]) == 2
    every = search(client, **{"facet.field": '["tags"]', "facet.limit": -1})
    assert len(every["facets"]["tags"]) > 2
    frequent = search(client, **{"facet.field": '["tags"]', "facet.mincount": 2, "facet.limit": -1})
    assert frequent["facets"]["tags"] and min(frequent["facets"]["tags"].values()) >= 2
    assert search(client, facet="false", **{"facet.field": '["tags"]'})["facets"] == {}


@pytest.mark.parametrize("query", ["(สถิติ", "สถิติ)", '"สถิติ', "colour:red", "title:[a TO b]", "สถิติ~2",
                                   "/regex/", "tags:a*b", "a AND"])
def test_unanswerable_syntax_is_a_search_query_error(client: TestClient, query: str) -> None:
    error = refused(client, q=query)
    assert error["__type"] == "Search Query Error" and error["message"]


def test_parser_is_a_tree_not_string_splits() -> None:
    now = dt.datetime(2026, 12, 4, 12, 30, tzinfo=dt.UTC)
    expr = parse_lucene("metadata_modified:[NOW/DAY-7DAYS TO NOW]", "fq", now)
    assert expr.low == dt.datetime(2026, 11, 27, tzinfo=dt.UTC) and expr.high == now  # type: ignore[union-attr]
    assert parse_lucene("*:*", "q", now) is None
    with pytest.raises(QueryRefused):
        parse_lucene("a:b:(c", "q", now)
