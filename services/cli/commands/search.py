"""``banchi search``: search the catalog with facets; ``banchi search rebuild``: re-create the index."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from catalog.search import SearchResult, parse_query, rebuild_index, search_datasets
from schemas.buddhist_era import format_be_date
from schemas.messages import Problem
from schemas.profile import load_profile
from services.cli.output import OutputFormat, console, fail, print_json, print_table
from services.cli.session import action_context

REBUILD = "rebuild"
# facet key → the GD Catalog field it counts
PROFILE_FIELD = {"organization": "owner_org", "tags": "tag_string", "res_format": "format"}


def search(
    words: Annotated[list[str] | None, typer.Argument(help="search words (Thai or English); `rebuild` re-creates "
                                                          "the index")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="search words, also the word `rebuild`")]
    = None,
    filters: Annotated[list[str] | None, typer.Option("--filter", help="FACET=VALUE; repeatable (OR within a "
                                                                       "facet, AND across facets)")] = None,
    facets: Annotated[list[str] | None, typer.Option("--facet", help="facet to count; repeatable")] = None,
    sort: Annotated[str, typer.Option(help="relevance, title_asc, title_desc, modified_desc, modified_asc")]
    = "relevance",
    rows: Annotated[int, typer.Option(help="results per page (0–1000)")] = 20,
    start: Annotated[int, typer.Option(help="skip this many results")] = 0,
    public: Annotated[bool, typer.Option("--public", help="only what the public sees")] = False,
    withdrawn: Annotated[bool, typer.Option("--withdrawn", help="include withdrawn datasets")] = False,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")] = OutputFormat.table,
) -> None:
    """Search datasets, with counts per facet. / ค้นหาชุดข้อมูล พร้อมจำนวนตามหมวด"""
    as_json = output is OutputFormat.json
    if words == [REBUILD] and query is None and not filters and not facets:
        _rebuild(as_json)
        return
    params = {
        "q": " ".join([*(words or []), query or ""]).strip(), "filters": _filters(filters or [], as_json),
        "facet_fields": facets or [], "sort": sort, "rows": rows, "start": start,
        # whoever runs the command line administers this Banchi: everything, unless --public
        "include_private": not public, "include_withdrawn": withdrawn,
    }
    with action_context(as_json=as_json) as ctx:
        result = search_datasets(ctx, parse_query(params))
    if as_json:
        print_json(result.model_dump())
    else:
        _print(result, start)


def _rebuild(as_json: bool) -> None:
    with action_context(as_json=as_json) as ctx:
        count = rebuild_index(ctx)
    if as_json:
        print_json({"success": True, "indexed": count})
    else:
        console.print(f"สร้างดัชนีค้นหาใหม่แล้ว / search index rebuilt: {count} ชุดข้อมูล / datasets", highlight=False)


def _filters(assignments: list[str], as_json: bool) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    problems = []
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep or not key.strip() or not value.strip():
            problems.append(Problem(field="filter", code="bad_filter", value=assignment,
                                    th=f"ตัวกรอง “{assignment}” ต้องอยู่ในรูป หมวด=ค่า",
                                    en=f"Filter “{assignment}” must look like facet=value"))
            continue
        filters.setdefault(key.strip(), []).append(value.strip())
    if problems:
        fail(problems, as_json=as_json, exit_code=2)
    return filters


def _print(result: SearchResult, start: int) -> None:
    shown = f"{start + 1}–{start + len(result.results)}" if result.results else "0"
    print_table(f"ผลการค้นหา / results: {shown} จาก / of {result.count}",
                ["#", "name", "ชื่อชุดข้อมูล / title", "หน่วยงาน / organization", "แก้ไขล่าสุด / modified"],
                [(start + n, d["name"], d["title"], d["owner_org"],
                  format_be_date(dt.datetime.fromisoformat(d["metadata_modified"]), long=False))
                 for n, d in enumerate(result.results, 1)])
    for key, counts in result.facets.items():
        print_table(_facet_title(key), ["value", "count"], counts.items())


def _facet_title(key: str) -> str:
    """A facet's label is its GD Catalog field's (from the profile); the stage is Banchi's own."""
    if key == "stage":
        return "ขั้นตอนธรรมาภิบาลข้อมูล / Governance stage"
    profile, field = load_profile(), PROFILE_FIELD.get(key, key)
    return f"{profile.label(field)} / {profile.label(field, 'en') or key}"


def register(app: typer.Typer) -> None:
    app.command("search")(search)
