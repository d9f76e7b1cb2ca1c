"""Running catalog actions from the command line: one transaction, bilingual errors, exit codes."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from catalog.context import Actor, Context, open_context
from catalog.db import get_engine
from catalog.migrate import is_up_to_date
from schemas.messages import Problem, ProblemsError
from services.cli.output import fail


def cli_actor() -> Actor:
    # whoever runs the command line on the server administers this Banchi
    return Actor(name=f"cli:{getpass.getuser()}", sysadmin=True)


@contextmanager
def action_context(*, as_json: bool = False) -> Iterator[Context]:
    """An action transaction for a command; problems are reported and the command exits 1, nothing written."""
    engine = get_engine()
    if not is_up_to_date(engine):
        fail([Problem(code="database_not_ready",
                      th="ฐานข้อมูลยังไม่พร้อมใช้งาน กรุณาสั่ง banchi init ก่อน",
                      en="The database is not set up or not up to date: run `banchi init` first")],
             as_json=as_json, exit_code=2)
    try:
        with open_context(cli_actor(), engine=engine) as ctx:
            yield ctx
    except ProblemsError as exc:
        fail(exc.problems, as_json=as_json)


def parse_assignments(assignments: list[str]) -> dict[str, object]:
    """``key=value`` pairs from ``--set``; an empty value clears the field."""
    values: dict[str, object] = {}
    problems = []
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep or not key.strip():
            problems.append(Problem(field=assignment, code="bad_assignment",
                                    th=f"“{assignment}” ต้องอยู่ในรูป ชื่อฟิลด์=ค่า",
                                    en=f"“{assignment}” must look like field=value"))
            continue
        values[key.strip()] = value.strip()
    if problems:
        fail(problems, exit_code=2)
    return values
