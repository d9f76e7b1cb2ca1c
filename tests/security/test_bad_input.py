"""Bad input from a signed-in user: it is refused with the field named in Thai and English, never answered
with a 500, and never leaves a record that cannot be saved again."""

from __future__ import annotations

import contextlib
import io
import threading
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlmodel import select

from catalog.actions.accounts import token_create
from catalog.settings import Settings
from tests.conftest import OpenContext
from tests.factories import dataset_input
from tests.security.conftest import ORG_A, TokenFor

DATASET = "city-development-indicators"  # a public dataset of A
NEW = {"owner_org": ORG_A, "data_type": "ข้อมูลสถิติ", "data_category": "ข้อมูลสาธารณะ",
       "license_id": "Open Data Common", "tag_string": "สถิติ", "objective": ["พันธกิจหน่วยงาน"],
       "update_frequency_unit": "ปี", "update_frequency_interval": "1", "geo_coverage": "จังหวัด",
       "data_support": "หน่วยงานของรัฐ", "data_collect": "บุคคล", "data_language": ["ไทย"],
       "maintainer": "นายธนากร ใจเย็น", "maintainer_email": "steward.hrd@bangkok.go.th",
       "notes": "คำอธิบาย", "created_date": "2021-01-01", "last_updated_date": "2021-01-01"}


STEWARD = "steward@a.example"


@pytest.fixture
def steward(token_for: TokenFor) -> dict[str, str]:
    return token_for(STEWARD, role="steward", org=ORG_A)


def _errors(response: Any) -> dict[str, dict[str, Any]]:
    return {e.get("field") or "": e for e in response.json()["errors"]}


def _bilingual(error: dict[str, Any]) -> None:
    assert error["th"] and error["en"] and error["th"] != error["en"]


def _etag(client: TestClient, name: str) -> str:
    return client.get(f"/api/datasets/{name}").headers["etag"]


def test_a_patch_cannot_empty_a_required_field(client: TestClient, steward: dict[str, str]) -> None:
    """``","`` or ``[""]`` is no value: refused as missing, and the dataset can still be saved after."""
    for field, value in (("tag_string", ","), ("objective", [""]), ("tag_string", [" ", ""])):
        emptied = client.patch(f"/api/datasets/{DATASET}", json={field: value},
                               headers={**steward, "If-Match": _etag(client, DATASET)})
        assert emptied.status_code == 422, emptied.text
        error = _errors(emptied)[field]
        assert error["code"] == "required"
        _bilingual(error)
    again = client.patch(f"/api/datasets/{DATASET}", json={"notes": "ยังบันทึกได้"},
                         headers={**steward, "If-Match": _etag(client, DATASET)})
    assert again.status_code == 200, again.text
    assert again.json()["tag_string"] and again.json()["objective"]


def test_a_lone_surrogate_or_nul_in_json_is_refused_naming_the_field(client: TestClient,
                                                                      steward: dict[str, str]) -> None:
    for raw, field in ((b'{"title": "t \\ud800"}', "title"), (b'{"tag_string": ["a", "\\udfff"]}', "tag_string.1"),
                       (b'{"notes": "t \\u0000"}', "notes"), (b'{"\\ud800": 1}', "body")):
        sent = client.patch(f"/api/datasets/{DATASET}", content=raw,
                            headers={**steward, "If-Match": "*", "Content-Type": "application/json"})
        assert sent.status_code == 422, sent.text
        (error,) = sent.json()["errors"]
        assert error["code"] == "invalid_characters" and error["field"] == field
        _bilingual(error)
    ckan = client.post("/api/3/action/package_search", content=b'{"q": "\\ud800"}',
                       headers={"Content-Type": "application/json"})
    assert ckan.status_code == 409 and ckan.json()["success"] is False
    assert client.get(f"/api/datasets/{DATASET}").json()["notes"] != "t \x00"


def test_nul_in_a_multipart_field_is_refused_naming_the_field(client: TestClient, steward: dict[str, str]) -> None:
    """Fields of an upload are not JSON: the catalog refuses the text when it would be stored (PostgreSQL
    answered 500, SQLite kept the NUL)."""
    upload = f"/api/datasets/{DATASET}/resources/upload"
    before = len(client.get(f"/api/datasets/{DATASET}").json()["resources"])
    for form, field in (({"name": "x\x00y"}, "name"), ({"name": "ok", "metadata": '{"description": "a\\u0000"}'},
                                                        "description")):
        sent = client.post(upload, headers=steward, data=form, files={"file": ("a.csv", b"a,b\n1,2\n", "text/csv")})
        assert sent.status_code == 422, sent.text
        error = _errors(sent)[field]
        assert error["code"] == "invalid_characters"
        _bilingual(error)
    assert len(client.get(f"/api/datasets/{DATASET}").json()["resources"]) == before


def test_nul_in_a_query_or_path_parameter_is_refused(client: TestClient, steward: dict[str, str]) -> None:
    for path in ("/api/search?q=a%00", "/api/datasets/a%00b", "/api/datasets?organization=%00"):
        refused = client.get(path, headers=steward)
        assert refused.status_code == 422, (path, refused.text)
        _bilingual(refused.json()["errors"][0])


def test_tags_of_the_wrong_shape_are_refused(client: TestClient, steward: dict[str, str]) -> None:
    for tags in ([1, {"x": 1}], [{"name": {"a": 1}}], {"name": "x"}):
        sent = client.patch(f"/api/datasets/{DATASET}", json={"tags": tags}, headers={**steward, "If-Match": "*"})
        assert sent.status_code == 422, sent.text
        _bilingual(_errors(sent)["tag_string"])


