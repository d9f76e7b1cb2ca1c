"""New data for an uploaded resource: the file it serves is replaced by a new upload (stored once by sha256;
the earlier bytes stay in the store, and the audit log keeps which file the resource served before). The
copies earlier reports kept of files checked for it go (see catalog.kept_files)."""

from __future__ import annotations

import mimetypes
from typing import Any, BinaryIO

from catalog import permissions
from catalog.actions.datasets import check_editable
from catalog.actions.lookup import checked_resource
from catalog.actions.resources import _safe_filename, resource_dict
from catalog.audit import record_change, snapshot
from catalog.context import Context
from catalog.errors import ValidationFailed
from catalog.kept_files import copies_of, remove_unwanted_copies
from catalog.models import ResourceKind
from catalog.permissions import action
from catalog.storage import store_upload
from catalog.versioning import claim_next_version
from schemas.messages import problem


@action("resource_update")
def resource_file_replace(
    ctx: Context, resource_id: str, content: BinaryIO, filename: str, expected_version: int | None = None,
    encoding: str | None = None,
) -> dict[str, Any]:
    """Serve ``content`` as the resource's data from now on; its ``last_updated`` is now (a data update)."""
    dataset, resource = checked_resource(ctx, resource_id)
    permissions.check(ctx, "resource_update", dataset.owner_org_id)
    check_editable(dataset)
    if resource.kind != ResourceKind.file:
        raise ValidationFailed([problem("invalid_value", "file", label="ไฟล์", label_en="File", value=resource.name,
                                        detail="a link resource has no uploaded file")])
    name = _safe_filename(filename)
    reported = copies_of(ctx, [resource.id])
    before = snapshot(resource)
    claim_next_version(ctx, resource, "resource", resource.id, expected_version)
    stored = store_upload(ctx.settings.effective_storage_dir, content, ctx.settings.max_upload_bytes)
    resource.sha256, resource.size, resource.filename = stored.sha256, stored.size, name
    resource.mimetype = mimetypes.guess_type(name)[0]
    resource.encoding = encoding or resource.encoding
    resource.last_updated = resource.updated_at = ctx.now()
    ctx.session.add(resource)
    ctx.session.flush()
    record_change(ctx, "resource_file_replace", "resource", resource.id, before, snapshot(resource))
    remove_unwanted_copies(ctx, reported)
    return resource_dict(ctx, dataset, resource)
