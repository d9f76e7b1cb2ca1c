"""The validation report stewards act on (issue 14, item 3): the rows as a grid with the bad cells marked
and their messages, filters by error type and column, the first errors of each type, the whole list as CSV
and XLSX (no formula from the data), and a file kept though it fails, marked as such."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from tests.services.web.conftest import csrf_of
from tests.services.web.test_workspace import BAD_CSV, DATASET, GOOD_CSV, with_dictionary

__all__ = ["with_dictionary"]
FORMULA_CSV = BAD_CSV.replace(b"\n1005,", b"\n=1+2,", 1)  # a formula where a district code belongs


def upload(site: TestClient, rid: str, content: bytes, **fields: str) -> str:
    page = site.get(f"/dataset/{DATASET}/resource/{rid}").text
    answer = site.post(f"/dataset/{DATASET}/resource/{rid}/upload", data={"csrf_token": csrf_of(page), **fields},
                       files={"file": ("city-indicators-2564.csv", content, "text/csv")}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert re.search(r"/report/[0-9a-f-]{36}$", answer.headers["location"])
    return str(answer.headers["location"])


def cell(page: str, row: int, field: str) -> str:
    found = re.search(rf'<tr data-row="{row}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"row {row} is not in the grid"
    marked = re.search(rf'<td data-column="\d+" class="bad-cell" data-field="{field}"[^>]*>(.*?)</td>', found.group(1),
                       re.S)
    assert marked, f"row {row}, field {field} is not marked"
    return marked.group(1)


def test_the_report_shows_the_rows_with_their_bad_cells_and_filters_them(site: TestClient,
                                                                          with_dictionary: str) -> None:
    rid = with_dictionary
    report = upload(site, rid, BAD_CSV)
    page = site.get(report).text
    assert 'data-valid="false"' in page and "ไม่ถูกบันทึก" in page  # refused, the earlier data kept
    bad_count = cell(page, 3, "trained_male")
    assert bad_count.startswith("many") and "cell-errors" in bad_count and "แถวที่ 3" in bad_count
    assert "ต้องมีค่า" in cell(page, 4, "district_code") or "required" in cell(page, 4, "district_code")
    assert '<tr data-row="2"' not in page  # rows without errors are left out unless asked for
    assert '<th scope="col" data-column="1">district_code</th>' in page  # the file's own header
    summary = re.findall(r'<li data-type="([\w-]+)">', page)
    assert set(summary) == {"type-error", "constraint-error", "primary-key"}
    assert "ชนิดข้อมูลไม่ถูกต้อง" in page  # the type's Thai title
    # by type, by column
    typed = site.get(report, params={"type": "type-error"}).text
    assert re.findall(r'<tr data-row="(\d+)" data-field="([^"]*)" data-type="([\w-]+)">', typed) == [
        ("3", "trained_male", "type-error")]
    by_column = site.get(report, params={"column": "district_code"}).text
    assert {t for _, _, t in re.findall(r'<tr data-row="(\d+)" data-field="([^"]*)" data-type="([\w-]+)">',
                                         by_column)} == {"constraint-error"}
    assert '<tr data-row="3"' not in by_column
    every = site.get(report, params={"rows": "all"}).text
    assert '<tr data-row="2">' in every and '<tr data-row="3" data-problem="true">' in every
    # an unknown filter value is ignored, not an error
    assert site.get(report, params={"type": "<script>", "page": "x"}).status_code == 200
    # the resource page links the report
    assert report.split("testserver")[-1] in site.get(f"/dataset/{DATASET}/resource/{rid}").text


def test_the_error_list_downloads_as_csv_and_xlsx_without_formulas(site: TestClient, with_dictionary: str) -> None:
    rid = with_dictionary
    report = upload(site, rid, FORMULA_CSV)
    listed = site.get(f"{report}/errors.csv")
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("text/csv")
    assert listed.content.startswith(b"\xef\xbb\xbf")  # Excel reads the Thai
    rows = list(csv.reader(io.StringIO(listed.content.decode("utf-8-sig"))))
    assert rows[0][0] == "แถว / Row" and len(rows) == 1 + 5  # the header, then every error
    cells = [line[6] for line in rows[1:]]
    assert "'=1+2" in cells  # shown as text, never run
    assert not any(value.startswith("=") for line in rows for value in line)
    book = load_workbook(io.BytesIO(site.get(f"{report}/errors.xlsx").content))
    sheet = book.active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 1 + 5
    formula_cells = [c for row in sheet.iter_rows() for c in row if str(c.value or "").startswith("=")]
    assert formula_cells and all(c.data_type == "s" and c.quotePrefix for c in formula_cells)
    only_type = list(csv.reader(io.StringIO(site.get(f"{report}/errors.csv", params={"type": "type-error"})
                                            .content.decode("utf-8-sig"))))
    assert [line[4] for line in only_type[1:]] == ["type-error"] * (len(only_type) - 1) and len(only_type) > 1


def test_a_steward_may_keep_a_file_that_fails_marked_invalid(site: TestClient, with_dictionary: str) -> None:
    rid = with_dictionary
    report = upload(site, rid, BAD_CSV, keep_invalid="1")
    page = site.get(report).text
    assert 'data-valid="false"' in page and 'data-kept-invalid="true"' in page
    resource = site.get(f"/dataset/{DATASET}/resource/{rid}").text
    served = re.search(r'href="([^"]+/download/[^"]+)"', resource)
    assert served and site.get(served.group(1).replace("http://testserver", "")).content == BAD_CSV
    assert 'data-marked-invalid="true"' in resource
    fixed = upload(site, rid, GOOD_CSV)
    assert 'data-valid="true"' in site.get(fixed).text
    assert 'data-marked-invalid="true"' not in site.get(f"/dataset/{DATASET}/resource/{rid}").text


def test_the_grid_shows_the_rows_of_an_xlsx_file(site: TestClient, with_dictionary: str) -> None:
    rid = with_dictionary
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in csv.reader(io.StringIO(GOOD_CSV.decode("utf-8"))):
        sheet.append([int(v) if v.isdigit() else v for v in line])
    sheet.cell(row=3, column=4, value="สี่สิบสี่")  # trained_male of row 3
    content = io.BytesIO()
    book.save(content)
    page = site.get(f"/dataset/{DATASET}/resource/{rid}").text
    answer = site.post(f"/dataset/{DATASET}/resource/{rid}/upload", data={"csrf_token": csrf_of(page)},
                       files={"file": ("city-indicators-2564.xlsx", content.getvalue(), "application/octet-stream")})
    assert 'data-valid="false"' in answer.text
    assert cell(answer.text, 3, "trained_male").startswith("สี่สิบสี่")
    assert '<th scope="col" data-column="2">district_name</th>' in answer.text


def test_the_grid_shows_thai_of_a_tis620_file(site: TestClient, with_dictionary: str) -> None:
    rid = with_dictionary
    thai = BAD_CSV.decode("utf-8").encode("cp874")  # as Windows-era Thai office software saves it
    report = upload(site, rid, thai)
    page = site.get(report).text
    assert "ดุสิต" in page  # decoded as TIS-620, not shown as mojibake
    assert cell(page, 3, "trained_male").startswith("many")
