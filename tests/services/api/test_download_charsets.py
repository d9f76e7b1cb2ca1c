"""A stored text file is served with its true charset, and a UTF-8 copy beside it (``?encoding=utf-8``);
both decode to the same Thai in a browser's terms and in Python's; a private file's copy stays private."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from catalog.settings import Settings
from tests.services.api.conftest import TokenFor

URL = "/api/datasets/city-development-indicators/resources/upload"
TEXT = "เขต,จำนวนผู้เข้าอบรม,หมายเหตุ\nพระนคร,12,“ผ่าน”\nดุสิต,7,ข้อมูลปี ๒๕๖๗\n"


def _upload(client: TestClient, headers: dict[str, str], name: str, data: bytes, **form: str) -> str:
    response = client.post(URL, headers=headers, files={"file": (name, data, "text/csv")}, data=form)
    assert response.status_code == 201, response.text
    return str(response.json()["url"])


@pytest.mark.parametrize(("codec", "charset"), [("cp874", "tis-620"), ("utf-8-sig", "utf-8"), ("utf-8", "utf-8")])
def test_served_with_its_charset_and_as_utf8(client: TestClient, token_for: TokenFor, demo: Settings, codec: str,
                                             charset: str) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    text = TEXT.replace("“ผ่าน”", "ผ่าน") if codec == "cp874" else TEXT  # smart quotes: cp874 has them, TIS-620 not
    data = text.encode(codec)
    url = _upload(client, steward, "รายเขต.csv", data).removeprefix("http://testserver")

    original = client.get(url)
    assert original.status_code == 200 and original.content == data
    assert original.headers["content-type"] == f"text/csv; charset={charset}"
    assert original.text.lstrip("\ufeff") == text  # httpx decodes by the header, as requests and pandas do
    assert httpx.Response(200, headers=original.headers, content=original.content).text.lstrip("\ufeff") == text

    copy = client.get(url, params={"encoding": "utf-8"})
    assert copy.status_code == 200 and copy.headers["content-type"] == "text/csv; charset=utf-8"
    assert copy.content.decode("utf-8").lstrip("\ufeff") == text
    assert ".utf-8.csv" in copy.headers["content-disposition"]
    assert copy.headers["content-security-policy"] == original.headers["content-security-policy"]


def test_a_declared_encoding_wins_and_bad_requests_are_named(client: TestClient, token_for: TokenFor,
                                                             demo: Settings) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    url = _upload(client, steward, "declared.csv", "ก,ข\n1,2\n".encode("cp874"), encoding="tis-620")
    url = url.removeprefix("http://testserver")
    assert client.get(url).headers["content-type"] == "text/csv; charset=tis-620"
    refused = client.get(url, params={"encoding": "latin-1"})
    assert refused.status_code == 422
    problem = refused.json()["errors"][0]
    assert problem["field"] == "encoding" and problem["th"] != problem["en"]


def test_the_utf8_copy_of_a_private_file_is_as_private(client: TestClient, token_for: TokenFor,
                                                       demo: Settings) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    url = _upload(client, steward, "private.csv", TEXT.encode("cp874").replace("“".encode("cp874"), b"")
                  .replace("”".encode("cp874"), b""), private="true").removeprefix("http://testserver")
    assert client.get(url, headers=steward, params={"encoding": "utf-8"}).status_code == 200
    anonymous = TestClient(client.app)
    for params in ({}, {"encoding": "utf-8"}):
        assert anonymous.get(url, params=params).status_code == 404
    outsider = token_for("someone@other.go.th", "steward", org="bma-spe")
    assert client.get(url, headers=outsider, params={"encoding": "utf-8"}).status_code == 404
    reader = token_for("reader@bangkok.go.th", "steward", scopes=["read"])
    assert client.get(url, headers=reader, params={"encoding": "utf-8"}).status_code == 200  # reading is reading

