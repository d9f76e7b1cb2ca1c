"""Data dictionaries of resources: draft versions, approval by the working group, validation runs.

Versions are never edited: a change is a new draft. Only a member of a working group of the
dataset's organization approves, and who and when is kept. A validation run is stored in the
caller's transaction in one go, after the file was fully checked: an interrupted run (Ctrl-C)
leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlmodel import col, func, select

from catalog import permissions
from catalog.actions.datasets import check_editable
from catalog.actions.lookup import get_by_id_or_name, get_dataset
from catalog.actions.signing import acting_person
from catalog.actions.working_groups import is_working_group_member
from catalog.audit import record_change, snapshot
from catalog.context import Context
from catalog.errors import NotFound, ValidationFailed
from catalog.models import Dataset, Organization, Person, Resource, ResourceKind
from catalog.models.dictionary import DataDictionary, DictionaryVersion, ValidationRun
from catalog.permissions import action, helper
from catalog.storage import store_upload
from dictionaries.messages import problem
from dictionaries.model import Dictionary, parse_schema
from dictionaries.validate import Reference, Report, validate
from dictionaries.versions import VersionStatus
from schemas.messages import ProblemsError


class VersionPublic(BaseModel):
    id: str
    dataset: str
    resource_id: str
    number: int
    status: VersionStatus
    table_schema: dict[str, Any]
    created_by: str
    created_at: dt.datetime
    approved_by: str | None = None  # the approver's e-mail
    approved_at: dt.datetime | None = None
    current: bool = False  # the resource's current approved version (exactly one, once any is approved)


class ValidationRunPublic(BaseModel):
    id: str
    dataset: str
    resource_id: str
    dictionary_version_id: str
    version_number: int
    file_sha256: str
    valid: bool
    rows: int
    errors: int
    validity: float
    completeness: float
    created_by: str
    created_at: dt.datetime


def _resource(ctx: Context, dataset_key: str, resource_id: str) -> tuple[Dataset, Resource]:
    """The dataset's resource, if the actor may read it (else Hidden, as one that does not exist)."""
    dataset = get_dataset(ctx, dataset_key)
    permissions.check_dataset_read(ctx, dataset)
    resource = ctx.session.get(Resource, resource_id) or _resource_named(ctx, dataset, resource_id)
    if resource.dataset_id != dataset.id:
        wrong = problem("resource_not_in_dataset", "resource", value=resource_id, dataset=dataset.name)
        raise ValidationFailed([wrong])
    permissions.check_resource_read(ctx, dataset, resource)
    return dataset, resource


def _resource_named(ctx: Context, dataset: Dataset, name: str) -> Resource:
    """The dataset's resource of that name (what people type); a name two resources share is refused."""
    found = ctx.session.exec(select(Resource).where(Resource.dataset_id == dataset.id, Resource.name == name)).all()
    if len(found) > 1:
        raise ValidationFailed([problem("resource_name_ambiguous", "resource", value=name, dataset=dataset.name,
                                        matches=", ".join(r.id for r in found))])
    if not found:
        return get_by_id_or_name(ctx, Resource, name, "resource", name_column="id")  # NotFound, as before
    return found[0]


@action("resource_update")
def dictionary_version_create(ctx: Context, dataset: str, resource_id: str, schema: Any) -> VersionPublic:
    """Store a new draft version (number = last + 1) of the resource's dictionary."""
    found, resource = _resource(ctx, dataset, resource_id)
    permissions.check(ctx, "resource_update", found.owner_org_id)
    check_editable(found)
    try:
        dictionary = schema if isinstance(schema, Dictionary) else parse_schema(schema)
    except ProblemsError as exc:
        raise ValidationFailed(exc.problems) from exc
    holder = ctx.session.exec(select(DataDictionary).where(DataDictionary.resource_id == resource.id)).first()
    if holder is None:
        holder = DataDictionary(resource_id=resource.id, created_at=ctx.now())
        ctx.session.add(holder)
        ctx.session.flush()
    last = ctx.session.exec(
        select(func.max(DictionaryVersion.number)).where(DictionaryVersion.dictionary_id == holder.id)
    ).one()
    version = DictionaryVersion(
        dictionary_id=holder.id, number=(last or 0) + 1, table_schema=dictionary.to_table_schema(),
        status=VersionStatus.draft, created_by=ctx.actor.name, created_at=ctx.now(),
    )
    ctx.session.add(version)
    ctx.session.flush()
    record_change(ctx, "dictionary_version_create", "dictionary_version", version.id, None, snapshot(version))
    return _version_public(ctx, version)


