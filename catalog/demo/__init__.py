"""The demo catalog (``banchi demo``): loaded through the same actions as real data, and idempotent —
what already exists is left as it is, so loading twice changes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import select

from catalog.actions.datasets import dataset_create, dataset_publish_draft
from catalog.actions.dictionaries import dictionary_version_approve, dictionary_version_create
from catalog.actions.organizations import organization_create
from catalog.actions.people import person_create
from catalog.actions.resources import resource_create
from catalog.actions.working_groups import working_group_create, working_group_member_add
from catalog.context import Context
from catalog.models import Dataset, Organization, Person, WorkingGroup

DEMO_DIR = Path(__file__).parent
DEMO_FILE = DEMO_DIR / "bma_hrd.yaml"


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


def demo_data() -> dict[str, Any]:
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


def load_demo(ctx: Context) -> DemoResult:
    data, result = demo_data(), DemoResult()
    for org in data["organizations"]:
        if not _exists(ctx, Organization, Organization.name == org["name"]):
            organization_create(ctx, org)
            result.count("organizations")
    for person in data["people"]:
        if not _exists(ctx, Person, Person.email == person["email"]):
            person_create(ctx, person)
            result.count("people")
    for group in data["working_groups"]:
        _load_working_group(ctx, group, result)
    for dataset in data["datasets"]:
        if not _exists(ctx, Dataset, Dataset.name == dataset["name"]):
            _load_dataset(ctx, dataset)
            result.count("datasets")
    from catalog.demo.governance import load_governance_demo  # fiscal year 2564 of indicator 5.2

    load_governance_demo(ctx, result)
    return result


def _load_working_group(ctx: Context, group: dict[str, Any], result: DemoResult) -> None:
    org = ctx.session.exec(select(Organization).where(Organization.name == group["organization"])).one()
    if _exists(ctx, WorkingGroup, (WorkingGroup.organization_id == org.id) & (WorkingGroup.name == group["name"])):
        return
    members = group["members"]
    created = working_group_create(ctx, {k: v for k, v in group.items() if k != "members"})
    for member in members:
        working_group_member_add(ctx, created.id, member)
    result.count("working_groups")


def _load_dataset(ctx: Context, dataset: dict[str, Any]) -> None:
    resources = dataset.get("resources", [])
    dataset_create(ctx, {k: v for k, v in dataset.items() if k != "resources"})
    for resource in resources:
        resource = dict(resource)
        file_name = resource.pop("file", None)
        dictionary, approver = resource.pop("dictionary", None), resource.pop("dictionary_approved_by", None)
        if file_name:
            with (DEMO_DIR / "files" / file_name).open("rb") as content:
                created = resource_create(ctx, dataset["name"], {**resource, "encoding": "utf-8"}, content=content,
                                          filename=file_name)
        else:
            created = resource_create(ctx, dataset["name"], resource)
        if dictionary:
            schema = json.loads((DEMO_DIR / "files" / dictionary).read_text(encoding="utf-8"))
            version = dictionary_version_create(ctx, dataset["name"], created["id"], schema)
            dictionary_version_approve(ctx, version.id, {"approved_by": approver})
    # the seed agency's catalog is published (public where its category and classification allow)
    dataset_publish_draft(ctx, dataset["name"], reason="demo")


def _exists(ctx: Context, model: type, condition: Any) -> bool:
    return ctx.session.exec(select(model).where(condition)).first() is not None
