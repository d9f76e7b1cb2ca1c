"""Catalog workbooks at 5,000 datasets: import (dry run, real, re-import) and export times, in one run.

    .venv/bin/python benchmarks/excel.py                       # 5,000 datasets, SQLite and PostgreSQL
    .venv/bin/python benchmarks/excel.py --datasets 1000       # a quicker look
    .venv/bin/python benchmarks/excel.py --only sqlite         # one database
    BANCHI_BENCH_PG=postgresql://postgres@127.0.0.1:5432/postgres  # the PostgreSQL server (this default)

It writes an agency's workbook in the GD Catalog Excel template (all five dataset sheets, Thai text,
Buddhist Era dates, values outside the vocabularies, one resource per dataset) into benchmarks/out/,
then on an empty registry times: reading the workbook (safety checks + openpyxl), the dry run, the real
import, a re-import of the same file (every row compared, nothing written), and the exports (template,
GD Catalog layout). Baseline, measured in the same run on another empty registry: the same datasets and
resources registered one by one through ``dataset_create`` / ``resource_create``, the actions the import
calls; the ratio shows what the import's own work (reading, mapping, comparing, reporting) costs on top.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402

from catalog.actions.catalog_export import catalog_snapshot  # noqa: E402
from catalog.actions.catalog_import import catalog_import  # noqa: E402
from catalog.actions.datasets import dataset_create  # noqa: E402
from catalog.actions.organizations import organization_create  # noqa: E402
from catalog.actions.resources import resource_create  # noqa: E402
from catalog.context import open_context  # noqa: E402
from catalog.db import make_engine, normalize_url  # noqa: E402
from catalog.migrate import upgrade  # noqa: E402
from catalog.settings import Settings  # noqa: E402
from schemas.excel_template import WorkbookContent, load_template  # noqa: E402
from schemas.template_values import CellReader  # noqa: E402
from services.excel.reader import read_catalog_workbook  # noqa: E402
from services.excel.writer import write_gdc_export, write_template  # noqa: E402
from tests.excel_books import record_row, resource_row, stat_row, write_book  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
ORG = ("bma-hrd", "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร")
TOPICS = ["ผู้เข้าอบรม", "งบประมาณ", "วิทยากร", "หลักสูตร", "ทุนการศึกษา", "ห้องสมุด", "สถานที่ฝึกอบรม", "สื่อการเรียนรู้"]
DISTRICTS = ["พระนคร", "ดุสิต", "หนองจอก", "บางรัก", "บางเขน", "บางกะปิ", "ปทุมวัน", "ป้อมปราบศัตรูพ่าย", "พระโขนง", "มีนบุรี"]


def workbook(path: Path, count: int) -> Path:
    template = load_template()
    rows: dict[str, list[dict[str, Any]]] = {layout.sheet: [] for layout in template.dataset_layouts}
    resources: dict[str, list[dict[str, Any]]] = {layout.sheet: [] for layout in template.resource_layouts}
    for index in range(count):
        layout = template.dataset_layouts[index % 5]
        res_layout = template.resource_layouts[index % 5]
        name = f"{layout.type_code.lower()}-dataset-{index:05d}"
        topic, district = TOPICS[index % len(TOPICS)], DISTRICTS[index % len(DISTRICTS)]
        common = {"title": f"ข้อมูล{topic} เขต{district} ชุดที่ {index}", "owner_org": ORG[1],
                  "notes": f"ข้อมูล{topic}ของสำนักงานเขต{district} ปรับปรุงรายเดือน",
                  "tag_string": f"{topic}, {district}, กรุงเทพมหานคร",
                  "last_updated_date": dt.datetime(2567, 1 + index % 12, 1 + index % 28)}
        if layout.type_code == "S":
            row = stat_row(name, **common)
        elif layout.type_code == "G":
            row = {**stat_row(name, **common), "d_type": "ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
                   "geographic_data_set": "ชั้นข้อมูลขอบเขตการปกครอง", "equivalent_scale": "1:4,000",
                   "west_bound_longitude": "100.3", "east_bound_longitude": "100.9",
                   "north_bound_longitude": "14.0", "south_bound_longitude": "13.5",
                   "data_release_date": "01/06/2567"}
        else:
            row = record_row(name, **common)
            if layout.type_code == "O":
                row["data_type_other"] = "ข้อมูลภาพถ่าย"
        rows[layout.sheet].append(row)
        resources[res_layout.sheet].append(resource_row(name, f"ไฟล์{topic} {index}",
                                                        resource_url=f"https://data.bangkok.go.th/f/{index}.csv"))
    return write_book(path, {**rows, **resources})


class Timer:
    """Times steps and prints each as it ends, with its ratio to the baseline (timed first)."""

    def __init__(self, datasets: int):
        self.datasets = datasets
        self.baseline: float | None = None

    def __call__(self, label: str, action: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        value = action()
        seconds = time.perf_counter() - started
        ratio = f"  {seconds / self.baseline:5.2f}x baseline" if self.baseline else ""
        self.baseline = self.baseline or seconds
        print(f"  {label:<30} {seconds:8.2f} s  {seconds / self.datasets * 1000:6.2f} ms/dataset{ratio}", flush=True)
        return value


def fresh_registry(kind: str, server: str, work: Path) -> tuple[Engine, Settings, Callable[[], None]]:
    if kind == "sqlite":
        url = f"sqlite:///{work / f'{uuid.uuid4().hex[:8]}.db'}"
        engine = make_engine(url)
        upgrade(engine)
        return engine, Settings(database_url=url, data_dir=work), engine.dispose
    name = f"banchi_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(normalize_url(server)), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    url = make_url(normalize_url(server)).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)

    def drop() -> None:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return engine, Settings(database_url=url, data_dir=work), drop


def run(kind: str, server: str, book: Path, work: Path, timer: Timer) -> None:
    content = read_catalog_workbook(book)
    engine, settings, drop = fresh_registry(kind, server, work)
    try:
        with open_context(engine=engine, settings=settings) as ctx:
            organization_create(ctx, {"name": ORG[0], "title": ORG[1]})
            # warm up (imports, Thai word dictionary of the search index) so neither side pays for it
            warm = WorkbookContent(content.template, content.datasets[:5], content.resources[:5])
            catalog_import(ctx, warm, dry_run=True)
        timer("baseline: actions one by one", lambda: baseline(engine, settings, content))
    finally:
        drop()
    engine, settings, drop = fresh_registry(kind, server, work)
    try:
        with open_context(engine=engine, settings=settings) as ctx:
            organization_create(ctx, {"name": ORG[0], "title": ORG[1]})
        timer("read workbook", lambda: read_catalog_workbook(book))

        def do_import(dry_run: bool = False) -> Any:
            with open_context(engine=engine, settings=settings) as ctx:
                return catalog_import(ctx, content, dry_run=dry_run)

        report = timer("import --dry-run", lambda: do_import(True))
        assert len(report.datasets_created) == len(content.datasets), report.problems[:3]
        report = timer("import", do_import)
        assert len(report.datasets_created) == len(content.datasets)
        report = timer("re-import (no change)", do_import)
        assert len(report.datasets_unchanged) == len(content.datasets) and not report.datasets_updated

        def export(writer: Callable[..., object], target: Path) -> None:
            with open_context(engine=engine, settings=settings) as ctx:
                snapshot = catalog_snapshot(ctx)
            writer(target, snapshot)

        timer("export template", lambda: export(write_template, work / "export.xlsx"))
        timer("export gdc-export", lambda: export(write_gdc_export, work / "gdc.xlsx"))
    finally:
        drop()


def baseline(engine: Engine, settings: Settings, content: Any) -> None:
    """The same rows through dataset_create / resource_create in one transaction, values pre-mapped."""
    template = load_template()
    reader = CellReader(template)
    datasets = []
    for row in content.datasets:
        layout = template.layout_of(row.sheet)
        assert layout is not None, row.sheet
        values, _ = reader.dataset_values(layout, row)
        values[template.organization_field] = ORG[0]
        datasets.append({k: v for k, v in values.items() if v not in (None, "", [])})
    resources = []
    for row in content.resources:
        layout = template.layout_of(row.sheet)
        assert layout is not None, row.sheet
        values, _ = reader.resource_values(layout, row)
        ref = reader.dataset_ref(layout, row)
        assert ref is not None, row.row
        resources.append((ref, {k: v for k, v in values.items() if v is not None}))
    with open_context(engine=engine, settings=settings) as ctx:
        for data in datasets:
            dataset_create(ctx, data, publish=True)
        for dataset, data in resources:
            resource_create(ctx, dataset, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=5000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    server = os.environ.get("BANCHI_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    OUT.mkdir(parents=True, exist_ok=True)
    book = OUT / f"catalog-{args.datasets}.xlsx"
    started = time.perf_counter()
    workbook(book, args.datasets)
    print(f"workbook: {args.datasets:,} datasets + {args.datasets:,} resources, {book.stat().st_size / 1e6:.1f} MB "
          f"({time.perf_counter() - started:.1f} s to write) → {book.relative_to(ROOT)}")
    kinds = [args.only] if args.only else ["sqlite", "postgresql"]
    for kind in kinds:
        print(f"\n{kind}:", flush=True)
        with tempfile.TemporaryDirectory() as work:
            run(kind, server, book, Path(work), Timer(args.datasets))

if __name__ == "__main__":
    main()
