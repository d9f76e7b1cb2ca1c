"""Bilingual problems: every refusal Banchi gives names the field (or row) and says why, in Thai and English.

A :class:`Problem` is data, like a frictionless error: a stable ``code`` for programs, the place it
concerns, and the two messages for people. Message templates live in one catalog here so the same
mistake reads the same in the CLI, the API and the web pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

MESSAGES: dict[str, tuple[str, str]] = {
    # metadata
    "required": ("ต้องระบุ {label}", "{label} is required"),
    "not_in_vocabulary": (
        "{label}: ค่า “{value}” ไม่อยู่ในรายการที่กำหนด ({allowed})",
        "{label}: “{value}” is not one of the allowed values ({allowed})",
    ),
    "unknown_field": ("ไม่รู้จักฟิลด์ {field} ในมาตรฐาน {profile}", "{field} is not a field of profile {profile}"),
    "not_for_type": (
        "{label} ใช้ไม่ได้กับชุดข้อมูลประเภท {data_type}",
        "{label} does not apply to datasets of type {data_type}",
    ),
    "other_required": (
        "เลือก “{other}” ใน {label} แล้วต้องระบุรายละเอียดใน {other_label}",
        "{label} is “{other}”: describe it in {other_label}",
    ),
    "other_without_choice": (
        "{label} กรอกได้เฉพาะเมื่อเลือก “{other}” ใน {parent_label}",
        "{label} may be filled only when {parent_label} is “{other}”",
    ),
    "classification_mismatch": (
        "{label}: หมวดหมู่ “{category}” ใช้ระดับชั้นได้เฉพาะ {allowed} (ไม่ใช่ “{value}”)",
        "{label}: category “{category}” allows only {allowed} (not “{value}”)",
    ),
    "classification_required": (
        "ต้องระบุ {label} สำหรับหมวดหมู่ “{category}” (เลือกจาก {allowed})",
        "{label} is required for category “{category}” (choose from {allowed})",
    ),
    "invalid_email": ("{label}: “{value}” ไม่ใช่อีเมลที่ถูกต้อง", "{label}: “{value}” is not a valid email address"),
    "invalid_url": ("{label}: “{value}” ไม่ใช่ URL ที่ขึ้นต้นด้วย http:// หรือ https://",
                    "{label}: “{value}” is not an http:// or https:// URL"),
    "invalid_date": ("{label}: “{value}” ไม่ใช่วันที่ (เขียนเป็น วว/ดด/ปปปป หรือ ปปปป-ดด-วว ปี พ.ศ. หรือ ค.ศ.)",
                     "{label}: “{value}” is not a date (DD/MM/YYYY or YYYY-MM-DD, Buddhist or Christian Era year)"),
    "invalid_date_year": (
        "{label}: ปี {year} ใน “{value}” ไม่ใช่ทั้งปี พ.ศ. (2400–2800) และปี ค.ศ. (1700–2200)",
        "{label}: the year {year} in “{value}” is neither a Buddhist Era (2400–2800) nor a Christian Era "
        "(1700–2200) year",
    ),
    "invalid_year": ("{label}: “{value}” ต้องเป็นปีพุทธศักราช 4 หลัก เช่น 2568",
                     "{label}: “{value}” must be a four-digit Buddhist Era year, e.g. 2568"),
    "invalid_integer": ("{label}: “{value}” ต้องเป็นจำนวนเต็มบวก", "{label}: “{value}” must be a positive whole number"),
    "invalid_coordinate": ("{label}: “{value}” ต้องเป็นค่าพิกัดระหว่าง -180 ถึง 180",
                           "{label}: “{value}” must be a coordinate between -180 and 180"),
    "invalid_tag": ("{label}: คำสำคัญ “{value}” มีอักขระที่ใช้ไม่ได้", "{label}: tag “{value}” has characters not allowed"),
    "invalid_text": ("{label}: ต้องเป็นข้อความ", "{label}: must be text"),
    "invalid_slug": (
        "{label}: “{value}” ต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข - หรือ _ ยาว 2–70 ตัวอักษร",
        "{label}: “{value}” must be 2–70 lowercase letters, digits, - or _",
    ),
    "invalid_value": ("{label}: ค่า “{value}” ไม่ถูกต้อง ({detail})", "{label}: “{value}” is not valid ({detail})"),
    # registry
    "duplicate_name": ("ชื่อ URL “{value}” ถูกใช้แล้ว", "The name “{value}” is already in use"),
    "duplicate_title": ("ชื่อชุดข้อมูล “{value}” ซ้ำกับชุดข้อมูลอื่น", "The title “{value}” is already used by another dataset"),
    "invalid_characters": (
        "{field}: มีอักขระที่ใช้ไม่ได้ (อักขระ NUL หรือ surrogate ที่ไม่มีคู่)",
        "{field}: contains a character that is not allowed (NUL or an unpaired surrogate)",
    ),
    "value_taken": (
        "{label}นี้เพิ่งถูกใช้โดย{kind}อื่นที่บันทึกในเวลาเดียวกัน กรุณาใช้ค่าอื่น",
        "This {label} was just taken by another {kind} saved at the same moment; choose another",
    ),
    "unknown_organization": ("ไม่พบหน่วยงาน “{value}”", "Organization “{value}” does not exist"),
    "unknown_person": ("ไม่พบบุคคล “{value}”", "Person “{value}” does not exist"),
    "not_found": ("ไม่พบ{kind} “{value}”", "Not found: {kind} “{value}”"),
    "stale_version": (
        "มีผู้แก้ไข{kind}นี้ไปก่อนแล้ว (ฉบับที่ท่านแก้คือ {expected} ฉบับปัจจุบันคือ {current}) กรุณาโหลดใหม่แล้วแก้อีกครั้ง",
        "This {kind} was changed by someone else (you edited version {expected}, it is now version {current}); "
        "reload and apply your change again",
    ),
    "parent_cycle": ("หน่วยงาน “{value}” ไม่สามารถเป็นหน่วยงานแม่ของตัวเองได้",
                     "Organization “{value}” cannot be its own ancestor"),
    "invalid_parent_kind": ("{kind} ต้องอยู่ภายใต้ {parent_kind}", "A {kind} must sit under a {parent_kind}"),
}


class ProblemFields(BaseModel):
    """What a problem says: where it is, a stable code, and what to do, in Thai and English."""

    field: str | None = None
    code: str
    th: str
    en: str
    value: Any = None
    row: int | None = None
    sheet: str | None = None
    column: str | None = None


class Problem(ProblemFields):
    """One finding about bad input: where it is, a stable code, and what to do, in Thai and English."""

    def message(self, lang: str = "th") -> str:
        return self.en if lang == "en" else self.th

    def __str__(self) -> str:
        place = " ".join(
            part
            for part in (
                f"[{self.sheet}]" if self.sheet else "",
                f"row {self.row}" if self.row is not None else "",
                self.column or self.field or "",
            )
            if part
        )
        return f"{place}: {self.th} / {self.en}" if place else f"{self.th} / {self.en}"


def problem(code: str, field: str | None = None, **params: Any) -> Problem:
    """A problem from this module's catalog (see :func:`render`)."""
    return render(MESSAGES, code, field, **params)


