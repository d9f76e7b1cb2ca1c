"""``banchi org``: organizations. ``banchi person`` and ``banchi wg``: people and working groups."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.actions.organizations import organization_create, organization_list, organization_update
from catalog.actions.people import person_create, person_list
from catalog.actions.working_groups import working_group_create, working_group_member_add, working_groups_of
from catalog.models import MemberRole, OrganizationKind
from services.cli.output import OutputFormat, both_languages, console, print_json, print_records, print_table
from services.cli.session import action_context

org_app = typer.Typer(help="Organizations / หน่วยงาน", no_args_is_help=True)
person_app = typer.Typer(help="People / บุคลากร", no_args_is_help=True)
wg_app = typer.Typer(help="Working groups / คณะทำงานกำกับดูแลข้อมูล", no_args_is_help=True)

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]


@org_app.command("add")
def org_add(
    name: Annotated[str, typer.Argument(help="URL name, e.g. bma-hrd")],
    title: Annotated[str, typer.Option(help="Thai name / ชื่อหน่วยงาน")],
    title_en: Annotated[str | None, typer.Option(help="English name")] = None,
    code: Annotated[str | None, typer.Option(help="the organization's code, e.g. 0409-0968 (BMA KPI site)")] = None,
    kind: Annotated[OrganizationKind, typer.Option(help="level in the hierarchy")] = OrganizationKind.agency,
    parent: Annotated[str | None, typer.Option(help="parent organization name")] = None,
    email: Annotated[str | None, typer.Option()] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Register an organization. / เพิ่มหน่วยงาน"""
    as_json = output is OutputFormat.json
    data = {"name": name, "title": title, "title_en": title_en, "code": code, "kind": kind, "parent": parent,
            "email": email}
    with action_context(as_json=as_json) as ctx:
        org = organization_create(ctx, {k: v for k, v in data.items() if v is not None})
    if as_json:
        print_json(org.model_dump(mode="json"))
    else:
        console.print(f"เพิ่มหน่วยงาน / added organization [bold]{org.name}[/] ({org.title})")


@org_app.command("update")
def org_update(
    name: Annotated[str, typer.Argument(help="URL name, e.g. bma-hrd")],
    title: Annotated[str | None, typer.Option(help="Thai name / ชื่อหน่วยงาน")] = None,
    title_en: Annotated[str | None, typer.Option(help="English name ('' clears it)")] = None,
    code: Annotated[str | None, typer.Option(help="the organization's code, e.g. 0409-0968 ('' clears it)")] = None,
    email: Annotated[str | None, typer.Option(help="'' clears it")] = None,
    url: Annotated[str | None, typer.Option(help="website ('' clears it)")] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Change an organization's names, code or contacts. / แก้ไขข้อมูลหน่วยงาน"""
    as_json = output is OutputFormat.json
    data = {"title": title, "title_en": title_en, "code": code, "email": email, "url": url}
    with action_context(as_json=as_json) as ctx:
        org = organization_update(ctx, name, {k: v for k, v in data.items() if v is not None})
    if as_json:
        print_json(org.model_dump(mode="json"))
    else:
        console.print(f"แก้ไขหน่วยงานแล้ว / updated organization [bold]{org.name}[/] ({org.title}"
                      f"{', ' + org.code if org.code else ''})", highlight=False)


@org_app.command("list")
def org_list(output: FormatOption = OutputFormat.table) -> None:
    """List organizations. / รายชื่อหน่วยงาน"""
    with action_context(as_json=output is OutputFormat.json) as ctx:
        orgs = organization_list(ctx)
    print_records(output, orgs, "หน่วยงาน / Organizations",
                  ["name", "ชื่อ / title", "English", "รหัส / code", "level", "parent"],
                  lambda o: (o.name, o.title, o.title_en, o.code, both_languages("organization_kind", o.kind),
                             o.parent))


@person_app.command("add")
def person_add(
    email: str,
    full_name: Annotated[str, typer.Option(help="ชื่อ-นามสกุล")],
    organization: Annotated[str | None, typer.Option("--org")] = None,
    position: Annotated[str | None, typer.Option()] = None,
    full_name_en: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Register a person (steward, working-group member, evaluator). / เพิ่มบุคลากร"""
    data = {"email": email, "full_name": full_name, "organization": organization, "position": position,
            "full_name_en": full_name_en}
    with action_context() as ctx:
        person = person_create(ctx, {k: v for k, v in data.items() if v is not None})
    console.print(f"เพิ่มบุคลากร / added person [bold]{person.full_name}[/] <{person.email}>", highlight=False)


@person_app.command("list")
def person_list_command(output: FormatOption = OutputFormat.table) -> None:
    """List people. / รายชื่อบุคลากร"""
    with action_context(as_json=output is OutputFormat.json) as ctx:
        people = person_list(ctx)
    print_records(output, people, "บุคลากร / People", ["email", "ชื่อ / name", "position", "organization"],
                  lambda p: (p.email, p.full_name, p.position, p.organization))


@wg_app.command("add")
def wg_add(
    organization: Annotated[str, typer.Option("--org")],
    name: Annotated[str, typer.Option(help="ชื่อคณะทำงาน")],
    order_number: Annotated[str | None, typer.Option(help="เลขที่คำสั่งแต่งตั้ง")] = None,
    order_date: Annotated[str | None, typer.Option(help="วันที่คำสั่ง (YYYY-MM-DD)")] = None,
) -> None:
    """Record a working group and its appointment order. / บันทึกคณะทำงานและคำสั่งแต่งตั้ง"""
    data = {"organization": organization, "name": name, "order_number": order_number, "order_date": order_date}
    with action_context() as ctx:
        group = working_group_create(ctx, {k: v for k, v in data.items() if v is not None})
    console.print(f"บันทึกคณะทำงาน / recorded working group {group.id}", highlight=False)


@wg_app.command("member")
def wg_member(group_id: str, person: str, role: MemberRole = MemberRole.member) -> None:
    """Add a member (or change their role). / เพิ่มสมาชิกคณะทำงาน"""
    with action_context() as ctx:
        working_group_member_add(ctx, group_id, {"person": person, "role": role})
    console.print(f"{person}: {role.value}", highlight=False)


@wg_app.command("list")
def wg_list(organization: Annotated[str, typer.Option("--org")], output: FormatOption = OutputFormat.table) -> None:
    """Working groups of an organization with their members. / คณะทำงานของหน่วยงาน"""
    with action_context(as_json=output is OutputFormat.json) as ctx:
        groups = working_groups_of(ctx, organization)
    if output is OutputFormat.json:
        print_json([g.model_dump(mode="json") for g in groups])
        return
    for group in groups:
        print_table(f"{group.name} ({group.order_number or '-'}, {group.order_date or '-'})",
                    ["ชื่อ / name", "email", "role"], [(m.full_name, m.email, m.role) for m in group.members])


def register(app: typer.Typer) -> None:
    app.add_typer(org_app, name="org")
    app.add_typer(person_app, name="person")
    app.add_typer(wg_app, name="wg")