@action("dictionary_version_approve")
def dictionary_version_approve(ctx: Context, version_id: str, data: dict[str, Any] | None = None) -> VersionPublic:
    """Approve a draft. The approver is the signed-in account's person (only the operator's CLI may name
    one) and must sit on a working group of the dataset's organization."""
    version = get_by_id_or_name(ctx, DictionaryVersion, version_id, "dictionary_version", name_column="id")
    dataset, resource = _owner(ctx, version)
    permissions.check_resource_read(ctx, dataset, resource)
    check_editable(dataset)
    if version.status == VersionStatus.approved:
        raise ValidationFailed([problem("already_approved", "status", value=version.number)])
    newest = ctx.session.exec(
        select(func.max(DictionaryVersion.number)).where(DictionaryVersion.dictionary_id == version.dictionary_id)
    ).one()
    if newest is not None and newest > version.number:  # a later draft replaces this one
        raise ValidationFailed([problem("not_newest_draft", "version", value=version.number, newest=newest)])
    approver = _approver(ctx, (data or {}).get("approved_by"))
    if not is_working_group_member(ctx, approver.id, dataset.owner_org_id):
        org = ctx.session.get(Organization, dataset.owner_org_id)
        assert org is not None
        value = approver.email
        raise ValidationFailed([problem("approver_not_in_working_group", "approved_by", value=value, org=org.name)])
    permissions.check(ctx, "dictionary_version_approve", dataset.owner_org_id)  # and a token's scope
    before = snapshot(version)
    version.status, version.approved_by_id, version.approved_at = VersionStatus.approved, approver.id, ctx.now()
    ctx.session.add(version)
    ctx.session.flush()
    record_change(ctx, "dictionary_version_approve", "dictionary_version", version.id, before, snapshot(version))
    return _version_public(ctx, version)


def _approver(ctx: Context, named: str | None) -> Person:
    return acting_person(ctx, named, "approved_by")


@action("dictionary_read")
def dictionary_versions(ctx: Context, dataset: str, resource_id: str) -> list[VersionPublic]:
    """The resource's dictionary versions; drafts (which name their editor) only to the organization."""
    found, resource = _resource(ctx, dataset, resource_id)
    return [_version_public(ctx, v) for v in visible_dictionary_versions(ctx, found, resource)]


@helper
def visible_dictionary_versions(ctx: Context, dataset: Dataset, resource: Resource) -> list[DictionaryVersion]:
    """The versions the actor may read: all for the organization's members, approved ones for anyone else."""
    versions = resource_dictionary_versions(ctx, resource)
    if permissions.may_read_org_records(ctx.actor, dataset.owner_org_id):
        return versions
    return [version for version in versions if version.status == VersionStatus.approved]


def _owner(ctx: Context, version: DictionaryVersion) -> tuple[Dataset, Resource]:
    holder = ctx.session.get(DataDictionary, version.dictionary_id)
    assert holder is not None
    resource = ctx.session.get(Resource, holder.resource_id)
    assert resource is not None
    dataset = ctx.session.get(Dataset, resource.dataset_id)
    assert dataset is not None
    return dataset, resource


def _current_approved_number(ctx: Context, dictionary_id: str) -> int | None:
    """Approvals go to the newest draft only, so the highest approved number is the one in force."""
    return ctx.session.exec(
        select(func.max(DictionaryVersion.number)).where(
            DictionaryVersion.dictionary_id == dictionary_id, DictionaryVersion.status == VersionStatus.approved)
    ).one()


def _version_public(ctx: Context, version: DictionaryVersion) -> VersionPublic:
    dataset, resource = _owner(ctx, version)
    approver = ctx.session.get(Person, version.approved_by_id) if version.approved_by_id else None
    return VersionPublic(
        id=version.id, dataset=dataset.name, resource_id=resource.id, number=version.number,
        status=VersionStatus(version.status), table_schema=version.table_schema, created_by=version.created_by,
        created_at=version.created_at, approved_by=approver.email if approver else None,
        approved_at=version.approved_at,
        current=version.number == _current_approved_number(ctx, version.dictionary_id),
    )


# -- validation runs ---------------------------------------------------------------------------


@helper
def resource_dictionary_versions(ctx: Context, resource: Resource) -> list[DictionaryVersion]:
    return list(ctx.session.exec(
        select(DictionaryVersion).join(DataDictionary)
        .where(DataDictionary.resource_id == resource.id).order_by(col(DictionaryVersion.number))
    ))


def current_version(versions: list[DictionaryVersion]) -> DictionaryVersion | None:
    """The version files are checked against: the current approved one (the highest approved number), else
    the latest draft."""
    return max(versions, key=lambda v: (v.status == VersionStatus.approved, v.number), default=None)


@action("dictionary_read")
def resource_table_schemas(ctx: Context, dataset_key: str) -> dict[str, dict[str, Any]]:
    """Resource id → the Table Schema of its current dictionary version, for the resources the actor reads
    that have one (a draft counts only for the organization's members)."""
    dataset = get_dataset(ctx, dataset_key)
    permissions.check_dataset_read(ctx, dataset)
    resources = ctx.session.exec(select(Resource).where(Resource.dataset_id == dataset.id)).all()
    schemas = {}
    for resource in resources:
        if not permissions.may_read_resource(ctx, dataset, resource):
            continue
        version = current_version(visible_dictionary_versions(ctx, dataset, resource))
        if version is not None:
            schemas[resource.id] = version.table_schema
    return schemas


