"""The ``banchi`` command line, loading only the command it runs.

Every command lives in a module of ``services.cli.commands`` whose ``register(app)`` adds it. Importing
all of them (the catalog's models, openpyxl, pyarrow, argon2…) took about a second before any command
started, so the table below names each top-level command, the modules that register it and its one-line
help: ``banchi --help`` is printed from the table alone, and ``banchi validate …`` imports only
``services.cli.commands.validate``. tests/services/test_cli_startup.py checks the table against what the
modules register, so a new command module cannot be forgotten here.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any, NamedTuple

import typer
import typer.main
from typer.core import TyperGroup
from typer.main import _click

UsageError = _click.exceptions.UsageError

_PACKAGE = "services.cli.commands"


class Entry(NamedTuple):
    modules: tuple[str, ...]  # in registration order (a later module may add to an earlier one's group)
    help: str


COMMANDS: dict[str, Entry] = {
    "init": Entry(("setup",), "Create the database, or bring it up to date (safe to run again)."),
    "demo": Entry(("demo",), "Set up the database if needed and load the demo catalog of the BMA Civil "
                             "Service Development Institute."),
    "serve": Entry(("serve",), "Serve the catalog over HTTP (API docs at /docs)."),
    "org": Entry(("organizations",), "Organizations / หน่วยงาน"),
    "person": Entry(("organizations",), "People / บุคลากร"),
    "wg": Entry(("organizations", "governance"), "Working groups / คณะทำงานกำกับดูแลข้อมูล"),
    "account": Entry(("accounts",), "Accounts and roles / บัญชีผู้ใช้และบทบาท"),
    "token": Entry(("accounts",), "Personal API tokens / โทเค็นสำหรับ API"),
    "dataset": Entry(("datasets",), "Datasets / ชุดข้อมูล"),
    "audit": Entry(("datasets",), "The audit log, newest first."),
    "catalog": Entry(("catalog_io",), "Catalog workbooks / นำเข้าและส่งออกบัญชีข้อมูล"),
    "dictionary": Entry(("dictionary", "registry_dictionary"), "Data dictionaries / พจนานุกรมข้อมูล"),
    "validate": Entry(("validate",), "Validate a data file, with or without a data dictionary."),
    "search": Entry(("search",), "Search datasets, with counts per facet."),
    "stage": Entry(("governance",), "Governance stages / ขั้นตอนการดำเนินงานตามตัวชี้วัด"),
    "evidence": Entry(("governance",), "Evidence / หลักฐาน"),
    "indicator": Entry(("governance",), "Datasets an indicator counts / ชุดข้อมูลตามตัวชี้วัด"),
    "score": Entry(("scoring",), "Indicator figures per quarter: target, progress, met, score."),
    "audited-result": Entry(("scoring",), "Record the evaluator's (สยป.) audited result of a quarter."),
    "report": Entry(("scoring",), "The evaluator's report: quarterly table, chart, narratives, evidence."),
    "narrative": Entry(("scoring",), "Quarterly narratives / รายงานผลรายไตรมาส"),
    "portal": Entry(("portals",), "CKAN portals / พอร์ทัล CKAN ที่ลงทะเบียน"),
    "publish": Entry(("publish",), "Publish public datasets to a CKAN portal."),
    "harvest": Entry(("harvest",), "Import a portal's datasets into Banchi."),
    "backup": Entry(("backup",), "Back up every table, stored file and the schema revision into one archive, "
                                 "while Banchi keeps serving."),
    "restore": Entry(("backup",), "Restore an archive into an empty database (every check passes first, or "
                                  "nothing is written)."),
    "worker": Entry(("jobs",), "Run jobs from the queue until stopped (SIGINT/SIGTERM)."),
    "job": Entry(("jobs",), "Background jobs: start, follow, cancel. / งานเบื้องหลัง"),
    "schedule": Entry(("schedules",), "Schedules of portals and checks. / กำหนดเวลางาน"),
}


def _installed(entry: Entry) -> bool:
    """Whether the entry's modules exist: a command whose module has not landed yet is left out."""
    return all(name in all_modules() for name in entry.modules)

# Every module registers into this one Typer, once per process (register() may add to another
# module's group, e.g. governance adds ``wg meeting``: twice would add it twice).
_registry = typer.Typer()
_registered: set[str] = set()


def _register(modules: tuple[str, ...]) -> None:
    for name in modules:
        if name not in _registered:
            importlib.import_module(f"{_PACKAGE}.{name}").register(_registry)
            _registered.add(name)


@functools.cache
def all_modules() -> tuple[str, ...]:
    """Every command module of the package (what the table must cover)."""
    import pkgutil

    from services.cli import commands

    return tuple(sorted(info.name for info in pkgutil.iter_modules(commands.__path__)))


def _uncovered_commands() -> list[str]:
    """Commands of modules the table does not name yet (imported to be found: slower, never lost);
    tests/services/test_cli_startup.py asks for their entries."""
    covered = {module for entry in COMMANDS.values() for module in entry.modules}
    uncovered = tuple(name for name in all_modules() if name not in covered)
    if not uncovered:
        return []
    _register(uncovered)
    return list(typer.main.get_group(_registry).commands)


def load(name: str) -> Any:
    """The click command of one top-level command, importing only the modules it needs."""
    entry = COMMANDS.get(name)
    if entry is not None and not _installed(entry):
        return None
    # a name the table lacks (a module added without its entry) is still found, the slow way
    _register(entry.modules if entry else tuple(all_modules()))
    if not _registry.registered_commands and not _registry.registered_groups:
        return None
    group = typer.main.get_group(_registry)
    return group.commands.get(name)


class _Listed(typer.core.TyperCommand):
    """A stand-in that only prints its line in ``banchi --help`` (the real command is not imported)."""


class LazyGroup(TyperGroup):
    """The top-level group: commands come from :data:`COMMANDS`, imported when run or asked for help."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        listed = [name for name, entry in COMMANDS.items() if _installed(entry)]
        return listed + [name for name in _uncovered_commands() if name not in COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._listing and cmd_name in COMMANDS:
            return _Listed(name=cmd_name, help=COMMANDS[cmd_name].help)
        return load(cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:  # the group's own suggestions look only at loaded commands
            from difflib import get_close_matches

            known = [name for name, entry in COMMANDS.items() if _installed(entry)]
            close = get_close_matches(args[0], known) if args else []
            if close and "Did you mean" not in error.message:
                error.message = f"{error.message.rstrip('.')}. Did you mean {', '.join(map(repr, close))}?"
            raise

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="banchi",
    cls=LazyGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def banchi() -> None:
    """Banchi (บัญชีข้อมูล): data catalog and metadata registry for Thai government agencies."""


if __name__ == "__main__":
    app()
