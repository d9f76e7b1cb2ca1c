"""Every bash command block of the README runs as written, in order, on a fresh demo database in a temp dir.

Commands starting with ``banchi`` run in-process (typer's CliRunner) with the README's own arguments; anything
else runs in bash. A block is skipped only when it installs Banchi, starts a server or needs an outside
service, with the reason below.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.settings import Settings, get_settings
from services.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# a block's first command (its start) → why the block is not run here
SKIPPED = {
    "python3.11 -m venv .venv && .venv/bin/pip install -e .": "installs Banchi in a new venv and starts a server",
    "python3.11 -m venv .venv && .venv/bin/pip install -q -e '.[test]'":
        "installs Banchi in a new venv and runs the whole test suite, this test among it",
    "banchi publish --ckan-url": "needs a CKAN portal (an outside service, .ci/ckan.sh)",
    "banchi portal add data-bangkok": "its publish line connects to the registered portal (an outside service)",
    "banchi job publish --portal": "its jobs connect to a registered portal (an outside service); `banchi worker` "
                                   "runs until stopped",
}
PASSWORD = "ข้อมูลเปิด-Kanchanaburi-2564-!ฝน"  # for `--ask-password`, which prompts twice
ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")


def bash_blocks() -> list[str]:
    return re.findall(r"^```bash\n(.*?)^```", README.read_text(encoding="utf-8"), re.DOTALL | re.MULTILINE)


def commands(block: str) -> list[str]:
    """The block's commands: continuation lines joined, blank and comment-only lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def skip_reason(block: str) -> str | None:
    first = commands(block)[0]
    return next((reason for start, reason in SKIPPED.items() if first.startswith(start)), None)


def test_the_readme_has_the_blocks_this_test_knows() -> None:
    blocks = bash_blocks()
    assert len(blocks) >= 10
    skipped = [block for block in blocks if skip_reason(block)]
    assert len(skipped) == len(SKIPPED), "each skipped block is still in the README"
    for block in blocks:
        for line in commands(block):
            tokens = list(shlex.shlex(line, posix=True, punctuation_chars=True))  # `a|b` gives a, |, b
            assert "|" not in tokens, f"alternatives written with | inside a command (bash pipes them): {line}"
            assert not any(token.startswith("[") for token in tokens), f"an optional part inside a command: {line}"


def _run(line: str, runner: CliRunner, cwd: Path) -> tuple[int, str]:
    words = shlex.split(line, comments=True)
    env: dict[str, str] = {}
    while words and ASSIGNMENT.match(words[0]):
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    if words[:1] != ["banchi"] or "&&" in words or ";" in words:
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        done = subprocess.run(["bash", "-c", line], cwd=cwd, capture_output=True, text=True,
                              env={**os.environ, "PATH": path}, timeout=300)
        return done.returncode, done.stdout + done.stderr
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, words[1:], env=env or None, input=f"{PASSWORD}\n{PASSWORD}\n")
    finally:
        get_settings.cache_clear()
    return result.exit_code, f"{result.stdout}\n{result.stderr}\n{result.exception!r}"


def test_every_command_block_runs_as_written(banchi_env: Settings, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    code, out = _run("banchi demo", runner, tmp_path)  # the fresh demo database every example reads
    assert code == 0, out
    ran = 0
    for block in bash_blocks():
        if skip_reason(block):
            continue
        for line in commands(block):
            code, out = _run(line, runner, tmp_path)
            assert code == 0, f"README command failed (exit {code}): {line}\n{out}"
            ran += 1
    assert ran >= 40
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
