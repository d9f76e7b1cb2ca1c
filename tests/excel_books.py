"""Synthetic workbooks in the GD Catalog Excel template (no copy of NSO's file exists): built per test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from schemas.excel_template import (
    ORGANIZATION_COLUMNS,
    ORGANIZATIONS_SHEET,
    VERSION_COLUMNS,
    VERSIONS_SHEET,
    load_template,
)

TEMPLATE = load_template()
RECORD_SHEET, STAT_SHEET, GIS_SHEET, MULTI_SHEET, OTHER_SHEET = (lay.sheet for lay in TEMPLATE.dataset_layouts)
RES_RECORD, RES_STAT, RES_GIS, RES_MULTI, RES_OTHER = (lay.sheet for lay in TEMPLATE.resource_layouts)
HRD_TITLE = "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร"


def record_row(name: str = "Trainee Registry", **changes: Any) -> dict[str, Any]:
    """A valid Temp2_Meta_Record row as an agency fills it: Thai org title, BE dates, labels, lists."""
    row: dict[str, Any] = {
        "name": name,
        "d_type": "ข้อมูลระเบียน",
        "title": f"ทะเบียนผู้เข้าอบรม {name}",
        "owner_org": HRD_TITLE,
        "maintainer": "ฝ่ายทะเบียนและประเมินผล",
        "maintainer_email": "registry@bangkok.go.th",
        "tag_string": "ผู้เข้าอบรม, ทะเบียน",
        "notes": "รายชื่อผู้เข้ารับการฝึกอบรมของสถาบัน",
        "objective": "พันธกิจหน่วยงาน, แผนพัฒนากรุงเทพมหานคร",
        "update_frequency_unit": "เดือน",
        "update_frequency_interval": 1,
        "geo_coverage": "จังหวัด",
        "data_source": "ระบบทะเบียนการฝึกอบรม",
        "data_format": "CSV, XLS/XLSX",
        "data_category": "ข้อมูลส่วนบุคคล",
        "data_classification": "ลับ",
        "license_id": "Open Data Common",
        "accessible_condition": "เฉพาะเจ้าหน้าที่ที่ได้รับอนุญาต",
        "created_date": "01/10/2563",
        "last_updated_date": dt.datetime(2567, 3, 31),
        "url": "https://hrd.bangkok.go.th/registry",
        "data_support": "หน่วยงานของรัฐ",
        "data_collect": "บุคคล",
        "data_language": "ไทย",
        "high_value_dataset": "ใช่",
        "reference_data": "ไม่ใช่",
    }
    row.update(changes)
    return row


def stat_row(name: str = "training-statistics", **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": name,
        "d_type": "ข้อมูลสถิติ",
        "title": f"สถิติการฝึกอบรม {name}",
        "owner_org": HRD_TITLE,
        "maintainer": "ฝ่ายแผนงาน",
        "maintainer_email": "plan@bangkok.go.th",
        "tag_string": "สถิติ",
        "notes": "จำนวนผู้ผ่านการฝึกอบรมรายปี",
        "objective": "พันธกิจหน่วยงาน",
        "update_frequency_unit": "ปี",
        "update_frequency_interval": 1,
        "geo_coverage": "จังหวัด",
        "data_source": "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร",
        "data_format": "CSV",
        "data_category": "ข้อมูลสาธารณะ",
        "license_id": "Creative Commons Attributions",
        "first_year_of_data": 2563,
        "last_year_of_data": "2567",
        "data_release_calendar": "2568-01-15",
        "last_updated_date": "31/12/2567",
        "disaggregate": "เพศ, อายุ/กลุ่มอายุ",
        "unit_of_measure": "คน",
        "unit_of_multiplier": "หน่วย",
        "official_statistics": "ไม่เป็นสถิติทางการ",
    }
    row.update(changes)
    return row


def resource_row(dataset: str, name: str = "ไฟล์ข้อมูล", **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "dataset_name": dataset,
        "resource_name": name,
        "resource_url": f"https://hrd.bangkok.go.th/files/{abs(hash(name)) % 1000}.csv",
        "description": "ไฟล์ CSV",
        "resource_last_updated_date": "31/03/2567",
        "format": "CSV",
    }
    row.update(changes)
    return row


def write_book(
    path: Path,
    rows: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
    *,
    missing: Iterable[str] = (),
    header_row: int | None = None,
    columns: Mapping[str, list[str]] | None = None,
    organizations: Iterable[Mapping[str, Any]] | None = None,
    versions: Iterable[tuple[str, str | None, str, int]] | None = None,
) -> Path:
    """Every template sheet (minus ``missing``), header on row 4 (or ``header_row``), rows from row 6.

    ``columns`` replaces a sheet's header (e.g. a 2.1 sheet without data_classification); ``versions``
    (dataset, resource, id, version) makes the book look like an edited export.
    """
    rows = rows or {}
    header_row = header_row or TEMPLATE.header_row
    book = Workbook()
    book.remove(book.active)
    for layout in (*TEMPLATE.dataset_layouts, *TEMPLATE.resource_layouts):
        if layout.sheet in set(missing):
            continue
        keys = (columns or {}).get(layout.sheet) or [c.key for c in layout.columns]
        sheet = book.create_sheet(layout.sheet)
        sheet.cell(1, 1, "Template การจัดทำบัญชีข้อมูล")
        sheet.cell(2, 1, layout.sheet)
        for index, key in enumerate(keys, start=1):
            sheet.cell(header_row, index, key)
            sheet.cell(header_row + 1, index, f"คำอธิบาย {key}")
        for offset, row in enumerate(rows.get(layout.sheet, [])):
            for index, key in enumerate(keys, start=1):
                if row.get(key) is not None:
                    sheet.cell(header_row + 2 + offset, index, row[key])
    if organizations is not None:
        sheet = book.create_sheet(ORGANIZATIONS_SHEET)
        for index, key in enumerate(ORGANIZATION_COLUMNS, start=1):
            sheet.cell(TEMPLATE.header_row, index, key)
        for offset, org in enumerate(organizations):
            for index, key in enumerate(ORGANIZATION_COLUMNS, start=1):
                sheet.cell(TEMPLATE.first_data_row + offset, index, org.get(key))
    if versions is not None:
        sheet = book.create_sheet(VERSIONS_SHEET)
        for line in (VERSION_COLUMNS, *versions):
            sheet.append(list(line))
    book.save(path)
    return path
