"""``banchi`` loads only the command it runs: help stays light, and the command table stays complete."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from services.cli import main

ROOT = Path(__file__).resolve().parents[2]
# What made every command wait a second before it started: none of these on the help path.
# (pydantic is not among them: typer imports it to read a command's annotations.)
HEAVY = ("openpyxl", "numpy", "pyarrow", "argon2", "sqlalchemy", "sqlmodel", "fastapi",
         "pythainlp", "weasyprint", "frictionless", "alembic", "catalog", "dictionaries")

_PROBE = """
import json, sys
out_path, args = sys.argv[1], json.loads(sys.argv[2])
sys.argv = ["banchi", *args]
from services.cli.main import app
try:
    app()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
loader = sys.modules.get("pydantic.plugin._loader")
scanned = loader is not None and loader._plugins is not None  # pydantic looked for plugins
with open(out_path, "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules), "plugins_scanned": scanned}, out)
"""


def _run(args: list[str], tmp_path: Path) -> dict[str, Any]:
    """Run ``banchi ARGS`` in a fresh interpreter: its exit ``code``, every module it imported, and
    whether pydantic looked for plugins."""
    out = tmp_path / "modules.json"
    result = subprocess.run([sys.executable, "-c", _PROBE, str(out), json.dumps(args)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert out.exists(), result.stderr
    found: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return found


def _modules_after(args: list[str], tmp_path: Path) -> tuple[int, set[str]]:
    """Run ``banchi ARGS`` in a fresh interpreter; its exit code and every module it imported."""
    found = _run(args, tmp_path)
    return found["code"], set(found["modules"])


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], []])
def test_help_imports_nothing_heavy(args: list[str], tmp_path: Path):
    code, modules = _modules_after(args, tmp_path)
    assert code in (0, 2)  # no arguments: help, with click's usage exit code
    assert _heavy(modules) == [], f"banchi {' '.join(args)} imported heavy modules"
    assert not any(m.startswith("services.cli.commands.") and m != "services.cli.commands.validate"
                   for m in modules)


def test_running_a_command_imports_only_its_module(tmp_path: Path):
    code, modules = _modules_after(["dictionary", "--help"], tmp_path)
    assert code == 0
    loaded = sorted(m.rsplit(".", 1)[-1] for m in modules if m.startswith("services.cli.commands."))
    assert loaded == ["dictionary", "registry_dictionary"]


def _registered_everything() -> dict[str, str]:
    main._register(tuple(main.all_modules()))
    group = typer.main.get_group(main._registry)
    return {name: command.get_short_help_str(limit=1000) for name, command in group.commands.items()}


def test_the_table_names_every_command_with_its_help():
    registered = _registered_everything()
    table = {name: entry.help for name, entry in main.COMMANDS.items() if main._installed(entry)}
    missing = sorted(set(registered) - set(table))
    assert not missing, f"add these commands to COMMANDS in services/cli/main.py: {missing}"
    assert sorted(set(table) - set(registered)) == []
    # the one-line help may lag a command's own wording (it is what --help lists); it must not be empty
    assert all(table.values())
    covered = set().union(*(entry.modules for entry in main.COMMANDS.values()))
    assert set(main.all_modules()) <= covered


def _contributions() -> list[tuple[str, str, str]]:
    """(module, owner module, Typer object) for each command module that adds commands to a Typer
    another command module owns (``@dictionary_app.command``, ``wg_app.add_typer(...)``)."""
    found = []
    for module in main.all_modules():
        tree = ast.parse((ROOT / "services" / "cli" / "commands" / f"{module}.py").read_text("utf-8"))
        imported = {
            alias.asname or alias.name: (node.module or "").rsplit(".", 1)[-1]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(f"{main._PACKAGE}.")
            for alias in node.names
        }
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.attr in ("command", "add_typer", "callback") and node.value.id in imported):
                found.append((module, imported[node.value.id], node.value.id))
    return found


def _command_name_of(owner: str, typer_object: str) -> str:
    """The top-level name under which ``owner``'s ``register`` adds ``typer_object``."""
    tree = ast.parse((ROOT / "services" / "cli" / "commands" / f"{owner}.py").read_text("utf-8"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_typer"
                and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == typer_object):
            for keyword in node.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    raise AssertionError(f"{owner} never registers {typer_object}")


def test_each_entry_loads_every_module_that_adds_to_it():
    """``banchi wg`` needs governance too (it adds ``wg meeting``); the table must say so."""
    contributions = _contributions()
    assert ("registry_dictionary", "dictionary", "dictionary_app") in contributions  # the check sees them
    for module, owner, typer_object in contributions:
        name = _command_name_of(owner, typer_object)
        modules = main.COMMANDS[name].modules
        assert owner in modules and module in modules, f"COMMANDS[{name!r}] must load {module} too"
        assert modules.index(owner) < modules.index(module), name


def test_help_lists_commands_and_a_command_still_runs(tmp_path: Path):
    runner = CliRunner()
    listing = runner.invoke(main.app, ["--help"])
    assert listing.exit_code == 0
    for name, entry in main.COMMANDS.items():
        if main._installed(entry):
            assert name in listing.stdout, name
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"fields": [{"name": "ปี", "type": "year"}]}, ensure_ascii=False), "utf-8")
    data = tmp_path / "data.csv"
    data.write_text("ปี\n2567\nสองพัน\n", "utf-8")
    result = runner.invoke(main.app, ["validate", str(data), "--schema", str(schema), "--format", "json"])
    assert result.exit_code == 1
    assert [e["rowNumber"] for e in json.loads(result.stdout)["errors"]] == [3]
    unknown = runner.invoke(main.app, ["validat"])
    assert unknown.exit_code == 2 and "validate" in unknown.output


def test_the_typer_app_is_still_a_typer_app():
    assert isinstance(main.app, typer.Typer)


def test_validating_loads_nothing_it_does_not_use(tmp_path: Path):
    """``banchi validate`` on a file with every kind of error imports neither ``numpy.ma`` (``pa.array``
    of a NumPy array would: dictionaries/validate/arrays.py) nor pandas, nor reads every installed
    distribution's metadata looking for pydantic plugins; its JSON report reads back whole."""
    from tests.dictionaries.datagen import SCHEMA, write_csv

    data = write_csv(tmp_path / "data.csv", 3000, 0.05)
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA, ensure_ascii=False), "utf-8")
    found = _run(["validate", str(data), "--schema", str(schema), "--format", "json"], tmp_path)
    modules = set(found["modules"])
    assert found["code"] == 1
    assert {"pyarrow.compute", "numpy"} <= modules  # it did validate
    assert not {"numpy.ma", "pandas", "openpyxl", "sqlalchemy", "rich.console"} & modules  # JSON: no Rich
    assert not found["plugins_scanned"]
