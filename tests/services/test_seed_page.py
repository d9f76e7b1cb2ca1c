"""The seed page row for row: `banchi demo` records what the BMA KPI page of FY 2564 shows, and the evaluator's
report (HTML, PDF, XLSX, JSON) and `banchi score` show its quarterly table, its headline and its four narratives.

Every expectation is read from the seed file itself (``../shared/reference/seed-bma-kpi-5.2.txt``)."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.services.test_cli import banchi, demo  # noqa: F401 (the demo fixture, used by every test)

SEED_NAME = Path("shared") / "reference" / "seed-bma-kpi-5.2.txt"  # beside the checkout (../shared), or above it
SEED = next((folder / SEED_NAME for folder in Path(__file__).resolve().parents if (folder / SEED_NAME).is_file()),
            SEED_NAME)

pytestmark = pytest.mark.usefixtures("demo")


@dataclass
class Seed:
    code: str  # after the indicator's name: "5.2 ร้อยละ… : 0409-0968"
    headline: str  # "สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 95"
    rows: list[tuple[str, str, str, str]]  # ไตรมาสที่, ผลงาน (คะแนน), ผลประเมินตัวชี้วัด, (2.1 / 2.2)
    narratives: dict[int, str]


def read_seed() -> Seed:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    title = next(line for line in lines if line.startswith("5.2 "))
    headline = next(line for line in lines if line.startswith("***"))
    start = lines.index("(* 2.1 / 2.2 *)") + 1
    cells = []
    for line in lines[start:]:
        if not line.strip():
            break
        cells.append(line.strip())
    assert len(cells) == 16, cells
    rows = [(cells[i], cells[i + 1], cells[i + 2], cells[i + 3]) for i in range(0, 16, 4)]
    narratives = {}
    for index, line in enumerate(lines):
        if match := re.fullmatch(r"รายงานผลฯ ไตรมาสที่ (\d)", line):
            narratives[int(match.group(1))] = next(text for text in lines[index + 1:] if text.strip())
    return Seed(code=title.rsplit(" : ", 1)[1].strip(), headline=headline.removeprefix("***").strip(), rows=rows,
                narratives=narratives)


def _report(tmp_path: Path, fmt: str) -> Path:
    out = tmp_path / f"report.{fmt}"
    code, _out, err = banchi("report", "--org", "bma-hrd", "--fy", "2564", "--format", fmt, "--output", str(out))
    assert code == 0, err
    return out


def test_the_seed_file_reads_as_expected() -> None:
    seed = read_seed()
    assert seed.code == "0409-0968" and len(seed.rows) == 4 and sorted(seed.narratives) == [1, 2, 3, 4]
    assert "เดือนกันยายน 2564" in seed.narratives[4] and "4)" in seed.narratives[4]


def test_json_report_is_the_seed_page(tmp_path: Path) -> None:
    seed = read_seed()
    data = json.loads(_report(tmp_path, "json").read_text(encoding="utf-8"))
    assert [tuple(q["page_row"]) for q in data["quarters"]] == seed.rows
    assert [f"{q['progress']:.2f}" for q in data["quarters"]] == [row[1] for row in seed.rows]
    assert data["headline"] == seed.headline
    assert {q["quarter"]: q["narrative"]["text"] for q in data["quarters"]} == seed.narratives
    assert data["organization_code"] == seed.code
    assert "reference" not in data["indicator"]  # the code is the organization's, not the rubric's


class _Text(HTMLParser):
    """The page's text, and the cells of the quarterly table row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.rows: list[list[str]] = []
        self._in_quarters = self._in_body = self._in_en = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "quarters" in classes:
            self._in_quarters = True
        elif tag == "tbody" and self._in_quarters:
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self._cell = []
        elif tag == "span" and "en" in classes:
            self._in_en = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_quarters = self._in_body = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "span":
            self._in_en = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None and not self._in_en:  # the quarter's period is printed under its number
            self._cell.append(data)


