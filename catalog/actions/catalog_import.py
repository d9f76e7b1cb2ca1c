"""Import a catalog workbook (the GD Catalog Excel template): all or nothing, datasets upserted by name.

Every row goes through the same actions as any other change (``dataset_create`` / ``dataset_update`` /
``resource_create`` / ``resource_update``), so the registry's rules apply once. A row whose values equal
what the registry holds is left alone: no new version, no audit entry, so re-importing a file changes
nothing. Every problem is collected with its sheet, row and column; if there is any, the whole import
is rolled back. A dry run does all of it inside a savepoint and rolls that back.

A workbook exported from Banchi carries the id and version of every dataset and resource (a hidden
sheet). A row that would change a record is refused as stale, named by its sheet and row, when the
record's version is not the exported one (someone changed it since: importing would revert that) or
when the workbook carries none for it. ``force`` overwrites anyway, and each such change says so in
its audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.catalog_orgs import ImportOrganizations
from catalog.actions.datasets import dataset_create, dataset_publish_draft, dataset_update, flat_metadata
from catalog.actions.resources import COLUMN_KEYS as RESOURCE_COLUMN_KEYS
from catalog.actions.resources import resource_create, resource_update
from catalog.context import Context
from catalog.errors import ValidationFailed, kind_label
from catalog.models import Dataset, DatasetState, Organization, Resource, ResourceKind
from catalog.permissions import action
from catalog.search.index import reindex_once
from schemas.excel_messages import excel_problem, located
from schemas.excel_template import (
    ExcelTemplate,
    ExportedVersion,
    SheetLayout,
    SheetRow,
    WorkbookContent,
    load_template,
)
from schemas.messages import Problem, ProblemsError, problem
from schemas.metadata import is_empty, validate_dataset_metadata, validate_resource_metadata
from schemas.template_values import CellReader, normalize_name, plain

CHUNK = 500  # names per IN (...) query
UPLOAD_URL_STAND_IN = "https://upload.invalid/"  # an upload meets the required url as resource_create has it
IMPORT_REASON = "catalog import"


class ImportReport(BaseModel):
    dry_run: bool = False
    datasets_created: list[str] = []
    datasets_updated: list[str] = []
    datasets_unchanged: list[str] = []
    resources_created: int = 0
    resources_updated: int = 0
    resources_unchanged: int = 0
    organizations_created: list[str] = []
    overwritten: list[str] = []  # with force: rows written over changes made since the export ("sheet row N")
    left_out: int = 0  # rows of other organizations than ``template_org`` (datasets and their resources)
    published: bool = False  # asked to publish: the datasets of the workbook are published, not left drafts
    datasets_published: list[str] = []  # drafts (new or held) this import published
    problems: list[Problem] = []
    warnings: list[Problem] = []  # read, but maybe not as meant (a header text that is not the column's)


class ImportFailed(ValidationFailed):
    """The workbook has problems; nothing was written. ``report`` says what the import would have done."""

    def __init__(self, report: ImportReport):
        super().__init__(report.problems)
        self.report = report


@action("catalog_import")
def catalog_import(
    ctx: Context, content: WorkbookContent, *, organization: str | None = None,
    create_organizations: bool = False, dry_run: bool = False, force: bool = False,
    template_org: str | None = None, publish: bool = False,
) -> ImportReport:
    """Upsert the workbook's datasets and resources; ``organization`` receives every dataset if given.

    New datasets are drafts (a steward publishes each when it is ready), unless ``publish``: then every dataset
    of the workbook that is a draft is published, and a row whose mandatory metadata is incomplete is refused
    naming each empty cell (the whole import with it).

    ``force`` writes rows over records changed since the workbook was exported (audited as such).
    ``template_org`` keeps only the dataset rows whose organization cell is that text, and their resources,
    as thai_gdc's importer filters a workbook several agencies filled."""
    permissions.check_somewhere(ctx, "catalog_import")
    template = load_template(content.template)
    savepoint = ctx.session.begin_nested() if dry_run else None
    try:
        importer = _Import(ctx, template, create_organizations, content.versions, force, publish)
        with reindex_once(ctx.session):  # the imported datasets are indexed together at the end
            report = importer.run(_only_organization(content, template, template_org, importer.report)
                                  if template_org else content, organization)
    finally:
        if savepoint is not None:
            savepoint.rollback()
    report.dry_run, report.published = dry_run, publish
    if report.problems:
        raise ImportFailed(report)
    return report


@dataclass
class _Row:
    layout: SheetLayout
    row: SheetRow
    values: dict[str, Any]

    def place(self, field: str | None) -> dict[str, Any]:
        column = self.layout.by_field.get(field or "") or self.layout.by_key.get(field or "")
        letter = self.row.letters.get(column.key) if column else None
        return {"sheet": self.row.sheet, "row": self.row.row, "column": letter}


