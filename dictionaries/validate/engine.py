"""The validation engine: check a CSV or XLSX file against a dictionary, frictionless's way, fast.

CSV files stream through Arrow in batches: vectorised checks clear most rows at once, and only the
rows they cannot clear are read cell by cell with the exact rules. A reader thread parses the next
batch while this one is checked, so both cores work. XLSX files and CSV dialects Arrow cannot
mirror take the exact path for every row.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from dictionaries.digest import FileDigest
from dictionaries.encoding import check_encoding_name
from dictionaries.messages import problem
from dictionaries.model import DictField, Dictionary, parse_schema
from dictionaries.quality import figures
from dictionaries.validate import csvsource, xlsxsource
from dictionaries.validate.arrays import bools, positions
from dictionaries.validate.fast import ColumnCheck, ColumnPlan
from dictionaries.validate.findings import Finding
from dictionaries.validate.keys import ForeignSpec, KeyTracker, canonical, key_type
from dictionaries.validate.report import Context, Report, Stats, mark_repeats, to_error
from dictionaries.validate.rows import SAMPLE_ROWS, Layout, check_row, deduplicate, header_row, layout
from schemas.messages import ProblemsError

Progress = Callable[[int, int], None]  # (bytes done, bytes total)
# frictionless decodes through a TextIOWrapper that reads 8 KiB at a time: when a block cannot be
# decoded, the rows that ended before that block are the last it checks. We stop at the same place.
TEXT_CHUNK = 8192
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
CHECK_THREADS = max(2, min(4, os.cpu_count() or 2))
READ_AHEAD = 3  # blocks read and not yet parsed, at most (csvsource.CountingReader)


@dataclass
class _Run:
    lay: Layout
    keys: KeyTracker
    findings: list[Finding] = field(default_factory=list)
    rows: int = 0
    missing: int = 0


class _EncodingFailure(Exception):
    pass


def validate(
    path: str | Path,
    schema: Dictionary | dict[str, Any] | str | Path | None = None,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    match_titles: bool = False,
    references: Mapping[str, Reference] | None = None,
    resource_name: str | None = None,
    digest: FileDigest | None = None,
) -> Report:
    """Validate a data file; bad input (unreadable file, bad schema) raises :class:`ProblemsError`.

    ``match_titles``: a header may name a column by the field's title (the Thai header) instead of
    its name; frictionless accepts names only, so the default keeps its findings.

    Without a schema only the file's structure is checked (blank or duplicate headers, missing or extra
    cells, blank rows, encoding): every column is read as an ``any`` field named by its header.

    ``references``: the other resources of the dataset by name (a file and its dictionary), for foreign
    keys that refer to them; ``resource_name`` is this file's own name (a key may refer to it by name).

    ``digest``: the file's sha256 already being computed (the CLI starts it before loading Arrow);
    without it one is started here, to run beside the parsing.
    """
    started = time.perf_counter()
    dictionary = None if schema is None else schema if isinstance(schema, Dictionary) else parse_schema(schema)
    path = Path(path)
    outside: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    if dictionary is not None:
        dictionary = _own_name_as_self(dictionary, resource_name)
        outside = _outside_lookups(dictionary, references or {})
    run, info = _read(path, dictionary, sheet, encoding and check_encoding_name(encoding), progress, match_titles,
                      digest=digest)
    if run.keys.foreign:
        lookups = {("", key): values for key, values in run.keys.lookup_values.items()}
        if dictionary is not None:
            lookups.update(outside)
        run.findings += run.keys.foreign_findings(lookups)
    return _report(run, info, time.perf_counter() - started)


@dataclass
class Reference:
    """Another resource of the dataset a foreign key may refer to: its file and its dictionary."""

    path: Path
    schema: Dictionary | dict[str, Any] | str | Path
    sheet: str | None = None
    kind: str | None = None  # "csv" or "xlsx" when the path's suffix does not say (a content-addressed store)


def _read(
    path: Path, dictionary: Dictionary | None, sheet: str | None, encoding: str | None,
    progress: Progress | None, match_titles: bool, collect: tuple[str, ...] | None = None, kind: str | None = None,
    digest: FileDigest | None = None,
) -> tuple[_Run, dict[str, Any]]:
    if not path.is_file():
        raise ProblemsError([problem("file_not_found", value=str(path))])
    suffix = f".{kind}" if kind else path.suffix.lower()
    if suffix not in (".xlsx", *CSV_SUFFIXES, ""):
        raise ProblemsError([problem("unsupported_format", value=suffix)])
    digest = digest or FileDigest(path)  # the whole file's sha256, in a thread of its own meanwhile
    try:
        if suffix == ".xlsx":
            run, info = _validate_xlsx(path, dictionary, sheet, progress, match_titles, collect)
        else:
            run, info = _validate_csv(path, dictionary, encoding, progress, match_titles, collect)
        info["bytes"], info["sha256"] = digest.result()
    finally:
        digest.cancel()
    return run, info


def _own_name_as_self(dictionary: Dictionary, name: str | None) -> Dictionary:
    """A key that names this very resource refers to it, as an empty name does."""
    if not name or not any(k.reference.resource == name for k in dictionary.foreign_keys):
        return dictionary
    copy = dictionary.model_copy(deep=True)
    for key in copy.foreign_keys:
        if key.reference.resource == name:
            key.reference.resource = ""
    return copy


def _outside_lookups(
    dictionary: Dictionary, references: Mapping[str, Reference]
) -> dict[tuple[str, tuple[str, ...]], set[str]]:
    """The values each foreign key to another resource may take, read from that resource's file."""
    found: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for key in dictionary.foreign_keys:
        name, fields = key.reference.resource, tuple(key.reference.fields)
        if name == "" or (name, fields) in found:
            continue
        if name not in references:
            allowed = ", ".join(sorted(references)) or "-"
            raise ProblemsError([problem("unknown_reference", field="foreignKeys", value=name, allowed=allowed)])
        other = references[name]
        schema = other.schema if isinstance(other.schema, Dictionary) else parse_schema(other.schema)
        missing = [f for f in fields if f not in schema.field_names]
        if missing:
            raise ProblemsError([problem("bad_foreign_key", field="foreignKeys", value=", ".join(missing))])
        run, _ = _read(Path(other.path), schema, other.sheet, None, None, False, collect=fields, kind=other.kind)
        found[(name, fields)] = run.keys.lookup_values.get(fields, set())
    return found


