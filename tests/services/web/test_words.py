"""Words for people: signed in as each demo role, every Thai page reachable by its links shows no Python value
(``None``, ``True``, ``[{'name': ...}]``), no internal key (a gate id, a job kind) and no English interface
word; the command line's ``dataset show`` and the indicator report (HTML, XLSX) show no Python value or
internal key either.

The crawl follows links only (GET, this host), a bounded number of pages per role and of query-string variants
per path (the search facets combine without end). English is allowed where it is not the interface's: the
language switch's own name, standard codes and proper names (CSV, CKAN, GD Catalog, the licences), and data
— text inside ``<code>`` and data tables (previews, validation reports), e-mail addresses and web addresses,
and the words of the demo catalog's own values (its titles, file headers).
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from catalog.actions.lookup import get_dataset, get_organization
from catalog.actions.stages import stage_as_of
from catalog.demo.accounts import load_demo_accounts
from catalog.settings import Settings
from schemas.fiscal_year import thai_today
from schemas.labels import internal_keys
from schemas.profile import load_profile
from services.ckan.publisher import Publisher
from services.cli.main import app
from services.web.routers import publish as publish_pages
from services.web.site import create_site
from tests.conftest import OpenContext
from tests.services.fake_ckan import FakeCKAN, FakeClient
from tests.services.web.conftest import csrf_of

DEMO_DIR = Path(__file__).resolve().parents[3] / "catalog" / "demo"
PASSWORD = "ทดลองใช้ระบบบัญชีข้อมูล 2564"
ROLES = ("", "secretary.hrd@bangkok.go.th", "steward.hrd@bangkok.go.th", "director.hrd@bangkok.go.th",
         "evaluator.spe@bangkok.go.th")  # "": not signed in
MAX_PAGES = 120  # per role
MAX_VARIANTS = 3  # pages of one kind: query strings of a path, or paths of one shape (a dataset's resource)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DATASET_PAGE = re.compile(r"^/dataset/(edit/)?[^/]+")
REPR = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\[\{|\{'|\['|datetime\.|\bnan\b")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’_/.+-]*[A-Za-z0-9]|[A-Za-z]{2}")
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|(?<![\w/])/[\w./?=&%-]+")
# English that is not the interface's own words: the switch's name, standard codes and proper names
ALLOWED = {
    "English", "API", "CSV", "TSV", "TXT", "CKAN", "DCAT", "RDF", "JSON", "JSON-LD", "XML", "HTML", "PDF", "XLS",
    "XLSX", "XLS/XLSX", "DOC/DOCX", "URL", "UTF-8", "GD", "Catalog", "GD-Catalog", "Excel", "Banchi", "Data",
    "Package", "SHA-256", "ZIP", "NoSQL", "Shapefile", "GeoTiff", "GML", "Arc/Info", "Coverage", "Open",
    "Common", "Creative", "Commons", "Attribution", "Attributions", "Non-Commercial", "Share-Alike",
    "No-Derivs", "PDPA", "regex", "thai_gdc", "owner_org", "template_org",
    "Temp2_Meta", "Temp3_Resource", "xlsx", "URI", "UUID", "base64", "n/a",
    "token", "BMA", "KPI", "OpenAPI", "e-library", "UTC",
}


class VisibleText(HTMLParser):
    """The text a reader sees (data tables and ``<code>`` left out) and the page's links."""

    SKIPPED: ClassVar[set[str]] = {"script", "style", "code", "pre", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.skipping: list[str] = []  # the open elements whose text is not the interface's

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        classes = set((found.get("class") or "").split())
        if tag in self.SKIPPED or (tag == "table" and classes & {"preview", "data", "cells"}):
            self.skipping.append(tag)
        for name in ("placeholder", "aria-label", "title", "alt"):
            if found.get(name) and not self.skipping:
                self.texts.append(str(found[name]))

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


CODED = {"type", "format", "kind", "role", "state", "gate", "status"}  # keys whose values are codes with labels


def data_words() -> set[str]:
    """The Latin words of the demo catalog's own values (titles, file headers, people's addresses): data."""
    words: set[str] = set()

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, str(name))
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and not (key == "en" or key.endswith("_en") or key in CODED):
            words.update(LATIN_WORD.findall(value))

    for path in DEMO_DIR.glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    for path in (DEMO_DIR / "files").glob("*.csv"):
        words.update(LATIN_WORD.findall(path.read_text(encoding="utf-8-sig")))
    for path in (DEMO_DIR / "files").glob("*.json"):  # a data dictionary: its fields' names and titles
        walk(json.loads(path.read_text(encoding="utf-8")))
    profile = load_profile()
    for terms in profile.vocabularies.values():  # licences and formats are the standard's names
        for term in terms:
            words.update(LATIN_WORD.findall(term.th))
    return words


