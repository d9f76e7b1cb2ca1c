"""The evaluator's journey in headless Chromium: the evaluation page and the dashboard open on the year of
the evaluator's role (2564, though the server's clock is in 2568), and the PDF report downloads whole."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.services.web.test_browser import browser, page, server, shot, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the Python client) is not installed")
expect = sync_api.expect


def test_evaluator_opens_the_dashboard_of_their_year_and_downloads_the_pdf(page: Any, tmp_path: Path) -> None:  # noqa: F811
    sign_in(page, "evaluator.spe@bangkok.go.th")
    page.click('header a[href="/evaluation/"]')
    expect(page.locator("#year option[selected]")).to_have_text("2564")
    row = page.locator('tr[data-org="bma-hrd"]')
    expect(row.locator('td[data-quarter="1"] strong')).to_have_text("95")
    shot(page, "40-evaluation")
    row.locator('a[href^="/organization/bma-hrd/dashboard"]').click()
    expect(page).to_have_url(re.compile(r"/organization/bma-hrd/dashboard\?year=2564$"))
    expect(page.locator('strong[data-figure="score"]')).to_have_text("10.00")
    page.goto("/organization/bma-hrd/dashboard")  # without a year: the evaluator's year, not the clock's
    expect(page.locator("#year option[selected]")).to_have_text("2564")
    shot(page, "41-dashboard-evaluator")
    with page.expect_download() as download_info:
        page.click('a[href="/organization/bma-hrd/report/2564.pdf"]')
    saved = tmp_path / "report.pdf"
    download_info.value.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF") and len(content) > 20_000
