"""``banchi demo``: load the demo catalog (idempotent)."""

from __future__ import annotations

import typer

from catalog.db import get_engine
from catalog.demo import load_demo
from catalog.migrate import upgrade
from services.cli.output import console
from services.cli.session import action_context


def demo() -> None:
    """Set up the database if needed and load the demo catalog of the BMA Civil Service Development Institute.
    / โหลดข้อมูลตัวอย่าง สถาบันพัฒนาข้าราชการกรุงเทพมหานคร"""
    upgrade(get_engine())
    with action_context() as ctx:
        result = load_demo(ctx)
    if result.created:
        added = ", ".join(f"{count} {kind}" for kind, count in result.created.items())
        console.print(f"โหลดข้อมูลตัวอย่างแล้ว / demo loaded: {added}", highlight=False)
    else:
        console.print("ข้อมูลตัวอย่างมีครบแล้ว / demo already loaded: nothing to add", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
