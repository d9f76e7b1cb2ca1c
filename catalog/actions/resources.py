"""Resources: the files and links of a dataset, with format, size, sha256 and encoding."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from sqlmodel import col, func, select

from catalog import permissions
from catalog.actions.datasets import check_editable
from catalog.actions.lookup import checked_resource, get_dataset
from catalog.audit import record_change, snapshot
from catalog.context import Context
from catalog.errors import ValidationFailed
from catalog.kept_files import copies_of, remove_unwanted_copies
from catalog.models import Dataset, Resource, ResourceKind
from catalog.permissions import action, helper
from catalog.storage import store_upload
from catalog.versioning import claim_next_version
from schemas.messages import Problem, ProblemsError, problem
from schemas.metadata import is_empty, validate_resource_metadata

# columns of their own; the rest of the resource profile's keys live in extras
COLUMN_KEYS = ("name", "description", "url", "format")
READ_ONLY_KEYS = frozenset({"id", "package_id", "position", "size", "sha256", "mimetype", "kind", "filename",
                            "created", "last_modified", "version", "private", "encoding", "download_url"})


@action("resource_create")
def resource_create(
    ctx: Context, dataset_key: str, data: Mapping[str, Any], *, content: BinaryIO | None = None,
    filename: str | None = None,
) -> dict[str, Any]:
    """Add a link (``url`` in data) or an uploaded file (``content``) to a dataset."""
    dataset = get_dataset(ctx, dataset_key)
    permissions.check_dataset(ctx, "resource_create", dataset)
    check_editable(dataset)
    fields = {key: value for key, value in data.items() if key not in READ_ONLY_KEYS}
    private = _flag(data.get("private", data.get("resource_private")))
    fields.pop("resource_private", None)
    kind = ResourceKind.file if content is not None else ResourceKind.url
    safe_name = _safe_filename(filename) if filename else None
    if kind is ResourceKind.file:
        fields.setdefault("name", safe_name)
        if is_empty(fields.get("format")) and safe_name:
            fields["format"] = PurePosixPath(safe_name).suffix.lstrip(".").upper() or None
    metadata = _validated(ctx, dataset, fields, kind)
    resource = Resource(
        dataset_id=dataset.id, kind=kind, private=private, position=_next_position(ctx, dataset),
        created_at=ctx.now(), updated_at=ctx.now(), last_updated=ctx.now(),
        encoding=data.get("encoding"), **_columns(metadata, kind),
    )
    if content is not None:
        stored = store_upload(ctx.settings.effective_storage_dir, content, ctx.settings.max_upload_bytes)
        resource.sha256, resource.size, resource.filename = stored.sha256, stored.size, safe_name
        resource.mimetype = mimetypes.guess_type(safe_name or "")[0]
    ctx.session.add(resource)
    ctx.session.flush()
    record_change(ctx, "resource_create", "resource", resource.id, None, snapshot(resource))
    return resource_dict(ctx, dataset, resource)


@action("resource_update")
def resource_update(
    ctx: Context, resource_id: str, changes: Mapping[str, Any], expected_version: int | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    dataset, resource = checked_resource(ctx, resource_id)
    permissions.check(ctx, "resource_update", dataset.owner_org_id)
    check_editable(dataset)
    before = snapshot(resource)
    current = {**resource.extras, **{key: getattr(resource, key) for key in COLUMN_KEYS}}
    merged = {**current, **{k: v for k, v in changes.items() if k not in READ_ONLY_KEYS and k != "resource_private"}}
    metadata = _validated(ctx, dataset, merged, ResourceKind(resource.kind))
    claim_next_version(ctx, resource, "resource", resource.id, expected_version)
    for key, value in _columns(metadata, ResourceKind(resource.kind)).items():
        setattr(resource, key, value)
    if "private" in changes or "resource_private" in changes:
        resource.private = _flag(changes.get("private", changes.get("resource_private")))
    resource.updated_at = ctx.now()
    ctx.session.add(resource)
    ctx.session.flush()
    record_change(ctx, "resource_update", "resource", resource.id, before, snapshot(resource), reason)
    return resource_dict(ctx, dataset, resource)


@action("resource_delete")
def resource_delete(ctx: Context, resource_id: str, reason: str | None = None) -> dict[str, Any]:
    """Remove a resource from its dataset (CKAN's ``resource_delete``), with its data dictionary and
    validation runs; the audit log keeps the resource as it was. Its stored file stays (addressed by
    content, it may serve another resource); the copies its reports kept of files checked for it go
    (catalog.kept_files). Returns the dataset it belonged to."""
    from catalog.actions.datasets import dataset_dict, delete_rows_referring_to

    dataset, resource = checked_resource(ctx, resource_id)
    permissions.check(ctx, "resource_delete", dataset.owner_org_id)
    check_editable(dataset)
    before = snapshot(resource)
    reported = copies_of(ctx, [resource.id])
    delete_rows_referring_to(ctx, "resource", [resource.id])
    ctx.session.delete(resource)
    ctx.session.flush()
    record_change(ctx, "resource_delete", "resource", before["id"], before, None, reason)
    remove_unwanted_copies(ctx, reported)
    return dataset_dict(ctx, dataset, with_resources=False)


@helper
def resource_dict(ctx: Context, dataset: Dataset, resource: Resource) -> dict[str, Any]:
    url = resource.url
    if resource.kind == ResourceKind.file:
        url = download_url(ctx, dataset, resource)
    return {
        "id": resource.id, "package_id": dataset.id, "position": resource.position, "name": resource.name,
        "description": resource.description, "url": url, "format": resource.format, "kind": resource.kind,
        **resource.extras,
        "resource_private": "True" if resource.private else "False",
        "size": resource.size, "sha256": resource.sha256, "mimetype": resource.mimetype,
        "encoding": resource.encoding, "filename": resource.filename,
        "last_modified": resource.last_updated.isoformat() if resource.last_updated else None,
        "created": resource.created_at.isoformat(), "version": resource.version,
    }


@helper
def download_url(ctx: Context, dataset: Dataset, resource: Resource) -> str:
    base = ctx.site_url
    return f"{base}/dataset/{dataset.name}/resource/{resource.id}/download/{resource.filename or 'data'}"


def _validated(ctx: Context, dataset: Dataset, fields: Mapping[str, Any], kind: ResourceKind) -> dict[str, Any]:
    profile = ctx.profile_for(dataset.profile)
    if kind is ResourceKind.file:
        # an upload's URL is Banchi's own download link (built on output); it meets the profile's required url
        fields = {**fields, "url": "https://upload.invalid/"}
    try:
        return validate_resource_metadata(fields, profile, dataset.data_type)
    except ProblemsError as exc:
        raise ValidationFailed(exc.problems) from None


def _columns(metadata: Mapping[str, Any], kind: ResourceKind) -> dict[str, Any]:
    columns = {key: metadata.get(key) for key in COLUMN_KEYS}
    if kind is ResourceKind.file:
        columns["url"] = None
    columns["extras"] = {key: value for key, value in metadata.items() if key not in COLUMN_KEYS}
    return columns


def _next_position(ctx: Context, dataset: Dataset) -> int:
    current = ctx.session.exec(select(func.max(col(Resource.position))).where(Resource.dataset_id == dataset.id)).one()
    return 0 if current is None else current + 1


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def _safe_filename(filename: str) -> str:
    """Only the last path segment, without control characters: uploads cannot name paths."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    if not name:
        raise ValidationFailed([_bad_filename(filename)])
    return name[:255]


def _bad_filename(filename: str) -> Problem:
    return problem("invalid_value", "filename", label="ชื่อไฟล์", label_en="File name", value=filename,
                   detail="no usable file name")
