"""``banchi harvest``: import a CKAN portal's datasets (GD Catalog or plain CKAN fields) into Banchi."""

from __future__ import annotations

from typing import Annotated

import typer

from schemas.profile import load_profile
from services.ckan.client import PortalUnavailable
from services.ckan.harvester import Harvester
from services.cli.output import OutputFormat, console, fail, print_json, print_table
from services.cli.portal import PortalOption, TimeoutOption, UrlOption, portal_client, portal_steps
from services.cli.session import parse_assignments

STATUSES = {"created": "นำเข้าแล้ว / imported", "exists": "มีอยู่แล้ว / already in Banchi",
            "failed": "ไม่สำเร็จ / failed"}


def harvest(
    ckan_url: UrlOption = None,
    portal: PortalOption = None,
    organization: Annotated[str | None, typer.Option("--org", help="only this organization of the portal")] = None,
    api_key: Annotated[str | None, typer.Option("--api-key", envvar="BANCHI_CKAN_API_KEY",
                                                help="token to read private datasets too")] = None,
    defaults: Annotated[list[str] | None, typer.Option(
        "--default", help="FIELD=VALUE for datasets that lack the field (GD Catalog key); repeatable")] = None,
    timeout: TimeoutOption = 60.0,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")] = OutputFormat.table,
) -> None:
    """Import a portal's datasets into Banchi. / นำเข้าชุดข้อมูลจากระบบ CKAN"""
    as_json = output is OutputFormat.json
    fallback = parse_assignments(defaults or [])
    client = portal_client(ckan_url, api_key, timeout, portal=portal, as_json=as_json)
    with portal_steps(as_json=as_json) as opener:
        try:
            items = Harvester(opener, client, load_profile()).run(organization, fallback)
        except PortalUnavailable as exc:
            fail([exc.problem], as_json=as_json)
    if as_json:
        print_json([{"dataset": i.name, "title": i.title, "status": i.status, "resources": i.resources,
                     "notes": i.notes, "problems": [p.model_dump(exclude_none=True) for p in i.problems]}
                    for i in items])
    else:
        print_table(f"นำเข้าจาก / Harvest from {client.url}", ["ชุดข้อมูล / dataset", "ผล / result", "ทรัพยากร / resources",
                                                                "หมายเหตุ / notes"],
                    [(i.name, STATUSES[i.status], i.resources, "\n".join([str(p) for p in i.problems] + i.notes))
                     for i in items])
        counts = {status: sum(1 for i in items if i.status == status) for status in STATUSES}
        console.print(" · ".join(f"{STATUSES[s]} {n}" for s, n in counts.items()), highlight=False)
    if any(i.status == "failed" for i in items):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("harvest")(harvest)
