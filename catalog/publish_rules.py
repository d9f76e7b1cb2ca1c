"""What may leave Banchi for an open portal, and exactly what goes: the publish rules, kept here once.

A dataset goes openly only when it is active (published, not a draft), not private, of the public
category with the public classification (``is_public``) and its mandatory metadata is complete. Of its
resources, private ones stay home, and a data file whose dictionary flags personal-data fields is never
uploaded. The steward (a person) never leaves. The payload built here is portal-neutral; ``services.ckan``
maps it to a CKAN package.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from catalog.actions.datasets import flat_metadata
from catalog.actions.dictionaries import current_version, resource_dictionary_versions
from catalog.context import Context
from catalog.models import Dataset, DatasetState, Organization, Resource, ResourceKind
from catalog.models.dictionary import DictionaryVersion
from catalog.permissions import is_public
from catalog.publish_messages import publish_problem
from schemas.messages import Problem
from schemas.metadata import missing_mandatory

# resource fields Banchi keeps in columns of its own; a private resource is never in the payload
RESOURCE_COLUMNS = ("name", "description", "format")


@dataclass
class PublicationContent:
    payload: dict[str, Any]
    content_hash: str
    excluded: list[Problem] = field(default_factory=list)  # resources left out, and why


def dataset_refusals(ctx: Context, dataset: Dataset, org: Organization) -> list[Problem]:
    """Why ``dataset`` may not be published openly; empty when it may."""
    if dataset.state != DatasetState.active:
        return [publish_problem("not_draft" if dataset.state == DatasetState.draft else "not_active", "state")]
    problems: list[Problem] = []
    if dataset.private:
        problems.append(publish_problem("dataset_private", "private"))
    elif not is_public(ctx, dataset):
        problems.append(publish_problem("not_public", "data_category", category=dataset.data_category or "-",
                                        classification=dataset.data_classification or "-"))
    profile = ctx.profile_for(dataset.profile)
    for spec in missing_mandatory(flat_metadata(ctx, dataset, org), profile):
        problems.append(publish_problem("mandatory_missing", spec.key, label=spec.label.th, label_en=spec.label.en))
    return problems


def resource_refusal(resource: Resource, personal_fields: list[str]) -> Problem | None:
    """Why a resource stays home, or None. ``personal_fields``: its dictionary's personal-data fields."""
    if resource.private:
        return publish_problem("resource_private", "resource_private", value=resource.name)
    if resource.kind == ResourceKind.file and personal_fields:
        return publish_problem("personal_data_file", "resource", value=resource.name, fields=personal_fields)
    return None


def publication_content(ctx: Context, dataset: Dataset, org: Organization) -> PublicationContent:
    """The portal-neutral content of an openly publishable dataset, and its hash."""
    profile = ctx.profile_for(dataset.profile)
    flat = flat_metadata(ctx, dataset, org)
    metadata = {"id": dataset.id, **{spec.key: flat[spec.key] for spec in profile.dataset_fields if spec.key in flat}}
    resources, excluded = [], []
    query = select(Resource).where(Resource.dataset_id == dataset.id).order_by(col(Resource.position))
    for resource in ctx.session.exec(query):
        schema, personal = resource_dictionary(ctx, resource)
        refusal = resource_refusal(resource, personal)
        if refusal:
            excluded.append(refusal)
        else:
            resources.append(_resource_payload(resource, schema))
    payload = {
        "profile": dataset.profile,
        "organization": {"name": org.name, "title": org.title, "title_en": org.title_en,
                         "description": org.description},
        "dataset": metadata,
        "resources": resources,
    }
    return PublicationContent(payload=payload, content_hash=content_hash(payload), excluded=excluded)


def content_hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def resource_dictionary(ctx: Context, resource: Resource) -> tuple[dict[str, Any] | None, list[str]]:
    """The dictionary to publish with a resource (its latest approved version, else its latest draft, as
    validation picks it) and the fields flagged as personal data by that version or by any newer one."""
    return dictionary_of(resource_dictionary_versions(ctx, resource))


def dictionary_of(versions: list[DictionaryVersion]) -> tuple[dict[str, Any] | None, list[str]]:
    """:func:`resource_dictionary` from a resource's versions (read by the caller)."""
    chosen = current_version(versions)
    if chosen is None:
        return None, []
    personal = personal_data_fields(chosen.table_schema)
    for newer in (v for v in versions if v.number > chosen.number):  # a newer draft may know better
        personal += [name for name in personal_data_fields(newer.table_schema) if name not in personal]
    return chosen.table_schema, personal


def personal_data_fields(schema: dict[str, Any] | None) -> list[str]:
    return [f["name"] for f in (schema or {}).get("fields", []) if f.get("personalData")]


def _resource_payload(resource: Resource, schema: dict[str, Any] | None) -> dict[str, Any]:
    item: dict[str, Any] = {"id": resource.id, "kind": resource.kind}
    item.update({key: getattr(resource, key) for key in RESOURCE_COLUMNS if getattr(resource, key) is not None})
    item.update(resource.extras)
    if resource.kind == ResourceKind.file:
        item["file"] = {"sha256": resource.sha256, "size": resource.size, "filename": resource.filename,
                        "mimetype": resource.mimetype}
    else:
        item["url"] = resource.url
    if schema:
        item["schema"] = schema
    return item



