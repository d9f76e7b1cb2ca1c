"""Publishing 500 datasets to a real CKAN: first publish, no-change re-publish, one change, in one run.

    eval "$(bash ../shared/ckan/ckan-ci.sh up)"
    .venv/bin/python benchmarks/publish.py                 # 500 datasets, a link each, a CSV upload every 10th
    .venv/bin/python benchmarks/publish.py --datasets 100  # a quicker look

It registers the datasets in a fresh SQLite Banchi under benchmarks/out/, publishes them, publishes
again with nothing changed (target: 0 write calls, and no call at all), changes one dataset and
publishes again (target: 1 write call), and as the baseline times a forced re-publish, which compares
every package with what the portal holds (one package_show each) as a publisher without Banchi's
content hashes would have to. Everything it created on the portal is purged at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ckanapi import NotFound, RemoteCKAN  # noqa: E402

from catalog.actions.datasets import dataset_create, dataset_update  # noqa: E402
from catalog.actions.organizations import organization_create  # noqa: E402
from catalog.actions.resources import resource_create  # noqa: E402
from catalog.context import Context, open_context  # noqa: E402
from catalog.db import make_engine  # noqa: E402
from catalog.migrate import upgrade  # noqa: E402
from catalog.settings import Settings  # noqa: E402
from schemas.profile import load_profile  # noqa: E402
from services.ckan.client import PortalClient  # noqa: E402
from services.ckan.publisher import Opener, Publisher, RunReport  # noqa: E402

PER_ORG = 100
CSV = "เขต,ปี,จำนวน\nพระนคร,2567,45123\nดุสิต,2567,89765\n".encode()


def register(opener: Opener, count: int, suffix: str) -> tuple[list[str], list[str]]:
    orgs: list[str] = []
    names: list[str] = []
    for index in range(count):
        if index % PER_ORG == 0:
            orgs.append(f"bench-{suffix}-{len(orgs)}")
            with opener() as ctx:
                organization_create(ctx, {"name": orgs[-1], "title": f"สำนักงานเขตทดสอบ {suffix} {len(orgs)}"})
        name = f"bench-{suffix}-{index:04d}"
        with opener() as ctx:
            dataset_create(ctx, {
                "name": name, "title": f"สถิติประชากรรายเขต ชุดที่ {index} ({suffix})", "owner_org": orgs[-1],
                "data_type": "ข้อมูลสถิติ", "maintainer": "ฝ่ายทะเบียน", "maintainer_email": "reg@bangkok.go.th",
                "tag_string": "ประชากร,สถิติ", "notes": f"จำนวนประชากรตามทะเบียนราษฎร์ ชุดที่ {index}",
                "objective": ["พันธกิจหน่วยงาน"], "update_frequency_unit": "ปี", "update_frequency_interval": 1,
                "geo_coverage": "จังหวัด", "data_source": "สำนักงานปกครองและทะเบียน", "data_format": ["CSV"],
                "data_category": "ข้อมูลสาธารณะ", "license_id": "Open Data Common", "first_year_of_data": "2560",
                "last_year_of_data": "2567",
            }, publish=True)
            resource_create(ctx, name, {"name": "บริการข้อมูล", "url": f"https://data.bangkok.go.th/api/{index}",
                                        "format": "API"})
            if index % 10 == 0:
                resource_create(ctx, name, {"name": "ตารางประชากร"}, content=io.BytesIO(CSV), filename="pop.csv")
        names.append(name)
    return orgs, names


def timed(step: str, run: Callable[[], RunReport]) -> tuple[RunReport, float]:
    started = time.perf_counter()
    report = run()
    seconds = time.perf_counter() - started
    done = sum(1 for o in report.outcomes if o.status == "done")
    print(f"{step:<34} {seconds:8.2f} s   calls {sum(report.calls.values()):5d}   write calls "
          f"{report.write_calls:5d}   jobs done {done:4d}")
    return report, seconds


def purge(url: str, token: str, orgs: list[str], names: list[str]) -> None:
    ckan = RemoteCKAN(url, apikey=token)
    for action, keys in (("dataset_purge", names), ("organization_purge", orgs)):
        for key in keys:
            with contextlib.suppress(NotFound):
                ckan.call_action(action, {"id": key})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="leave the packages on the portal")
    args = parser.parse_args()
    url, token = os.environ.get("CKAN_URL"), os.environ.get("CKAN_API_TOKEN")
    if not url or not token:
        print('CKAN_URL and CKAN_API_TOKEN are not set: eval "$(bash ../shared/ckan/ckan-ci.sh up)"', file=sys.stderr)
        return 2
    out = ROOT / "benchmarks" / "out" / "publish"
    shutil.rmtree(out, ignore_errors=True)
    engine = make_engine(f"sqlite:///{out / 'banchi.db'}")
    upgrade(engine)
    settings = Settings(database_url=f"sqlite:///{out / 'banchi.db'}", data_dir=out)

    def opener() -> AbstractContextManager[Context]:
        return open_context(engine=engine, settings=settings)

    suffix = uuid.uuid4().hex[:6]
    started = time.perf_counter()
    orgs, names = register(opener, args.datasets, suffix)
    print(f"registered {len(names)} datasets in Banchi in {time.perf_counter() - started:.1f} s "
          f"({len(names) // 10 + (len(names) % 10 > 0)} with a CSV upload)")
    client = PortalClient(url, token, profile=load_profile(), allow_private_network=True)  # the CI CKAN
    publisher = Publisher(opener, client)
    try:
        first, first_seconds = timed("first publish", publisher.run)
        again, again_seconds = timed("re-publish, nothing changed", publisher.run)
        with opener() as ctx:
            dataset_update(ctx, names[len(names) // 2], {"update_frequency_unit": "ไตรมาส"})
        one, _ = timed("re-publish, one field changed", publisher.run)
        forced, forced_seconds = timed("baseline: compare all with portal", lambda: publisher.run(force=True))
    finally:
        if not args.keep:
            purge(url, token, orgs, names)
    print(f"\nfirst publish: {first_seconds / len(names) * 1000:.1f} ms per dataset")
    print(f"no-change re-publish: {again_seconds:.2f} s, {again.write_calls} write calls (target 0), "
          f"{sum(again.calls.values())} calls in all; "
          f"{forced_seconds / again_seconds:.0f}x faster than comparing with the portal")
    ok = (again.write_calls == 0 and one.write_calls == 1 and forced.write_calls == 0
          and len([o for o in first.outcomes if o.status == "done"]) == len(names))
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
