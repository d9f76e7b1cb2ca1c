"""``banchi account``: accounts and their roles. ``banchi token``: personal API tokens."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated

import typer

from catalog.actions.accounts import (
    AccountPublic,
    account_create,
    account_list,
    account_role_grant,
    account_role_revoke,
    account_update,
    token_create,
    token_list,
    token_revoke,
)
from catalog.models.accounts import Role, TokenScope
from schemas.buddhist_era import format_be_moment
from services.cli.output import OutputFormat, both_languages, console, print_json, print_table
from services.cli.session import action_context

account_app = typer.Typer(help="Accounts and roles / บัญชีผู้ใช้และบทบาท", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens / โทเค็นสำหรับ API", no_args_is_help=True)

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]
RoleOption = Annotated[list[Role], typer.Option("--role", help="admin, steward, wg_member or evaluator (repeatable)")]
OrgOption = Annotated[str | None, typer.Option("--org", help="organization the roles apply to")]
YearOption = Annotated[int | None, typer.Option("--fiscal-year", help="Buddhist Era fiscal year (evaluator)")]


def _password(from_stdin: bool, ask: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if ask:
        return typer.prompt("รหัสผ่าน / password", hide_input=True, confirmation_prompt=True)
    return None


def _grants(roles: list[Role], org: str | None, year: int | None) -> list[dict[str, object]]:
    return [{"role": role.value, **({"fiscal_year": year} if role is Role.evaluator else {"organization": org})}
            for role in roles]


def _show(account: AccountPublic, as_json: bool, verb: str) -> None:
    if as_json:
        print_json(account.model_dump(mode="json"))
        return
    roles = ", ".join(f"{r.role.value}@{r.organization or r.fiscal_year}" for r in account.roles) or "-"
    console.print(f"{verb} [bold]{account.email}[/] ({roles})", highlight=False)


@account_app.command("add")
def account_add(
    email: str,
    role: RoleOption = [],  # noqa: B006 (typer reads the default)
    org: OrgOption = None,
    fiscal_year: YearOption = None,
    name: Annotated[str | None, typer.Option(help="display name (default: the person's name)")] = None,
    sysadmin: Annotated[bool, typer.Option(help="administers the whole Banchi")] = False,
    password_stdin: Annotated[bool, typer.Option(help="read the password from standard input")] = False,
    ask_password: Annotated[bool, typer.Option(help="prompt for a password")] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Create an account with its roles. / เพิ่มบัญชีผู้ใช้"""
    as_json = output is OutputFormat.json
    data = {"email": email, "display_name": name, "sysadmin": sysadmin, "roles": _grants(role, org, fiscal_year),
            "password": _password(password_stdin, ask_password)}
    with action_context(as_json=as_json) as ctx:
        account = account_create(ctx, {k: v for k, v in data.items() if v is not None})
    _show(account, as_json, "เพิ่มบัญชี / added account")


@account_app.command("grant")
def account_grant(email: str, role: RoleOption, org: OrgOption = None, fiscal_year: YearOption = None) -> None:
    """Give an account a role. / มอบบทบาท"""
    _change_roles(account_role_grant, email, _grants(role, org, fiscal_year), "มอบบทบาท / granted")


@account_app.command("revoke")
def account_revoke(email: str, role: RoleOption, org: OrgOption = None, fiscal_year: YearOption = None) -> None:
    """Take a role away. / ถอนบทบาท"""
    _change_roles(account_role_revoke, email, _grants(role, org, fiscal_year), "ถอนบทบาท / revoked")


def _change_roles(action: Callable[..., AccountPublic], email: str, grants: list[dict[str, object]], verb: str) -> None:
    with action_context() as ctx:
        for grant in grants:
            account = action(ctx, email, grant)
    _show(account, False, verb)


@account_app.command("password")
def account_password(
    email: str,
    password_stdin: Annotated[bool, typer.Option(help="read the password from standard input")] = False,
) -> None:
    """Set an account's password. / ตั้งรหัสผ่าน"""
    password = _password(password_stdin, not password_stdin)
    with action_context() as ctx:
        account_update(ctx, email, {"password": password})
    console.print(f"ตั้งรหัสผ่านแล้ว / password set for {email}", highlight=False)


