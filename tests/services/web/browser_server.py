"""Banchi for the browser tests: a fresh database with the demo data and the accounts the journeys sign in
as, served by uvicorn. Run as ``python -m tests.services.web.browser_server PORT DATA_DIR``.

The clock is held at a day of fiscal year 2568 (tick on from there): the indicator's rubric files end
with that year, and a score is computed for the fiscal year a sign-off falls in, so the dashboard can
show the progress a sign-off made. The browser itself keeps its own clock.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

import time_machine

# 20 August 2025, 10:00 in Bangkok: the fourth quarter of fiscal year 2568
SERVER_DAY = dt.datetime(2025, 8, 20, 3, 0, tzinfo=dt.UTC)
PASSWORD = "a long enough password"
# published datasets at stage 0, for one sign-off of stage 1 for the three
BULK = ("bulk-sign-off-1", "bulk-sign-off-2", "bulk-sign-off-3")
ACCOUNTS = (
    # the organization's admin, who manages its accounts
    {"email": "admin.hrd@bangkok.go.th", "password": PASSWORD, "roles": [{"role": "admin", "organization": "bma-hrd"}]},
    # the demo's steward of bma-hrd datasets (secretary of its working group)
    {"email": "steward.hrd@bangkok.go.th", "password": PASSWORD,
     "roles": [{"role": "steward", "organization": "bma-hrd"}]},
    # the working group's chair: a seat on the group is the only role needed to approve and sign off
    {"email": "director.hrd@bangkok.go.th", "password": PASSWORD},
    # the demo's evaluator (สยป.), for fiscal year 2564 only: the year of the seed page
    {"email": "evaluator.spe@bangkok.go.th", "password": PASSWORD,
     "roles": [{"role": "evaluator", "fiscal_year": 2564}]},
)


def prepare() -> None:
    from catalog.actions.accounts import account_create
    from catalog.actions.datasets import dataset_create
    from catalog.context import open_context
    from catalog.db import get_engine
    from catalog.demo import load_demo
    from catalog.migrate import upgrade
    from tests.factories import dataset_input

    upgrade(get_engine())
    with open_context(engine=get_engine()) as ctx:
        load_demo(ctx)
        for account in ACCOUNTS:
            account_create(ctx, account)
        for number, name in enumerate(BULK, start=1):
            dataset_create(ctx, dataset_input(name, title=f"ชุดข้อมูลสำหรับลงนามพร้อมกัน ชุดที่ {number}"), publish=True)


def main(port: int, data_dir: str) -> None:
    os.environ["BANCHI_DATA_DIR"] = data_dir
    os.environ.pop("BANCHI_DATABASE_URL", None)
    os.environ.pop("BANCHI_STORAGE_DIR", None)
    os.environ["BANCHI_SITE_URL"] = f"http://127.0.0.1:{port}"
    with time_machine.travel(SERVER_DAY, tick=True):
        prepare()
        import uvicorn

        uvicorn.run("services.web.site:create_site", factory=True, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
