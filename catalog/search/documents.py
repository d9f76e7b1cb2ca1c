"""What the index holds for a dataset: its words by field, its facet values, and who may see it."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from catalog.context import Context
from catalog.models import Dataset, Organization, Resource
from catalog.permissions import is_public
from catalog.search.tokenize import document_tokens

# facet key → where its values come from (see facet_values)
FACET_KEYS = ("organization", "data_type", "data_category", "data_classification", "tags", "res_format",
              "update_frequency_unit", "stage")
# every key the facet table holds: the facets, and the exact-match fields of the CKAN-compatible search
INDEX_KEYS = (*FACET_KEYS, "name", "license_id", "metadata_created")
_TONE = re.compile("[\u0e47-\u0e4c]")
_LEAD_VOWEL = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")


@dataclass
class IndexDoc:
    dataset_id: str
    org_id: str
    public: bool
    active: bool
    title_sort: str
    modified: dt.datetime
    fields: dict[str, list[str]]  # catalog.search.backends.FIELDS → tokens
    values: list[tuple[str, str]] = field(default_factory=list)  # (facet key, value)

    def row(self, gen: int) -> dict[str, Any]:
        return {"dataset_id": self.dataset_id, "org_id": self.org_id, "public": self.public, "active": self.active,
                "deleted": False, "title_sort": self.title_sort, "modified": self.modified, "gen": gen}


def thai_sort_key(title: str) -> str:
    """Thai dictionary order by code point: a leading vowel sorts after its consonant, tone marks last
    (the rule of pythainlp.util.collate, whose key function is private)."""
    text = title.casefold().strip()
    return (_LEAD_VOWEL.sub(r"\2\1", _TONE.sub("", text)) + "".join(_TONE.findall(text)))[:500]


def timestamp_key(moment: dt.datetime) -> str:
    """A UTC time as fixed-width text, so that text order is time order (``2026-12-04T16:38:53.402706Z``)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def build_docs(ctx: Context, datasets: Sequence[Dataset]) -> list[IndexDoc]:
    """Index documents for ``datasets``, reading their organizations, resources, stages and dictionaries."""
    ids = [dataset.id for dataset in datasets]
    orgs = {org.id: org for org in ctx.session.exec(
        select(Organization).where(col(Organization.id).in_({d.owner_org_id for d in datasets}))).all()}
    resources: dict[str, list[Resource]] = defaultdict(list)
    # private resources stay out of the index: public searches must not match or count what they hide
    for resource in ctx.session.exec(select(Resource).where(col(Resource.dataset_id).in_(ids),
                                                            Resource.private == False)  # noqa: E712
                                     .order_by(col(Resource.position))).all():
        resources[resource.dataset_id].append(resource)
    stages = _stages(ctx, ids)
    dictionary = _dictionary_words(ctx, ids)
    return [_doc(ctx, dataset, orgs[dataset.owner_org_id], resources[dataset.id], stages.get(dataset.id, 0),
                 dictionary.get(dataset.id, [])) for dataset in datasets]


def _doc(ctx: Context, dataset: Dataset, org: Organization, resources: list[Resource], stage: int,
         dictionary: list[str]) -> IndexDoc:
    extras = dataset.extras
    tags = [str(tag) for tag in extras.get("tag_string") or []]
    other = [org.name, org.title, org.title_en, dataset.name.replace("-", " "),
             *(resource.name for resource in resources), *dictionary]
    fields = {
        "title": _tokens([dataset.title, extras.get("title_en")]),
        "tags": _tokens(tags),
        "other": _tokens(other),
        "body": _tokens([extras.get("notes")]),
    }
    formats = dict.fromkeys(r.format.strip() for r in resources if r.format and r.format.strip())
    values = [("organization", org.name), ("data_type", dataset.data_type), ("stage", str(stage)),
              ("name", dataset.name), ("metadata_created", timestamp_key(dataset.created_at))]
    values += [(key, str(value)) for key, value in (
        ("data_category", dataset.data_category), ("data_classification", dataset.data_classification),
        ("update_frequency_unit", extras.get("update_frequency_unit")), ("license_id", extras.get("license_id")))
        if value]
    values += [("tags", tag) for tag in dict.fromkeys(tags)] + [("res_format", f) for f in formats]
    return IndexDoc(dataset_id=dataset.id, org_id=dataset.owner_org_id, public=is_public(ctx, dataset),
                    active=dataset.state == "active", title_sort=thai_sort_key(dataset.title),
                    modified=dataset.updated_at, fields=fields, values=values)


def _tokens(texts: Iterable[Any]) -> list[str]:
    return [token for text in texts if text for token in document_tokens(str(text))]


def optional_model(module: str, name: str) -> Any:
    """A model another feature adds (governance stages, data dictionaries); None until it exists."""
    try:
        return getattr(importlib.import_module(f"catalog.models.{module}"), name)
    except (ImportError, AttributeError):
        return None


def _stages(ctx: Context, ids: list[str]) -> dict[str, int]:
    model = optional_model("governance", "DatasetStage")
    if model is None:
        return {}
    rows = ctx.session.exec(select(model.dataset_id, model.stage).where(col(model.dataset_id).in_(ids))).all()
    return {dataset_id: int(stage) for dataset_id, stage in rows}


def _dictionary_words(ctx: Context, ids: list[str]) -> dict[str, list[str]]:
    """Field names and titles of the latest dictionary version of each public resource, by dataset."""
    dictionary = optional_model("dictionary", "DataDictionary")
    version = optional_model("dictionary", "DictionaryVersion")
    if dictionary is None or version is None:
        return {}
    rows = ctx.session.exec(
        select(Resource.dataset_id, dictionary.id, version.table_schema)
        .join(dictionary, col(dictionary.resource_id) == Resource.id)
        .join(version, col(version.dictionary_id) == dictionary.id)
        .where(col(Resource.dataset_id).in_(ids), Resource.private == False)  # noqa: E712
        .order_by(col(version.number))).all()
    latest = {(dataset_id, dictionary_id): schema for dataset_id, dictionary_id, schema in rows}  # last number wins
    words: dict[str, list[str]] = defaultdict(list)
    for (dataset_id, _), schema in sorted(latest.items()):
        for spec in (schema or {}).get("fields", []):
            words[dataset_id] += [str(spec[key]) for key in ("name", "title") if spec.get(key)]
    return words
