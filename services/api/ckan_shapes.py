"""Banchi's records in the shapes CKAN 2.11 (with ckanext-scheming and the thai_gdc schema) gives them.

A package holds what Banchi publishes to a portal, mapped as the publisher maps it (services.ckan.mapping
over catalog.publish_rules): the same GD Catalog keys with the same value types (numbers as the text CKAN
stores, multi-selects as lists, empty fields as "" or []), the same resources (private resources and files
whose dictionary flags personal data stay home) and each resource's Table Schema in ``schema``. Around it
go CKAN's own keys: tags with ids, ``extras``, ``author``, ``creator_user_id``, timestamps without a zone
as CKAN writes them, ``isopen`` from the licence. Files Banchi hosts are links to Banchi's download URL
(``url_type`` empty), so a harvester or ``ckanapi load`` keeps a working link instead of a portal path.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select

from catalog.actions.resources import download_url
from catalog.context import Context
from catalog.models import Dataset, Organization, Resource, ResourceKind
from catalog.publish_rules import publication_content
from schemas.licenses import license_info
from schemas.metadata import is_openly_publishable
from services.ckan.mapping import (
    BANCHI_ID,
    DICTIONARY_SUFFIX,
    dictionary_resource,
    package_fields,
    resource_fields,
)

TAG_NAMESPACE = uuid.UUID("5f0c2a52-3c57-4d8e-9b7a-6a4c1b0e2f11")  # tag ids: uuid5 of the tag's name


def ckan_time(moment: dt.datetime | None) -> str | None:
    """CKAN's timestamp: UTC, no zone, microseconds (``2026-12-04T16:38:53.402706``)."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def ckan_tag(name: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid5(TAG_NAMESPACE, name)), "name": name, "display_name": name, "state": "active",
            "vocabulary_id": None}


def ckan_packages(ctx: Context, dataset_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Packages of these (readable) datasets, in order."""
    datasets = {d.id: d for d in ctx.session.exec(select(Dataset).where(col(Dataset.id).in_(dataset_ids))).all()}
    orgs = {o.id: o for o in ctx.session.exec(
        select(Organization).where(col(Organization.id).in_({d.owner_org_id for d in datasets.values()}))).all()}
    return [ckan_package(ctx, datasets[i], orgs[datasets[i].owner_org_id]) for i in dataset_ids if i in datasets]


def ckan_package(ctx: Context, dataset: Dataset, org: Organization) -> dict[str, Any]:
    profile = ctx.profile_for(dataset.profile)
    content = publication_content(ctx, dataset, org)
    fields = package_fields(content.payload, profile)
    public = dataset.state == "active" and not dataset.private and is_openly_publishable(
        fields | {"name": dataset.name}, profile)
    tags = sorted((ckan_tag(tag["name"]) for tag in fields.pop("tags", [])), key=lambda tag: tag["name"])
    licence = license_info(fields.get("license_id"))
    stored = {r.id: r for r in ctx.session.exec(select(Resource).where(Resource.dataset_id == dataset.id)).all()}
    resources: list[dict[str, Any]] = []
    for item in content.payload["resources"]:
        resource = stored[item["id"]]
        resources.append(ckan_resource(ctx, dataset, resource, resource_fields(item, profile), len(resources)))
        if item.get("schema"):  # as the publisher adds it: the dictionary as a spreadsheet after its resource
            resources.append(dictionary_shape(ctx, dataset, resource, item, len(resources)))
    return {
        "author": None, "author_email": None, "creator_user_id": None,
        "id": dataset.id, "isopen": licence.open, "license_id": fields.get("license_id") or "",
        "license_title": licence.title or fields.get("license_id") or "", **({"license_url": licence.url}
                                                                           if licence.url else {}),
        "metadata_created": ckan_time(dataset.created_at), "metadata_modified": ckan_time(dataset.updated_at),
        **{key: value for key, value in fields.items() if key not in ("owner_org", "private")},
        "name": dataset.name, "title": dataset.title, "notes": fields.get("notes") or "",
        "num_resources": len(resources), "num_tags": len(tags),
        "organization": ckan_organization(org), "owner_org": org.id, "private": not public,
        # CKAN's states: a withdrawn dataset is "deleted" to a harvester, as a deleted one is
        "state": dataset.state if dataset.state in ("active", "draft") else "deleted", "type": "dataset",
        "version": None,  # CKAN's free-text version; Banchi's edit counter is banchi_version
        "banchi_version": dataset.version,
        "extras": [], "groups": [], "relationships_as_object": [], "relationships_as_subject": [],
        "resources": resources, "tags": tags,
    }


def ckan_resource(ctx: Context, dataset: Dataset, resource: Resource, fields: dict[str, Any] | None = None,
                  position: int | None = None) -> dict[str, Any]:
    profile = ctx.profile_for(dataset.profile)
    if fields is None:
        item = {"id": resource.id, "kind": resource.kind, "name": resource.name,
                "description": resource.description, "format": resource.format, "url": resource.url,
                **resource.extras}
        fields = resource_fields(item, profile)
    fields = {key: value for key, value in fields.items() if key != BANCHI_ID}
    hosted = resource.kind == ResourceKind.file
    return {
        "cache_last_updated": None, "cache_url": None, "created": ckan_time(resource.created_at), **fields,
        "format": resource.format or "", "hash": resource.sha256 if hosted and resource.sha256 else "",
        "id": resource.id, "last_modified": ckan_time(resource.last_updated),
        "metadata_modified": ckan_time(resource.updated_at), "mimetype": resource.mimetype,
        "mimetype_inner": None, "name": resource.name, "package_id": dataset.id,
        "position": resource.position if position is None else position, "resource_type": None,
        "size": resource.size, "state": "active",
        "url": download_url(ctx, dataset, resource) if hosted else (resource.url or ""), "url_type": None,
    }


def dictionary_url(ctx: Context, dataset: Dataset, resource: Resource) -> str:
    return f"{ctx.site_url}/dataset/{dataset.name}/resource/{resource.id}/dictionary.xlsx"


def dictionary_shape(ctx: Context, dataset: Dataset, resource: Resource, item: dict[str, Any],
                     position: int) -> dict[str, Any]:
    """The data dictionary of a resource as the resource the publisher adds after it (an XLSX download)."""
    fields = {key: value for key, value in dictionary_resource(item).items() if key != BANCHI_ID}
    return {
        "cache_last_updated": None, "cache_url": None, "created": ckan_time(resource.created_at), **fields,
        "id": str(uuid.uuid5(TAG_NAMESPACE, resource.id + DICTIONARY_SUFFIX)), "last_modified": None,
        "metadata_modified": ckan_time(resource.updated_at),
        "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "mimetype_inner": None,
        "package_id": dataset.id, "position": position, "resource_type": None, "size": None, "state": "active",
        "url": dictionary_url(ctx, dataset, resource), "url_type": None,
    }


def ckan_organization(org: Organization, package_count: int | None = None) -> dict[str, Any]:
    """As a package holds it; with ``package_count``, as organization_list/show give it."""
    shape: dict[str, Any] = {
        "approval_status": "approved", "created": ckan_time(org.created_at), "description": org.description or "",
        "id": org.id, "image_url": "", "is_organization": True, "name": org.name, "state": "active",
        "title": org.title, "type": "organization",
    }
    if package_count is not None:
        shape.update({"display_name": org.title, "image_display_url": "", "package_count": package_count,
                      "num_followers": 0, "title_en": org.title_en})
    return shape
