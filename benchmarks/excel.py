"""Catalog workbook import at 1,000, 5,000 and 20,000 datasets: does its cost grow linearly?

    .venv/bin/python benchmarks/excel.py                          # 1k, 5k, 20k datasets, SQLite and PostgreSQL
    .venv/bin/python benchmarks/excel.py --sizes 1000,5000        # a quicker look
    .venv/bin/python benchmarks/excel.py --only sqlite            # one database
    .venv/bin/python benchmarks/excel.py --datasets 5000 --baseline --exports   # one size, everything
    BANCHI_BENCH_PG=postgresql://postgres@127.0.0.1:5432/postgres  # the PostgreSQL server (this default)

For each size it writes an agency's workbook in the GD Catalog Excel template (all five dataset sheets,
Thai text, Buddhist Era dates, values outside the vocabularies, one resource per dataset) into
benchmarks/out/, then on an empty registry times: reading the workbook (safety checks + openpyxl), the
dry run, the real import, a re-import of the same file (every row compared, nothing written) and a
re-import with every dataset's description changed (``--force``: every row updated, a new version and an
audit entry each). With ``--exports`` it also times the exports (template, GD Catalog layout); with
``--baseline``, measured on another empty registry, the same datasets and resources registered one by one
through ``dataset_create`` / ``resource_create``, the actions the import calls.

It ends with a table of ms per dataset by size and the ratios the import is held to (issue 16):
largest/smallest size ≤ 1.5× for each step (cost grows linearly) and dry run/import ≤ 1.0× at every size
(a dry run is the import rolled back). A ratio passes within a noise tolerance of +10% (``--tolerance``):
on this shared machine two runs of the same step differ by about that much.
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
from dataclasses import replace
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


STEPS = ("import --dry-run", "import", "re-import (no change)", "re-import (all changed)")
TARGET_GROWTH = 1.5  # largest size's ms/dataset over the smallest's, each step
TARGET_DRY_RUN = 1.0  # dry run's ms/dataset over the import's, each size


class Timer:
    """Times steps and prints each as it ends (with its ratio to the baseline, when one was timed first);
    keeps each step's ms per dataset."""

    def __init__(self, datasets: int):
        self.datasets = datasets
        self.baseline: float | None = None
        self.ms_per_dataset: dict[str, float] = {}

    def __call__(self, label: str, action: Callable[[], Any], baseline: bool = False) -> Any:
        started = time.perf_counter()
        value = action()
        seconds = time.perf_counter() - started
        ratio = f"  {seconds / self.baseline:5.2f}x baseline" if self.baseline else ""
        if baseline:
            self.baseline = seconds
        self.ms_per_dataset[label] = seconds / self.datasets * 1000
        print(f"  {label:<30} {seconds:8.2f} s  {self.ms_per_dataset[label]:6.2f} ms/dataset{ratio}", flush=True)
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


def run(kind: str, server: str, book: Path, work: Path, timer: Timer, with_baseline: bool = False,
        with_exports: bool = False) -> None:
    content = read_catalog_workbook(book)
    if with_baseline:
        engine, settings, drop = fresh_registry(kind, server, work)
        try:
            with open_context(engine=engine, settings=settings) as ctx:
                organization_create(ctx, {"name": ORG[0], "title": ORG[1]})
                warm_up(ctx, content)
            timer("baseline: actions one by one", lambda: baseline(engine, settings, content), baseline=True)
        finally:
            drop()
    engine, settings, drop = fresh_registry(kind, server, work)
    try:
        with open_context(engine=engine, settings=settings) as ctx:
            organization_create(ctx, {"name": ORG[0], "title": ORG[1]})
            warm_up(ctx, content)
        timer("read workbook", lambda: read_catalog_workbook(book))

        def do_import(content: WorkbookContent, dry_run: bool = False, force: bool = False) -> Any:
            with open_context(engine=engine, settings=settings) as ctx:
                return catalog_import(ctx, content, dry_run=dry_run, force=force)

        count = len(content.datasets)
        report = timer(STEPS[0], lambda: do_import(content, dry_run=True))
        assert len(report.datasets_created) == count, report.problems[:3]
        report = timer(STEPS[1], lambda: do_import(content))
        assert len(report.datasets_created) == count
        report = timer(STEPS[2], lambda: do_import(content))
        assert len(report.datasets_unchanged) == count and not report.datasets_updated
        report = timer(STEPS[3], lambda: do_import(described_again(content), force=True))
        assert len(report.datasets_updated) == count, report.problems[:3]
        if with_exports:
            def export(writer: Callable[..., object], target: Path) -> None:
                with open_context(engine=engine, settings=settings) as ctx:
                    snapshot = catalog_snapshot(ctx)
                writer(target, snapshot)

            timer("export template", lambda: export(write_template, work / "export.xlsx"))
            timer("export gdc-export", lambda: export(write_gdc_export, work / "gdc.xlsx"))
    finally:
        drop()


