"""The ``banchi`` command line. Each module in ``services.cli.commands`` adds its own commands."""

from __future__ import annotations

import importlib
import pkgutil

import typer

from services.cli import commands

app = typer.Typer(
    name="banchi",
    help="Banchi (บัญชีข้อมูล): data catalog and metadata registry for Thai government agencies.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
    module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
    module.register(app)


if __name__ == "__main__":
    app()
