"""Importing catalog workbooks: all or nothing, upsert by name, re-import changes nothing, round trips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, inspect
from sqlmodel import SQLModel, func, select

from catalog.actions.access import dataset_show
from catalog.actions.catalog_export import catalog_snapshot
from catalog.actions.catalog_import import ImportFailed, ImportReport, catalog_import
from catalog.actions.catalog_orgs import generated_name
from catalog.actions.organizations import organization_list, organization_update
from catalog.actions.resources import resource_update
from catalog.context import Actor
from catalog.errors import PermissionDenied
from catalog.models import AuditEntry, Dataset, Organization
from catalog.search import SearchQuery, search_datasets
from catalog.search.schema import search_state
from services.excel.reader import read_catalog_workbook
from services.excel.writer import write_template
from tests.conftest import OpenContext
from tests.excel_books import (
    GIS_SHEET,
    HRD_TITLE,
    OTHER_SHEET,
    RECORD_SHEET,
    RES_RECORD,
    RES_STAT,
    STAT_SHEET,
    TEMPLATE,
    record_row,
    resource_row,
    stat_row,
    write_book,
)
from tests.factories import make_org

VOLATILE = {"id", "metadata_created", "metadata_modified", "created", "last_modified", "package_id"}


@pytest.fixture
def hrd(open_ctx: OpenContext) -> str:
    with open_ctx() as ctx:
        make_org(ctx, "bma", title="กรุงเทพมหานคร", kind="administration")
        return make_org(ctx, "bma-hrd", title=HRD_TITLE, parent="bma")


def run_import(open_ctx: OpenContext, path: Path, actor: Actor | None = None, **options: Any) -> ImportReport:
    content = read_catalog_workbook(path)
    with open_ctx(*([actor] if actor else [])) as ctx:
        return catalog_import(ctx, content, **options)


def failed_import(open_ctx: OpenContext, path: Path, **options: Any) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        run_import(open_ctx, path, **options)
    return caught.value


def counts(open_ctx: OpenContext) -> tuple[int, int, int]:
    with open_ctx() as ctx:
        session = ctx.session
        return (session.exec(select(func.count()).select_from(Dataset)).one(),
                session.exec(select(func.count()).select_from(AuditEntry)).one(),
                session.exec(select(func.count()).select_from(Organization)).one())


def catalog_state(open_ctx: OpenContext) -> list[dict[str, Any]]:
    with open_ctx() as ctx:
        datasets = catalog_snapshot(ctx).datasets
    return [_stable(d) for d in datasets]


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE and k != "organization"}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def registry_versions(open_ctx: OpenContext) -> list[tuple[str, str | None, str, int]]:
    """What an export's hidden sheet would say now: (dataset, resource, id, version)."""
    with open_ctx() as ctx:
        datasets = catalog_snapshot(ctx).datasets
    return [line for d in datasets for line in [(d["name"], None, d["id"], d["version"])]
            + [(d["name"], r["name"], r["id"], r["version"]) for r in d["resources"]]]


def sample_book(path: Path, **rows: Any) -> Path:
    return write_book(path, rows or {
        RECORD_SHEET: [record_row("Trainee Registry"), record_row("lecturers", title="ทะเบียนวิทยากร")],
        STAT_SHEET: [stat_row()],
        RES_RECORD: [resource_row("trainee registry", "ทะเบียน 2567")],
        RES_STAT: [resource_row("training-statistics", "สถิติ 2567", resource_first_year_of_data=2563)],
    })


