"""Reading more than one's role gives: evaluators, other agencies and the public against the catalog's
single read rule (``catalog.permissions``), through every interface (REST API, web pages, exports)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import col

from catalog.actions.dictionaries import dictionary_version_create
from catalog.actions.lookup import get_dataset
from catalog.models import Resource
from tests.conftest import OpenContext
from tests.security.conftest import NON_PUBLIC_A, ORG_A, ORG_B, PASSWORD, TokenFor
from tests.services.web.conftest import csrf_of

PUBLIC_A = "junior-executive-personal-reports"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"  # public, counted in A's indicator for 2564 (part 2)


def _file_resource(open_ctx: OpenContext, dataset: str) -> Resource:
    with open_ctx() as ctx:
        found = get_dataset(ctx, dataset)
        return next(r for r in ctx.session.query(Resource).filter(col(Resource.dataset_id) == found.id) if r.sha256)


def _flag_personal_data(open_ctx: OpenContext, dataset: str, resource: Resource) -> None:
    """The steward's dictionary (a draft) marks a column of the file as personal data (PDPA)."""
    schema = {"fields": [{"name": "name", "type": "string", "personalData": True},
                         {"name": "title", "type": "string"}]}
    with open_ctx() as ctx:
        dictionary_version_create(ctx, dataset, resource.id, schema)


def test_evaluator_reads_no_non_public_titles_through_an_organizations_stages(
    client: TestClient, evaluator_for: Callable[..., dict[str, str]],
) -> None:
    """Attack: an evaluator lists every agency's stages and reads the titles of their non-public datasets,
    while the same dataset's own stages answer 404. Now both follow one rule: what the indicator report of
    the evaluated years shows (the datasets it counts), the same through every endpoint."""
    evaluator = evaluator_for("auditor@bangkok.go.th", 2564)
    listed = client.get(f"/api/organizations/{ORG_A}/stages", headers=evaluator)
    assert listed.status_code == 200
    names = {row["dataset"] for row in listed.json()}
    assert NON_PUBLIC_A not in names
    assert PUBLIC_A in names  # counted in the indicator of 2564: the report shows it
    for name in names:  # what the list shows, each dataset's own stages show too
        assert client.get(f"/api/datasets/{name}/stages", headers=evaluator).status_code == 200
    assert client.get(f"/api/datasets/{NON_PUBLIC_A}/stages", headers=evaluator).status_code == 404
    titles = [row["title"] for row in listed.json()]
    evidence = client.get(f"/api/organizations/{ORG_A}/evidence", headers=evaluator).json()
    assert all(item["dataset"] in (None, *names) for item in evidence)
    assert len(titles) == len(names)


