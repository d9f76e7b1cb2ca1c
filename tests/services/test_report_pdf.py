"""The PDF an evaluator reads, searches and copies: every Thai character in its text layer, no page holding
only the footer, names whole, no internal ids, and a quarter still running shown as running."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from catalog.demo import load_demo
from catalog.reporting import indicator_report
from schemas.stages import load_stages
from services.reports.html import render_html
from services.reports.pdf import render_pdf
from tests.conftest import OpenContext

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")

# sara am (ำ), mai han-akat (ั), mai taikhu (็) and the tone marks, alone and stacked
THAI_WORDS = ["น้ำหนัก", "สำนักยุทธศาสตร์", "ความสำเร็จ", "ที่มีความสำคัญ", "ตัวชี้วัดงานประจำ", "ปฏิบัติงาน",
              "เรียบร้อยแล้ว", "ขั้นตอนที่", "ไตรมาสที่", "สม่ำเสมอ", "เว็บไซต์", "นายธนากร ใจเย็น",
              "นำเข้าข้อมูล", "คำอธิบายชุดข้อมูลดิจิทัล", "กรุงเทพมหานคร", "ผลประเมินตัวชี้วัด", "ข้าราชการ"]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text layer as pdftotext reads it: pages end with a form feed."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    assert PDFTOTEXT is not None
    return subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def demo_pdf(open_ctx: OpenContext) -> bytes:
    with open_ctx() as ctx:
        load_demo(ctx)
    with open_ctx() as ctx:
        return render_pdf(indicator_report(ctx, "bma-hrd", 2564))


@needs_pdftotext
def test_the_text_layer_holds_every_thai_word(demo_pdf: bytes, tmp_path: Path) -> None:
    text = pdf_text(demo_pdf, tmp_path)
    lines = " ".join(text.split())
    missing = [word for word in THAI_WORDS if word not in lines]
    assert missing == [], f"not in the PDF's text: {missing}"
    assert "นาหนัก" not in lines and "สานัก" not in lines


@needs_pdftotext
def test_no_page_holds_only_the_footer(demo_pdf: bytes, tmp_path: Path) -> None:
    footer = re.compile(r"^(\d+ / \d+|จัดทำโดย Banchi.*)$")
    pages = pdf_text(demo_pdf, tmp_path).split("\f")[:-1]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        body = [line for line in page.splitlines() if line.strip() and not footer.match(line.strip())]
        assert len(body) > 3, f"page {number} holds nothing but the footer"


@needs_pdftotext
def test_no_internal_ids_reach_the_pdf(demo_pdf: bytes, tmp_path: Path) -> None:
    text = pdf_text(demo_pdf, tmp_path)
    gate_ids = load_stages().gate_ids()
    leaked = [key for key in ["bma-5.2-2564", "junior-executive-personal-reports", "city-development-indicators",
                              *gate_ids] if key in text]
    assert leaked == []


def test_a_quarter_still_running_is_running_not_failed(open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        load_demo(ctx)
    with open_ctx() as ctx:  # mid-May 2021: quarter 3 (April–June) has reached 50 of its 70 so far
        report = indicator_report(ctx, "bma-hrd", 2564, as_of=dt.date(2021, 5, 15))
    third = report.quarters[2]
    assert (third.progress, third.running, third.met) == (50, True, None)
    html = render_html(report)
    row = re.search(r'<tr class="running">(.*?)</tr>', html, re.S)
    assert row is not None and "อยู่ระหว่างไตรมาส" in row.group(1) and "ไม่บรรลุ" not in html
