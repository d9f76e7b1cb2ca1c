"""Domain errors. Each is a ProblemsError, so every layer reports it the same bilingual way."""

from __future__ import annotations

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
}


def kind_label(kind: str) -> tuple[str, str]:
    return KIND_LABELS.get(kind, (kind, kind.replace("_", " ")))


class ValidationFailed(ProblemsError):
    """The input breaks a rule; nothing was written."""


class NotFound(ProblemsError):
    def __init__(self, kind: str, key: str):
        th, en = kind_label(kind)
        super().__init__([problem("not_found", None, kind=th, kind_en=en, value=key)])
        self.kind, self.key = kind, key


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