def test_web_refuses_an_outsiders_upload_to_a_non_public_dataset_as_not_found(
    client: TestClient, open_ctx: OpenContext,
) -> None:
    """Attack: an admin of B uploads to A's non-public dataset through the web page: 403 told them the
    dataset exists (the API answered 404). Now 404 everywhere, and nothing is stored."""
    from catalog.actions.accounts import account_create

    with open_ctx() as ctx:
        account_create(ctx, {"email": "admin.b@bangkok.go.th", "password": PASSWORD,
                             "roles": [{"role": "admin", "organization": ORG_B}]})
    site = TestClient(client.app, headers={"accept": "text/html"})
    form = site.get("/user/login")
    signed = site.post("/user/login", data={"csrf_token": csrf_of(form.text), "email": "admin.b@bangkok.go.th",
                                            "password": PASSWORD, "came_from": "/"}, follow_redirects=False)
    assert signed.status_code == 303
    token = csrf_of(site.get("/").text)
    answer = site.post(f"/dataset/{NON_PUBLIC_A}/resource/upload", data={"csrf_token": token},
                       files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")}, follow_redirects=False)
    assert answer.status_code == 404
    missing = site.post("/dataset/no-such-dataset/resource/upload", data={"csrf_token": token},
                        files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")}, follow_redirects=False)
    assert missing.status_code == 404  # the same answer as for a dataset that does not exist
    with open_ctx() as ctx:
        found = get_dataset(ctx, NON_PUBLIC_A)
        assert not ctx.session.query(Resource).filter(col(Resource.dataset_id) == found.id,
                                                 col(Resource.name) == "x.csv").all()


def test_personal_data_files_are_served_to_no_one_outside_the_organization(
    client: TestClient, open_ctx: OpenContext, token_for: TokenFor,
) -> None:
    """Attack: a file whose dictionary flags personal-data columns is kept from the open portals, yet anyone
    downloads it, and it is in the Data Package (.json and .zip) and in DCAT. Now the organization reads it;
    nobody else learns of it: download 404, left out of the package, the zip and DCAT."""
    resource = _file_resource(open_ctx, PUBLIC_A)
    download = f"/dataset/{PUBLIC_A}/resource/{resource.id}/download/{resource.filename}"
    assert client.get(download).status_code == 200  # before: an ordinary public file
    _flag_personal_data(open_ctx, PUBLIC_A, resource)
    other_org = token_for("steward.b@bangkok.go.th", "steward", org=ORG_B)
    for headers in ({}, other_org):
        assert client.get(download, headers=headers).status_code == 404
        assert client.get(f"/api/resources/{resource.id}", headers=headers).status_code == 404
        package = client.get(f"/api/datasets/{PUBLIC_A}/datapackage.json", headers=headers).json()
        assert f"sha256:{resource.sha256}" not in {r.get("hash") for r in package.get("resources", [])}
        archive = client.get(f"/api/datasets/{PUBLIC_A}/datapackage.zip", headers=headers)
        names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
        assert not any(name.endswith(str(resource.filename)) for name in names)
        dcat = client.get(f"/dataset/{PUBLIC_A}.ttl", headers=headers).text
        assert resource.id not in dcat and str(resource.filename) not in dcat
        shown = client.get(f"/api/datasets/{PUBLIC_A}", headers=headers).json()
        assert resource.id not in {r["id"] for r in shown["resources"]}
    steward = token_for("steward.a@bangkok.go.th", "steward", org=ORG_A)
    assert client.get(download, headers=steward).status_code == 200  # the organization still reads it


def test_draft_dictionaries_with_the_editors_email_are_the_organizations_only(
    client: TestClient, open_ctx: OpenContext, token_for: TokenFor,
) -> None:
    """Attack: anyone reads a resource's draft dictionary, which names its editor by email. Now drafts are
    for the organization; outsiders see approved versions only."""
    resource = _file_resource(open_ctx, PUBLIC_A)
    with open_ctx() as ctx:
        dictionary_version_create(ctx, PUBLIC_A, resource.id, {"fields": [{"name": "title", "type": "string"}]})
    base = f"/api/datasets/{PUBLIC_A}/resources/{resource.id}/dictionary/versions"
    other_org = token_for("admin.b@bangkok.go.th", "admin", org=ORG_B)
    for headers in ({}, other_org):
        assert client.get(base, headers=headers).json() == []
        assert client.get(f"{base}/1", headers=headers).status_code == 404
    steward = token_for("steward.a@bangkok.go.th", "steward", org=ORG_A)
    drafts: list[dict[str, Any]] = client.get(base, headers=steward).json()
    assert [(v["number"], v["status"]) for v in drafts] == [(1, "draft")]


def test_a_personal_data_file_leaves_no_trace_in_any_public_interface(
    client: TestClient, open_ctx: OpenContext, token_for: TokenFor,
) -> None:
    """Attack: the file is withheld from its download link, but an outsider looks for it everywhere else a
    resource shows: the catalog's DCAT in every serialisation, schema.org, the dataset page, the search,
    the CKAN API (show, search, lists, activity), the history and the dictionary workbook. None names it:
    not its id, its file name or its hash."""
    resource = _file_resource(open_ctx, PUBLIC_A)
    traces = (resource.id, str(resource.filename), str(resource.sha256))
    before = client.get(f"/api/3/action/package_show?id={PUBLIC_A}").text
    assert resource.id in before  # before: an ordinary public file, so the probes below can find it
    _flag_personal_data(open_ctx, PUBLIC_A, resource)
    other_org = token_for("steward.b@bangkok.go.th", "steward", org=ORG_B)
    probes = [
        "/catalog.ttl", "/catalog.jsonld", "/catalog.rdf", f"/dataset/{PUBLIC_A}.jsonld", f"/dataset/{PUBLIC_A}.rdf",
        f"/api/datasets/{PUBLIC_A}/schema.org", f"/dataset/{PUBLIC_A}", f"/api/datasets/{PUBLIC_A}/history",
        f"/api/search?q={resource.filename}", "/api/datasets?limit=1000",
        f"/api/3/action/package_show?id={PUBLIC_A}", f"/api/3/action/package_search?q=id:{resource.id}",
        "/api/3/action/package_search?rows=1000", "/api/3/action/current_package_list_with_resources?limit=1000",
        f"/api/3/action/package_activity_list?id={PUBLIC_A}", f"/api/3/action/resource_show?id={resource.id}",
        f"/dataset/{PUBLIC_A}/resource/{resource.id}/dictionary.xlsx", f"/dataset/{PUBLIC_A}/resource/{resource.id}",
    ]
    for headers in ({}, other_org):
        for probe in probes:
            answer = client.get(probe, headers=headers)
            assert answer.status_code < 500, probe
            body = answer.text
            if resource.id in probe:  # an answer may repeat what was asked: it must be the unknown id's answer
                unknown = client.get(probe.replace(resource.id, UNKNOWN_ID), headers=headers)
                assert (answer.status_code, body.replace(resource.id, UNKNOWN_ID)) == (
                    unknown.status_code, unknown.text), probe
                continue
            leaked = [trace for trace in traces if trace in body]
            assert not leaked, f"{probe} names the withheld file ({leaked})"
    steward = token_for("steward.a@bangkok.go.th", "steward", org=ORG_A)
    # the organization still reads it (the CKAN API shows what the portals get: without it, to everyone)
    shown = client.get(f"/api/datasets/{PUBLIC_A}", headers=steward).json()
    assert resource.id in {r["id"] for r in shown["resources"]}