@account_app.command("disable")
def account_disable(email: str) -> None:
    """Stop an account from signing in; its tokens are revoked. / ปิดบัญชี"""
    with action_context() as ctx:
        account_update(ctx, email, {"active": False})
    console.print(f"ปิดบัญชีแล้ว / disabled {email}", highlight=False)


@account_app.command("list")
def account_list_command(output: FormatOption = OutputFormat.table) -> None:
    """List accounts. / รายชื่อบัญชีผู้ใช้"""
    with action_context(as_json=output is OutputFormat.json) as ctx:
        _, accounts = account_list(ctx, limit=10_000)
    if output is OutputFormat.json:
        print_json([a.model_dump(mode="json") for a in accounts])
        return
    print_table("บัญชีผู้ใช้ / Accounts", ["อีเมล / email", "ชื่อ / name", "บทบาท / roles", "เข้าสู่ระบบได้ / active",
                                               "เข้าสู่ระบบล่าสุด / last sign-in"],
                [(a.email, a.display_name, ", ".join(f"{r.role.value}@{r.organization or r.fiscal_year}"
                                                     for r in a.roles), both_languages("boolean", a.active),
                  format_be_moment(a.last_login_at)) for a in accounts])


@token_app.command("create")
def token_create_command(
    account: Annotated[str, typer.Option("--account", help="the account's email")],
    name: Annotated[str, typer.Option(help="what the token is for")],
    scope: Annotated[list[TokenScope], typer.Option("--scope", help="read and/or write (repeatable)")] = [],  # noqa: B006
    days: Annotated[int, typer.Option(help="days until it expires")] = 90,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Create a token; its secret is shown once. / สร้างโทเค็น (แสดงรหัสครั้งเดียว)"""
    as_json = output is OutputFormat.json
    data: dict[str, object] = {"name": name, "expires_in_days": days}
    if scope:
        data["scopes"] = [s.value for s in scope]
    with action_context(as_json=as_json) as ctx:
        created = token_create(ctx, data, account)
    if as_json:
        print_json(created.model_dump(mode="json"))
        return
    expires = format_be_moment(created.expires_at)
    console.print(f"โทเค็น / token {created.id} ({', '.join(created.scopes)}; หมดอายุ / expires {expires})",
                  highlight=False)
    console.print("เก็บรหัสนี้ไว้ ระบบจะไม่แสดงอีก / keep this secret, it is not shown again:", highlight=False)
    sys.stdout.write(created.token + "\n")


@token_app.command("list")
def token_list_command(
    account: Annotated[str, typer.Option("--account", help="the account's email")],
    all_: Annotated[bool, typer.Option("--all", help="include revoked and expired tokens")] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """List an account's tokens (never their secrets). / รายการโทเค็น"""
    with action_context(as_json=output is OutputFormat.json) as ctx:
        tokens = token_list(ctx, account, include_inactive=all_)
    if output is OutputFormat.json:
        print_json([t.model_dump(mode="json") for t in tokens])
        return
    print_table("โทเค็น / Tokens", ["id", "ชื่อ / name", "prefix", "สิทธิ์ / scopes", "หมดอายุ / expires",
                                   "ใช้ล่าสุด / last used", "เพิกถอน / revoked"],
                [(t.id, t.name, t.prefix, ",".join(t.scopes), format_be_moment(t.expires_at),
                  format_be_moment(t.last_used_at), format_be_moment(t.revoked_at))
                 for t in tokens])


@token_app.command("revoke")
def token_revoke_command(token_id: str) -> None:
    """Revoke a token; it stops working at once. / เพิกถอนโทเค็น"""
    with action_context() as ctx:
        token = token_revoke(ctx, token_id)
    console.print(f"เพิกถอนแล้ว / revoked {token.id} ({token.name})", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(account_app, name="account")
    app.add_typer(token_app, name="token")
