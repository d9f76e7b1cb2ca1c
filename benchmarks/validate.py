"""Validation speed and memory: Banchi against frictionless-py and a plain pyarrow read, in one run.

    .venv/bin/python benchmarks/validate.py                  # 1,000,000 rows: speed and equal findings
    .venv/bin/python benchmarks/validate.py --rows 200000    # a quicker look
    .venv/bin/python benchmarks/validate.py --memory         # 5,000,000 rows (~1 GB): Banchi's peak RSS

It generates a 12-column CSV with Thai text and 0.1% invalid rows of every kind (tests/dictionaries/
datagen.py) into benchmarks/out/, then runs each contender in its own process, timing it and reading
its peak memory from ``wait4``. Targets: Banchi >= 40x faster than frictionless (no error limit),
within 3x of pyarrow's read time, and under 600 MB peak on 5M rows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TypedDict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPEEDUP_TARGET = 40.0
PYARROW_TARGET = 3.0
MEMORY_TARGET_MB = 600.0


class RunResult(TypedDict):
    seconds: float
    cpu: float
    peak_mb: float
    errors: int
    keys: set[tuple[Any, ...]]


def work(kind: str, data: Path, keys_out: Path) -> None:
    """One contender, in its own process; writes its findings as JSON lines."""
    from tests.dictionaries.datagen import SCHEMA

    started, cpu_started = time.perf_counter(), time.process_time()
    if kind == "banchi":
        from dictionaries.validate import validate

        report = validate(data, SCHEMA)
        keys = [[e.row_number, e.field_name or None, e.type] for e in report.errors]
    elif kind == "frictionless":
        import frictionless

        resource = frictionless.Resource(
            data.name, basepath=str(data.parent), schema=frictionless.Schema.from_descriptor(SCHEMA)
        )
        checked = resource.validate(limit_errors=0)
        errors = [e.to_descriptor() for task in checked.tasks for e in task.errors]
        keys = [[e.get("rowNumber"), e.get("fieldName") or None, e["type"]] for e in errors]
    else:  # pyarrow reading the file, types inferred, nothing checked (refused rows skipped)
        import pyarrow.csv as pacsv

        options = pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=lambda row: "skip")
        pacsv.read_csv(data, parse_options=options)
        keys = []
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    keys_out.write_text("\n".join(json.dumps(k, ensure_ascii=False) for k in keys), "utf-8")
    print(json.dumps({"seconds": seconds, "cpu": cpu}))


def run(kind: str, data: Path, out: Path) -> RunResult:
    keys_out = out / f"{kind}.keys.jsonl"
    process = subprocess.Popen(
        [sys.executable, __file__, "--work", kind, str(data), str(keys_out)], stdout=subprocess.PIPE, text=True
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{kind} failed with status {status}")
    lines = [line for line in keys_out.read_text("utf-8").splitlines() if line]
    keys = [tuple(json.loads(line)) for line in lines]
    timing = json.loads(output.strip().splitlines()[-1])
    return {
        "seconds": timing["seconds"],
        "cpu": timing["cpu"],  # all threads, imports excluded: steadier than wall time on a shared machine
        "peak_mb": usage.ru_maxrss / 1024,  # Linux reports KiB
        "errors": len(keys),
        "keys": set(keys),
    }


def generate(rows: int, out: Path) -> Path:
    from tests.dictionaries.datagen import write_csv

    path = out / f"thai-{rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        write_csv(path.with_suffix(".tmp"), rows, 0.001).rename(path)
        print(f"generated {path.name}: {path.stat().st_size / 2**20:.0f} MB in {time.perf_counter() - started:.0f} s")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=None, help="rows to generate (1,000,000; 5,000,000 with --memory)")
    parser.add_argument("--memory", action="store_true", help="peak memory of Banchi alone on 5M rows")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--work", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.work:
        work(args.work[0], Path(args.work[1]), Path(args.work[2]))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    rows = args.rows or (5_000_000 if args.memory else 1_000_000)
    data = generate(rows, args.out)
    if args.memory:
        banchi = run("banchi", data, args.out)
        verdict = "OK" if banchi["peak_mb"] < MEMORY_TARGET_MB else "MISSED"
        print(f"banchi   {rows:>9,} rows  {banchi['seconds']:7.2f} s  peak {banchi['peak_mb']:6.0f} MB  "
              f"errors {banchi['errors']:,}")
        print(f"peak memory {banchi['peak_mb']:.0f} MB (target < {MEMORY_TARGET_MB:.0f} MB): {verdict}")
        return
    results = {kind: run(kind, data, args.out) for kind in ("pyarrow", "banchi", "frictionless")}
    for kind, result in results.items():
        print(f"{kind:12s} {result['seconds']:8.2f} s  cpu {result['cpu']:7.2f} s  peak {result['peak_mb']:6.0f} MB  "
              f"errors {result['errors']:,}")
    banchi, reference, arrow = results["banchi"], results["frictionless"], results["pyarrow"]
    same = banchi["keys"] == reference["keys"] and banchi["errors"] == reference["errors"]
    speedup = reference["seconds"] / banchi["seconds"]
    versus_arrow = banchi["seconds"] / arrow["seconds"]
    print(f"same findings as frictionless (set of (row, field, type) and count): {'YES' if same else 'NO'}")
    print(f"speed-up over frictionless: {speedup:.1f}x (target >= {SPEEDUP_TARGET:.0f}x): "
          f"{'OK' if speedup >= SPEEDUP_TARGET else 'MISSED'}")
    print(f"time relative to a pyarrow read: {versus_arrow:.2f}x (target <= {PYARROW_TARGET:.0f}x): "
          f"{'OK' if versus_arrow <= PYARROW_TARGET else 'MISSED'}")
    cpu_ratio = reference["cpu"] / banchi["cpu"]
    print(f"CPU time (process, all threads) frictionless/Banchi: {cpu_ratio:.1f}x; load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows two-threaded Banchi most)")


if __name__ == "__main__":
    main()
