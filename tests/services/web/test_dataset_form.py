"""Registering and editing a dataset through the form the profile generates."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from schemas.profile import load_profile
from tests.factories import STAT, dataset_input
from tests.services.web.conftest import SignIn, csrf_of

PROFILE = load_profile()


def field_box(html: str, key: str) -> str:
    found = re.search(rf'<div class="field[^"]*" data-key="{key}"[^>]*>', html)
    assert found, key
    return found.group(0)


def error_of(html: str, key: str) -> str | None:
    found = re.search(rf'<p class="error" id="f-{key}-error">([^<]+)</p>', html)
    return found.group(1) if found else None


def test_registering_needs_sign_in(site: TestClient) -> None:
    answer = site.get("/dataset/new", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/user/login?came_from=")


def test_form_shows_only_the_chosen_types_fields(site: TestClient, sign_in: SignIn) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    chooser = site.get("/dataset/new").text
    assert all(t.value in chooser for t in PROFILE.dataset_types)
    form = site.get("/dataset/new", params={"data_type": STAT, "owner_org": "bma-hrd"}).text
    for spec in PROFILE.dataset_fields:
        box = field_box(form, spec.key)
        if spec.applies_to("S") and not spec.other_of:
            assert " hidden" not in box, spec.key
            assert spec.label.th in form
        elif not spec.applies_to("S"):
            assert box.endswith("hidden>"), spec.key
    # the rule the script applies comes from the profile
    assert PROFILE.classification_rule.public_category in form and 'data-rule=' in form


def test_errors_are_shown_beside_each_field_and_input_is_kept(site: TestClient, sign_in: SignIn) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    form = site.get("/dataset/new", params={"data_type": STAT}).text
    data = dataset_input("bad-one", data_classification="ลับ", maintainer_email="not-an-email",
                         disaggregate=["อื่นๆ"], maintainer=None)
    answer = site.post("/dataset/new", data={"csrf_token": csrf_of(form), **data})
    assert answer.status_code == 422
    html = answer.text
    assert "ชั้นข้อมูล" in (error_of(html, "data_classification") or "")
    assert error_of(html, "maintainer_email")
    # a draft may leave fields empty (the contact, the "อื่นๆ" box): they are asked for when it is published
    assert error_of(html, "maintainer") is None and error_of(html, "disaggregate_other") is None
    assert " hidden" not in field_box(html, "disaggregate_other")
    assert 'value="ข้อมูลตัวชี้วัดเมือง bad-one"' in html  # what was typed is kept
    assert site.get("/dataset/bad-one").status_code == 404  # nothing was written


def test_a_valid_form_registers_the_dataset(site: TestClient, sign_in: SignIn) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    form = site.get("/dataset/new", params={"data_type": STAT}).text
    data = dataset_input("new-statistics", disaggregate=["อื่นๆ"], disaggregate_other="ช่วงอายุ")
    answer = site.post("/dataset/new", data={"csrf_token": csrf_of(form), **data}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/dataset/new-statistics"
    page = site.get("/dataset/new-statistics").text
    assert "ช่วงอายุ" in page and PROFILE.label("disaggregate_other", "th") in page


def test_a_form_without_its_token_is_refused(site: TestClient, sign_in: SignIn) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    answer = site.post("/dataset/new", data=dataset_input("forged"))
    assert answer.status_code == 403
    assert site.get("/dataset/forged").status_code == 404


def test_editing_keeps_the_version_and_reports_a_stale_one(site: TestClient, sign_in: SignIn) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    form = site.get("/dataset/edit/training-satisfaction").text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    fields = {"csrf_token": csrf_of(form), "version": version, **dataset_input(
        "training-satisfaction", title="ผลการประเมินความพึงพอใจของผู้เข้ารับการฝึกอบรม (ปรับปรุง)",
        disaggregate=["เพศ"], first_year_of_data="2563")}
    saved = site.post("/dataset/edit/training-satisfaction", data=fields, follow_redirects=False)
    assert saved.status_code == 303
    assert "(ปรับปรุง)" in site.get("/dataset/training-satisfaction").text
    stale = site.post("/dataset/edit/training-satisfaction", data=fields)
    assert stale.status_code == 422 and "มีผู้แก้ไข" in stale.text


def test_editing_needs_the_right_role(site: TestClient, sign_in: SignIn) -> None:
    sign_in("someone@bangkok.go.th", role="steward", org="bma-spe")
    assert site.get("/dataset/edit/training-satisfaction").status_code == 403
