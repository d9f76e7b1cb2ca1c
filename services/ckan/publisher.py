"""Publish runs against one CKAN portal: plan jobs into Banchi's outbox, then carry each one out.

Each step is its own short transaction (the opener gives one), so the outbox always says how far a
job got: a portal that fails half-way leaves the job pending with its error and the package id it
already made, and the next run finishes it from what the portal holds, without duplicates.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.exc import OperationalError

from catalog.actions.publishing import (
    ClaimedJob,
    PlanItem,
    normalize_portal_url,
    publication_list,
    publish_due_jobs,
    publish_job_claim,
    publish_job_done,
    publish_job_fail,
    publish_job_progress,
    publish_job_retry,
    publish_plan,
)
from catalog.context import Context
from catalog.errors import AlreadyTaken
from catalog.models.publishing import JobOperation
from catalog.publish_messages import publish_problem
from schemas.messages import Problem
from schemas.profile import load_profile
from services.ckan.client import NotFound, PortalClient, PortalRejected, PortalUnavailable, is_write
from services.ckan.diff import PackageChanges, ResourceChange, field_changes, package_changes
from services.ckan.mapping import (
    BANCHI_ID,
    extra,
    extras_with_id,
    organization_fields,
    package_fields,
    package_resources,
    without_empty,
)
from services.ckan.uploads import Uploads

Opener = Callable[[], AbstractContextManager[Context]]
Step = Callable[[int, int], bool]  # (done, total) after each dataset; False stops the run (a cancelled job)
PLAN_TRIES = 5  # two runs planning the same datasets at once: one waits for the other's outbox entries
LEASE = dt.timedelta(minutes=15)  # a run that dies leaves its job to the next run after this
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=1)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min, … up to an hour between tries."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


@dataclass
class JobOutcome:
    dataset: str
    operation: str
    status: Literal["done", "pending", "failed"]
    package_id: str | None = None
    problems: list[Problem] = field(default_factory=list)
    retry_at: dt.datetime | None = None


@dataclass
class RunReport:
    portal_url: str
    plan: list[PlanItem] = field(default_factory=list)
    outcomes: list[JobOutcome] = field(default_factory=list)
    previews: dict[str, PackageChanges] = field(default_factory=dict)  # dry run: dataset id → changes
    preview_problems: dict[str, list[Problem]] = field(default_factory=dict)
    stopped: Problem | None = None  # the portal became unavailable; the remaining jobs wait
    cancelled: bool = False  # the run's background job was cancelled; the remaining jobs wait
    calls: dict[str, int] = field(default_factory=dict)
    write_calls: int = 0

    @property
    def ok(self) -> bool:
        return self.stopped is None and not self.cancelled and all(o.status == "done" for o in self.outcomes)


@dataclass
class DriftItem:
    dataset: str
    package_id: str
    missing: bool = False
    changes: PackageChanges | None = None


class Publisher:
    def __init__(self, opener: Opener, client: PortalClient, *, job_id: str | None = None):
        """``job_id``: the background job this publisher runs in (its outbox claims are released if it dies)."""
        self.opener = opener
        self.job_id = job_id
        self.client = client
        self.portal_url = normalize_portal_url(client.url)
        self._orgs_checked: set[str] = set()

    # -- runs -------------------------------------------------------------------------------------------

    def run(self, *, organization: str | None = None, dataset: str | None = None, force: bool = False,
            retry_now: bool = False, only: Collection[str] | None = None, on_step: Step | None = None) -> RunReport:
        """``only``: the names of the datasets (of ``organization``) this run includes; ``on_step`` is told
        how far the run got after each dataset (one another run holds counts as done here)."""
        report, before = RunReport(self.portal_url), Counter(self.client.calls)
        self._orgs_checked.clear()
        for attempt in range(1, PLAN_TRIES + 1):
            try:
                with self.opener() as ctx:
                    report.plan = publish_plan(ctx, self.portal_url, organization=organization, dataset=dataset,
                                               force=force, only=only)
                break
            except (AlreadyTaken, OperationalError):  # another run planned the same datasets at that moment
                if attempt == PLAN_TRIES:
                    raise
                time.sleep(0.2 * attempt)
        scoped = organization is not None or dataset is not None or only is not None
        scope = [item.dataset_id for item in report.plan] if scoped else None
        with self.opener() as ctx:
            job_ids = publish_due_jobs(ctx, self.portal_url, dataset_ids=scope, ignore_backoff=retry_now)
        if on_step is not None and not on_step(0, len(job_ids)):
            report.cancelled = True
            return self._counted(report, before)
        for done, job_id in enumerate(job_ids, start=1):
            outcome = self._run_job(job_id)
            if outcome is not None:
                report.outcomes.append(outcome)
                if outcome.status == "pending":  # the portal is unavailable: leave the rest for the next run
                    report.stopped = outcome.problems[0]
                    break
            if on_step is not None and not on_step(done, len(job_ids)):
                report.cancelled = True
                break
        return self._counted(report, before)

    def dry_run(self, *, organization: str | None = None, dataset: str | None = None,
                force: bool = False, only: Collection[str] | None = None) -> RunReport:
        """What a run would send, field by field; reads the portal, writes nothing anywhere."""
        report, before = RunReport(self.portal_url), Counter(self.client.calls)
        with self.opener() as ctx:
            report.plan = publish_plan(ctx, self.portal_url, organization=organization, dataset=dataset,
                                       force=force, record=False, only=only)
        for item in report.plan:
            if item.action != "publish" or item.payload is None:
                continue
            try:
                package = self._find_package(item.dataset_id, item.package_id, item.payload)
                report.previews[item.dataset_id] = self._changes(item.dataset_id, package, item.payload)
            except PortalRejected as exc:
                report.preview_problems[item.dataset_id] = exc.problems
            except PortalUnavailable as exc:
                report.stopped = exc.problem
                break
        return self._counted(report, before)

    def check(self, *, organization: str | None = None, dataset: str | None = None) -> list[DriftItem]:
        """Fields edited on the portal since the last publish (what it holds vs what Banchi sent)."""
        with self.opener() as ctx:
            publications = publication_list(ctx, self.portal_url, organization=organization, dataset=dataset)
        drift = []
        for pub in publications:
            try:
                package = self.client.call("package_show", {"id": pub.package_id})
            except NotFound:
                drift.append(DriftItem(pub.package_name, pub.package_id, missing=True))
                continue
            changes = self._changes(pub.dataset_id, package, pub.payload)
            if not changes.empty:
                drift.append(DriftItem(pub.package_name, pub.package_id, changes=changes))
        return drift

    # -- one job ----------------------------------------------------------------------------------------

    def _run_job(self, job_id: str) -> JobOutcome | None:
        with self.opener() as ctx:
            claimed = publish_job_claim(ctx, job_id, LEASE, self.job_id)
        if claimed is None:
            return None
        outcome = JobOutcome(claimed.dataset_name, claimed.operation, "done")
        try:
            package_id, package_name = self._execute(claimed)
        except PortalUnavailable as exc:
            with self.opener() as ctx:
                outcome.retry_at = ctx.now() + retry_delay(claimed.attempts)
                publish_job_retry(ctx, claimed.id, [exc.problem], outcome.retry_at)
            outcome.status, outcome.problems = "pending", [exc.problem]
            return outcome
        except (PortalRejected, OSError) as exc:
            problems = exc.problems if isinstance(exc, PortalRejected) else [
                publish_problem("file_unreadable", "file", value=claimed.dataset_name, detail=str(exc))]
            with self.opener() as ctx:
                publish_job_fail(ctx, claimed.id, problems)
            outcome.status, outcome.problems = "failed", problems
            return outcome
        with self.opener() as ctx:
            publish_job_done(ctx, claimed.id, package_id=package_id, package_name=package_name)
        outcome.package_id = package_id
        return outcome

    def _execute(self, claimed: ClaimedJob) -> tuple[str, str]:
        if claimed.operation == JobOperation.withdraw:
            return self._withdraw(claimed)
        payload = claimed.payload
        assert payload is not None
        self._ensure_organization(payload["organization"])
        package = self._find_package(claimed.dataset_id, claimed.package_id, payload)
        if package is None:
            package = self._create_package(claimed, payload)
        changes = self._changes(claimed.dataset_id, package, payload)
        with Uploads(payload, claimed.files) as uploads:
            self._apply(package, changes, uploads)
        return package["id"], package["name"]

    def _create_package(self, claimed: ClaimedJob, payload: dict[str, Any]) -> dict[str, Any]:
        profile = load_profile(payload["profile"])
        links = [without_empty(r) for r in package_resources(payload, profile) if "hash" not in r]
        data = {**without_empty(package_fields(payload, profile)), "private": False,
                "extras": extras_with_id(None, claimed.dataset_id), "resources": links}
        package = self.client.call("package_create", data)
        with self.opener() as ctx:
            publish_job_progress(ctx, claimed.id, package["id"])
        return package

    def _apply(self, package: dict[str, Any], changes: PackageChanges, uploads: Uploads) -> None:
        if changes.fields:
            patch: dict[str, Any] = {"id": package["id"]}
            for change in changes.fields:
                patch[change.key] = extras_with_id(package, change.new) if change.key == "extras" else change.new
            self.client.call("package_patch", patch)
        for resource_change in changes.resources:
            if resource_change.op == "delete":
                self.client.call("resource_delete", {"id": resource_change.portal_id})
            else:
                self._write_resource(package["id"], resource_change, uploads)
        if changes.reorder:
            current = self.client.call("package_show", {"id": package["id"]})
            ours = {r.get(BANCHI_ID): r["id"] for r in current["resources"]}
            order = [ours[banchi_id] for banchi_id in changes.order if banchi_id in ours]
            self.client.call("package_resource_reorder", {"id": package["id"], "order": order})

    def _write_resource(self, package_id: str, change: ResourceChange, uploads: Uploads) -> None:
        desired = change.desired or {}
        if change.op == "create":
            action, data = "resource_create", {"package_id": package_id, **without_empty(desired)}
        else:
            action, data = "resource_patch", {"id": change.portal_id, **{c.key: c.new for c in change.fields}}
        if not change.upload:
            self.client.call(action, data)
            return
        # a multipart upload carries text fields only; list fields follow in a JSON patch
        texts = {k: v for k, v in data.items() if isinstance(v, str)}
        lists = {k: v for k, v in data.items() if isinstance(v, list) and v}
        with uploads.open(desired[BANCHI_ID]) as (name, handle):
            written = self.client.call(action, texts, files={"upload": (name, handle)})
        if lists:
            self.client.call("resource_patch", {"id": written["id"], **lists})

    def _withdraw(self, claimed: ClaimedJob) -> tuple[str, str]:
        if not claimed.package_id:
            return "", claimed.dataset_name
        try:
            package = self.client.call("package_show", {"id": claimed.package_id})
        except NotFound:
            return claimed.package_id, claimed.dataset_name
        if package.get("state") != "deleted":
            self.client.call("package_delete", {"id": package["id"]})
        return package["id"], package["name"]

    # -- reading the portal -----------------------------------------------------------------------------

    def _find_package(self, dataset_id: str, package_id: str | None, payload: dict[str, Any]) -> dict[str, Any] | None:
        """The portal's package of this dataset: by the id it got, else by name if it is ours to take."""
        name = payload["dataset"]["name"]
        for key in dict.fromkeys(k for k in (package_id, name) if k):
            try:
                package = self.client.call("package_show", {"id": key})
            except NotFound:
                continue
            owner = extra(package, BANCHI_ID)
            org = (package.get("organization") or {}).get("name")
            if owner == dataset_id or (owner is None and (key == package_id or org == payload["organization"]["name"])):
                return package
            if package.get("state") == "deleted":
                continue  # someone else's deleted package; CKAN lets the name be used again
            raise PortalRejected([publish_problem("name_taken", "name", value=name, owner=owner or org or "-")])
        return None

    def _ensure_organization(self, organization: dict[str, Any]) -> None:
        if organization["name"] in self._orgs_checked:
            return
        wanted = organization_fields(organization)
        try:
            current = self.client.call("organization_show", {"id": wanted["name"], "include_datasets": False,
                                                             "include_users": False})
        except NotFound:
            self.client.call("organization_create", wanted)
        else:
            changes = field_changes(current, wanted)
            if changes:
                self.client.call("organization_patch", {"id": current["id"], **{c.key: c.new for c in changes}})
        self._orgs_checked.add(organization["name"])

    def _changes(self, dataset_id: str, package: dict[str, Any] | None, payload: dict[str, Any]) -> PackageChanges:
        profile = load_profile(payload["profile"])
        resources = package_resources(payload, profile)
        return package_changes(package, package_fields(payload, profile), dataset_id, resources)

    def _counted(self, report: RunReport, before: Counter[str]) -> RunReport:
        """The calls of this run only (a client may serve several runs)."""
        calls = self.client.calls - before
        report.calls = dict(calls)
        report.write_calls = sum(count for action, count in calls.items() if is_write(action))
        return report