class _Import:
    def __init__(self, ctx: Context, template: ExcelTemplate, create_organizations: bool,
                 versions: Mapping[tuple[str, str], ExportedVersion] | None, force: bool, publish: bool = False):
        self.ctx, self.template = ctx, template
        self.versions, self.force, self.publish = versions, force, publish
        self.profile = template.metadata_profile
        self.reader = CellReader(template)
        self.report = ImportReport()
        self.orgs = ImportOrganizations(ctx, create_organizations, self.add)
        self._placed: set[tuple[Any, ...]] = set()
        self.imported: dict[str, Dataset | None] = {}  # name → dataset; None when its row failed

    def add(self, found: Problem) -> None:
        """Record a problem; one per cell, so a refused cell is not reported again as empty."""
        key = (found.sheet, found.row, found.column or found.field)
        if found.column is not None and key in self._placed:
            return
        self._placed.add(key)
        self.report.problems.append(found)

    def run(self, content: WorkbookContent, organization: str | None) -> ImportReport:
        for found in content.problems:
            self.add(found)
        self.report.warnings = list(content.warnings)
        target = self.orgs.prepare(organization, content.organizations)
        if organization and target is None:
            return self.report  # the --org problem is recorded; rows cannot be placed anywhere
        permissions.check(self.ctx, "catalog_import", target.id if target else None)
        self._datasets(content.datasets, target)
        self._resources(content.resources)
        self.report.organizations_created = self.orgs.created
        self.report.problems.sort(key=self._position)
        return self.report

    def _position(self, found: Problem) -> tuple[int, int, int, str]:
        """Workbook order: sheets as the template lists them, then row, then column."""
        sheets = [lay.sheet for lay in (*self.template.dataset_layouts, *self.template.resource_layouts)]
        sheet = sheets.index(found.sheet) if found.sheet in sheets else (-1 if found.sheet is None else len(sheets))
        column = found.column or ""
        return sheet, found.row or 0, len(column), column

    def _read(self, sheet_row: SheetRow) -> _Row:
        """The row's registry values; its refused cells are reported and left out."""
        layout = self.template.layout_of(sheet_row.sheet)
        assert layout is not None
        read = self.reader.dataset_values if layout.level == "dataset" else self.reader.resource_values
        values, problems = read(layout, sheet_row)
        for found in problems:
            self.add(found)
        return _Row(layout, sheet_row, _without(values, problems, layout))

    # -- datasets -------------------------------------------------------------------------------------------

    def _datasets(self, sheet_rows: list[SheetRow], target: Organization | None) -> None:
        rows = [self._read(sheet_row) for sheet_row in sheet_rows]
        name_field = self.template.name_column
        existing = self._existing_datasets([str(r.values[name_field]) for r in rows if r.values.get(name_field)])
        first_seen: dict[str, _Row] = {}
        for row in rows:
            name = row.values.get(name_field)
            if name and name in first_seen:
                other = first_seen[name].row
                self.add(excel_problem("duplicate_row", **row.place(name_field), field=name_field, value=name,
                                       other_row=other.row, other_sheet=other.sheet))
                continue
            if name:
                first_seen[name] = row
            self._owner(row, target)
            self._dataset(row, existing.get(name) if name else None)

    def _owner(self, row: _Row, target: Organization | None) -> None:
        owner_field = self.template.organization_field
        if target is not None:
            row.values[owner_field] = target.name
        elif not is_empty(row.values.get(owner_field)):
            resolved = self.orgs.resolve(str(row.values[owner_field]), row.place(owner_field))
            row.values[owner_field] = resolved.name if resolved else None

    def _dataset(self, row: _Row, dataset: Dataset | None) -> None:
        name = row.values.get(self.template.name_column)
        owner = self.template.organization_field
        if dataset is not None and is_empty(row.values.get(owner)):
            row.values.pop(owner, None)  # a dataset always has an owner: an empty cell keeps it
        refused = False
        try:
            if dataset is None and is_empty(row.values.get(owner)):
                self._without_owner(row)
                dataset = None
            elif dataset is None:
                created = dataset_create(self.ctx, {k: v for k, v in row.values.items() if not is_empty(v)},
                                         publish=self.publish)
                self.report.datasets_created.append(created["name"])
                dataset = self.ctx.session.get(Dataset, created["id"])
                if self.publish:
                    self.report.datasets_published.append(created["name"])
            elif self._unchanged(dataset, row.values):
                self.report.datasets_unchanged.append(dataset.name)
            elif (reason := self._overwrite_reason(row, dataset, (dataset.name, ""))) is not None:
                dataset_update(self.ctx, dataset.name, row.values, reason=reason)
                self.report.datasets_updated.append(dataset.name)
            else:
                refused = True  # stale: its problem is recorded, and its draft is not published from old values
            if dataset is not None and self.publish and not refused and dataset.state == DatasetState.draft:
                dataset_publish_draft(self.ctx, dataset.name, reason=IMPORT_REASON)
                self.report.datasets_published.append(dataset.name)
        except ProblemsError as exc:
            for found in exc.problems:
                self.add(located(found, **row.place(found.field)))
            dataset = None
        if name:
            self.imported[str(name)] = dataset

    def _without_owner(self, row: _Row) -> None:
        """No organization for a new dataset: say so, and still check the rest of the row."""
        owner = self.template.organization_field
        spec = self.profile.dataset_field(owner)
        self.add(located(problem("required", owner, label=spec.label.th, label_en=spec.label.en), **row.place(owner)))
        validate_dataset_metadata({k: v for k, v in row.values.items() if not is_empty(v)}, self.profile,
                                  draft=not self.publish)

    def _unchanged(self, dataset: Dataset, values: Mapping[str, Any]) -> bool:
        """Would the update store what is stored? (A change of type is always a change.)"""
        if values.get(self.template.type_field) != dataset.data_type:
            return False
        current = flat_metadata(self.ctx, dataset)
        try:
            after = validate_dataset_metadata({**current, **values}, self.profile,
                                              draft=dataset.state == DatasetState.draft)
        except ProblemsError:
            return False  # the update itself reports the problems
        return after == {key: value for key, value in current.items() if not is_empty(value)}

    def _overwrite_reason(self, row: _Row, record: Dataset | Resource, key: tuple[str, str]) -> str | None:
        """The audit reason for changing ``record`` from this row, or None when the row is refused as stale:
        the workbook must carry the version the registry holds now (unless forced)."""
        exported = None if self.versions is None else self.versions.get(key)
        if exported is not None and (exported.id, exported.version) == (record.id, record.version):
            return IMPORT_REASON
        th, en = kind_label("dataset" if isinstance(record, Dataset) else "resource")
        sheet, number = row.row.sheet, row.row.row
        if exported is None or exported.id != record.id:  # not exported, or a record made since under that name
            found = excel_problem("unversioned_row", sheet=sheet, row=number, value=key[1] or key[0], kind=th,
                                  kind_en=en)
        else:
            found = excel_problem("stale_row", sheet=sheet, row=number, value=key[1] or key[0], kind=th, kind_en=en,
                                  expected=exported.version, current=record.version)
        if not self.force:
            self.add(found)
            return None
        self.report.overwritten.append(f"{sheet} row {number}")
        return f"{IMPORT_REASON} --force ({sheet} row {number}): {found.en}"

    def _existing_datasets(self, names: list[str]) -> dict[str, Dataset]:
        found: dict[str, Dataset] = {}
        for chunk in _chunks(sorted(set(names))):
            query = select(Dataset).where(col(Dataset.name).in_(chunk))
            found.update((dataset.name, dataset) for dataset in self.ctx.session.exec(query))
        return found

    # -- resources ------------------------------------------------------------------------------------------

    def _resources(self, sheet_rows: list[SheetRow]) -> None:
        datasets = self._resource_datasets(sheet_rows)
        existing = self._existing_resources([d for d in datasets.values() if d is not None])
        first_seen: dict[tuple[str, str], SheetRow] = {}
        for sheet_row in sheet_rows:
            row = self._read(sheet_row)
            layout = row.layout
            ref = self.reader.dataset_ref(layout, sheet_row)
            ref_column = self.template.resource_dataset_column
            if ref is None:
                spec = layout.by_key[ref_column].spec
                self.add(located(problem("required", ref_column, label=spec.label.th, label_en=spec.label.en),
                                 **row.place(ref_column)))
                continue
            name_field = self.template.resource_name_field
            key = (ref, str(row.values.get(name_field) or ""))
            if key in first_seen and key[1]:
                other = first_seen[key]
                self.add(excel_problem("duplicate_resource", **row.place(name_field), field=name_field, value=key[1],
                                       other_row=other.row, other_sheet=other.sheet))
                continue
            first_seen[key] = sheet_row
            self._resource(row, ref, datasets.get(ref), existing)

    def _resource(self, row: _Row, ref: str, dataset: Dataset | None,
                  existing: Mapping[tuple[str, str], Resource]) -> None:
        ref_place = row.place(self.template.resource_dataset_column)
        sheet_type = self.profile.type_value(row.layout.type_code)
        if dataset is None:
            if ref in self.imported:  # its dataset row failed: still check the resource's own cells
                self._check_resource_only(row, sheet_type)
            else:
                self.add(excel_problem("unknown_dataset", **ref_place, value=ref))
            return
        if dataset.data_type != sheet_type:
            self.add(excel_problem("resource_sheet_type", **ref_place, value=ref, data_type=dataset.data_type,
                                   sheet_type=sheet_type))
            return
        current = existing.get((dataset.id, str(row.values.get(self.template.resource_name_field) or "")))
        try:
            if current is None:
                resource_create(self.ctx, dataset.name, {k: v for k, v in row.values.items() if not is_empty(v)})
                self.report.resources_created += 1
            else:
                changes = self._resource_changes(dataset, current, row.values)
                if changes is None:
                    self.report.resources_unchanged += 1
                elif (reason := self._overwrite_reason(row, current, (dataset.name, current.name))) is not None:
                    resource_update(self.ctx, current.id, changes, reason=reason)
                    self.report.resources_updated += 1
        except ProblemsError as exc:
            for found in exc.problems:
                self.add(located(found, **row.place(found.field)))

    def _resource_changes(self, dataset: Dataset, resource: Resource, values: Mapping[str, Any]) -> dict | None:
        """The changes to apply, or None when the resource already holds the row's values."""
        changes = dict(values)
        current = {key: getattr(resource, key) for key in RESOURCE_COLUMN_KEYS} | resource.extras
        if resource.kind == ResourceKind.file:  # an upload keeps its file; the sheet shows its download link
            changes.pop("url", None)
            current["url"] = UPLOAD_URL_STAND_IN
        try:
            after = validate_resource_metadata({**current, **changes}, self.profile, dataset.data_type)
        except ProblemsError:
            return changes
        return None if after == {k: v for k, v in current.items() if not is_empty(v)} else changes

    def _check_resource_only(self, row: _Row, data_type: str) -> None:
        try:
            validate_resource_metadata({k: v for k, v in row.values.items() if not is_empty(v)}, self.profile,
                                       data_type)
        except ProblemsError as exc:
            for found in exc.problems:
                self.add(located(found, **row.place(found.field)))

    def _resource_datasets(self, sheet_rows: list[SheetRow]) -> dict[str, Dataset | None]:
        refs = set()
        for sheet_row in sheet_rows:
            layout = self.template.layout_of(sheet_row.sheet)
            assert layout is not None
            ref = self.reader.dataset_ref(layout, sheet_row)
            if ref:
                refs.add(ref)
        found: dict[str, Dataset | None] = {ref: self.imported[ref] for ref in refs if ref in self.imported}
        found.update(self._existing_datasets([ref for ref in refs if ref not in self.imported]))
        return found

    def _existing_resources(self, datasets: list[Dataset]) -> dict[tuple[str, str], Resource]:
        found: dict[tuple[str, str], Resource] = {}
        for chunk in _chunks(sorted({d.id for d in datasets})):
            query = select(Resource).where(col(Resource.dataset_id).in_(chunk)).order_by(col(Resource.position))
            for resource in self.ctx.session.exec(query):
                found.setdefault((resource.dataset_id, resource.name), resource)
        return found


