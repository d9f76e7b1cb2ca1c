"""Validation speed and memory: Banchi against frictionless-py and a plain pyarrow read, in one run.

    .venv/bin/python benchmarks/validate.py                  # 1,000,000 rows: speed and equal findings
    .venv/bin/python benchmarks/validate.py --rows 200000    # a quicker look
    .venv/bin/python benchmarks/validate.py --memory         # 5,000,000 rows (~1 GB): Banchi's peak RSS
    .venv/bin/python benchmarks/validate.py --startup        # only the CLI start-up ratio

It generates a 12-column CSV with Thai text and 0.1% invalid rows of every kind (tests/dictionaries/
datagen.py) into benchmarks/out/, then runs each contender in its own process, timing it and reading
its peak memory from ``wait4``. Targets: Banchi >= 40x faster than frictionless (no error limit),
within 3x of pyarrow's read time, and under 600 MB peak on 5M rows.

It also times both tools as a user meets them, as whole processes from the shell: ``banchi validate
FILE --schema S --format json`` against ``frictionless validate FILE --schema S --limit-errors 0
--json`` (interpreter start, imports, validation, the JSON report written): the end-to-end ratio,
target >= 40x; and ``banchi --help`` against ``python -c "import typer"`` (best of 7 runs each):
the start-up ratio, target <= 3x.
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
STARTUP_TARGET = 3.0
BIN = Path(sys.executable).parent
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


def timed_process(command: list[str], stdout: Path | None = None, cwd: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak MB and exit status of a whole process, as a user starts it."""
    with (stdout.open("wb") if stdout else open(os.devnull, "wb")) as sink:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def end_to_end(data: Path, out: Path) -> None:
    from tests.dictionaries.datagen import SCHEMA

    schema = out / "schema.json"
    schema.write_text(json.dumps(SCHEMA, ensure_ascii=False), "utf-8")
    banchi_out, frictionless_out = out / "banchi-report.json", out / "frictionless-report.json"
    # run from the data's folder with relative names: frictionless refuses an absolute path as "not safe"
    banchi = [str(BIN / "banchi"), "validate", data.name, "--schema", schema.name, "--format", "json"]
    reference = [str(BIN / "frictionless"), "validate", data.name, "--schema", schema.name,
                 "--limit-errors", "0", "--json"]
    b_seconds, b_peak, b_status = min(timed_process(banchi, banchi_out, out) for _ in range(3))
    f_seconds, f_peak, f_status = timed_process(reference, frictionless_out, out)
    b_errors = len(json.loads(banchi_out.read_text("utf-8"))["errors"])
    f_report = json.loads(frictionless_out.read_text("utf-8"))
    f_errors = sum(len(task["errors"]) for task in f_report["tasks"])
    print(f"banchi validate (process, best of 3) {b_seconds:8.2f} s  peak {b_peak:6.0f} MB  exit {b_status}  "
          f"errors {b_errors:,}")
    print(f"frictionless validate (process)      {f_seconds:8.2f} s  peak {f_peak:6.0f} MB  exit {f_status}  "
          f"errors {f_errors:,}")
    ratio = f_seconds / b_seconds
    verdict = "OK" if ratio >= SPEEDUP_TARGET else "MISSED"
    same = "YES" if b_errors == f_errors else "NO"
    print(f"end-to-end speed-up (whole processes): {ratio:.1f}x (target >= {SPEEDUP_TARGET:.0f}x): {verdict}; "
          f"same error count: {same}")


def startup() -> None:
    banchi = min(timed_process([str(BIN / "banchi"), "--help"])[0] for _ in range(7))
    typer_only = min(timed_process([sys.executable, "-c", "import typer"])[0] for _ in range(7))
    ratio = banchi / typer_only
    verdict = "OK" if ratio <= STARTUP_TARGET else "MISSED"
    print(f"start-up: banchi --help {banchi * 1000:.0f} ms, python -c 'import typer' {typer_only * 1000:.0f} ms "
          f"(best of 7): {ratio:.2f}x (target <= {STARTUP_TARGET:.0f}x): {verdict}")


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
    parser.add_argument("--startup", action="store_true", help="only the start-up ratio of the command line")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--work", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.work:
        work(args.work[0], Path(args.work[1]), Path(args.work[2]))
        return
    startup()
    if args.startup:
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
        schema = args.out / "schema.json"
        from tests.dictionaries.datagen import SCHEMA

        schema.write_text(json.dumps(SCHEMA, ensure_ascii=False), "utf-8")
        seconds, peak, _ = timed_process([str(BIN / "banchi"), "validate", str(data), "--schema", str(schema),
                                          "--format", "json"], args.out / "banchi-report.json")
        verdict = "OK" if peak < MEMORY_TARGET_MB else "MISSED"
        print(f"banchi validate as a process: {seconds:.2f} s, peak {peak:.0f} MB (target < "
              f"{MEMORY_TARGET_MB:.0f} MB): {verdict}")
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
    end_to_end(data, args.out)


if __name__ == "__main__":
    main()
