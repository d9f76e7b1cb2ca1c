"""``banchi portal``: the CKAN portals the server may publish to, check and harvest from (sysadmin)."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.actions.portals import portal_create, portal_delete, portal_list
from services.cli.output import OutputFormat, console, print_json, print_records
from services.cli.session import action_context

portal_app = typer.Typer(help="CKAN portals / พอร์ทัล CKAN ที่ลงทะเบียน", no_args_is_help=True)

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]


@portal_app.command("add")
def portal_add(
    name: Annotated[str, typer.Argument(help="the name runs use, e.g. data-bangkok")],
    url: Annotated[str, typer.Option("--url", help="the CKAN portal, e.g. https://data.bangkok.go.th")],
    api_key: Annotated[str | None, typer.Option(
        "--api-key", envvar="BANCHI_CKAN_API_KEY",
        help="token of a portal user allowed to publish (stored encrypted, never shown)")] = None,
    title: Annotated[str | None, typer.Option("--title", help="a name people read")] = None,
    allow_private_network: Annotated[bool, typer.Option(
        "--allow-private-network", help="the portal is on loopback or a private network (otherwise the server "
                                        "refuses to connect to such addresses)")] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Register a CKAN portal. / ลงทะเบียนพอร์ทัล CKAN"""
    as_json = output is OutputFormat.json
    data = {"name": name, "url": url, "api_key": api_key, "title": title,
            "allow_private_network": allow_private_network}
    with action_context(as_json=as_json) as ctx:
        portal = portal_create(ctx, {k: v for k, v in data.items() if v is not None})
    if as_json:
        print_json(portal.model_dump(mode="json"))
    else:
        console.print(f"ลงทะเบียนพอร์ทัล / registered portal [bold]{portal.name}[/] ({portal.url})", highlight=False)


@portal_app.command("list")
def portal_list_command(output: FormatOption = OutputFormat.table) -> None:
    """List registered portals (never their keys). / รายชื่อพอร์ทัล"""
    with action_context(as_json=output is OutputFormat.json) as ctx:
        portals = portal_list(ctx)
    print_records(output, portals, "พอร์ทัล / Portals",
                  ["name", "url", "API key", "เครือข่ายภายใน / private network", "ชื่อ / title"],
                  lambda p: (p.name, p.url, "✓" if p.has_api_key else "", "✓" if p.allow_private_network else "",
                             p.title))


@portal_app.command("remove")
def portal_remove(name: str, output: FormatOption = OutputFormat.table) -> None:
    """Forget a portal and its key; its publications stay on record. / ลบพอร์ทัล"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        portal_delete(ctx, name)
    if as_json:
        print_json({"success": True, "removed": name})
    else:
        console.print(f"ลบพอร์ทัลแล้ว / removed portal [bold]{name}[/]", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(portal_app, name="portal")