def warm_up(ctx: Any, content: WorkbookContent) -> None:
    """Imports and the Thai word dictionary of the search index, paid before timing (a dry run: nothing kept)."""
    catalog_import(ctx, WorkbookContent(content.template, content.datasets[:5], content.resources[:5]), dry_run=True)


def described_again(content: WorkbookContent) -> WorkbookContent:
    """The same workbook with every dataset's description changed: a re-import updates every dataset."""
    return replace(content, datasets=[replace(row, cells={**row.cells, "notes": f"{row.cells.get('notes')} (ปรับปรุง)"})
                                      for row in content.datasets])


def summary(kind: str, figures: dict[int, dict[str, float]], tolerance: float) -> bool:
    """The table of ms/dataset by size and the two ratios against their targets; True when all pass."""
    sizes = sorted(figures)
    print(f"\n{kind}: ms per dataset" + "".join(f"{size:>10,}" for size in sizes) + "   largest/smallest")
    passed = True
    for step in STEPS:
        row = [figures[size][step] for size in sizes]
        growth = row[-1] / row[0]
        ok = len(sizes) < 2 or growth <= TARGET_GROWTH * (1 + tolerance)
        passed &= ok
        print(f"  {step:<30}" + "".join(f"{ms:10.2f}" for ms in row)
              + f"   {growth:5.2f}x (target ≤ {TARGET_GROWTH}x) {'ok' if ok else 'OVER'}")
    ratios = [figures[size][STEPS[0]] / figures[size][STEPS[1]] for size in sizes]
    dry_ok = all(ratio <= TARGET_DRY_RUN * (1 + tolerance) for ratio in ratios)
    passed &= dry_ok
    print(f"  {'dry run / import':<30}" + "".join(f"{ratio:9.2f}x" for ratio in ratios)
          + f"   (target ≤ {TARGET_DRY_RUN}x) {'ok' if dry_ok else 'OVER'}")
    print(f"  (a ratio passes within +{tolerance:.0%} for noise)")
    return passed


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
    parser.add_argument("--sizes", default="1000,5000,20000", help="datasets per run, comma-separated")
    parser.add_argument("--datasets", type=int, help="one size only (as --sizes N)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--baseline", action="store_true", help="also time dataset_create/resource_create alone")
    parser.add_argument("--exports", action="store_true", help="also time the exports")
    parser.add_argument("--tolerance", type=float, default=0.10, help="noise allowed on the ratios' targets")
    args = parser.parse_args()
    sizes = [args.datasets] if args.datasets else sorted({int(size) for size in args.sizes.split(",")})
    server = os.environ.get("BANCHI_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    OUT.mkdir(parents=True, exist_ok=True)
    kinds = [args.only] if args.only else ["sqlite", "postgresql"]
    figures: dict[str, dict[int, dict[str, float]]] = {kind: {} for kind in kinds}
    for size in sizes:
        book = OUT / f"catalog-{size}.xlsx"
        started = time.perf_counter()
        workbook(book, size)
        print(f"\nworkbook: {size:,} datasets + {size:,} resources, {book.stat().st_size / 1e6:.1f} MB "
              f"({time.perf_counter() - started:.1f} s to write) → {book.relative_to(ROOT)}")
        for kind in kinds:
            print(f"{kind}, {size:,} datasets:", flush=True)
            timer = Timer(size)
            with tempfile.TemporaryDirectory() as work:
                run(kind, server, book, Path(work), timer, args.baseline, args.exports)
            figures[kind][size] = timer.ms_per_dataset
    passed = [summary(kind, figures[kind], args.tolerance) for kind in kinds]
    sys.exit(0 if all(passed) else 1)


if __name__ == "__main__":
    main()