def english_words(text: str, allowed: set[str]) -> list[str]:
    text = EMAIL_OR_URL.sub(" ", text)
    return [word for word in LATIN_WORD.findall(text) if word not in allowed and word.strip("._-/") not in allowed]


def known_keys_in(text: str, keys: set[str]) -> list[str]:
    return [key for key in keys if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text)]


def signed_in(email: str) -> TestClient:
    site = TestClient(create_site(), headers={"accept": "text/html"})
    if email:
        form = site.get("/user/login")
        answer = site.post("/user/login", data={"csrf_token": csrf_of(form.text), "email": email,
                                                "password": PASSWORD, "came_from": "/workspace/"},
                           follow_redirects=False)
        assert answer.status_code == 303, email
    return site


def crawl(site: TestClient) -> Iterator[tuple[str, str]]:
    """(path, html) of each Thai page reachable from the workspace and the home page by links: of the pages of
    one kind (a search's query strings, a dataset's resource or edit page) only the first few."""
    queue, seen = ["/workspace/", "/"], set()
    variants: dict[str, int] = defaultdict(int)
    pages = 0
    while queue and pages < MAX_PAGES:
        target = queue.pop(0)
        if target in seen:
            continue
        seen.add(target)
        answer = site.get(target)
        if answer.status_code != 200 or "text/html" not in answer.headers.get("content-type", ""):
            continue
        pages += 1
        reader = VisibleText()
        reader.feed(answer.text)
        yield target, answer.text
        for href in reader.links:
            parts = urlsplit(urljoin(f"http://testserver{target}", href))
            if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
                continue
            if "lang=" in parts.query or parts.path.startswith(("/api", "/docs", "/redoc", "/user/logout")):
                continue
            following = parts.path + (f"?{parts.query}" if parts.query else "")
            if following in seen or following in queue:
                continue
            kind = parts.path if parts.query else DATASET_PAGE.sub(r"/dataset/\1-", UUID.sub("-", parts.path))
            if kind != "/dataset/-" or parts.query:  # every dataset's own page is read, of each other kind a few
                if variants[kind] >= MAX_VARIANTS:
                    continue
                variants[kind] += 1
            queue.append(following)


@pytest.fixture
def demo_sign_ins(demo: Settings, open_ctx: OpenContext) -> Settings:
    with open_ctx() as ctx:
        load_demo_accounts(ctx, PASSWORD)
    return demo


def test_every_thai_page_speaks_to_people(demo_sign_ins: Settings) -> None:
    keys, allowed = internal_keys(), ALLOWED | data_words()
    found: dict[str, set[str]] = defaultdict(set)  # what was seen → where
    crawled: dict[str, int] = {}
    for email in ROLES:
        site = signed_in(email)
        count = 0
        for path, html in crawl(site):
            count += 1
            reader = VisibleText()
            reader.feed(html)
            for text in reader.texts:
                for match in REPR.findall(text):
                    found[f"Python value {match!r} in {text[:80]!r}"].add(path)
                for key in known_keys_in(text, keys):
                    found[f"internal key {key!r}"].add(path)
                if "/report/" in path and path.endswith(".html"):
                    continue  # the evaluator's printable report is bilingual by design: its English is checked below
                for word in english_words(text, allowed):
                    found[f"English {word!r} in {text[:80]!r}"].add(path)
        crawled[email or "anonymous"] = count
    assert all(count >= 10 for count in crawled.values()), crawled  # the crawl reached the pages
    assert not found, "\n".join(f"{what} — {sorted(where)[:3]}" for what, where in sorted(found.items()))


def test_the_crawl_notices_what_it_looks_for() -> None:
    """The checks themselves: a repr, a key and an English word in visible text are found; data is not."""
    reader = VisibleText()
    reader.feed('<p>สถิติทางการ False</p><p>[{\'name\': \'สถิติ\'}]</p><p>dictionary_approved</p><p>Save</p>'
                '<code>None</code><table class="preview"><tr><td>district_code</td></tr></table>'
                '<p>ติดต่อ plan.hrd@bangkok.go.th หรือ https://data.bangkok.go.th/dataset</p>')
    text = " ".join(reader.texts)
    assert REPR.findall(text) == ["False", "[{"]
    assert known_keys_in(text, internal_keys()) == ["dictionary_approved"]
    english = english_words(text, ALLOWED)
    assert {"False", "dictionary_approved", "Save"} <= set(english)
    assert not {"district_code", "plan.hrd", "bangkok", "data", "dataset", "None"} & set(english), english


def test_dataset_show_on_the_command_line_has_no_python_values(demo: Settings) -> None:
    result = CliRunner().invoke(app, ["dataset", "show", "city-development-indicators"])
    assert result.exit_code == 0, result.output
    assert "สถิติทางการ" in result.stdout
    assert not REPR.findall(result.stdout), result.stdout
    assert not known_keys_in(result.stdout, internal_keys() | {"active", "draft"}), result.stdout
    english = CliRunner().invoke(app, ["dataset", "show", "city-development-indicators", "--lang", "en"])
    assert "Official statistics" in english.stdout or "official" in english.stdout.lower()
    assert not REPR.findall(english.stdout), english.stdout


