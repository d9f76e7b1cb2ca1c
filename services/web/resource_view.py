"""A resource's dictionary and validation state as its page shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.actions.access import readable_resource
from catalog.actions.dictionaries import ValidationRunPublic, VersionPublic, dictionary_versions, validation_runs
from catalog.context import Context
from catalog.errors import NotFound
from catalog.models import Dataset, Resource
from catalog.models.dictionary import ValidationRun
from catalog.permissions import may_read_org_records

REPORT_ROWS = 200  # errors listed on the page; the rest are counted


def member_resource(ctx: Context, name: str, resource_id: str) -> tuple[Dataset, Resource]:
    """The resource, for the members of its organization only (drafts, their editors and the reports of files
    never published are theirs); anyone else gets the answer a resource that does not exist gets."""
    dataset, resource = readable_resource(ctx, resource_id, name)
    if not may_read_org_records(ctx.actor, dataset.owner_org_id):
        raise NotFound("resource", resource_id)
    return dataset, resource


@dataclass
class ResourceState:
    versions: list[VersionPublic]
    run: ValidationRunPublic | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    served: bool = False  # the validated file is the one the resource serves

    @property
    def marked_invalid(self) -> bool:
        """The file served was kept though its newest check found errors."""
        return bool(self.served and self.run and not self.run.valid)

    @property
    def current(self) -> VersionPublic | None:
        """The version files are checked against: the latest approved, else the latest draft."""
        approved = [v for v in self.versions if v.status == "approved"]
        listed = approved or self.versions
        return listed[-1] if listed else None

    @property
    def approved(self) -> VersionPublic | None:
        return next((v for v in reversed(self.versions) if v.status == "approved"), None)


def resource_state(ctx: Context, dataset: str, resource: dict[str, Any]) -> ResourceState:
    versions = dictionary_versions(ctx, dataset, resource["id"])
    runs = validation_runs(ctx, dataset, resource["id"])
    latest = runs[-1] if runs else None
    errors: list[dict[str, Any]] = []
    if latest is not None:
        row = ctx.session.get(ValidationRun, latest.id)  # the stored report of that run
        errors = list((row.report if row else {}).get("errors", []))[:REPORT_ROWS]
    return ResourceState(versions, latest, errors, bool(latest and latest.file_sha256 == resource.get("sha256")))


def latest_validity(ctx: Context, dataset: str, resources: list[dict[str, Any]]) -> float | None:
    """The validity (% of rows without errors) of the newest check of a file the dataset serves."""
    runs = [run for r in resources if r.get("kind") == "file"
            for run in validation_runs(ctx, dataset, r["id"]) if run.file_sha256 == r.get("sha256")]
    return max(runs, key=lambda run: run.created_at).validity if runs else None


def approved_fields(ctx: Context, dataset: str, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fields of the approved dictionaries of the dataset's files, for its page."""
    fields: list[dict[str, Any]] = []
    for resource in resources:
        if resource.get("kind") != "file":
            continue
        state = ResourceState(dictionary_versions(ctx, dataset, resource["id"]), None)
        if state.approved:
            fields += state.approved.table_schema.get("fields", [])
    return fields