def _doctype_xlsx(member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A workbook Excel would open, whose ``member`` declares entities (the start of a billion laughs)."""
    book = Workbook()
    book.active.append(["district_code", "district_name"])
    book.active.append([1001, "พระนคร"])
    plain, crafted = io.BytesIO(), io.BytesIO()
    book.save(plain)
    doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                declaration, _, rest = data.partition(b"?>") if data.startswith(b"<?xml") else (b"", b"", data)
                data = declaration + (b"?>" if declaration else b"") + b"\n<!-- -->" + doctype + rest
            target.writestr(info, data)
    return crafted.getvalue()


def test_an_xlsx_declaring_a_doctype_is_refused_by_infer_and_validation(client: TestClient,
                                                                         steward: dict[str, str]) -> None:
    resources = client.get(f"/api/datasets/{DATASET}").json()["resources"]
    base = f"/api/datasets/{DATASET}/resources/{next(r['id'] for r in resources if r.get('sha256'))}"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    drafted = client.post(f"{base}/dictionary/versions", headers=steward,
                          json={"fields": [{"name": "district_code", "type": "integer"}]})
    assert drafted.status_code == 201, drafted.text
    for member in ("xl/worksheets/sheet1.xml", "xl/workbook.xml"):
        crafted = _doctype_xlsx(member)
        for path in (f"{base}/dictionary/infer/upload", f"{base}/validation-runs/upload"):
            sent = client.post(path, headers={**steward, "Accept-Language": "en"},
                               files={"file": ("data.xlsx", crafted, xlsx)})
            assert sent.status_code in (400, 422), (path, member, sent.text)
            error = sent.json()["errors"][0]
            assert error["code"] == "xlsx_doctype" and member in error["en"]
            _bilingual(error)
    assert client.get(f"{base}/validation-runs").json() == []  # nothing half-written
    assert len(client.get(f"{base}/dictionary/versions", headers=steward).json()) == 1


def test_the_unique_constraint_itself_is_answered_naming_the_field(two_orgs: Settings, open_ctx: OpenContext) -> None:
    """Whatever slips past an action's own check (another writer's commit) is still named, on either database."""
    from catalog.errors import AlreadyTaken
    from catalog.models import Dataset

    with pytest.raises(AlreadyTaken) as caught, open_ctx() as ctx:
        taken = ctx.session.exec(select(Dataset).where(Dataset.name == DATASET)).one()
        ctx.session.add(Dataset(profile=taken.profile, owner_org_id=taken.owner_org_id, name="another-name",
                                title=taken.title, data_type=taken.data_type, created_at=ctx.now(),
                                updated_at=ctx.now(), extras={}))
    (problem,) = caught.value.problems
    assert problem.field == "title" and problem.code == "value_taken" and problem.th and problem.en


@pytest.mark.parametrize("same", ["name", "title"])
def test_concurrent_creates_of_one_name_or_title_get_409_naming_it(
    client: TestClient, steward: dict[str, str], open_ctx: OpenContext, monkeypatch: pytest.MonkeyPatch, same: str
) -> None:
    """Ten creates race for one name (or title): each passes the registry's own check before any has
    written, so the database's unique constraint decides; one wins, the other nine hear 409 naming it."""
    from catalog.actions import datasets

    racers = 10
    everyone_checked = threading.Barrier(racers)
    checked = datasets._check_unique

    def check_then_wait(*args: Any) -> None:
        checked(*args)
        # a database that runs writers one after another breaks the barrier: the check itself then refuses
        with contextlib.suppress(threading.BrokenBarrierError):
            everyone_checked.wait(timeout=2)

    monkeypatch.setattr(datasets, "_check_unique", check_then_wait)
    answers: list[Any] = [None] * racers
    with open_ctx() as ctx:  # a token each, so that signing in does not queue them one behind another
        stewards = [{"Authorization": f"Bearer {token_create(ctx, {'name': f'racer {index}'}, STEWARD).token}"}
                    for index in range(racers)]

    def create(index: int) -> None:
        body = dataset_input(f"race-{index}" if same == "title" else "race", title=(
            "ชุดข้อมูลแข่งกัน" if same == "title" else f"ชุดข้อมูลแข่งกัน {index}"))
        answers[index] = client.post("/api/datasets", json=body,
                                     headers={**stewards[index], "Accept-Language": "en"})

    threads = [threading.Thread(target=create, args=(index,)) for index in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [409] * (racers - 1), [a.text[:300] for a in answers if a.status_code != 201]
    for answer in answers:
        if answer.status_code == 409:
            (error,) = answer.json()["errors"]
            assert error["field"] == same and error["code"] in ("value_taken", f"duplicate_{same}")
            _bilingual(error)


def test_a_day_outside_the_fiscal_years_is_refused_naming_it(client: TestClient, steward: dict[str, str]) -> None:
    """Schemathesis found ``?as_of=0303-06-21`` answered 500: the day falls in no fiscal year Banchi has.
    Now 422 naming the fiscal year, in Thai and English; a day inside the range still answers. The year 0303 is
    neither a Buddhist nor a Christian Era year a date is read with: refused naming ``as_of`` first."""
    typo = client.get(f"/api/organizations/{ORG_A}/stages?as_of=0303-06-21", headers=steward)
    assert typo.status_code == 422, typo.text
    _bilingual(_errors(typo)["as_of"])
    refused = client.get(f"/api/organizations/{ORG_A}/stages?as_of=1800-06-21", headers=steward)
    assert refused.status_code == 422, refused.text
    error = _errors(refused)["fiscal_year"]
    assert error["code"] == "fiscal_year_out_of_range" and "2343" in error["en"]
    _bilingual(error)
    assert client.get(f"/api/organizations/{ORG_A}/stages?as_of=2021-06-21", headers=steward).status_code == 200
