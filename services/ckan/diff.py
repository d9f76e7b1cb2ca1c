"""What differs between a package on a portal and what it should hold, field by field.

The same diff drives a publish (only what changed is sent), a dry run (what would be sent) and the
drift check (what someone edited on the portal since the last publish).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.ckan.mapping import BANCHI_ID, comparable, extra, portal_value


@dataclass
class FieldChange:
    key: str
    old: Any  # on the portal now (None when absent)
    new: Any  # what it should be


@dataclass
class ResourceChange:
    op: str  # create | update | delete
    name: str
    banchi_id: str | None
    portal_id: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    upload: bool = False  # the file's bytes go (again)
    desired: dict[str, Any] | None = None


@dataclass
class PackageChanges:
    exists: bool
    package_id: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    resources: list[ResourceChange] = field(default_factory=list)
    reorder: bool = False
    order: list[str] = field(default_factory=list)  # Banchi ids of the resources, in our order

    @property
    def empty(self) -> bool:
        return self.exists and not self.fields and not self.resources and not self.reorder


def field_changes(current: dict[str, Any], desired: dict[str, Any], getter: Any = None) -> list[FieldChange]:
    get = getter or (lambda record, key: record.get(key))
    changes = []
    for key, value in desired.items():
        old = get(current, key)
        if comparable(key, old) != comparable(key, value):
            changes.append(FieldChange(key, old, value))
    return changes


def package_changes(
    package: dict[str, Any] | None, desired: dict[str, Any], banchi_id: str, resources: list[dict[str, Any]],
) -> PackageChanges:
    """Changes to bring ``package`` (None: not on the portal) to ``desired`` with ``resources`` in order."""
    order = [resource[BANCHI_ID] for resource in resources]
    if package is None:
        new = [FieldChange(key, None, value) for key, value in desired.items() if comparable(key, value) is not None]
        return PackageChanges(exists=False, fields=new, resources=[_create(resource) for resource in resources],
                              order=order)
    changes = field_changes(package, desired, portal_value)
    if package.get("state") != "active":
        changes.append(FieldChange("state", package.get("state"), "active"))
    if extra(package, BANCHI_ID) != banchi_id:
        changes.append(FieldChange("extras", extra(package, BANCHI_ID), banchi_id))
    resource_ops, reorder = resource_changes(package.get("resources") or [], resources)
    return PackageChanges(exists=True, package_id=package["id"], fields=changes, resources=resource_ops,
                          reorder=reorder, order=order)


def resource_changes(portal: list[dict[str, Any]], desired: list[dict[str, Any]]) -> tuple[list[ResourceChange], bool]:
    """Match portal resources to ours by Banchi id (or, for ones Banchi never tagged, by name)."""
    ours = {r[BANCHI_ID]: r for r in portal if r.get(BANCHI_ID)}
    untagged = [r for r in portal if not r.get(BANCHI_ID)]
    ops: list[ResourceChange] = []
    position: dict[str, int] = {}  # portal id → place in our order
    created: list[int] = []
    for index, wanted in enumerate(desired):
        current = ours.pop(wanted[BANCHI_ID], None)
        if current is None:
            current = next((r for r in untagged if r.get("name") == wanted.get("name")), None)
            if current is not None:
                untagged.remove(current)
        if current is None:
            ops.append(_create(wanted))
            created.append(index)
            continue
        position[current["id"]] = index
        is_file = "hash" in wanted
        fields = field_changes(current, {k: v for k, v in wanted.items() if not (is_file and k == "hash")})
        upload = is_file and (current.get("url_type") != "upload" or current.get("hash") != wanted["hash"])
        if upload:
            fields.append(FieldChange("hash", current.get("hash"), wanted["hash"]))
        if fields:
            ops.append(ResourceChange("update", wanted.get("name") or "", wanted[BANCHI_ID], current["id"], fields,
                                      upload=upload, desired=wanted))
    for gone in ours.values():  # ours on the portal, no longer to be published (private now, or removed)
        ops.append(ResourceChange("delete", gone.get("name") or "", gone[BANCHI_ID], gone["id"]))
    # CKAN keeps existing resources in place and appends new ones; reorder only when that breaks our order
    resulting = [position[r["id"]] for r in portal if r["id"] in position] + created
    return ops, resulting != sorted(resulting)


def _create(resource: dict[str, Any]) -> ResourceChange:
    new = [FieldChange(key, None, value) for key, value in resource.items() if comparable(key, value) is not None]
    return ResourceChange("create", resource.get("name") or "", resource.get(BANCHI_ID), fields=new,
                          upload="hash" in resource, desired=resource)
