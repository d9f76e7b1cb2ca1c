"""Stream a CSV file through Arrow's parser in batches of string columns, with frictionless row numbers.

Arrow rejects rows whose cell count differs from the header's; its invalid-row handler hands them
to us (parsed again with Python's csv, checked one by one) together with their record number, and
the row numbers of the good rows are worked out from the gaps they leave. Record numbers count CSV
records (a quoted line break does not start a new one) with the header as row 1, as frictionless.
"""

from __future__ import annotations

import csv
import io
import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from dictionaries.encoding import (
    Dialect,
    detect_encoding,
    read_head,
    sample_lines,
    sniff_dialect,
)
from dictionaries.messages import problem
from dictionaries.validate.rows import SAMPLE_ROWS, header_row
from schemas.messages import ProblemsError

BLOCK_SIZE = 8 << 20  # also the largest row Arrow accepts; large batches: fewer calls of each kernel
csv.field_size_limit(BLOCK_SIZE)  # the same cap for rows read by Python's csv (frictionless lifts it too)


@dataclass
class CsvSource:
    path: Path
    encoding: str
    dialect: Dialect
    labels: list[str]
    size: int
    header_number: int  # record number of the header row (usually 1)
    widths: list[int] = field(default_factory=list)  # cells per row of the first rows


def open_source(path: Path, encoding: str | None = None) -> CsvSource:
    size = path.stat().st_size
    head = read_head(path)
    if not head.strip(b"\xef\xbb\xbf \r\n\t"):
        raise ProblemsError([problem("empty_file")])
    encoding = encoding or detect_encoding(head, full=len(head) == size)
    text = head.decode(encoding, errors="ignore")
    lines = sample_lines(text)
    dialect = sniff_dialect(lines)
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect.python())
    try:
        sample = list(itertools.islice(reader, SAMPLE_ROWS))
    except csv.Error as exc:
        raise ProblemsError([csv_problem(exc, reader.line_num)]) from exc
    widths = [len(cells) for cells in sample]
    number = header_row(widths)
    labels = [cell.strip() for cell in sample[number - 1]] if sample else []
    return CsvSource(path, encoding, dialect, labels, size, number, widths)


def csv_problem(exc: Exception, row: int) -> Any:
    if "field larger" in str(exc) or "straddl" in str(exc):
        return problem("cell_too_large", row=row, limit=BLOCK_SIZE >> 20)
    return problem("bad_csv", row=row, detail=str(exc))


class CountingReader(io.RawIOBase):
    """A file that counts what is read from it (for progress), up to an optional limit.

    Arrow's CSV reader reads up to 32 blocks ahead of its parser, in an I/O thread of its own: 256 MB
    of 8 MB blocks waiting in memory. With ``ahead`` set, a read waits until the parser has yielded
    enough batches (:meth:`taken`, one per block) that at most ``ahead`` blocks wait unparsed. A row may
    straddle two blocks, so ``ahead`` is at least 2; and a wait never lasts past a second, so a block
    that yields no batch can slow the reading but never stop it."""

    def __init__(self, path: Path, limit: int | None = None, on_read: Callable[[int], None] | None = None,
                 ahead: int | None = None):
        self._file = path.open("rb", buffering=0)
        self.bytes = 0
        self.limit = limit
        self.on_read = on_read
        self._ahead = max(ahead, 2) if ahead else None
        self._reads = 0
        self._taken = 0
        self._paced = threading.Condition()

    def readable(self) -> bool:
        return True

    def taken(self) -> None:
        """The parser yielded a batch: one block fewer waits."""
        with self._paced:
            self._taken += 1
            self._paced.notify_all()

    def read(self, size: int = -1) -> bytes:
        if (ahead := self._ahead) is not None:
            with self._paced:
                self._paced.wait_for(lambda: self.closed or self._reads < self._taken + ahead, timeout=1.0)
                self._reads += 1
        if self.limit is not None:
            left = self.limit - self.bytes
            size = left if size < 0 else min(size, left)
        data = self._file.read(size)
        self.bytes += len(data)
        if self.on_read:
            self.on_read(self.bytes)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        with self._paced:
            self._file.close()
            super().close()
            self._paced.notify_all()


@dataclass
class Batch:
    columns: list[pa.Array]
    rows: np.ndarray
    ragged: list[tuple[int, list[str]]] = field(default_factory=list)


class _Ragged:
    """Collects the rows Arrow refused (too few or too many cells), in file order."""

    def __init__(self) -> None:
        self.numbers: list[int] = []
        self.pending: list[tuple[int, str]] = []

    def __call__(self, row: Any) -> str:
        self.numbers.append(row.number)
        self.pending.append((row.number, row.text))
        return "skip"


def arrow_batches(source: CsvSource, reader_file: CountingReader) -> Iterator[Batch]:
    """Batches of binary columns with their record numbers; the header row is dropped.

    Cells come as bytes (valid UTF-8 not yet checked): the check threads cast each column to text,
    which checks its UTF-8, so that work runs on every core rather than in this one parser thread."""
    names = [f"c{i}" for i in range(len(source.labels))]
    ragged = _Ragged()
    read_options = pacsv.ReadOptions(
        column_names=names,
        block_size=BLOCK_SIZE,
        use_threads=False,  # row numbers of refused rows are known only single-threaded
        encoding="utf8" if source.encoding in ("utf-8", "utf-8-sig") else source.encoding,
    )
    parse_options = pacsv.ParseOptions(
        delimiter=source.dialect.delimiter,
        quote_char=source.dialect.quotechar,
        double_quote=True,
        newlines_in_values=True,
        ignore_empty_lines=False,
        invalid_row_handler=ragged,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={name: pa.binary() for name in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    stream = pacsv.open_csv(reader_file, read_options, parse_options, convert_options)
    python_dialect = source.dialect.python()
    seen = 0  # good records so far, header included
    for record_batch in stream:
        reader_file.taken()
        count = record_batch.num_rows
        skipped = np.asarray(ragged.numbers, dtype=np.int64)
        ordinals = np.arange(seen, seen + count, dtype=np.int64)
        before = skipped - 1 - np.arange(len(skipped), dtype=np.int64)
        rows = ordinals + 1 + np.searchsorted(before, ordinals, side="right")
        seen += count
        columns = list(record_batch.columns)
        if rows.size and rows[0] <= source.header_number:  # the header and rows above it
            start = int(np.searchsorted(rows, source.header_number, side="right"))
            columns = [c.slice(start) for c in columns]
            rows = rows[start:]
        pending, ragged.pending = ragged.pending, []
        yield Batch(columns, rows, _parsed(pending, source.header_number, python_dialect))
    if ragged.pending:
        yield Batch([pa.array([], pa.binary()) for _ in names], np.empty(0, np.int64),
                    _parsed(ragged.pending, source.header_number, python_dialect))


def _parsed(pending: list[tuple[int, str]], header: int, dialect: type[csv.Dialect]) -> list[tuple[int, list[str]]]:
    return [(number, _cells(text, dialect)) for number, text in pending if number > header]


def _cells(text: str, dialect: type[csv.Dialect]) -> list[str]:
    return next(csv.reader(io.StringIO(text, newline=""), dialect=dialect), [])


def python_rows(source: CsvSource, text_stream: io.TextIOBase) -> Iterator[tuple[int, list[str]]]:
    """The slow, exact reader for dialects Arrow cannot mirror: (record number, cells), header skipped."""
    reader = csv.reader(text_stream, dialect=source.dialect.python())
    for number, cells in enumerate(reader, start=1):
        if number > source.header_number:
            yield number, cells
