"""Open formats: DCAT-AP 3 (checked with the official SHACL shapes), schema.org JSON-LD, Data Package."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from catalog.actions.datasets import dataset_set_state, dataset_update
from catalog.models import DatasetState
from services.exports.dcat import BANCHI, HYDRA
from services.exports.schemaorg import script_tag
from tests.conftest import OpenContext
from tests.services.api.conftest import TokenFor

SHAPES = Path(__file__).resolve().parents[4] / "shared" / "reference" / "dcat-ap-3.0.0" / "dcat-ap-SHACL.ttl"
CC_BY = "e-learning-media"
NON_PUBLIC = {"trainee-registry", "lecturer-registry", "training-budget", "scholarship-committee-minutes"}


def parsed(response_text: str, fmt: str = "turtle") -> Graph:
    return Graph().parse(data=response_text, format=fmt)


def test_catalog_in_three_serialisations_with_only_public_datasets(client: TestClient) -> None:
    turtle = client.get("/catalog.ttl")
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    graph = parsed(turtle.text)
    titles = {str(o) for s in graph.subjects(RDF.type, DCAT.Dataset) for o in graph.objects(s, DCTERMS.title)}
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 10
    assert "ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง" in titles
    names = {str(o) for o in graph.objects(None, BANCHI.data_category)}
    assert names == {"ข้อมูลสาธารณะ"}  # nothing of another category leaks into the catalog
    for path, fmt in (("/catalog.rdf", "xml"), ("/catalog.jsonld", "json-ld")):
        other = client.get(path)
        assert other.status_code == 200
        assert len(list(parsed(other.text, fmt).subjects(RDF.type, DCAT.Dataset))) == 10


def test_dataset_mapping_to_dcat_terms_and_the_banchi_namespace(client: TestClient) -> None:
    graph = parsed(client.get("/dataset/city-development-indicators.ttl").text)
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    assert str(graph.value(dataset, DCTERMS.accrualPeriodicity)).endswith("/frequency/MONTHLY")
    period = graph.value(dataset, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2020-01-01"  # พ.ศ. 2563
    assert str(graph.value(period, DCAT.endDate)) == "2021-12-31"
    assert str(graph.value(dataset, BANCHI.calculation_method)).startswith("นับจำนวนข้าราชการ")
    assert str(graph.value(dataset, BANCHI.unit_of_measure)) == "คน"
    distribution = next(d for d in graph.objects(dataset, DCAT.distribution) if graph.value(d, DCAT.downloadURL))
    assert str(graph.value(distribution, DCTERMS["format"])).endswith("/file-type/CSV")
    assert graph.value(distribution, DCAT.byteSize) is not None
    assert graph.value(distribution, DCAT.downloadURL) is not None
    keywords = {str(k) for k in graph.objects(dataset, DCAT.keyword)}
    assert "ตัวชี้วัด" in keywords
    assert isinstance(graph.value(dataset, DCTERMS.publisher), URIRef)


def test_non_public_datasets_are_not_found_in_dcat(client: TestClient, token_for: TokenFor) -> None:
    for name in NON_PUBLIC:
        assert client.get(f"/dataset/{name}.ttl").status_code == 404
    steward = token_for("steward@bangkok.go.th", "steward")
    assert client.get("/dataset/trainee-registry.ttl", headers=steward).status_code == 200
    assert len(list(parsed(client.get("/catalog.ttl", headers=steward).text).subjects(RDF.type, DCAT.Dataset))) == 14


@pytest.mark.skipif(not SHAPES.exists(), reason=f"DCAT-AP 3.0.0 SHACL shapes not found at {SHAPES}")
def test_catalog_conforms_to_the_dcat_ap_3_shacl_shapes(client: TestClient) -> None:
    import pyshacl

    data = parsed(client.get("/catalog.ttl").text)
    conforms, _, report = pyshacl.validate(data, shacl_graph=Graph().parse(SHAPES, format="turtle"),
                                           inference="none", advanced=True)
    assert conforms, report


def test_schema_org_dataset_jsonld(client: TestClient) -> None:
    response = client.get("/api/datasets/city-development-indicators/schema.org")
    assert response.headers["content-type"].startswith("application/ld+json")
    data = response.json()
    assert data["@type"] == "Dataset" and data["name"] == "ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง"
    assert data["temporalCoverage"] == "2020/2021" and data["distribution"][0]["@type"] == "DataDownload"
    assert client.get("/api/datasets/trainee-registry/schema.org").status_code == 404
    tag = script_tag("https://example.go.th", {**data, "id": "x", "name": "n", "title": "</script><b>",
                                                "tags": []})
    assert tag.count("</script>") == 1 and tag.startswith('<script type="application/ld+json">')


def test_data_package_is_valid_for_frictionless(client: TestClient, tmp_path: Path) -> None:
    from frictionless import Package, validate

    descriptor = client.get("/api/datasets/city-development-indicators/datapackage.json").json()
    assert descriptor["name"] == "city-development-indicators" and descriptor["licenses"][0]["name"] == "other-open"
    assert descriptor["gdc"]["data_type"] == "ข้อมูลสถิติ"
    archive = client.get("/api/datasets/city-development-indicators/datapackage.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        zipped.extractall(tmp_path)
    assert json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8")) == descriptor
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    assert [r.path for r in package.resources] == [r["path"] for r in descriptor["resources"]]
    assert client.get("/api/datasets/trainee-registry/datapackage.zip").status_code == 404


def test_data_package_carries_each_resources_dictionary(client: TestClient, tmp_path: Path) -> None:
    """The approved dictionary becomes the resource's schema, and frictionless checks the data against it."""
    from frictionless import validate

    descriptor = client.get("/api/datasets/annual-training-statistics/datapackage.json").json()
    [resource] = descriptor["resources"]
    assert [f["name"] for f in resource["schema"]["fields"]][:2] == ["fiscal_year", "courses"]
    assert resource["schema"]["fields"][0]["title"] == "ปีงบประมาณ (พ.ศ.)"
    archive = client.get("/api/datasets/annual-training-statistics/datapackage.zip")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        zipped.extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    assert report.tasks[0].stats["rows"] == 5