def structure_only(labels: list[str]) -> Dictionary:
    """The dictionary of a file checked without one: an ``any`` field per header, in order (a blank
    header is named ``fieldN`` as frictionless names it)."""
    names = deduplicate([label or f"field{n}" for n, label in enumerate(labels, start=1)])
    fields = [DictField(name=name, type="any") for name in names]
    return Dictionary.model_construct(fields=fields, primary_key=[], missing_values=[""], fields_match=None,
                                      title=None, description=None, structure_only=True)


def header_warnings(header_number: int, widths: list[int]) -> list[str]:
    """A header found below the first row, or one narrower than the data: a title line above it?"""
    if header_number > 1:
        message = problem("header_not_first", row=header_number)
    else:
        below = [w for w in widths[header_number:] if w]
        width = max(set(below), key=below.count) if below else 0
        if not widths or widths[header_number - 1] >= width:
            return []
        message = problem("header_narrow", labels=widths[header_number - 1], width=width)
    return [f"{message.th} / {message.en}"]


def _tracker(dictionary: Dictionary, lay: Layout, collect: tuple[str, ...] | None = None) -> KeyTracker:
    """What to remember across rows: unique values, the primary key, foreign keys and the values they
    may refer to in this file; with ``collect``, only the values of those fields (another resource's
    foreign key refers to them)."""
    names = [f.name for f in lay.fields]

    def placed(fields: list[str]) -> list[tuple[int, str]] | None:
        if not all(name in names for name in fields):
            return None
        return [(names.index(name), lay.fields[names.index(name)].type) for name in fields]

    if collect is not None:
        found = placed(list(collect))
        return KeyTracker([], None, [], {collect: found} if found else {})
    foreign: list[ForeignSpec] = []
    lookups: dict[tuple[str, ...], list[tuple[int, str]]] = {}
    for key in dictionary.foreign_keys:
        own = placed(key.fields)
        if own is None:  # frictionless skips a key whose fields the header lacks
            continue
        resource = key.reference.resource
        fields = [(index, name, kind) for (index, kind), name in zip(own, key.fields, strict=True)]
        foreign.append(ForeignSpec(fields, resource, tuple(key.reference.fields)))
        if resource == "" and (target := placed(key.reference.fields)):
            lookups[tuple(key.reference.fields)] = target
    unique = [
        (index, f.name, f.type)
        for index, (f, own) in enumerate(zip(lay.fields, lay.schema_field, strict=True))
        if own and f.constraints.unique
    ]
    primary = None
    if dictionary.primary_key and all(name in names for name in dictionary.primary_key):
        primary = [(names.index(name), lay.fields[names.index(name)].type) for name in dictionary.primary_key]
    return KeyTracker(unique, primary, foreign, lookups)


