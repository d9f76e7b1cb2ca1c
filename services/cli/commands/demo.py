"""``banchi demo``: load the demo catalog (idempotent) and the demo sign-ins, one account per role."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.db import get_engine
from catalog.demo import load_demo
from catalog.demo.accounts import DemoSignIn, generate_password, load_demo_accounts
from catalog.migrate import upgrade
from services.cli.output import console, print_table
from services.cli.session import action_context


def demo(
    password: Annotated[str | None, typer.Option(
        help="the demo accounts' password (default: one generated and printed); also resets existing ones")] = None,
) -> None:
    """Set up the database if needed and load the demo catalog of the BMA Civil Service Development Institute,
    with an account to sign in as for each role. / โหลดข้อมูลตัวอย่าง สถาบันพัฒนาข้าราชการกรุงเทพมหานคร
    พร้อมบัญชีผู้ใช้ตัวอย่างทุกบทบาท"""
    upgrade(get_engine())
    chosen = password or generate_password()
    with action_context() as ctx:
        result = load_demo(ctx)
        sign_ins = load_demo_accounts(ctx, chosen, reset_existing=password is not None)
    if result.created:
        added = ", ".join(f"{count} {kind}" for kind, count in result.created.items())
        console.print(f"โหลดข้อมูลตัวอย่างแล้ว / demo loaded: {added}", highlight=False)
    else:
        console.print("ข้อมูลตัวอย่างมีครบแล้ว / demo already loaded: nothing to add", highlight=False)
    _print_sign_ins(sign_ins, chosen, password_set=password is not None or any(s.created for s in sign_ins))


def _print_sign_ins(sign_ins: list[DemoSignIn], password: str, *, password_set: bool) -> None:
    print_table("บัญชีผู้ใช้ตัวอย่าง / demo sign-ins (/user/login)", ["ชื่อผู้ใช้ / sign-in name", "บทบาท / role", "ของ / for"],
                [(s.email, f"{s.role_th} / {s.role_en}", s.scope) for s in sign_ins])
    if password_set:
        console.print(f"รหัสผ่าน / password: {password}", highlight=False, soft_wrap=True)
    else:
        console.print("รหัสผ่านเดิมตามที่พิมพ์ไว้เมื่อโหลดครั้งแรก (ตั้งใหม่ด้วย --password) / "
                      "password unchanged since the first load (set a new one with --password)",
                      highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
