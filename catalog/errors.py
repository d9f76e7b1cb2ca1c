"""Domain errors. Each is a ProblemsError, so every layer reports it the same bilingual way."""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError

from schemas.messages import Problem, ProblemsError, problem

KIND_LABELS: dict[str, tuple[str, str]] = {
    "organization": ("หน่วยงาน", "organization"),
    "person": ("บุคคล", "person"),
    "working_group": ("คณะทำงาน", "working group"),
    "dataset": ("ชุดข้อมูล", "dataset"),
    "resource": ("ทรัพยากรข้อมูล", "resource"),
    "evidence": ("หลักฐาน", "evidence"),
    "quarter_narrative": ("รายงานผลรายไตรมาส", "quarter narrative"),
    "audited_result": ("ผลการตรวจประเมิน", "audited result"),
    "account": ("บัญชีผู้ใช้", "account"),
    "dictionary_version": ("พจนานุกรมข้อมูลฉบับ", "dictionary version"),
    "validation_run": ("ผลการตรวจสอบข้อมูล", "validation run"),
    "token": ("โทเค็น", "token"),
    "group": ("กลุ่ม", "group"),
    "action": ("คำสั่ง", "action"),
    "portal": ("พอร์ทัล", "portal"),
    "job": ("งานเบื้องหลัง", "job"),
    "schedule": ("กำหนดเวลางาน", "schedule"),
}


def kind_label(kind: str) -> tuple[str, str]:
    return KIND_LABELS.get(kind, (kind, kind.replace("_", " ")))


class ValidationFailed(ProblemsError):
    """The input breaks a rule; nothing was written."""


# codes of problems saying a unique value (a URL name, a title, an email) is already someone else's
TAKEN_CODES = frozenset({"duplicate_name", "duplicate_title", "value_taken"})
COLUMN_LABELS: dict[str, tuple[str, str]] = {"name": ("ชื่อ URL", "URL name"), "title": ("ชื่อ", "title"),
                                             "email": ("อีเมล", "email")}
_PG_KEY = re.compile(r"Key \((?P<columns>[^)]*)\)=\((?P<value>.*)\) already exists")


class AlreadyTaken(ProblemsError):
    """A unique value was taken by another record written at the same moment (the database's unique
    constraint caught what the action's own check could not yet see). Nothing was written."""

    @classmethod
    def from_integrity_error(cls, exc: IntegrityError) -> AlreadyTaken | None:
        """The problem naming the field, if ``exc`` is a unique violation (else None: a bug, not input)."""
        original = exc.orig
        diag = getattr(original, "diag", None)
        if diag is not None:  # PostgreSQL (psycopg): unique_violation, with the key in the detail
            if getattr(original, "sqlstate", None) != "23505":
                return None
            table = diag.table_name or ""
            found = _PG_KEY.search(diag.message_detail or "")
            prefix = f"uq_{table}_"
            columns = ([c.strip() for c in found.group("columns").split(",")] if found else
                       [(diag.constraint_name or "").removeprefix(prefix)])
            value: str | None = found.group("value") if found else None
        else:  # SQLite: "UNIQUE constraint failed: dataset.title"
            text = str(original)
            if not text.startswith("UNIQUE constraint failed:"):
                return None
            qualified = [part.strip() for part in text.partition(":")[2].split(",")]
            table = qualified[0].partition(".")[0]
            columns = [part.partition(".")[2] for part in qualified]
            value = None
        field = ",".join(columns)
        th, en = kind_label(table)
        label_th, label_en = COLUMN_LABELS.get(field, (field, field))
        return cls([problem("value_taken", field, kind=th, kind_en=en, label=label_th, label_en=label_en,
                            value=value)])


class NotFound(ProblemsError):
    def __init__(self, kind: str, key: str):
        th, en = kind_label(kind)
        super().__init__([problem("not_found", None, kind=th, kind_en=en, value=key)])
        self.kind, self.key = kind, key


class Hidden(NotFound):
    """What the actor may not read: answered by every interface exactly as a record that does not exist (404),
    so that no refusal tells an outsider that a non-public record exists."""


class Conflict(ProblemsError):
    """A stale write: the record changed since the editor read it. Nothing was written."""

    def __init__(self, kind: str, key: str, expected: int, current: int):
        th, en = kind_label(kind)
        super().__init__(
            [problem("stale_version", "version", kind=th, kind_en=en, expected=expected, current=current, value=key)]
        )
        self.expected, self.current = expected, current


class PermissionDenied(ProblemsError):
    def __init__(self, action: str):
        super().__init__(
            [
                Problem(
                    code="permission_denied",
                    th=f"ท่านไม่มีสิทธิ์ดำเนินการ {action}",
                    en=f"You are not allowed to do {action}",
                )
            ]
        )
        self.action = action


class TooManyRequests(ProblemsError):
    """Over a rate limit: the caller should wait ``retry_after`` seconds before trying again."""

    def __init__(self, retry_after: int, problems: list[Problem] | None = None):
        super().__init__(problems or [Problem(
            code="too_many_requests", value=retry_after,
            th=f"มีคำขอจากที่อยู่นี้มากเกินไป กรุณารอ {retry_after} วินาทีแล้วลองใหม่",
            en=f"Too many requests from this address; try again in {retry_after} seconds",
        )])
        self.retry_after = retry_after