def _check_rows(run: _Run, numbered: Iterator[tuple[int, list[Any]]]) -> None:
    """The exact path, row by row."""
    key_fields = sorted(run.keys.fields)
    types = [f.type for f in run.lay.fields]
    rows: list[int] = []
    values: list[list[Any]] = []
    for number, cells in numbered:
        result = check_row(cells, number, run.lay)
        run.findings.extend(result.findings)
        run.missing += result.missing
        run.rows += 1
        if key_fields:
            rows.append(number)
            values.append(result.values)
            if len(rows) >= 50_000:
                run.keys.add_values(rows, values, types)
                rows, values = [], []
    run.keys.add_values(rows, values, types)


# -- CSV ---------------------------------------------------------------------------------------


def _validate_csv(
    path: Path, dictionary: Dictionary | None, encoding: str | None, progress: Progress | None, match_titles: bool,
    collect: tuple[str, ...] | None = None,
) -> tuple[_Run, dict[str, Any]]:
    source = csvsource.open_source(path, encoding)
    dictionary = dictionary or structure_only(source.labels)
    info: dict[str, Any] = {
        "path": str(path), "format": "csv", "encoding": source.encoding, "delimiter": source.dialect.delimiter,
        "headerRow": source.header_number, "widths": source.widths, "dictionary": dictionary,
    }
    try:
        run = _csv_pass(source, dictionary, None, progress, match_titles, collect)
    except _EncodingFailure:
        offset, reason = _first_bad_byte(path, source.encoding)
        run = _csv_pass(source, dictionary, offset - offset % TEXT_CHUNK, progress, match_titles, collect)
        run.findings.append(Finding("encoding-error", note=reason, extra={"byte": offset}))
    return run, info


def _csv_pass(
    source: csvsource.CsvSource,
    dictionary: Dictionary,
    limit: int | None,
    progress: Progress | None,
    match_titles: bool,
    collect: tuple[str, ...] | None = None,
) -> _Run:
    lay = layout(dictionary, source.labels, match_titles)
    run = _Run(lay, _tracker(dictionary, lay, collect), list(lay.header_findings))
    if lay.fatal:
        return run
    total = limit if limit is not None else source.size
    on_read = (lambda done: progress(min(done, total), total)) if progress else None
    fast = source.dialect.plain and all("" in r.missing for r in lay.readers) and source.labels
    ahead = READ_AHEAD if fast else None  # Arrow would read 32 blocks ahead of its parser
    reader = csvsource.CountingReader(source.path, _prefix_end(source.path, limit), on_read, ahead)
    try:
        if fast:
            _fast_pass(run, source, reader)
        else:
            _python_pass(run, source, reader)
    finally:
        reader.close()
    return run


