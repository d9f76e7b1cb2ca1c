"""Starting points for governance tests: an agency with a working group and a dataset, clocks on given days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from catalog.actions.datasets import dataset_create
from catalog.actions.people import person_create
from catalog.actions.working_groups import working_group_create, working_group_member_add
from catalog.context import Context
from schemas.fiscal_year import THAI_TZ
from tests.factories import dataset_input, make_org

CHAIR = "chair@bangkok.go.th"
OUTSIDER = "outsider@bangkok.go.th"


def at(day: str, hour: int = 10) -> Callable[[], dt.datetime]:
    """A clock stopped at ``hour`` o'clock Bangkok time on ``day``."""
    moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), THAI_TZ).astimezone(dt.UTC)
    return lambda: moment


def make_agency(ctx: Context, *, meeting: bool = False) -> str:
    """bma-hrd with a working group (order of 1 Dec 2020), its chair, an outsider, and dataset city-indicators."""
    make_org(ctx)
    person_create(ctx, {"full_name": "ประธาน คณะทำงาน", "email": CHAIR, "organization": "bma-hrd"})
    person_create(ctx, {"full_name": "บุคคล ภายนอก", "email": OUTSIDER})
    group = working_group_create(ctx, {"organization": "bma-hrd", "name": "คณะทำงานกำกับดูแลข้อมูล",
                                       "order_number": "45/2563", "order_date": "2020-12-01"})
    working_group_member_add(ctx, group.id, {"person": CHAIR, "role": "chair"})
    dataset_create(ctx, dataset_input(), publish=True)
    if meeting:
        from catalog.actions.evidence import working_group_meeting_add

        working_group_meeting_add(ctx, {"organization": "bma-hrd", "meeting_date": "2020-12-14",
                                        "title": "ครั้งที่ 1/2563", "added_by": CHAIR,
                                        "minutes_url": "https://hrd.bangkok.go.th/minutes-1.pdf"})
    return "city-indicators"