def test_import_applies_the_gd_catalog_importer_rules(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    report = run_import(open_ctx, sample_book(tmp_path / "catalog.xlsx"))
    assert report.datasets_created == ["trainee-registry", "lecturers", "training-statistics"]
    assert (report.resources_created, report.problems) == (2, [])
    with open_ctx() as ctx:
        trainees = dataset_show(ctx, "trainee-registry")
        stats = dataset_show(ctx, "training-statistics")
    assert trainees["owner_org"] == "bma-hrd"  # named by its Thai title in the workbook
    assert trainees["data_type"] == "ข้อมูลระเบียน"
    assert (trainees["created_date"], trainees["last_updated_date"]) == ("2020-10-01", "2024-03-31")
    assert trainees["objective"] == ["พันธกิจหน่วยงาน", "อื่นๆ"] and trainees["objective_other"] == "แผนพัฒนากรุงเทพมหานคร"
    assert trainees["data_format"] == ["CSV", "XLS"]
    assert (trainees["high_value_dataset"], trainees["reference_data"]) == ("True", "False")
    assert trainees["tag_string"] == "ผู้เข้าอบรม,ทะเบียน"
    assert stats["official_statistics"] == "False" and stats["first_year_of_data"] == "2563"
    assert stats["data_classification"] == "เปิดเผย"  # the public category decides it
    assert stats["data_release_calendar"] == "2025-01-15"
    [resource] = stats["resources"]
    assert (resource["name"], resource["resource_first_year_of_data"]) == ("สถิติ 2567", "2563")
    assert resource["resource_last_updated_date"] == "2024-03-31"


def test_dry_run_reports_every_problem_with_its_place_and_writes_nothing(open_ctx: OpenContext, hrd: str,
                                                                       tmp_path: Path) -> None:
    path = write_book(tmp_path / "bad.xlsx", {
        RECORD_SHEET: [record_row("ok"), record_row("bad email", maintainer_email="not-an-email"),
                       record_row("bad-date", created_date="เมื่อปีที่แล้ว", owner_org="กรมที่ไม่มีอยู่")],
        STAT_SHEET: [stat_row(first_year_of_data="ปีนี้", data_category="ข้อมูลลับมาก")],
        RES_RECORD: [resource_row("nowhere")],
    })
    before = counts(open_ctx)
    failure = failed_import(open_ctx, path, dry_run=True)
    assert counts(open_ctx) == before
    assert [(p.sheet, p.row, p.column, p.code) for p in failure.problems] == [
        (RECORD_SHEET, 7, "F", "invalid_email"),
        (RECORD_SHEET, 8, "D", "unknown_organization"),
        (RECORD_SHEET, 8, "S", "not_a_date"),
        (STAT_SHEET, 6, "O", "not_in_vocabulary"),
        (STAT_SHEET, 6, "S", "invalid_year"),
        (RES_RECORD, 6, "A", "unknown_dataset"),
    ]
    assert all(p.th and p.en and p.th != p.en for p in failure.problems)
    assert failure.report.dry_run and failure.report.datasets_created == ["ok"]


def test_dry_run_of_a_good_workbook_reports_what_would_happen_and_writes_nothing(open_ctx: OpenContext, hrd: str,
                                                                               tmp_path: Path) -> None:
    before = counts(open_ctx)
    report = run_import(open_ctx, sample_book(tmp_path / "catalog.xlsx"), dry_run=True)
    assert report.dry_run and len(report.datasets_created) == 3 and report.resources_created == 2
    assert counts(open_ctx) == before


def test_a_real_import_with_one_bad_row_writes_nothing(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    path = write_book(tmp_path / "bad.xlsx", {RECORD_SHEET: [record_row("ds-a"), record_row("ds-b"),
                                                             record_row("ds-c", title=None)]})
    before = counts(open_ctx)
    failure = failed_import(open_ctx, path)
    assert [(p.row, p.column, p.code) for p in failure.problems] == [(8, "C", "required")]
    assert counts(open_ctx) == before


def test_structural_problems_of_the_file_fail_the_import_too(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    path = write_book(tmp_path / "bad.xlsx", {RECORD_SHEET: [record_row("ds-a", title='="ชื่อ"&"ชุด"')]},
                      missing=[GIS_SHEET])
    before = counts(open_ctx)
    failure = failed_import(open_ctx, path)
    assert [(p.sheet, p.row, p.column, p.code) for p in failure.problems] == [
        (RECORD_SHEET, 6, "C", "formula_cell"),  # reported once, not again as a missing title
        (GIS_SHEET, None, None, "missing_sheet"),
    ]
    assert counts(open_ctx) == before


def test_reimporting_the_same_file_changes_nothing(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    path = sample_book(tmp_path / "catalog.xlsx")
    run_import(open_ctx, path)
    state, before = catalog_state(open_ctx), counts(open_ctx)
    report = run_import(open_ctx, path)
    assert (report.datasets_created, report.datasets_updated) == ([], [])
    assert sorted(report.datasets_unchanged) == ["lecturers", "trainee-registry", "training-statistics"]
    assert (report.resources_unchanged, report.resources_created, report.resources_updated) == (2, 0, 0)
    assert counts(open_ctx) == before  # no audit entry
    assert catalog_state(open_ctx) == state  # no new version


def test_an_edited_file_updates_only_the_datasets_it_names(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    run_import(open_ctx, sample_book(tmp_path / "catalog.xlsx"))
    edited = write_book(tmp_path / "edited.xlsx", {  # an export, edited
        RECORD_SHEET: [record_row("Trainee Registry", maintainer="ฝ่ายฝึกอบรม", created_date=None)],
        RES_RECORD: [resource_row("trainee registry", "ทะเบียน 2567", description="ปรับปรุงคำอธิบาย")],
    }, versions=registry_versions(open_ctx))
    _, audit_before, _ = counts(open_ctx)
    report = run_import(open_ctx, edited)
    assert (report.datasets_updated, report.datasets_unchanged, report.resources_updated) == (
        ["trainee-registry"], [], 1)
    with open_ctx() as ctx:
        trainees = dataset_show(ctx, "trainee-registry")
        lecturers = dataset_show(ctx, "lecturers")
        stats = dataset_show(ctx, "training-statistics")
    assert trainees["version"] == 2 and trainees["maintainer"] == "ฝ่ายฝึกอบรม"
    assert "created_date" not in trainees  # an empty cell clears the field
    assert trainees["resources"][0]["description"] == "ปรับปรุงคำอธิบาย"
    assert (lecturers["version"], stats["version"]) == (1, 1)  # not in the file: left alone
    assert counts(open_ctx)[1] == audit_before + 2  # one dataset update, one resource update


def test_import_export_import_gives_identical_datasets_even_in_an_empty_registry(
    open_ctx: OpenContext, hrd: str, tmp_path: Path
) -> None:
    run_import(open_ctx, sample_book(tmp_path / "catalog.xlsx"))
    with open_ctx() as ctx:
        organization_update(ctx, "bma-hrd", {"code": "0409-0968"})  # its code on the BMA KPI site travels too
    original = catalog_state(open_ctx)
    exported = tmp_path / "exported.xlsx"
    with open_ctx() as ctx:
        write_template(exported, catalog_snapshot(ctx))
    report = run_import(open_ctx, exported)
    assert len(report.datasets_unchanged) == 3 and report.resources_unchanged == 2
    assert catalog_state(open_ctx) == original

    _empty_registry(open_ctx)
    report = run_import(open_ctx, exported, create_organizations=True)
    assert report.organizations_created == ["bma", "bma-hrd"]
    assert catalog_state(open_ctx) == original
    with open_ctx() as ctx:
        orgs = {o.name: o for o in organization_list(ctx)}
    assert (orgs["bma-hrd"].title, orgs["bma-hrd"].parent, orgs["bma"].kind) == (HRD_TITLE, "bma", "administration")
    assert (orgs["bma-hrd"].code, orgs["bma"].code) == ("0409-0968", None)


def test_an_existing_dataset_keeps_its_owner_when_the_cell_is_empty_or_unknown(
    open_ctx: OpenContext, hrd: str, tmp_path: Path
) -> None:
    run_import(open_ctx, sample_book(tmp_path / "catalog.xlsx"))
    emptied = write_book(tmp_path / "emptied.xlsx", {RECORD_SHEET: [record_row("Trainee Registry", owner_org=None)]})
    assert run_import(open_ctx, emptied).datasets_unchanged == ["trainee-registry"]
    unknown = write_book(tmp_path / "unknown.xlsx", {RECORD_SHEET: [record_row("Trainee Registry",
                                                                               owner_org="กรมสมมติ")]})
    [problem] = failed_import(open_ctx, unknown).problems
    assert (problem.row, problem.column, problem.code) == (6, "D", "unknown_organization")
    new_without_owner = write_book(tmp_path / "new.xlsx", {RECORD_SHEET: [record_row("new-dataset", owner_org=None,
                                                                                     maintainer_email="x")]})
    assert [(p.column, p.code) for p in failed_import(open_ctx, new_without_owner).problems] == [
        ("D", "required"), ("F", "invalid_email")]


def test_org_option_puts_every_dataset_in_one_organization(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row("ds-a", owner_org="หน่วยงานอื่น")],
                                                  STAT_SHEET: [stat_row()]})
    with pytest.raises(ImportFailed) as caught:
        run_import(open_ctx, path, organization="new-office")
    assert [(p.code, p.field) for p in caught.value.problems] == [("unknown_organization", "org")]
    report = run_import(open_ctx, path, organization="new-office", create_organizations=True)
    assert report.organizations_created == ["new-office"]
    with open_ctx() as ctx:
        assert {dataset_show(ctx, n)["owner_org"] for n in ("ds-a", "training-statistics")} == {"new-office"}


def test_unknown_organizations_are_named_or_created(open_ctx: OpenContext, tmp_path: Path) -> None:
    rows = [record_row("ds-a"), record_row("ds-b", owner_org="bma")]
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: rows})
    failure = failed_import(open_ctx, path)
    assert [(p.row, p.column, p.code, p.value) for p in failure.problems] == [
        (6, "D", "unknown_organization", HRD_TITLE), (7, "D", "unknown_organization", "bma"),
    ]
    assert "--create-organizations" in failure.problems[0].en
    report = run_import(open_ctx, path, create_organizations=True)
    assert sorted(report.organizations_created) == sorted([generated_name(HRD_TITLE), "bma"])
    with open_ctx() as ctx:
        assert dataset_show(ctx, "ds-a")["organization"]["title"] == HRD_TITLE


def test_an_ambiguous_organization_title_is_refused(open_ctx: OpenContext, tmp_path: Path) -> None:
    with open_ctx() as ctx:
        make_org(ctx, "office-a", title="สำนักงานเขต")
        make_org(ctx, "office-b", title="สำนักงานเขต")
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row(owner_org="สำนักงานเขต")]})
    [problem] = failed_import(open_ctx, path).problems
    assert problem.code == "ambiguous_organization" and "office-a" in problem.en


