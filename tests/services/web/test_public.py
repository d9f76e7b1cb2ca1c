"""The public pages: language, labels from the profile, CKAN's URLs, facets in the URL, and visibility."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from catalog.actions.access import dataset_list
from schemas.profile import load_profile
from tests.conftest import OpenContext
from tests.services.web.conftest import SignIn

PROFILE = load_profile()


def public_datasets(open_ctx: OpenContext, **where: str) -> list[dict]:
    """The demo's public datasets (as the catalog says), optionally those with the given metadata."""
    with open_ctx() as ctx:
        found = dataset_list(ctx, public_only=True)
    def has(dataset: dict, key: str, value: str) -> bool:
        return value in dataset["tag_string"].split(",") if key == "tags" else dataset.get(key) == value

    return [d for d in found if all(has(d, key, value) for key, value in where.items())]


def lang_of(html: str) -> str:
    found = re.search(r'<html lang="(\w+)">', html)
    assert found
    return found.group(1)


def test_home_is_thai_by_default_with_counts_and_organizations(site: TestClient, open_ctx: OpenContext) -> None:
    page = site.get("/")
    assert page.status_code == 200
    assert lang_of(page.text) == "th"
    public = len(public_datasets(open_ctx))
    assert 0 < public < 14  # the demo keeps some datasets internal
    assert f'data-count="datasets">{public}<' in page.text
    assert "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร" in page.text
    assert 'role="search"' in page.text


def test_language_switch_is_remembered(site: TestClient) -> None:
    english = site.get("/?lang=en")
    assert lang_of(english.text) == "en" and "Recently updated datasets" in english.text
    assert lang_of(site.get("/dataset/").text) == "en"  # the cookie keeps it
    assert lang_of(site.get("/dataset/?lang=th").text) == "th"


def test_most_viewed_counts_dataset_page_views(site: TestClient) -> None:
    for _ in range(3):
        site.get("/dataset/training-satisfaction")
    site.get("/dataset/city-development-indicators")
    home = site.get("/").text
    popular = home.split('id="popular"')[1]
    assert popular.index("ผลการประเมินความพึงพอใจ") < popular.index("ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง")
    assert "เข้าชม 3 ครั้ง" in popular


def test_search_facets_are_in_the_url_and_narrow_results(site: TestClient, open_ctx: OpenContext) -> None:
    everything = site.get("/dataset/").text
    assert f'data-found="{len(public_datasets(open_ctx))}"' in everything
    assert PROFILE.label("data_type", "th") in everything  # facet titled by the profile's label
    statistics = site.get("/dataset/", params={"data_type": "ข้อมูลสถิติ"}).text
    stat_count = len(public_datasets(open_ctx, data_type="ข้อมูลสถิติ"))
    assert f'data-found="{stat_count}"' in statistics
    assert 'aria-current="true"' in statistics
    # a second facet narrows further; the link that removes a filter keeps the other one
    narrowed = site.get("/dataset/", params={"data_type": "ข้อมูลสถิติ", "tags": "ความพึงพอใจ"}).text
    both = public_datasets(open_ctx, data_type="ข้อมูลสถิติ", tags="ความพึงพอใจ")
    assert len(both) == 1 < stat_count
    assert 'data-found="1"' in narrowed and "ผลการประเมินความพึงพอใจ" in narrowed
    removal = re.search(r'href="([^"]+)" aria-label="เอาตัวกรองออก: ความพึงพอใจ"', narrowed)
    assert removal and "data_type=" in removal.group(1) and "tags=" not in removal.group(1)


def test_search_words_and_paging_parameters(site: TestClient) -> None:
    found = site.get("/dataset/", params={"q": "ความพึงพอใจ"}).text
    assert 'data-found="1"' in found
    assert site.get("/dataset/", params={"page": "x", "sort": "nonsense"}).status_code == 200


def test_dataset_page_shows_profile_labels_resources_preview_and_links(site: TestClient) -> None:
    page = site.get("/dataset/city-development-indicators")
    assert page.status_code == 200
    html = page.text
    for key in ("data_type", "update_frequency_unit", "data_category", "unit_of_measure"):
        assert PROFILE.label(key, "th") in html
    assert "จำนวนผู้ผ่านการฝึกอบรมรายเขต" in html  # the uploaded CSV resource
    assert 'class="preview"' in html  # its first rows
    assert "/download/city-indicators-2564.csv" in html
    assert 'href="/dataset/city-development-indicators.ttl"' in html
    assert 'href="/api/datasets/city-development-indicators/datapackage.json"' in html
    assert 'href="/api/3/action/package_show?id=city-development-indicators"' in html
    jsonld = re.search(r'<script type="application/ld\+json">(.+?)</script>', html, re.S)
    assert jsonld and json.loads(jsonld.group(1))["@type"] == "Dataset"
    english = site.get("/dataset/city-development-indicators?lang=en").text
    assert PROFILE.label("update_frequency_unit", "en") in english
    assert lang_of(english) == "en"


def test_non_public_dataset_is_not_found_for_the_public(site: TestClient) -> None:
    page = site.get("/dataset/training-budget")
    assert page.status_code == 404
    assert lang_of(page.text) == "th" and "ไม่พบหน้าที่ต้องการ" in page.text
    assert "งบประมาณและค่าใช้จ่ายการฝึกอบรม" not in site.get("/dataset/?q=งบประมาณ").text
    assert site.get("/no/such/page").status_code == 404


def test_non_public_dataset_is_shown_to_members(site: TestClient, sign_in: SignIn) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    page = site.get("/dataset/training-budget")
    assert page.status_code == 200 and "ไม่เปิดเผยต่อสาธารณะ" in page.text
    assert "application/ld+json" not in page.text  # only public datasets are described to search engines


def test_organization_pages(site: TestClient, open_ctx: OpenContext) -> None:
    listing = site.get("/organization/")
    assert listing.status_code == 200 and "/organization/bma-hrd" in listing.text
    org = site.get("/organization/bma-hrd").text
    assert "ส่วนวิชาการและแผนงาน" in org  # its divisions
    own = [d for d in public_datasets(open_ctx) if d["owner_org"] == "bma-hrd"]
    assert f'data-found="{len(own)}"' in org
    assert site.get("/organization/no-such-org").status_code == 404


def test_api_errors_stay_problem_json(site: TestClient) -> None:
    answer = site.get("/api/datasets/training-budget", headers={"accept": "application/json"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
