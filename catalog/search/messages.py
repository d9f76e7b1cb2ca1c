"""Bilingual refusals of a search query, each naming the parameter."""

from __future__ import annotations

from typing import Any

from schemas.messages import Problem

LABELS: dict[str, tuple[str, str]] = {
    "q": ("คำค้น", "Search words"),
    "filters": ("ตัวกรอง", "Filters"),
    "facet_fields": ("หมวดที่นับจำนวน", "Facet fields"),
    "sort": ("การเรียงลำดับ", "Sort order"),
    "rows": ("จำนวนรายการต่อหน้า", "Rows"),
    "start": ("ลำดับเริ่มต้น", "Start"),
    "include_private": ("รวมชุดข้อมูลที่ไม่เปิดเผยที่ท่านมีสิทธิ์เห็น", "Include the non-public datasets you may read"),
    "where": ("เงื่อนไขการค้นหา", "Search condition"),
    "include_withdrawn": ("รวมชุดข้อมูลที่ถอนแล้ว", "Include withdrawn datasets"),
}


def unknown_facet(field: str, value: Any, allowed: tuple[str, ...]) -> Problem:
    return Problem(field=field, code="unknown_facet", value=str(value),
                   th=f"{LABELS[field][0]}: ไม่รู้จักหมวด “{value}” (ใช้ได้: {', '.join(allowed)})",
                   en=f"{LABELS[field][1]}: “{value}” is not a facet (use one of: {', '.join(allowed)})")


def out_of_range(field: str, value: Any, low: int, high: int | None) -> Problem:
    span_th = f"อยู่ระหว่าง {low} ถึง {high}" if high is not None else f"ไม่น้อยกว่า {low}"
    span_en = f"between {low} and {high}" if high is not None else f"at least {low}"
    return Problem(field=field, code="out_of_range", value=value,
                   th=f"{LABELS[field][0]}: ค่า “{value}” ต้อง{span_th}",
                   en=f"{LABELS[field][1]}: “{value}” must be {span_en}")


EXPRESSION_PROBLEMS: dict[str, tuple[str, str]] = {
    "unknown_field": ("ค้นหาตามฟิลด์ “{field}” ไม่ได้", "“{field}” is not a field that can be searched"),
    "not_text": ("ฟิลด์ “{field}” ไม่ใช่ข้อความที่ค้นหาด้วยคำได้", "“{field}” is not a text field to search words in"),
    "date_range": ("ฟิลด์ “{field}” ต้องค้นหาเป็นช่วงวันที่ เช่น [2024-01-01T00:00:00Z TO NOW]",
                   "“{field}” takes a date range such as [2024-01-01T00:00:00Z TO NOW]"),
}


def bad_expression(field: str, code: str) -> Problem:
    th, en = EXPRESSION_PROBLEMS[code]
    return Problem(field="where", code=f"search_{code}", value=field,
                   th=f"{LABELS['where'][0]}: {th.format(field=field)}",
                   en=f"{LABELS['where'][1]}: {en.format(field=field)}")