def render(
    templates: Mapping[str, tuple[str, str]], code: str, field: str | None = None, *,
    row: int | None = None, sheet: str | None = None, column: str | None = None, **params: Any,
) -> Problem:
    """Build a problem from a catalog of (Thai, English) templates; ``params`` fill them.

    ``label`` and ``field`` default to the field's key; ``row`` and ``sheet`` place the problem and may
    appear in the text; a parameter ``X_en`` replaces ``X`` in the English message (labels differ by
    language). Each area keeps its own catalog and calls this, so every problem is built one way.
    """
    th_template, en_template = templates[code]
    params.setdefault("label", field or "")
    params.setdefault("field", field or "")
    params.update({key: value for key, value in (("row", row), ("sheet", sheet)) if value is not None})
    english = {key[:-3]: params.pop(key) for key in [k for k in params if k.endswith("_en")]}
    return Problem(
        field=field, code=code, th=_fill(th_template, params), en=_fill(en_template, {**params, **english}),
        value=_jsonable(params.get("value")), row=row, sheet=sheet, column=column,
    )


class ProblemsError(ValueError):
    """Bad input: nothing was written. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _fill(template: str, params: dict[str, Any]) -> str:
    class _Default(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(_Default({k: _text(v) for k, v in params.items()}))


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)
