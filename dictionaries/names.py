"""Field names as files have them, and ASCII identifiers for the systems that need one.

A field's ``name`` is its column header, in any script (Table Schema allows any string). Headers are
compared through :func:`label_key`: Unicode NFC, Thai ``ํ`` + ``า`` written as ``ำ``, no zero-width
characters, and whitespace trimmed and collapsed, so typing habits never make a header differ.

An optional ``identifier`` per field (SQL, DataStore, JSON keys) is proposed by
:func:`propose_identifiers`: common words of government data are translated from a glossary, longest
match first; other Thai is romanized (Royal Thai General System, PyThaiNLP); what is left becomes
``column_N``. An English header is just put in snake_case.
"""

from __future__ import annotations

import functools
import re
import unicodedata

IDENTIFIER_RULE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")
# ``ํ`` (nikhahit) + ``า`` typed apart, with or without a tone mark between or before them
_AM = re.compile("([\u0e48-\u0e4b]?)\u0e4d([\u0e48-\u0e4b]?)\u0e32")


@functools.lru_cache(maxsize=4096)  # asked again for the same few headers and titles (every finding)
def label_key(text: str) -> str:
    """The form headers and field names are compared in."""
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _AM.sub(lambda m: f"{m.group(1)}{m.group(2)}\u0e33", text)
    return _SPACE.sub(" ", text).strip()


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
    rest = label_key(header)
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


def romanize(header: str) -> str | None:
    """The header's Thai words in the Royal Thai General System, joined by ``_``."""
    from pythainlp.tokenize import word_tokenize  # loaded only when a Thai header needs it
    from pythainlp.transliterate import romanize as royin

    words = []
    for word in word_tokenize(label_key(header), engine="newmm", keep_whitespace=False):
        words.append(snake(royin(word, engine="royin")) if _THAI.search(word) else snake(word))
    name = "_".join(w for w in words if w)
    return name if name and IDENTIFIER_RULE.match(name) else None


def propose_identifiers(headers: list[str]) -> list[str]:
    """One valid identifier per header, unique ignoring case (SQL folds case)."""
    names: list[str] = []
    taken: set[str] = set()
    for number, header in enumerate(headers, start=1):
        if _THAI.search(header):
            name = translate(header) or romanize(header) or f"column_{number}"
        else:
            name = snake(header) or f"column_{number}"
        base, suffix = name, 2
        while name.lower() in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        names.append(name)
        taken.add(name.lower())
    return names