def test_the_report_shows_no_python_values_nor_internal_keys(demo_sign_ins: Settings) -> None:
    site = signed_in("evaluator.spe@bangkok.go.th")
    html = site.get("/organization/bma-hrd/report/2564.html")
    assert html.status_code == 200
    reader = VisibleText()
    reader.feed(html.text)
    text = "\n".join(reader.texts)
    assert "หลักฐาน" in text
    assert not REPR.findall(text), REPR.findall(text)
    assert not known_keys_in(text, internal_keys()), known_keys_in(text, internal_keys())
    workbook = site.get("/organization/bma-hrd/report/2564.xlsx")
    assert workbook.status_code == 200
    cells = [str(cell) for sheet in load_workbook(io.BytesIO(workbook.content)) for row in sheet.iter_rows(
        values_only=True) for cell in row if cell is not None]
    assert len(cells) > 50
    text = "\n".join(cells)
    assert not REPR.findall(text), REPR.findall(text)
    assert not known_keys_in(text, internal_keys()), known_keys_in(text, internal_keys())


def test_the_publish_preview_shows_values_as_people_read_them(demo_sign_ins: Settings, open_ctx: OpenContext,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The dry run against a portal (an in-memory CKAN): CKAN's tags, True/False and states by their labels."""
    fake = FakeCKAN()

    def fake_publisher(request: object, name: str, portal: str) -> tuple[object, Publisher]:
        with open_ctx() as ctx:
            org = get_organization(ctx, name)
        return org, Publisher(lambda: open_ctx(), FakeClient(fake, profile=load_profile()))

    monkeypatch.setattr(publish_pages, "_publisher", fake_publisher)
    site = signed_in("secretary.hrd@bangkok.go.th")
    form = site.get("/organization/bma-hrd/publish")
    preview = site.post("/organization/bma-hrd/publish", data={"csrf_token": csrf_of(form.text), "portal": "test"})
    assert preview.status_code == 200, preview.text
    reader = VisibleText()
    reader.feed(preview.text)
    text = "\n".join(reader.texts)
    assert 'table class="diff"' in preview.text and "คำสำคัญ" in text  # CKAN's tags under the profile's label
    assert not REPR.findall(text), sorted(set(REPR.findall(text)))
    assert not known_keys_in(text, internal_keys()), known_keys_in(text, internal_keys())
    assert not english_words(text, ALLOWED | data_words()), sorted(set(english_words(text, ALLOWED | data_words())))


@pytest.mark.parametrize("name", ["city-development-indicators", "junior-executive-personal-reports"])
def test_the_dataset_page_reads_governance_as_the_report_does(demo: Settings, open_ctx: OpenContext,
                                                              name: str) -> None:
    """The demo credits the dictionary and the validation of these datasets through evidence (stages 2–3); the
    page says so, and shows the stage the report's own reading (``stage_as_of``) gives today."""
    with open_ctx() as ctx:
        dataset = get_dataset(ctx, name)
        expected = stage_as_of(ctx, dataset, thai_today(ctx.now())).effective
    page = TestClient(create_site(), headers={"accept": "text/html"}).get(f"/dataset/{name}")
    assert page.status_code == 200
    assert f'data-stage="{expected}"' in page.text
    assert 'data-gate-source="evidence"' in page.text and "ตามหลักฐานที่แนบไว้" in page.text
    assert "ยังไม่มีพจนานุกรมข้อมูลที่อนุมัติแล้ว" not in page.text and "ยังไม่ได้ตรวจสอบ" not in page.text


def test_the_english_pages_show_no_python_values_nor_internal_keys(demo_sign_ins: Settings) -> None:
    """The same labels serve the English pages (the admin reaches the most pages)."""
    site = signed_in("secretary.hrd@bangkok.go.th")
    assert site.get("/?lang=en").headers["content-language"] == "en"  # the choice is remembered for the crawl
    found: dict[str, set[str]] = defaultdict(set)
    count = 0
    # "None" is English for the profile's ไม่มี (e.g. no geographic coverage): a label, not Python's None
    labels = {term.en for terms in load_profile().vocabularies.values() for term in terms}
    for path, html in crawl(site):
        count += 1
        assert '<html lang="en">' in html or "/report/" in path, path  # the printable report is a Thai document
        reader = VisibleText()
        reader.feed(html)
        for text in reader.texts:
            for match in [] if text in labels else REPR.findall(text):
                found[f"Python value {match!r} in {text[:80]!r}"].add(path)
            for key in known_keys_in(text, internal_keys()):
                found[f"internal key {key!r}"].add(path)
    assert count >= 10
    assert not found, "\n".join(f"{what} — {sorted(where)[:3]}" for what, where in sorted(found.items()))