def test_html_report_is_the_seed_page(tmp_path: Path) -> None:
    seed = read_seed()
    parser = _Text()
    parser.feed(_report(tmp_path, "html").read_text(encoding="utf-8"))
    assert [tuple(row[:4]) for row in parser.rows] == seed.rows
    text = " ".join(" ".join(parser.text).split())
    assert seed.headline in text and f": {seed.code}" in text
    for narrative in seed.narratives.values():
        assert narrative in text


def test_pdf_report_is_the_seed_page(tmp_path: Path) -> None:
    seed = read_seed()
    pdf = _report(tmp_path, "pdf")
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout
    for row in seed.rows:
        pattern = r"^\s*" + r"\s+".join(re.escape(cell) for cell in row) + r"(\s|$)"
        assert re.search(pattern, layout, re.MULTILINE), (row, layout[:3000])
    # in the order the text was drawn (-raw): by position, a tone mark shifted right lands after the next letter
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # a narrative may run over a page break: the page's number ("2 / 5") is drawn between its lines
    page_number = re.compile(r"\s*\d+\s*/\s*\d+\s*")
    flowing = "".join("".join(line.split()) for line in raw.splitlines() if not page_number.fullmatch(line))
    assert "".join(seed.headline.split()) in flowing
    for narrative in seed.narratives.values():  # lines break anywhere in Thai: compared without white space
        assert "".join(narrative.split()) in flowing


def test_xlsx_report_is_the_seed_page(tmp_path: Path) -> None:
    seed = read_seed()
    book = load_workbook(_report(tmp_path, "xlsx"))
    summary = book[book.sheetnames[0]]
    rows = list(summary.iter_rows())
    assert str(rows[0][0].value).endswith(f": {seed.code}")
    assert any(seed.headline == row[1].value for row in rows)
    top = next(i for i, row in enumerate(rows) if row[0].value == "ไตรมาสที่ (1 - 4)")
    shown = []
    for row in rows[top + 1: top + 5]:
        quarter, progress, score, pair = row[:4]
        assert progress.number_format == "0.00"  # 5 shown as 5.00
        shown.append((str(quarter.value), f"{progress.value:.2f}", f"{score.value:g}", pair.value))
    assert shown == seed.rows
    narratives = {int(row[0].value): row[1].value for row in book["รายงานผลรายไตรมาส"].iter_rows(min_row=2)}
    assert narratives == seed.narratives


def test_score_command_shows_the_seed_page() -> None:
    seed = read_seed()
    code, out, err = banchi("score", "--org", "bma-hrd", "--fy", "2564")
    assert code == 0, err
    table = [tuple(cell.strip() for cell in line.strip("│┃ ").split("│")) for line in out.splitlines()
             if line.strip().startswith("│")]
    assert all(row in table for row in seed.rows), out
    assert seed.headline in out and seed.code in out
    for narrative in seed.narratives.values():
        assert narrative in out
    code, out, err = banchi("score", "--org", "bma-hrd", "--fy", "2564", "--format", "json")
    data = json.loads(out)
    assert data["headline"] == seed.headline
    assert {n["quarter"]: n["text"] for n in data["narratives"]} == seed.narratives
    assert [(q["audited"], q["audited_2_1"], q["audited_2_2"]) for q in data["quarters"]] == [
        (float(row[2]), *(float(x) for x in row[3].split(" / "))) for row in seed.rows]


def test_org_code_from_the_command_line() -> None:
    code, out, err = banchi("org", "update", "bma-hrd", "--code", "0409-0999", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["code"] == "0409-0999"
    code, out, _ = banchi("org", "list", "--format", "json")
    assert {o["name"]: o["code"] for o in json.loads(out)}["bma-hrd"] == "0409-0999"
    code, out, _ = banchi("score", "--org", "bma-hrd", "--fy", "2564", "--format", "json")
    assert json.loads(out)["organization_code"] == "0409-0999"
    code, _out, err = banchi("org", "update", "bma-hrd", "--code", "04 09")
    assert code != 0 and "รหัสหน่วยงาน" in err