def test_rows_that_clash_within_the_file_are_named(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    path = write_book(tmp_path / "catalog.xlsx", {
        RECORD_SHEET: [record_row("Same Name"), record_row(" SAME name", title="อีกชื่อหนึ่ง")],
        OTHER_SHEET: [record_row("other-one", data_type_other="ข้อมูลภาพถ่าย", d_type=None)],
        RES_RECORD: [resource_row("same name", "ไฟล์"), resource_row("same name", "ไฟล์"),
                     resource_row("training-statistics-x")],
        RES_STAT: [resource_row("same name", "ผิดแผ่นงาน")],
    })
    failure = failed_import(open_ctx, path)
    assert [(p.sheet, p.row, p.column, p.code) for p in failure.problems] == [
        (RECORD_SHEET, 7, "A", "duplicate_row"),
        (RES_RECORD, 7, "B", "duplicate_resource"),
        (RES_RECORD, 8, "A", "unknown_dataset"),
        (RES_STAT, 6, "A", "resource_sheet_type"),
    ]
    assert "แถวที่ 6" in failure.problems[0].th and RECORD_SHEET in failure.problems[0].en


def test_import_needs_permission(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    path = sample_book(tmp_path / "catalog.xlsx")
    with open_ctx() as ctx:
        hrd_id = ctx.session.exec(select(Organization.id).where(Organization.name == hrd)).one()
    steward = Actor(name="steward", roles={hrd_id: frozenset({"steward"})})
    with pytest.raises(PermissionDenied):
        run_import(open_ctx, path, actor=steward, organization=hrd)
    admin = Actor(name="admin", roles={hrd_id: frozenset({"admin"})})
    with pytest.raises(PermissionDenied):
        run_import(open_ctx, path, actor=admin)  # a whole-registry import is the sysadmin's
    report = run_import(open_ctx, path, actor=admin, organization=hrd)
    assert len(report.datasets_created) == 3


def test_dates_as_real_date_cells_are_read_too(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    path = write_book(tmp_path / "catalog.xlsx", {
        RECORD_SHEET: [record_row("ds-a", created_date=dt.datetime(2020, 10, 1), last_updated_date="2567-03-31")]})
    run_import(open_ctx, path)
    with open_ctx() as ctx:
        shown = dataset_show(ctx, "ds-a")
    assert (shown["created_date"], shown["last_updated_date"]) == ("2020-10-01", "2024-03-31")


def _empty_registry(open_ctx: OpenContext) -> None:
    """Delete every row (both databases), as if the catalog moved to a new registry."""
    with open_ctx() as ctx:
        present = set(inspect(ctx.session.connection()).get_table_names())
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name in present:
                ctx.session.execute(delete(table))


def test_rows_of_records_changed_since_the_export_or_without_a_version_are_refused(
    open_ctx: OpenContext, hrd: str, tmp_path: Path
) -> None:
    run_import(open_ctx, sample_book(tmp_path / "catalog.xlsx"))
    exported = registry_versions(open_ctx)
    with open_ctx() as ctx:  # someone edits a resource after the export
        [resource] = dataset_show(ctx, "trainee-registry")["resources"]
        resource_update(ctx, resource["id"], {"description": "แก้ไขโดยผู้อื่น"})
    edited = {RECORD_SHEET: [record_row("Trainee Registry", maintainer="ฝ่ายฝึกอบรม")],
              RES_RECORD: [resource_row("trainee registry", "ทะเบียน 2567", description="ของเดิมในไฟล์")]}
    [stale] = failed_import(open_ctx, write_book(tmp_path / "old.xlsx", edited, versions=exported)).problems
    assert (stale.code, stale.sheet, stale.row) == ("stale_row", RES_RECORD, 6)
    assert "ฉบับที่ 1" in stale.th and "version 1 in the workbook, 2 in the registry" in stale.en
    unversioned = failed_import(open_ctx, write_book(tmp_path / "plain.xlsx", edited)).problems
    assert [(p.code, p.sheet, p.row) for p in unversioned] == [
        ("unversioned_row", RECORD_SHEET, 6), ("unversioned_row", RES_RECORD, 6)]
    with open_ctx() as ctx:
        assert dataset_show(ctx, "trainee-registry")["resources"][0]["description"] == "แก้ไขโดยผู้อื่น"
    report = run_import(open_ctx, write_book(tmp_path / "old.xlsx", edited, versions=exported), force=True)
    assert report.overwritten == [f"{RES_RECORD} row 6"] and report.resources_updated == 1


def test_template_org_imports_only_that_organizations_rows_and_their_resources(
    open_ctx: OpenContext, hrd: str, tmp_path: Path
) -> None:
    other = "สำนักการศึกษา"
    path = write_book(tmp_path / "shared.xlsx", {  # a workbook several agencies filled, as thai_gdc takes it
        RECORD_SHEET: [record_row("ours"), record_row("theirs", owner_org=other, created_date="31/04/2564")],
        STAT_SHEET: [stat_row(owner_org=other)],
        RES_RECORD: [resource_row("ours", "ของเรา"), resource_row("theirs", "ของเขา")],
        RES_STAT: [resource_row("training-statistics", "สถิติ")],
    })
    report = run_import(open_ctx, path, template_org=f" {HRD_TITLE} ", organization="bma-hrd")
    assert (report.datasets_created, report.resources_created, report.left_out) == (["ours"], 1, 4)
    assert report.problems == []  # the bad date is in a row left out, as thai_gdc leaves it
    with open_ctx() as ctx:
        assert [r["name"] for r in dataset_show(ctx, "ours")["resources"]] == ["ของเรา"]
        assert {d.name for d in ctx.session.exec(select(Dataset))} == {"ours"}


def test_header_warnings_reach_the_report(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    keys = [c.key for c in TEMPLATE.dataset_layouts[0].columns]
    keys[2] = "ชื่อชุดข้อมูล (ภาษาไทย)"
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [{**record_row("ds-a"), keys[2]: "ชื่อจากคอลัมน์ C"}]},
                      columns={RECORD_SHEET: keys})
    report = run_import(open_ctx, path)
    assert [(w.code, w.sheet, w.column, w.value) for w in report.warnings] == [
        ("header_differs", RECORD_SHEET, "C", "ชื่อชุดข้อมูล (ภาษาไทย)")]
    with open_ctx() as ctx:
        assert dataset_show(ctx, "ds-a")["title"] == "ชื่อจากคอลัมน์ C"


@pytest.mark.parametrize(("cell", "column"), [("2564-02-29", "S"), ("31/04/2564", "S"), ("29/02/2564", "T")])
def test_a_day_that_does_not_exist_is_named_and_nothing_is_written(open_ctx: OpenContext, hrd: str, tmp_path: Path,
                                                                   cell: str, column: str) -> None:
    field = "created_date" if column == "S" else "last_updated_date"
    path = write_book(tmp_path / "bad.xlsx", {RECORD_SHEET: [record_row("fine"), record_row("bad", **{field: cell})]})
    before = counts(open_ctx)
    failure = failed_import(open_ctx, path)
    [found] = failure.problems
    assert (found.sheet, found.row, found.column, found.code) == (RECORD_SHEET, 7, column, "no_such_day")
    assert cell in found.th and cell in found.en and found.th != found.en
    assert "ค.ศ. 2021" in found.th and "Buddhist Era 2564 is 2021" in found.en
    assert counts(open_ctx) == before


def test_leap_day_2563_is_29_february_2020(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    path = write_book(tmp_path / "leap.xlsx", {RECORD_SHEET: [record_row("leap", created_date="2563-02-29",
                                                                         last_updated_date="29/02/2563")]})
    run_import(open_ctx, path)
    with open_ctx() as ctx:
        leap = dataset_show(ctx, "leap")
    assert (leap["created_date"], leap["last_updated_date"]) == ("2020-02-29", "2020-02-29")


def test_wrong_sheet_names_and_values_outside_the_code_list_are_named_and_nothing_is_written(
    open_ctx: OpenContext, hrd: str, tmp_path: Path
) -> None:
    path = write_book(tmp_path / "bad.xlsx", {
        RECORD_SHEET: [record_row("ok", data_category="ข้อมูลลับสุดยอด")],
        STAT_SHEET: [stat_row(unit_of_multiplier="โหล")],  # mapped like thai_gdc: "อื่นๆ" with the text
    }, missing=[GIS_SHEET])
    book = load_workbook(path)
    book.create_sheet("Temp2_Meta_GIS ")
    book.save(path)
    before = counts(open_ctx)
    failure = failed_import(open_ctx, path)
    assert [(p.sheet, p.row, p.column, p.code) for p in failure.problems] == [
        (RECORD_SHEET, 6, "O", "not_in_vocabulary"),
        ("Temp2_Meta_GIS ", None, None, "misnamed_sheet"),
    ]
    assert "ข้อมูลลับสุดยอด" in failure.problems[0].th and "ข้อมูลลับสุดยอด" in failure.problems[0].en
    assert counts(open_ctx) == before


def test_a_list_exported_one_choice_per_cell_comes_back_whole_unless_the_cell_was_edited(
    open_ctx: OpenContext, hrd: str, tmp_path: Path
) -> None:
    run_import(open_ctx, sample_book(tmp_path / "catalog.xlsx"))  # trainee-registry: two objectives, two formats
    exported = tmp_path / "exported.xlsx"
    with open_ctx() as ctx:
        write_template(exported, catalog_snapshot(ctx))
    book = load_workbook(exported)
    sheet = book[RECORD_SHEET]
    keys = [c.value for c in sheet[4]]
    row = next(r for r in range(6, sheet.max_row + 1) if sheet.cell(r, 1).value == "trainee-registry")
    assert sheet.cell(row, keys.index("objective") + 1).value == "พันธกิจหน่วยงาน"  # one choice per cell
    sheet.cell(row, keys.index("data_format") + 1).value = "JSON"  # edited: the cell wins over the note
    book.save(exported)
    report = run_import(open_ctx, exported)
    assert report.datasets_updated == ["trainee-registry"]
    with open_ctx() as ctx:
        trainees = dataset_show(ctx, "trainee-registry")
    assert trainees["objective"] == ["พันธกิจหน่วยงาน", "อื่นๆ"]  # as Banchi held it, from the notes sheet
    assert trainees["objective_other"] == "แผนพัฒนากรุงเทพมหานคร"
    assert trainees["data_format"] == ["JSON"]


def test_an_import_makes_drafts_unless_told_to_publish(open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    """Drafts by default, even rows that leave mandatory metadata empty (a draft may be incomplete); with
    ``publish`` every draft of the workbook is published, and an incomplete row is refused cell by cell."""
    incomplete = stat_row("stats-draft", maintainer=None, license_id=None)
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row("ready")], STAT_SHEET: [incomplete]})
    report = run_import(open_ctx, path)
    assert (report.datasets_created, report.datasets_published, report.published) == (
        ["ready", "stats-draft"], [], False)
    with open_ctx() as ctx:
        assert {d.name: d.state for d in ctx.session.exec(select(Dataset))} == {"ready": "draft",
                                                                              "stats-draft": "draft"}
    assert run_import(open_ctx, path).datasets_unchanged == ["ready", "stats-draft"]  # incomplete drafts too
    before = counts(open_ctx)
    failure = failed_import(open_ctx, path, publish=True)
    assert counts(open_ctx) == before  # all or nothing: "ready" is not published either
    assert [(p.sheet, p.row, p.field, p.code) for p in failure.problems] == [
        (STAT_SHEET, 6, "maintainer", "required_to_publish"), (STAT_SHEET, 6, "license_id", "required_to_publish")]
    assert all("ก่อนเผยแพร่" in p.th and "before publishing" in p.en and p.column for p in failure.problems)
    complete = write_book(tmp_path / "complete.xlsx", {RECORD_SHEET: [record_row("ready")],
                                                       STAT_SHEET: [stat_row("stats-draft")]})
    report = run_import(open_ctx, complete, publish=True, force=True)  # the drafts were not exported: forced
    assert report.published and report.datasets_published == ["ready", "stats-draft"]
    with open_ctx() as ctx:
        assert {d.state for d in ctx.session.exec(select(Dataset))} == {"active"}
    fresh = run_import(open_ctx, write_book(tmp_path / "new.xlsx", {RECORD_SHEET: [record_row("new-one")]}),
                       publish=True)
    assert fresh.datasets_created == fresh.datasets_published == ["new-one"]


def test_buddhist_era_dates_of_a_workbook_are_read_once_and_never_543_years_off(
    open_ctx: OpenContext, hrd: str, tmp_path: Path
) -> None:
    path = write_book(tmp_path / "dates.xlsx", {
        RECORD_SHEET: [record_row("leap", created_date="2567-02-29", last_updated_date=dt.datetime(2564, 3, 31))],
        STAT_SHEET: [stat_row(last_updated_date="2021-12-31")],  # a Christian Era year typed in is kept as one
        RES_STAT: [resource_row("training-statistics", "สถิติ", resource_last_updated_date="29/02/2567")],
    })
    assert run_import(open_ctx, path).problems == []
    with open_ctx() as ctx:
        leap, stats = dataset_show(ctx, "leap"), dataset_show(ctx, "training-statistics")
    assert (leap["created_date"], leap["last_updated_date"]) == ("2024-02-29", "2021-03-31")
    assert stats["last_updated_date"] == "2021-12-31"
    assert stats["resources"][0]["resource_last_updated_date"] == "2024-02-29"
    bad = write_book(tmp_path / "bad.xlsx", {RECORD_SHEET: [record_row("typo", created_date="0564-03-31")]})
    [problem] = failed_import(open_ctx, bad, dry_run=True).problems
    assert (problem.row, problem.column, problem.code) == (6, "S", "date_year_of_no_era")
    assert "0564" in problem.th and "พ.ศ." in problem.th and "Buddhist Era" in problem.en


def test_imported_datasets_are_indexed_once_together_and_a_dry_run_leaves_the_index(
        open_ctx: OpenContext, hrd: str, tmp_path: Path) -> None:
    """The import indexes its datasets in one write at the end (not one per dataset); a dry run does the
    same work and rolls it back, so the index keeps nothing of it."""
    book = sample_book(tmp_path / "catalog.xlsx")
    before = index_generation(open_ctx)
    run_import(open_ctx, book, dry_run=True, publish=True)
    assert index_generation(open_ctx) == before
    with open_ctx() as ctx:
        assert search_datasets(ctx, SearchQuery(q="วิทยากร", include_private=True)).count == 0
    with open_ctx() as ctx:
        catalog_import(ctx, read_catalog_workbook(book), publish=True)  # drafts are not searched
        assert [d["name"] for d in search_datasets(ctx, SearchQuery(q="วิทยากร", include_private=True)).results] \
            == ["lecturers"]  # in the import's own transaction
    assert index_generation(open_ctx) == before + 1  # three datasets, two resources: one index write
    with open_ctx() as ctx:
        assert search_datasets(ctx, SearchQuery(rows=0, include_private=True)).count == 3


def index_generation(open_ctx: OpenContext) -> int:
    with open_ctx() as ctx:
        return int(ctx.session.execute(select(search_state.c.gen)).scalar() or 0)
