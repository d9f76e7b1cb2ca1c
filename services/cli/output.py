"""How commands speak: JSON for programs, Rich tables for people, bilingual problems on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console

from services.cli.formats import OutputFormat

if TYPE_CHECKING:  # pydantic stays off the start-up path of commands that print no records
    from pydantic import BaseModel

    from schemas.messages import Problem

__all__ = ["OutputFormat", "both_languages", "console", "err_console", "fail", "print_json", "print_records",
           "print_table"]

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # messages stay whole for people and for grep


def print_json(data: Any) -> None:
    """UTF-8 JSON on stdout, Thai left readable (no \\u escapes)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def both_languages(kind: str, key: Any) -> str:
    """A stored key (a state, a kind, yes or no) as a command shows it: its Thai and English labels."""
    from schemas.labels import value_label

    th, en = value_label(kind, key, "th"), value_label(kind, key, "en")
    return th if th == en else f"{th} / {en}"


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(table)


def print_records(
    output: OutputFormat, records: Sequence[BaseModel], title: str, columns: Sequence[str],
    row: Callable[[Any], Sequence[Any]],
) -> None:
    """A list of records: JSON for programs, or a table with one ``row(record)`` per record."""
    if output is OutputFormat.json:
        print_json([record.model_dump(mode="json") for record in records])
    else:
        print_table(title, columns, [row(record) for record in records])


def fail(problems: Sequence[Problem], *, as_json: bool = False, exit_code: int = 1) -> NoReturn:
    """Report every problem (Thai first, then English) and exit non-zero; nothing was written."""
    if as_json:
        print_json({"success": False, "errors": [p.model_dump(exclude_none=True) for p in problems]})
    else:
        err_console.print(f"[bold red]ไม่สำเร็จ / Failed[/]: {len(problems)} ปัญหา / problem(s)")
        for item in problems:
            place = " ".join(
                str(part)
                for part in (item.sheet, f"row {item.row}" if item.row is not None else None, item.column or item.field)
                if part
            )
            err_console.print(f" • [bold]{place}[/]" if place else " •", highlight=False)
            err_console.print(f"   {item.th}", highlight=False, markup=False)
            err_console.print(f"   {item.en}", highlight=False, markup=False)
    raise typer.Exit(exit_code)