def _version_for(ctx: Context, resource: Resource, version_id: str | None) -> DictionaryVersion:
    """The named version, else the current one (see :func:`current_version`)."""
    if version_id:
        version = get_by_id_or_name(ctx, DictionaryVersion, version_id, "dictionary_version", name_column="id")
        holder = ctx.session.get(DataDictionary, version.dictionary_id)
        if holder is None or holder.resource_id != resource.id:
            raise NotFound("dictionary_version", version_id)
        return version
    current = current_version(resource_dictionary_versions(ctx, resource))
    if current is None:
        raise ValidationFailed([problem("no_dictionary", "resource", value=resource.id)])
    return current


@action("resource_update")
def validation_run_store(
    ctx: Context, dataset: str, resource_id: str, version_id: str, report: Report
) -> ValidationRunPublic:
    """Store a finished report with its quality figures: one row and its audit entry, together."""
    found, resource = _resource(ctx, dataset, resource_id)
    permissions.check(ctx, "resource_update", found.owner_org_id)
    check_editable(found)
    version = _version_for(ctx, resource, version_id)
    run = ValidationRun(
        dataset_id=found.id, resource_id=resource.id, dictionary_version_id=version.id,
        file_sha256=report.stats.sha256, valid=report.valid, rows=report.stats.rows, errors=report.stats.errors,
        validity=report.quality.validity, completeness=report.quality.completeness, report=report.to_json(),
        created_by=ctx.actor.name, created_at=ctx.now(),
    )
    ctx.session.add(run)
    ctx.session.flush()
    summary = {k: v for k, v in snapshot(run).items() if k != "report"}
    record_change(ctx, "validation_run_store", "validation_run", run.id, None, summary)
    return _run_public(run, found, version)


@action("resource_update")
def resource_validate(
    ctx: Context, dataset: str, resource_id: str, path: str | Path, *, version_id: str | None = None,
    keep_file: bool = False, **options: Any
) -> ValidationRunPublic:
    """Validate a file against the resource's dictionary (see :func:`_version_for`) and store the run.
    ``keep_file``: the checked file goes into the store too (by its hash, as uploads do), so the report can
    show its rows even when the file is not taken as the resource's data."""
    found, resource = _resource(ctx, dataset, resource_id)
    permissions.check(ctx, "resource_update", found.owner_org_id)
    check_editable(found)
    options = {"references": _dataset_references(ctx, found, resource), "resource_name": resource.name, **options}
    version = _version_for(ctx, resource, version_id)
    report = validate(path, version.table_schema, **options)
    if keep_file:
        with Path(path).open("rb") as content:
            store_upload(ctx.settings.effective_storage_dir, content, ctx.settings.max_upload_bytes)
    return validation_run_store(ctx, dataset, resource_id, version.id, report)


@action("dictionary_read")
def validation_runs(ctx: Context, dataset: str, resource_id: str) -> list[ValidationRunPublic]:
    found, resource = _resource(ctx, dataset, resource_id)
    rows = ctx.session.exec(
        select(ValidationRun, DictionaryVersion).join(DictionaryVersion)
        .where(ValidationRun.resource_id == resource.id).order_by(col(ValidationRun.created_at))
    ).all()
    return [_run_public(run, found, version) for run, version in rows]


def _run_public(run: ValidationRun, dataset: Dataset, version: DictionaryVersion) -> ValidationRunPublic:
    return ValidationRunPublic(
        id=run.id, dataset=dataset.name, resource_id=run.resource_id, dictionary_version_id=version.id,
        version_number=version.number, file_sha256=run.file_sha256, valid=run.valid, rows=run.rows,
        errors=run.errors, validity=run.validity, completeness=run.completeness, created_by=run.created_by,
        created_at=run.created_at,
    )


def _dataset_references(ctx: Context, dataset: Dataset, resource: Resource) -> dict[str, Reference]:
    """The dataset's other uploaded resources that have a current dictionary, by name: what a foreign key
    of this resource may refer to (their stored file, read with their own dictionary)."""
    from catalog.storage import object_key

    found: dict[str, Reference] = {}
    others = ctx.session.exec(
        select(Resource).where(Resource.dataset_id == dataset.id, Resource.id != resource.id)
    ).all()
    for other in others:
        if other.kind != ResourceKind.file or not other.sha256:
            continue
        current = current_version(resource_dictionary_versions(ctx, other))
        if current is None:
            continue
        kind = "xlsx" if (other.filename or "").lower().endswith(".xlsx") else "csv"
        path = ctx.settings.effective_storage_dir / object_key(other.sha256)
        found.setdefault(other.name, Reference(path, current.table_schema, kind=kind))
    return found
