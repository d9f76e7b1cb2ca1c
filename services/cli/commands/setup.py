"""``banchi init``: create or upgrade the database."""

from __future__ import annotations

import typer

from catalog.db import get_engine
from catalog.migrate import current_revisions, upgrade
from catalog.settings import get_settings
from services.cli.output import console


def init() -> None:
    """Create the database, or bring it up to date (safe to run again). / สร้างหรือปรับปรุงฐานข้อมูล"""
    settings = get_settings()
    settings.effective_storage_dir.mkdir(parents=True, exist_ok=True)
    engine = get_engine()
    before = current_revisions(engine)
    upgrade(engine)
    after = current_revisions(engine)
    state = "up to date / เป็นปัจจุบันแล้ว" if before == after else f"upgraded / ปรับปรุงแล้ว → {', '.join(sorted(after))}"
    console.print(f"Banchi database {engine.url.render_as_string(hide_password=True)}: {state}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
