"""Generated Thai test data with every kind of invalid row; shared by the tests and benchmarks/validate.py."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PROVINCES = ["กรุงเทพมหานคร", "เชียงใหม่", "ขอนแก่น", "ภูเก็ต", "นครราชสีมา", "สงขลา"]
NAMES = ["สมชาย", "สมหญิง", "วิไลวรรณ", "ประเสริฐ", "มานี", "ชูใจ", "ปิติ", "วีระ"]

SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "id", "type": "integer", "title": "รหัส", "constraints": {"required": True, "unique": True}},
        {"name": "name", "type": "string", "title": "ชื่อ", "constraints": {"required": True, "maxLength": 30}},
        {"name": "province", "type": "string", "title": "จังหวัด", "constraints": {"enum": PROVINCES}},
        {"name": "amount", "type": "number", "title": "จำนวนเงิน", "constraints": {"minimum": 0}},
        {"name": "count", "type": "integer", "title": "จำนวน", "constraints": {"minimum": 0, "maximum": 500}},
        {"name": "date", "type": "date", "title": "วันที่"},
        {"name": "active", "type": "boolean", "title": "ใช้งาน"},
        {"name": "email", "type": "string", "format": "email", "title": "อีเมล"},
        {"name": "code", "type": "string", "title": "รหัสหน่วย", "constraints": {"pattern": "TH-[0-9]{4}"}},
        {"name": "year", "type": "year", "title": "ปี"},
        {"name": "updated", "type": "datetime", "title": "ปรับปรุงเมื่อ"},
        {"name": "note", "type": "string", "title": "หมายเหตุ", "constraints": {"minLength": 3}},
    ],
    "primaryKey": ["id"],
}
HEADER = [f["name"] for f in SCHEMA["fields"]]
THAI_HEADER = [f["title"] for f in SCHEMA["fields"]]


def valid_row(rnd: random.Random, number: int) -> list[str]:
    return [
        str(number),
        f"{rnd.choice(NAMES)} {rnd.choice(NAMES)}",
        rnd.choice(PROVINCES),
        f"{rnd.random() * 10000:.2f}",
        str(rnd.randint(0, 500)),
        f"20{rnd.randint(10, 25)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
        rnd.choice(["true", "false"]),
        f"user{number}@example.go.th",
        f"TH-{rnd.randint(1000, 9999)}",
        str(rnd.randint(2000, 2030)),
        f"2024-05-{rnd.randint(1, 28):02d}T10:{rnd.randint(0, 59):02d}:00Z",
        rnd.choice(["หมายเหตุ ทดสอบ", "ข้อมูล, มีจุลภาค", "บรรทัดแรก\nบรรทัดสอง", "ปกติ"]),
    ]


# (column, value) edits that make a row invalid, or keep it valid in a way only exact parsing sees.
CELL_EDITS: list[tuple[int, str]] = [
    (0, "abc"), (0, "๑๒๓๔"), (0, " 77 "), (0, "1_000"), (0, "12.0"),
    (1, ""), (1, "ก" * 40), (1, "  "),
    (2, "ต่างประเทศ"), (2, ""),
    (3, "-5"), (3, "1,5"), (3, "abc"), (3, "1e3"), (3, " 7.5 "), (3, "NaN"), (3, "12345678901234567.5"),
    (4, "-1"), (4, "501"), (4, "x"), (4, "+40"), (4, ""),
    (5, "2024-02-30"), (5, "31/12/2024"), (5, "2024-1-5"), (5, "0999-01-01"), (5, "2024-13-01"),
    (6, "ใช่"), (6, "TRUE"), (6, "1"), (6, "yes"),
    (7, "bad@"), (7, "someone@ตัวอย่าง.ไทย"), (7, "a..b@example.com"), (7, "x@y.co"),
    (8, "XX-1"), (8, "TH-๑๒๓๔"), (8, "TH-12345"), (8, "TH-1234\n"),
    (9, "25x7"), (9, "๒๕๖๗"), (9, "-123"), (9, "99"),
    (10, "2024-05-01 10:00"), (10, "2024-05-01T10:00:00+07:00"),
    (10, "2024-05-01T24:00:00"), (10, "2024-02-30T10:00:00Z"),
    (11, "ab"), (11, ""),
]
ROW_KINDS = ["cell", "cell", "cell", "duplicate", "extra", "missing", "blank", "blank_commas", "null_key"]


def invalid_row(rnd: random.Random, number: int, last: list[str], turn: int) -> list[str] | None:
    """The ``turn``-th invalid (or tricky) row; ``None`` stands for a completely empty line."""
    kind = ROW_KINDS[turn % len(ROW_KINDS)]
    row = valid_row(rnd, number)
    if kind == "cell":  # every edit in turn, sometimes with a second one
        edit = CELL_EDITS[(turn // len(ROW_KINDS) * 3 + turn % len(ROW_KINDS)) % len(CELL_EDITS)]
        for column, value in [edit, rnd.choice(CELL_EDITS)][: rnd.randint(1, 2)]:
            row[column] = value
    elif kind == "duplicate":
        row[0] = last[0]
    elif kind == "extra":
        row = [*row, "เกิน"]
    elif kind == "missing":
        row = row[: rnd.randint(1, len(row) - 1)]
    elif kind == "blank":
        return None
    elif kind == "blank_commas":
        row = [""] * len(row)
    elif kind == "null_key":
        row[0] = ""
    return row


def rows(count: int, invalid_rate: float, seed: int = 7) -> Iterator[list[str] | None]:
    rnd = random.Random(seed)
    last = valid_row(rnd, 1)
    turn = 0
    for number in range(1, count + 1):
        if rnd.random() < invalid_rate:
            yield invalid_row(rnd, number, last, turn)
            turn += 1
        else:
            last = valid_row(rnd, number)
            yield last


def write_csv(
    path: Path,
    count: int,
    invalid_rate: float = 0.001,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    header: list[str] | None = None,
    seed: int = 7,
) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header if header is not None else HEADER)
    with path.open("w", encoding=encoding, newline="") as handle:
        for index, row in enumerate(rows(count, invalid_rate, seed), start=1):
            if row is None:
                buffer.write("\n")
            else:
                writer.writerow(row)
            if index % 10000 == 0:
                handle.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
        handle.write(buffer.getvalue())
    return path


def write_xlsx(
    path: Path, count: int, invalid_rate: float = 0.05, *, sheet: str = "ข้อมูล", seed: int = 7,
    header: list[str] | None = None,
) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    worksheet.append(header if header is not None else HEADER)
    for row in rows(count, invalid_rate, seed):
        worksheet.append([] if row is None else [_typed(i, v) for i, v in enumerate(row)])
    book.save(path)
    return path


def _typed(column: int, value: str) -> Any:
    """Numbers as Excel numbers where a person would type them so (ids, counts, years)."""
    if column in (0, 4, 9) and value.strip().lstrip("-").isascii() and value.strip().lstrip("-").isdigit():
        return int(value)
    if column == 3:
        try:
            return float(value)
        except ValueError:
            return value
    return value
