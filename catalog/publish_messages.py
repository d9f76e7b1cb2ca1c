"""Bilingual messages of publishing and harvesting (Thai first, then English); the problem type is shared."""

from __future__ import annotations

from typing import Any

from schemas.messages import Problem, render

MESSAGES: dict[str, tuple[str, str]] = {
    # why a dataset or a file is not sent openly
    "not_active": ("ชุดข้อมูลถูกถอนหรือถูกลบแล้ว", "The dataset is withdrawn or deleted"),
    "not_draft": ("ชุดข้อมูลยังเป็นฉบับร่าง ยังไม่ได้เผยแพร่", "The dataset is a draft, not published yet"),
    "dataset_private": ("ชุดข้อมูลกำหนดเป็นส่วนตัว (private) จึงไม่เผยแพร่", "The dataset is private, so it is not published"),
    "not_public": (
        "ไม่ใช่ข้อมูลสาธารณะ (หมวดหมู่ “{category}”, ระดับชั้น “{classification}”) จึงไม่เผยแพร่",
        "Not public data (category “{category}”, classification “{classification}”), so it is not published",
    ),
    "mandatory_missing": ("ยังไม่ได้ระบุ {label} ซึ่งเป็นคำอธิบายข้อมูลส่วนหลัก",
                          "{label} is missing; it is mandatory metadata"),
    "resource_private": ("ทรัพยากร “{value}” กำหนดให้เข้าถึงแบบส่วนตัว จึงไม่เผยแพร่",
                         "Resource “{value}” is private, so it is not published"),
    "personal_data_file": (
        "ไฟล์ “{value}” มีข้อมูลส่วนบุคคลตามพจนานุกรมข้อมูล ({fields}) จึงไม่อัปโหลด",
        "File “{value}” holds personal data according to its data dictionary ({fields}), so it is not uploaded",
    ),
    # talking to a portal
    "portal_unavailable": ("ติดต่อพอร์ทัล {portal} ไม่ได้: {detail}", "The portal {portal} is not available: {detail}"),
    "portal_rejected": ("พอร์ทัลไม่ยอมรับ {label}: {detail}", "The portal refused {label}: {detail}"),
    "portal_denied": ("พอร์ทัลไม่อนุญาตให้ {action}: {detail}", "The portal does not allow {action}: {detail}"),
    "portal_error": ("พอร์ทัลตอบกลับผิดพลาดใน {action}: {detail}", "The portal answered {action} with an error: {detail}"),
    "name_taken": (
        "ชื่อ URL “{value}” บนพอร์ทัลเป็นของชุดข้อมูลอื่น ({owner})",
        "The name “{value}” belongs to another dataset on the portal ({owner})",
    ),
    "file_unreadable": ("อ่านไฟล์ที่เก็บไว้ของ “{value}” ไม่ได้: {detail}",
                        "Cannot read the stored file of “{value}”: {detail}"),
    "bad_portal_url": ("URL ของพอร์ทัล “{value}” ต้องขึ้นต้นด้วย http:// หรือ https://",
                       "The portal URL “{value}” must start with http:// or https://"),
    # the registry of portals
    "portal_name_taken": ("มีพอร์ทัลชื่อ “{value}” ลงทะเบียนไว้แล้ว", "A portal named “{value}” is already registered"),
    "portal_url_taken": ("พอร์ทัล {value} ลงทะเบียนไว้แล้วในชื่อ “{other}”",
                         "The portal {value} is already registered as “{other}”"),
    "portal_or_url": ("ระบุพอร์ทัลที่ลงทะเบียนไว้ (--portal) หรือที่อยู่ของพอร์ทัล (--ckan-url) อย่างใดอย่างหนึ่ง",
                      "Name a registered portal (--portal) or give the portal's address (--ckan-url), one of them"),
    "secret_unreadable": (
        "ถอดรหัส API token ที่เก็บไว้ไม่ได้ (กุญแจเข้ารหัสของระบบเปลี่ยนไป) กรุณาลงทะเบียนพอร์ทัลใหม่",
        "The stored API token cannot be decrypted (the server's secret key changed): register the portal again",
    ),
    # harvesting
    "harvest_download_failed": ("ดาวน์โหลดไฟล์ “{value}” จากพอร์ทัลไม่ได้: {detail}",
                                "Cannot download “{value}” from the portal: {detail}"),
}


def publish_problem(code: str, field: str | None = None, **params: Any) -> Problem:
    """A problem from this module's templates (see :func:`schemas.messages.render`)."""
    return render(MESSAGES, code, field, **params)
