"""Propose English field names (data.go.th: English, no spaces) for Thai column headers.

Common words of government data are translated from a glossary, longest match first; an English
header is just put in snake_case. What is left unknown becomes ``column_N`` for a person to rename:
a wrong guess is worse than an honest placeholder.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    "ลำดับที่": "no", "ลำดับ": "no", "รหัสไปรษณีย์": "postcode", "รหัส": "code", "เลขประจำตัวประชาชน": "citizen_id",
    "ชื่อ-นามสกุล": "full_name", "ชื่อ": "name", "นามสกุล": "surname", "คำนำหน้า": "prefix", "เพศ": "sex", "อายุ": "age",
    "วันเกิด": "birth_date", "วันที่": "date", "เวลา": "time", "ปีงบประมาณ": "fiscal_year", "ปี": "year",
    "เดือน": "month", "ไตรมาส": "quarter", "จังหวัด": "province", "อำเภอ": "district", "เขต": "district",
    "ตำบล": "subdistrict", "แขวง": "subdistrict", "หมู่บ้าน": "village", "หมู่ที่": "moo", "ที่อยู่": "address",
    "ถนน": "road", "ละติจูด": "latitude", "ลองจิจูด": "longitude", "พิกัด": "coordinates",
    "โทรศัพท์": "phone", "อีเมล": "email", "เว็บไซต์": "website", "หน่วยงาน": "agency", "กระทรวง": "ministry",
    "กรม": "department", "สำนักงาน": "office", "โรงเรียน": "school", "โรงพยาบาล": "hospital",
    "จำนวนเงิน": "amount", "งบประมาณ": "budget", "ราคา": "price", "มูลค่า": "value", "จำนวน": "count",
    "ร้อยละ": "percent", "อัตรา": "rate", "ค่าเฉลี่ย": "average", "รวม": "total", "ประชากร": "population",
    "ชาย": "male", "หญิง": "female", "ผู้ป่วย": "patients", "นักเรียน": "students", "ครู": "teachers",
    "พื้นที่": "area", "ประเภท": "type", "หมวดหมู่": "category", "สถานะ": "status", "ระดับ": "level",
    "หมายเหตุ": "note", "รายละเอียด": "detail", "คำอธิบาย": "description", "แหล่งที่มา": "source",
    "หน่วย": "unit", "ผล": "result", "คะแนน": "score", "เป้าหมาย": "target", "ตัวชี้วัด": "indicator",
    "ใช้งาน": "active", "ปรับปรุงเมื่อ": "updated_at", "ปรับปรุง": "updated", "สร้างเมื่อ": "created_at",
    "อีเมล์": "email", "ของ": "", "และ": "and", "ที่": "", "การ": "", "ความ": "",
}
_KEYS = sorted(GLOSSARY, key=len, reverse=True)
_THAI = re.compile(r"[\u0e00-\u0e7f]")


def snake(text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "_".join(word.lower() for word in words)
    return name if name and name[0].isalpha() else (f"f_{name}" if name else "")


def translate(header: str) -> str | None:
    """English words for a Thai header, or ``None`` when some Thai in it is not in the glossary."""
    words: list[str] = []
    rest = header.strip()
    while rest:
        if not _THAI.match(rest[0]):
            match = re.match(r"[^\u0e00-\u0e7f]+", rest)
            assert match is not None
            words.append(snake(match.group()))
            rest = rest[match.end() :]
            continue
        key = next((k for k in _KEYS if rest.startswith(k)), None)
        if key is None:
            return None
        words.append(GLOSSARY[key])
        rest = rest[len(key) :]
    name = "_".join(word for word in words if word)
    return name or None


def propose_names(headers: list[str]) -> list[str]:
    """One valid, unique English name per header."""
    names: list[str] = []
    for number, header in enumerate(headers, start=1):
        name = (translate(header) if _THAI.search(header) else snake(header)) or f"column_{number}"
        base, suffix = name, 2
        while name in names:
            name, suffix = f"{base}_{suffix}", suffix + 1
        names.append(name)
    return names
