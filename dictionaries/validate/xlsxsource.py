"""Read XLSX sheets safely: refuse zip bombs and XML with a document type declaration before openpyxl
reads anything, then stream rows."""

from __future__ import annotations

import codecs
import io
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from dictionaries.messages import problem
from schemas.messages import ProblemsError

MAX_INFLATED = 1 << 30  # 1 GiB of XML is far beyond any sheet a steward uploads
MAX_RATIO = 200  # real XLSX compress 5-20x; bombs compress thousands of times


def check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ProblemsError([problem("bad_xlsx", detail=str(exc))]) from exc
    inflated = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if inflated > MAX_INFLATED or (inflated > 50 << 20 and inflated / packed > MAX_RATIO):
        raise ProblemsError([problem("xlsx_too_large", limit=MAX_INFLATED >> 20)])
    member = member_with_doctype(path)
    if member:
        raise ProblemsError([problem("xlsx_doctype", value=member)])


def member_with_doctype(path: Path) -> str | None:
    """The first member of the archive whose XML declares a document type, if any.

    Excel never writes a DTD; one is how entity expansion ("billion laughs") and external entities get
    into a parser, so a workbook with one is refused before openpyxl parses it. Only the prolog (what
    precedes the root element) can hold it, so only that is read.
    """
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            with archive.open(info) as member:
                if _declares_doctype(member):
                    return info.filename
    return None


PROLOG_CHUNK = 8192


def _declares_doctype(stream: IO[bytes]) -> bool:
    head = stream.read(4)
    encoding = ("utf-16-le" if head[:2] == codecs.BOM_UTF16_LE or head[:2] == b"<\0" else
                "utf-16-be" if head[:2] == codecs.BOM_UTF16_BE or head[:2] == b"\0<" else "utf-8")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text, at, ended = decoder.decode(head).lstrip("\ufeff"), 0, False
    while True:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        if len(text) - at < 9 and not ended:  # "<!DOCTYPE" is nine characters
            chunk = stream.read(PROLOG_CHUNK)
            ended = not chunk
            text = text[at:] + decoder.decode(chunk, final=ended)
            at = 0
            continue
        if text.startswith("<?", at) or text.startswith("<!--", at):  # a declaration, PI or comment: skip it
            closing = "?>" if text[at + 1] == "?" else "-->"
            end = text.find(closing, at + 2)
            while end < 0 and not ended:  # keep only what may begin the closing, however long the comment
                chunk = stream.read(PROLOG_CHUNK)
                ended = not chunk
                text = text[-(len(closing) - 1):] + decoder.decode(chunk, final=ended)
                at, end = 0, text.find(closing)
            if end < 0:
                return False  # unterminated: the parser will say the file is damaged
            at = end + len(closing)
            continue
        return text.startswith("<!", at)  # <!DOCTYPE, or any other markup declaration outside a DTD


def open_sheet(path: Path, sheet: str | None = None) -> tuple[Any, Any]:
    """(workbook, worksheet): the named sheet or the first one; read-only, cached values."""
    from openpyxl import load_workbook

    check_zip(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # a stored file has no .xlsx suffix, which openpyxl insists on for a name: give it the bytes
            source: Any = path if path.suffix.lower() == ".xlsx" else io.BytesIO(path.read_bytes())
            book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:
        raise ProblemsError([problem("bad_xlsx", detail=str(exc) or type(exc).__name__)]) from exc
    if sheet is None:
        return book, book.worksheets[0]
    if sheet not in book.sheetnames:
        names = list(book.sheetnames)
        book.close()
        raise ProblemsError([problem("unknown_sheet", value=sheet, allowed=", ".join(names))])
    return book, book[sheet]


def sheet_rows(worksheet: Any) -> Iterator[list[Any]]:
    """The sheet's rows; a sheet that turns out damaged while streaming is named as such (openpyxl raises
    whatever its parser does)."""
    rows = worksheet.iter_rows(values_only=True)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            raise ProblemsError([problem("bad_xlsx", detail=str(exc) or type(exc).__name__)]) from exc
        yield list(row)