def _only_organization(content: WorkbookContent, template: ExcelTemplate, template_org: str,
                       report: ImportReport) -> WorkbookContent:
    """The rows whose organization cell is ``template_org`` (compared as thai_gdc compares it: the whole cell,
    trimmed) and the resource rows of those datasets; the problems of the rows left out go with them."""
    owner = next(c.key for c in template.dataset_layouts[0].columns if c.field == template.organization_field)
    wanted = template_org.strip()
    datasets = [row for row in content.datasets if str(row.cells.get(owner) or "").strip() == wanted]
    names = {normalize_name(str(row.cells[template.name_column])) for row in datasets
             if plain(row.cells.get(template.name_column)) is not None}
    reader = CellReader(template)
    resources = [row for row in content.resources
                 if reader.dataset_ref(_layout(template, row), row) in names]
    kept = {(row.sheet, row.row) for row in (*datasets, *resources)}
    left = {(row.sheet, row.row) for row in (*content.datasets, *content.resources)} - kept
    report.left_out = len(left)
    return replace(content, datasets=datasets, resources=resources,
                   problems=[p for p in content.problems if (p.sheet, p.row) not in left])


def _layout(template: ExcelTemplate, row: SheetRow) -> SheetLayout:
    layout = template.layout_of(row.sheet)
    assert layout is not None  # rows come from the template's sheets
    return layout


def _without(values: dict[str, Any], problems: list[Problem], layout: SheetLayout) -> dict[str, Any]:
    """The row's values minus those of refused cells (already reported)."""
    refused = {p.field for p in problems}
    fields = {layout.by_key[key].field for key in refused if key in layout.by_key}
    return {key: value for key, value in values.items() if key not in fields}


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]
