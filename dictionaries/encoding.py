"""Detect how a CSV file is written: encoding (UTF-8, UTF-8 with BOM, TIS-620/cp874) and delimiter.

Detected, never assumed: a BOM decides at once; otherwise the head of the file must decode as UTF-8,
or look like Thai in cp874 (charset-normalizer decides between the candidates). The delimiter is
sniffed on the first 100 lines, as frictionless does, among comma, semicolon, tab and pipe.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from dictionaries.messages import problem
from schemas.messages import ProblemsError

HEAD_BYTES = 1 << 20
SAMPLE_LINES = 100
DELIMITERS = ",\t;|"
_THAI = range(0x0E00, 0x0E80)


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    quotechar: str = '"'
    escapechar: str | None = None
    skipinitialspace: bool = False

    def python(self) -> type[csv.Dialect]:
        class _Dialect(csv.excel):
            pass

        _Dialect.delimiter = self.delimiter
        _Dialect.quotechar = self.quotechar
        _Dialect.escapechar = self.escapechar
        _Dialect.doublequote = True
        _Dialect.skipinitialspace = self.skipinitialspace
        return _Dialect

    @property
    def plain(self) -> bool:
        """Whether Arrow's CSV parser reads this dialect exactly like Python's csv module."""
        return self.quotechar == '"' and self.escapechar is None and not self.skipinitialspace


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


# What a file really is when it is not text, by its first bytes: a workbook, a PDF or a picture
# renamed (or downloaded) as .csv is named as such, rather than read as garbled text.
_MAGIC: list[tuple[bytes, str, str]] = [
    (b"PK\x03\x04", "ไฟล์ XLSX (Excel) หรือ ZIP", "an XLSX (Excel) or ZIP file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ไฟล์ Excel รุ่นเก่า (.xls)", "an old Excel (.xls) file"),
    (b"%PDF", "ไฟล์ PDF", "a PDF file"),
    (b"\x89PNG", "รูปภาพ PNG", "a PNG picture"),
    (b"\xff\xd8\xff", "รูปภาพ JPEG", "a JPEG picture"),
    (b"GIF8", "รูปภาพ GIF", "a GIF picture"),
    (b"\x1f\x8b", "ไฟล์บีบอัด gzip", "a gzip archive"),
]
_HTML = (b"<!doctype html", b"<html")


def sniff_kind(head: bytes) -> tuple[str, str] | None:
    """(Thai, English) name of what the bytes are, when they are plainly not a CSV text."""
    for magic, thai, english in _MAGIC:
        if head.startswith(magic):
            return thai, english
    start = head.lstrip(codecs.BOM_UTF8).lstrip()[:64].lower()
    if start.startswith(_HTML):
        return "หน้าเว็บ HTML", "an HTML web page"
    return None


def is_binary(head: bytes) -> bool:
    """NUL bytes never occur in UTF-8 or cp874 text; they do in executables, images, archives."""
    return b"\x00" in head[:65536]


def _cut_partial(head: bytes, full: bool) -> bytes:
    """Drop an incomplete UTF-8 sequence at the end of a head that stops mid-file."""
    if full:
        return head
    for back in range(1, 4):
        if len(head) >= back and head[-back] & 0xC0 == 0xC0:
            return head[:-back]
    return head


def detect_encoding(head: bytes, *, full: bool = True) -> str:
    """``utf-8-sig``, ``utf-8`` or ``cp874``; raise a bilingual problem when none fits."""
    kind = sniff_kind(head)
    if kind is not None:
        raise ProblemsError([problem("not_csv", kind=kind[0], kind_en=kind[1])])
    if is_binary(head):
        raise ProblemsError([problem("binary_file")])
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    body = _cut_partial(head, full)
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # UTF-8 with a stray bad byte stays UTF-8 (the engine reports an encoding error where it is)
    text = body.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if len(text) - len(body.decode("ascii", errors="ignore")) > 20 * broken:
        return "utf-8"
    from charset_normalizer import from_bytes  # only for files that are not UTF-8 (saves its import)

    best = from_bytes(head, cp_isolation=["cp874", "tis_620", "iso8859_11", "cp1252", "latin_1"]).best()
    text = head.decode("cp874", errors="replace")
    thai = sum(1 for ch in text if ord(ch) in _THAI)
    if text.count("\ufffd") * 20 >= max(thai, 1):
        raise ProblemsError([problem("unknown_encoding")])
    if best is not None and best.encoding in ("cp874", "tis_620", "iso8859_11") and thai:
        return "cp874"
    if thai >= max(1, len(text) // 50):  # Thai text is rarely below 2% Thai letters
        return "cp874"
    raise ProblemsError([problem("unknown_encoding")])


def check_encoding_name(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ProblemsError([problem("bad_encoding_name", value=name)]) from None


def sample_lines(text: str, count: int = SAMPLE_LINES) -> list[str]:
    return io.StringIO(text, newline="").readlines()[:count]


def sniff_dialect(lines: list[str]) -> Dialect:
    """frictionless's rule: ``csv.Sniffer`` on the first 100 lines, single quotes never trusted."""
    try:
        found = csv.Sniffer().sniff("".join(lines), DELIMITERS)
    except csv.Error:
        return Dialect()
    quotechar = '"' if found.quotechar == "'" else found.quotechar or '"'
    return Dialect(found.delimiter, quotechar, found.escapechar, bool(found.skipinitialspace))
