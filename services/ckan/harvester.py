"""Harvest: import a CKAN portal's datasets into Banchi, so an agency with a catalog starts from it.

Each package becomes a dataset with its resources in one transaction (all of it or none of it);
uploaded files are copied byte for byte. A package whose name Banchi already has is left alone.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from catalog.actions.datasets import dataset_create, dataset_publish_draft
from catalog.actions.dictionaries import dictionary_version_create
from catalog.actions.lookup import get_dataset, get_organization
from catalog.actions.organizations import organization_create
from catalog.actions.resources import resource_create
from catalog.context import Context
from catalog.errors import NotFound as BanchiNotFound
from catalog.errors import ValidationFailed
from catalog.publish_messages import publish_problem
from schemas.messages import Problem, ProblemsError
from schemas.profile import Profile
from services.ckan.client import PortalClient, PortalUnavailable
from services.ckan.harvest_mapping import HarvestedDataset, dataset_from_package
from services.ckan.publisher import Opener

PAGE = 100


@dataclass
class HarvestItem:
    name: str
    status: str  # created | exists | failed
    title: str | None = None
    resources: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Harvester:
    def __init__(self, opener: Opener, client: PortalClient, profile: Profile):
        self.opener = opener
        self.client = client
        self.profile = profile

    def packages(self, organization: str | None = None) -> Iterator[dict[str, Any]]:
        """Every package of the portal (or of one organization), the private ones too when a token is given."""
        query: dict[str, Any] = {"q": "*:*", "rows": PAGE, "sort": "name asc",
                                 "include_private": bool(self.client.api_key)}
        if organization:
            query["fq"] = f'organization:"{organization}"'
        start = 0
        while True:
            page = self.client.call("package_search", {**query, "start": start})
            yield from page["results"]
            start += len(page["results"])
            if not page["results"] or start >= page["count"]:
                return

    def run(self, organization: str | None = None, defaults: dict[str, Any] | None = None) -> list[HarvestItem]:
        return [self.harvest(package, defaults) for package in self.packages(organization)]

    def harvest(self, package: dict[str, Any], defaults: dict[str, Any] | None = None) -> HarvestItem:
        harvested = dataset_from_package(package, self.profile, defaults)
        item = HarvestItem(name=str(package.get("name")), status="created", title=package.get("title"),
                           resources=len(harvested.resources), notes=harvested.notes)
        with self.opener() as ctx:
            if _has_dataset(ctx, item.name):
                item.status = "exists"
                return item
            max_bytes = ctx.settings.max_upload_bytes
        with ExitStack() as stack:
            try:
                files = self._download(harvested, stack, max_bytes)
                with self.opener() as ctx:
                    self._store(ctx, harvested, files, item.notes)
            except ProblemsError as exc:
                item.status, item.problems = "failed", exc.problems
        return item

    def _download(self, harvested: HarvestedDataset, stack: ExitStack, max_bytes: int) -> dict[int, BinaryIO]:
        files: dict[int, BinaryIO] = {}
        for index, resource in enumerate(harvested.resources):
            if resource.upload_url is None:
                continue
            handle = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (closed by the stack)
            try:
                self.client.download(resource.upload_url, handle, max_bytes)
            except (PortalUnavailable, ValueError) as exc:
                raise ProblemsError([publish_problem("harvest_download_failed", "url", value=resource.upload_url,
                                                     detail=str(exc))]) from None
            handle.seek(0)
            files[index] = handle
        return files

    def _store(self, ctx: Context, harvested: HarvestedDataset, files: dict[int, BinaryIO], notes: list[str]) -> None:
        org = harvested.organization
        try:
            get_organization(ctx, org["name"])
        except BanchiNotFound:
            organization_create(ctx, {k: v for k, v in org.items() if v})
        created = dataset_create(ctx, harvested.data)
        for index, resource in enumerate(harvested.resources):
            data = {**resource.data, "resource_private": "True" if resource.private else "False"}
            stored = resource_create(ctx, created["name"], data, content=files.get(index), filename=resource.filename)
            if resource.schema is None:
                continue
            try:  # checked before anything is written, so a refused schema leaves the rest in place
                dictionary_version_create(ctx, created["name"], stored["id"], resource.schema)
            except ProblemsError as exc:
                notes.append(f"{stored['name']}: dictionary not imported: " + "; ".join(p.en for p in exc.problems))
        try:  # published on the portal, so published here, unless its metadata is not complete enough
            dataset_publish_draft(ctx, created["name"], reason="harvested")
        except ValidationFailed as exc:
            notes.append(f"{created['name']}: kept as a draft: " + "; ".join(p.en for p in exc.problems))


def _has_dataset(ctx: Context, name: str) -> bool:
    try:
        get_dataset(ctx, name)
    except BanchiNotFound:
        return False
    return True