def test_catalog_pages_follow_modified_since_and_withdrawals(client: TestClient, open_ctx: OpenContext) -> None:
    first = parsed(client.get("/catalog.jsonld").text, "json-ld")
    assert len(set(first.subjects(RDF.type, DCAT.Dataset))) == 10
    paging = next(first.subjects(RDF.type, HYDRA.PagedCollection))
    assert str(paging).endswith("/catalog.jsonld?page=1") and str(first.value(paging, HYDRA.totalItems)) == "10"
    assert client.get("/catalog.ttl", params={"modified_since": "yesterday"}).status_code == 422
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    time.sleep(1.1)
    with open_ctx() as ctx:
        dataset_update(ctx, "city-development-indicators", {"notes": "แก้ไข"})
    since = parsed(client.get("/catalog.ttl", params={"modified_since": later.isoformat()}).text)
    titles = {str(t) for d in since.subjects(RDF.type, DCAT.Dataset) for t in since.objects(d, DCTERMS.identifier)}
    assert len(titles) == 1
    link = str(since.value(next(since.subjects(RDF.type, HYDRA.PagedCollection)), HYDRA.firstPage))
    assert "modified_since=" in link
    with open_ctx() as ctx:  # withdrawn: it leaves the catalog, so a DCAT harvester deletes its copy
        dataset_set_state(ctx, "city-development-indicators", DatasetState.withdrawn)
    after = parsed(client.get("/catalog.ttl").text)
    assert len(set(after.subjects(RDF.type, DCAT.Dataset))) == 9


def test_licence_uri_and_issued_is_the_data_release(client: TestClient, open_ctx: OpenContext) -> None:
    from catalog.actions.resources import resource_create

    with open_ctx() as ctx:  # a distribution of a dataset under Creative Commons Attribution
        resource_create(ctx, CC_BY, {"name": "ลิงก์", "url": "https://example.go.th/a.csv", "format": "CSV"})
    graph = parsed(client.get("/catalog.ttl").text)
    licences = {str(node) for node in graph.objects(None, DCTERMS.license)}
    assert any(uri.startswith("https://creativecommons.org/licenses/") for uri in licences)
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):  # never Banchi's registration time (today)
        value = graph.value(dataset, DCTERMS.issued)
        assert value is None or not str(value).startswith(dt.date.today().isoformat())
