"""Valid inputs to start tests from; each test changes what it is about."""

from __future__ import annotations

from typing import Any

from catalog.actions.organizations import organization_create
from catalog.context import Context

STAT = "ข้อมูลสถิติ"
RECORD = "ข้อมูลระเบียน"
GEO = "ข้อมูลภูมิสารสนเทศเชิงพื้นที่"
MULTI = "ข้อมูลหลากหลายประเภท"
OTHER = "ข้อมูลประเภทอื่นๆ"


def make_org(ctx: Context, name: str = "bma-hrd", **extra: Any) -> str:
    organization_create(ctx, {"name": name, "title": extra.pop("title", f"หน่วยงาน {name}"), **extra})
    return name


def dataset_input(
    name: str | None = "city-indicators", owner_org: str | None = "bma-hrd", **changes: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": name,
        "title": f"ข้อมูลตัวชี้วัดเมือง {name}",
        "owner_org": owner_org,
        "data_type": STAT,
        "maintainer": "ฝ่ายแผนงานและสารสนเทศ",
        "maintainer_email": "plan@bangkok.go.th",
        "tag_string": "ตัวชี้วัด,สถิติ",
        "notes": "สถิติประกอบตัวชี้วัดการพัฒนาเมือง",
        "objective": ["พันธกิจหน่วยงาน"],
        "update_frequency_unit": "เดือน",
        "update_frequency_interval": 1,
        "geo_coverage": "จังหวัด",
        "data_source": "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร",
        "data_format": ["CSV"],
        "data_category": "ข้อมูลสาธารณะ",
        "license_id": "Open Data Common",
        "first_year_of_data": "2563",
        "last_year_of_data": "2564",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
