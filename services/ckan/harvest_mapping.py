"""A CKAN package (GD Catalog fields, or plain CKAN core fields) → Banchi dataset and resource input.

Fields are read by the profile's keys; what a package lacks is filled only from facts of the package
and the standard's "unknown" terms, by the rules in ``harvest_rules/<profile>.yaml``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from schemas.metadata import is_empty
from schemas.profile import FieldSpec, Profile
from services.ckan.mapping import BANCHI_ID, DICTIONARY_SUFFIX

RULES_DIR = Path(__file__).parent / "harvest_rules"
DATASET_CORE = ("name", "title", "owner_org", "tag_string")
RESOURCE_CORE = ("url", "name", "format", "description", "resource_private")


@dataclass
class HarvestedResource:
    data: dict[str, Any]
    private: bool
    upload_url: str | None = None  # a file the portal holds; its bytes are copied into Banchi
    filename: str | None = None
    schema: dict[str, Any] | None = None  # its Table Schema (ckanext-validation), to become its dictionary


@dataclass
class HarvestedDataset:
    data: dict[str, Any]
    organization: dict[str, Any]
    resources: list[HarvestedResource] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was filled in or left out, for the report


@cache
def harvest_rules(profile_id: str) -> dict[str, Any]:
    return yaml.safe_load((RULES_DIR / f"{profile_id}.yaml").read_text(encoding="utf-8"))


def dataset_from_package(package: dict[str, Any], profile: Profile,
                         defaults: dict[str, Any] | None = None) -> HarvestedDataset:
    rules = harvest_rules(profile.id)
    org = package.get("organization") or {}
    data: dict[str, Any] = {"name": package.get("name"), "title": package.get("title"), "owner_org": org.get("name")}
    tags = [t["name"] if isinstance(t, dict) else t for t in package.get("tags") or []]
    if tags:
        data["tag_string"] = tags
    for spec in profile.dataset_fields:
        if spec.key not in DATASET_CORE and not is_empty(package.get(spec.key)):
            data[spec.key] = package[spec.key]
    result = HarvestedDataset(data=data, organization={"name": org.get("name"), "title": org.get("title") or
                                                       org.get("name"), "description": org.get("description")})
    _fill_missing(result, package, profile, rules, defaults or {})
    _fit_vocabularies(data, profile.dataset_fields, profile)
    _drop_other_types(result, profile)
    code = profile.type_code(str(data.get("data_type") or ""))
    for resource in package.get("resources") or []:
        if str(resource.get(BANCHI_ID) or "").endswith(DICTIONARY_SUFFIX):
            result.notes.append(f"{resource.get('name')}: made by Banchi from the dictionary; made again on publish")
            continue
        result.resources.append(_resource(resource, profile, code))
    return result


def _fill_missing(result: HarvestedDataset, package: dict[str, Any], profile: Profile, rules: dict[str, Any],
                  defaults: dict[str, Any]) -> None:
    data = result.data

    def fill(key: str, value: Any, why: str) -> None:
        if key and is_empty(data.get(key)) and not is_empty(value):
            data[key] = value
            result.notes.append(f"{key} ← {why}")

    for key, value in defaults.items():
        fill(key, value, "--default")
    for key, sources in rules.get("from_core", {}).items():
        if not _in_vocabulary(data.get(key), profile.dataset_field(key), profile):
            del data[key]  # e.g. a plain CKAN licence id ("cc-by"): its title says more
        fill(key, next((package[s] for s in sources if not is_empty(package.get(s))), None), "CKAN core")
    fill(rules.get("organization_title", ""), result.organization.get("title"), "organization")
    formats = [r.get("format") for r in package.get("resources") or [] if not is_empty(r.get("format"))]
    fill(rules.get("resource_formats", ""), list(dict.fromkeys(formats)), "resource formats")
    for key, value in rules.get("unknown", {}).items():
        fill(key, value, "unknown")
    for key, text in rules.get("not_stated", {}).items():
        if is_empty(data.get(key)):
            spec = profile.dataset_field(key)
            fill(key, profile.other_value_of(spec), "not stated")
            if spec.other_field:
                data[spec.other_field] = text
    rule = profile.classification_rule
    if package.get("private") is False:  # open to everyone on the portal: public data
        fill(rule.category_field, rule.public_category, "public on the portal")


def _in_vocabulary(value: Any, spec: FieldSpec, profile: Profile) -> bool:
    return is_empty(value) or not spec.vocabulary or value in profile.term_values(spec)


def _fit_vocabularies(data: dict[str, Any], specs: list[FieldSpec], profile: Profile) -> None:
    """Match vocabulary terms case-insensitively; anything else goes to the field's "other" companion."""
    for spec in specs:
        if not spec.vocabulary or is_empty(data.get(spec.key)):
            continue
        terms = {term.casefold(): term for term in profile.term_values(spec)}
        values = data[spec.key] if isinstance(data[spec.key], list) else [data[spec.key]]
        fitted, others = [], []
        for value in values:
            term = terms.get(str(value).casefold())
            if term is not None:
                fitted.append(term)
            elif spec.other_field and is_empty(data.get(spec.other_field)):
                fitted.append(profile.other_value_of(spec))
                others.append(str(value))
            else:
                fitted.append(value)  # validation names it
        if others:
            data[spec.other_field] = ", ".join(others)  # type: ignore[index]
        data[spec.key] = list(dict.fromkeys(fitted)) if spec.multiple else fitted[0]


def _drop_other_types(result: HarvestedDataset, profile: Profile) -> None:
    """A portal may hold fields of other dataset types (scheming does not stop it); Banchi does not."""
    code = profile.type_code(str(result.data.get("data_type") or ""))
    if code is None:
        return
    for spec in profile.dataset_fields:
        if spec.key in result.data and not spec.applies_to(code):
            result.notes.append(f"{spec.key} dropped: not a field of {result.data['data_type']}")
            del result.data[spec.key]


def _resource(resource: dict[str, Any], profile: Profile, type_code: str | None) -> HarvestedResource:
    url = resource.get("url") or ""
    filename = unquote(PurePosixPath(urlsplit(url).path).name) or None
    data: dict[str, Any] = {"name": resource.get("name") or filename or resource.get("format") or "resource",
                            "description": resource.get("description"),
                            "format": resource.get("format") or _extension(filename)}
    for spec in profile.resource_fields:
        applies = type_code is None or spec.applies_to(type_code)
        if spec.key not in RESOURCE_CORE and applies and not is_empty(resource.get(spec.key)):
            data[spec.key] = resource[spec.key]
    _fit_vocabularies(data, profile.resource_fields, profile)
    upload = resource.get("url_type") == "upload"
    if not upload:
        data["url"] = url
    return HarvestedResource(data={k: v for k, v in data.items() if not is_empty(v)},
                             private=str(resource.get("resource_private")) == "True",
                             upload_url=url if upload else None, filename=filename, schema=_schema(resource))


def _schema(resource: dict[str, Any]) -> dict[str, Any] | None:
    """A Table Schema given inline (as ckanext-validation keeps it: JSON text, or an object)."""
    schema = resource.get("schema")
    if isinstance(schema, str) and schema.lstrip().startswith("{"):
        try:
            schema = json.loads(schema)
        except ValueError:
            return None
    return schema if isinstance(schema, dict) else None


def _extension(filename: str | None) -> str | None:
    suffix = PurePosixPath(filename or "").suffix.lstrip(".")
    return suffix.upper() or None
