"""Banchi's portal-neutral publication payload → the CKAN package and resource dicts of a thai_gdc portal.

Every GD Catalog key is taken from the profile, so a new profile maps without code changes. Values
go as the portal stores them: Thai strings unchanged, lists for multi-valued fields, numbers as text,
tags as CKAN tags. ``comparable`` puts a portal's answer and our dicts on one footing for diffing.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePosixPath
from typing import Any

from schemas.profile import InputKind, Profile

BANCHI_ID = "banchi_id"  # extra key that ties a portal package or resource to its Banchi record
DICTIONARY_SUFFIX = "#dictionary"  # banchi_id of the data-dictionary resource that follows a resource
CORE_DATASET_KEYS = ("name", "title", "owner_org")
CORE_RESOURCE_KEYS = ("url", "name", "description", "format", "resource_private")


def package_fields(payload: dict[str, Any], profile: Profile) -> dict[str, Any]:
    """The package's fields as the portal should hold them (empty ones as "" or [] so they clear)."""
    dataset = payload["dataset"]
    fields: dict[str, Any] = {key: dataset[key] for key in CORE_DATASET_KEYS}
    for spec in profile.dataset_fields:
        if spec.key in CORE_DATASET_KEYS:
            continue
        value = dataset.get(spec.key)
        if spec.input is InputKind.tags:
            fields["tags"] = [{"name": tag} for tag in value or []]
        else:
            fields[spec.key] = _ckan_value(value, spec.multiple)
    fields["private"] = False
    return fields


def package_resources(payload: dict[str, Any], profile: Profile) -> list[dict[str, Any]]:
    """The package's resources in order; a resource with a dictionary is followed by the dictionary
    as a spreadsheet a person can open (its ``hash`` names the schema it was made from)."""
    resources = []
    for resource in payload["resources"]:
        resources.append(resource_fields(resource, profile))
        if resource.get("schema"):
            resources.append(dictionary_resource(resource))
    return resources


def dictionary_resource(resource: dict[str, Any]) -> dict[str, Any]:
    name = resource.get("name") or ""
    return {
        BANCHI_ID: resource["id"] + DICTIONARY_SUFFIX, "name": f"พจนานุกรมข้อมูล: {name}", "format": "XLSX",
        "description": f"พจนานุกรมข้อมูล (data dictionary) ของ “{name}”: ชื่อฟิลด์ ชนิดข้อมูล คำอธิบาย หน่วยนับ "
                       "และรายการรหัส / field names, types, descriptions, units and code lists",
        "resource_private": "False",
        "hash": "schema-sha256:" + hashlib.sha256(_schema_text(resource["schema"]).encode("utf-8")).hexdigest(),
    }


def resource_fields(resource: dict[str, Any], profile: Profile) -> dict[str, Any]:
    fields: dict[str, Any] = {
        BANCHI_ID: resource["id"], "name": resource.get("name") or "", "format": resource.get("format") or "",
        "description": resource.get("description") or "", "resource_private": "False",
    }
    for spec in profile.resource_fields:
        if spec.key not in CORE_RESOURCE_KEYS:
            fields[spec.key] = _ckan_value(resource.get(spec.key), spec.multiple)
    if resource.get("file"):
        fields["hash"] = resource["file"]["sha256"]
    else:
        fields["url"] = resource.get("url") or ""
    # ckanext-validation keeps the Table Schema as JSON text in the resource's ``schema`` field
    fields["schema"] = _schema_text(resource["schema"]) if resource.get("schema") else ""
    return fields


def organization_fields(organization: dict[str, Any]) -> dict[str, Any]:
    return {"name": organization["name"], "title": organization["title"],
            "description": organization.get("description") or ""}


def upload_name(resource: dict[str, Any]) -> str:
    """An ASCII file name for the upload: CKAN reduces other names to "-.csv" (the bytes are unchanged)."""
    original = PurePosixPath(resource["file"].get("filename") or "data")
    suffix = re.sub(r"[^A-Za-z0-9.]", "", original.suffix)[:10]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", original.stem).strip("-_")
    return f"{stem or 'resource-' + resource['id'][:8]}{suffix}"


def without_empty(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if comparable(key, value) is not None}


def comparable(key: str, value: Any) -> Any:
    """One form for equal values: empty → None, numbers as text, tags as sorted names, schema as JSON."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if key == "tags":
        return sorted(tag["name"] if isinstance(tag, dict) else str(tag) for tag in value)
    if key == "format" and isinstance(value, str):
        return value.upper()  # CKAN's clean_format unifies the case of known formats
    if key == "schema" and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return [str(item) if isinstance(item, int | float) else item for item in value]
    return value


def portal_value(package: dict[str, Any], key: str) -> Any:
    if key == "owner_org":
        return (package.get("organization") or {}).get("name")
    return package.get(key)


def extras_with_id(package: dict[str, Any] | None, banchi_id: str) -> list[dict[str, str]]:
    """The package's extras with our id set, keeping whatever else the portal holds there."""
    extras = [e for e in (package or {}).get("extras") or [] if e.get("key") != BANCHI_ID]
    return [*extras, {"key": BANCHI_ID, "value": banchi_id}]


def extra(package: dict[str, Any], key: str) -> str | None:
    return next((e.get("value") for e in package.get("extras") or [] if e.get("key") == key), None)


def _schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, sort_keys=True)


def _ckan_value(value: Any, multiple: bool) -> Any:
    if multiple:
        return list(value or [])
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)