def _prefix_end(path: Path, limit: int | None) -> int | None:
    """With an encoding error, read only the whole lines before the undecodable 8 KiB block."""
    if limit is None:
        return None
    with path.open("rb") as handle:
        head = handle.read(limit)
    return head.rfind(b"\n") + 1


def _python_pass(run: _Run, source: csvsource.CsvSource, reader: io.RawIOBase) -> None:
    text = io.TextIOWrapper(io.BufferedReader(reader), encoding=source.encoding, newline="")
    try:
        _check_rows(run, csvsource.python_rows(source, text))
    except UnicodeDecodeError as exc:
        raise _EncodingFailure from exc
    except csv.Error as exc:
        raise ProblemsError([csvsource.csv_problem(exc, run.rows + source.header_number + 1)]) from exc


def _prefetch(iterator: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """Run ``iterator`` in a thread (Arrow parses without the GIL) while the caller checks."""
    items: queue.Queue[Any] = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in iterator:
                while not stop.is_set():
                    try:
                        items.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            items.put(done)
        except BaseException as exc:  # handed to the consumer
            items.put(exc)

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


def _fast_pass(run: _Run, source: csvsource.CsvSource, reader: csvsource.CountingReader) -> None:
    lay = run.lay
    key_fields = run.keys.fields
    plans = [ColumnPlan(f, r, i in key_fields) for i, (f, r) in enumerate(zip(lay.fields, lay.readers, strict=True))]
    types = [f.type for f in lay.fields]
    # Arrow's kernels release the GIL: the columns of a batch are checked on every core, while the
    # reader thread parses the next batch, and this thread reads the rows the checks could not clear
    # of the batch before (Python, holding the GIL) while the checks of this one run.
    pool = ThreadPoolExecutor(max_workers=CHECK_THREADS, thread_name_prefix="banchi-check")
    previous: tuple[csvsource.Batch, list[Future[ColumnCheck]]] | None = None
    try:
        for batch in _prefetch(csvsource.arrow_batches(source, reader)):
            checking = [pool.submit(plan.check, column) for plan, column in zip(plans, batch.columns, strict=True)]
            if previous is not None:
                _finish_batch(run, types, *previous)
            previous = batch, checking
        if previous is not None:
            _finish_batch(run, types, *previous)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        message = str(exc)
        if isinstance(exc, UnicodeDecodeError) or "UTF8" in message or "decode" in message:
            raise _EncodingFailure from exc
        raise ProblemsError([csvsource.csv_problem(exc, run.rows + source.header_number + 1)]) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _finish_batch(run: _Run, types: list[str], batch: csvsource.Batch, checking: list[Future[ColumnCheck]]) -> None:
    """The rest of a batch once its columns are checked: the rows they could not clear read the exact
    way, the keys added; then the rows Arrow refused (too few or too many cells), one by one."""
    checks = [future.result() for future in checking]
    if len(batch.rows):
        _fast_batch(run, types, batch, checks)
    if batch.ragged:
        _check_rows(run, iter(batch.ragged))


def _fast_batch(run: _Run, types: list[str], batch: csvsource.Batch, checks: list[ColumnCheck]) -> None:
    ok = np.logical_and.reduce([c.ok for c in checks])
    blank = np.logical_and.reduce([c.missing for c in checks])
    flagged = ~ok | blank
    index = np.flatnonzero(flagged)
    clean = ~flagged
    run.missing += int(sum(int(np.count_nonzero(c.missing & clean)) for c in checks))
    run.rows += len(batch.rows)
    exact_values: list[list[Any]] = []
    if len(index):
        picked = positions(index)
        texts = [check.column.take(picked).to_pylist() for check in checks]
        for position, cells in enumerate(zip(*texts, strict=True)):
            result = check_row(list(cells), int(batch.rows[index[position]]), run.lay)
            run.findings.extend(result.findings)
            run.missing += result.missing
            exact_values.append(result.values)
    if not run.keys.fields:
        return
    keys: dict[int, pa.Array] = {}
    mask = bools(flagged)
    for field_index in run.keys.fields:
        fast_keys = checks[field_index].key
        data_type = key_type(types[field_index])
        fast_keys = fast_keys.cast(data_type) if fast_keys is not None else pa.nulls(len(flagged), data_type)
        if len(index):
            exact = pa.array([canonical(types[field_index], v[field_index]) for v in exact_values], data_type)
            fast_keys = pa.compute.replace_with_mask(fast_keys, mask, exact)
        keys[field_index] = fast_keys
    run.keys.add(keys, batch.rows)


def _first_bad_byte(path: Path, encoding: str) -> tuple[int, str]:
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start, str(exc)
            offset += len(chunk)
    return offset, "undecodable data"


# -- XLSX --------------------------------------------------------------------------------------


def _validate_xlsx(
    path: Path, dictionary: Dictionary | None, sheet: str | None, progress: Progress | None, match_titles: bool,
    collect: tuple[str, ...] | None = None,
) -> tuple[_Run, dict[str, Any]]:
    book, worksheet = xlsxsource.open_sheet(path, sheet)
    try:
        rows = xlsxsource.sheet_rows(worksheet)
        sample = list(itertools.islice(rows, SAMPLE_ROWS))
        if not sample:
            raise ProblemsError([problem("empty_file")])
        header = header_row([len(cells) for cells in sample])
        # a worksheet pads every row to its widest: count up to the last filled cell instead
        widths = [max((i + 1 for i, cell in enumerate(cells) if cell not in (None, "")), default=0)
                  for cells in sample]
        labels = ["" if cell is None else str(cell).strip() for cell in sample[header - 1]]
        dictionary = dictionary or structure_only(labels)
        lay = layout(dictionary, labels, match_titles)
        run = _Run(lay, _tracker(dictionary, lay, collect), list(lay.header_findings))
        if lay.fatal:
            sample, rows = [], iter(())
        total = max(worksheet.max_row or 1, 1)

        def numbered() -> Iterator[tuple[int, list[Any]]]:
            for number, cells in enumerate(itertools.chain(sample, rows), start=1):
                if number <= header:
                    continue
                if progress and number % 5000 == 0:
                    progress(min(number, total), total)
                yield number, cells

        _check_rows(run, numbered())
    finally:
        book.close()
    return run, {"path": str(path), "format": "xlsx", "sheet": worksheet.title,
                 "headerRow": header, "widths": widths, "dictionary": dictionary}


# -- report ------------------------------------------------------------------------------------


def _report(run: _Run, info: dict[str, Any], seconds: float) -> Report:
    dictionary: Dictionary = info.pop("dictionary")
    if getattr(dictionary, "structure_only", False):
        info["structureOnly"] = True
    header = [f for f in run.findings if f.row is None and f.type != "encoding-error"]
    stream = [f for f in run.findings if f.type == "encoding-error"]
    rows = [f for f in run.findings if f.row is not None] + run.keys.findings()
    rows.sort(key=Finding.sort_key)
    findings = header + rows + stream
    context = Context(run.lay.fields, dictionary.primary_key, info.get("encoding"), len(run.lay.fields))
    errors = [to_error(f, context) for f in findings]
    mark_repeats(errors)
    bad_rows = len({f.row for f in rows})
    cells = run.rows * len(run.lay.fields)
    quality = figures(run.rows, bad_rows, cells, run.missing)
    stats = Stats(
        errors=len(errors), rows=run.rows, fields=len(dictionary.fields),
        bytes=info.pop("bytes"), sha256=info.pop("sha256"), seconds=round(seconds, 3),
    )
    warnings = header_warnings(info.pop("headerRow", 1), info.pop("widths", []))
    return Report(valid=not errors, stats=stats, errors=errors, quality=quality, source=info, warnings=warnings)
