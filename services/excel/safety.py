"""Refuse a workbook before openpyxl opens it: not an .xlsx, damaged, password-protected, a zip bomb, or
XML declaring a document type (entity expansion).

An .xlsx is a zip archive. Its central directory states every member's inflated size, and Python's
zipfile never inflates a member beyond the size it states (a lie fails the CRC check), so checking the
stated sizes and ratios here bounds what openpyxl can ever inflate.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import olefile

from dictionaries.validate.xlsxsource import member_with_doctype
from schemas.excel_messages import excel_problem
from schemas.messages import ProblemsError

MAX_INFLATED_TOTAL = 512 << 20  # a 5,000-dataset catalog inflates to ~30 MiB
MAX_MEMBERS = 10_000
RATIO_CHECKED_ABOVE = 8 << 20  # small members compress however they like
MAX_RATIO = 100  # worksheets compress 5-30x; bombs compress hundreds or thousands of times
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
OLE_ENCRYPTED_STREAM = "EncryptedPackage"  # MS-OFFCRYPTO: an encrypted OOXML file is an OLE container with it


def check_workbook_file(path: Path) -> None:
    """Raise ProblemsError naming the file if it must not be opened."""
    name = path.name
    if not path.is_file():
        raise ProblemsError([excel_problem("file_missing", value=str(path))])
    if olefile.isOleFile(str(path)):
        try:
            with olefile.OleFileIO(str(path)) as ole:
                encrypted = ole.exists(OLE_ENCRYPTED_STREAM)
        except (OSError, ValueError) as exc:  # olefile raises OSError subclasses for damaged containers
            raise ProblemsError([excel_problem("not_xlsx", value=name, detail=str(exc))]) from exc
        raise ProblemsError([excel_problem("encrypted" if encrypted else "legacy_xls", value=name)])
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ProblemsError([excel_problem("not_xlsx", value=name, detail=str(exc) or type(exc).__name__)]) from exc
    names = {member.filename for member in members}
    missing = [member for member in REQUIRED_MEMBERS if member not in names]
    if missing:
        raise ProblemsError([excel_problem("not_xlsx", value=name, detail=f"no {', '.join(missing)}")])
    if any(member.flag_bits & 0x1 for member in members):
        raise ProblemsError([excel_problem("encrypted", value=name)])
    _check_sizes(name, members)
    member = member_with_doctype(path)
    if member:
        raise ProblemsError([excel_problem("doctype", value=name, detail=member)])


def _check_sizes(name: str, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise ProblemsError([excel_problem("zip_bomb", value=name, detail=f"{len(members):,} members")])
    total = sum(member.file_size for member in members)
    if total > MAX_INFLATED_TOTAL:
        detail = f"{total:,} bytes inflated, limit {MAX_INFLATED_TOTAL:,}"
        raise ProblemsError([excel_problem("zip_bomb", value=name, detail=detail)])
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE and ratio > MAX_RATIO:
            detail = f"{member.filename}: {member.file_size:,} bytes from {member.compress_size:,} ({ratio:,.0f}x)"
            raise ProblemsError([excel_problem("zip_bomb", value=name, detail=detail)])
