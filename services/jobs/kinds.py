"""The work of each kind of job, run by ``services.jobs.runner`` with the requester's rights."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from catalog.actions.lookup import get_organization
from catalog.actions.portals import portal_connection
from catalog.models.jobs import BackgroundState
from schemas.messages import Problem
from services.ckan.client import PortalClient, PortalUnavailable
from services.ckan.publisher import Publisher, RunReport
from services.jobs.runner import JobRun, Outcome, RetryLater

PORTAL_TIMEOUT = 60.0


def _client(run: JobRun) -> PortalClient:
    with run.opener()() as ctx:
        org = get_organization(ctx, run.job.params["organization"]) if run.job.params.get("organization") else None
        connection = portal_connection(ctx, run.job.params["portal"], org.id if org else None)
        profile = ctx.profile
    return PortalClient.connect(connection, profile=profile, timeout=PORTAL_TIMEOUT)


def publish(run: JobRun) -> Outcome:
    """A publish run of the job's organization (``params``: portal, datasets chosen or all, force)."""
    params = run.job.params
    publisher = Publisher(run.opener(), _client(run), job_id=run.job.id)
    report = publisher.run(organization=params.get("organization"), only=params.get("datasets"),
                           force=bool(params.get("force")), retry_now=bool(params.get("retry_now")), on_step=run.step)
    result = _publish_result(report)
    if report.stopped is not None:  # the portal went away: the job and its pending outbox entries wait
        raise RetryLater([report.stopped], result)
    errors = [p for o in report.outcomes for p in o.problems]
    state = BackgroundState.cancelled if report.cancelled else BackgroundState.succeeded
    return Outcome(state, result, errors)


def drift_check(run: JobRun) -> Outcome:
    """Fields edited on the portal since the last publish, kept in the job's result for the stewards."""
    params = run.job.params
    publisher = Publisher(run.opener(), _client(run), job_id=run.job.id)
    try:
        drift = publisher.check(organization=params.get("organization"), dataset=params.get("dataset"))
    except PortalUnavailable as exc:
        raise RetryLater([exc.problem]) from exc
    items = [{"dataset": d.dataset, "package_id": d.package_id, "missing": d.missing,
              "fields": [c.key for c in d.changes.fields] if d.changes else [],
              "resources": [r.name for r in d.changes.resources] if d.changes else []} for d in drift]
    run.step(len(items), len(items))
    return Outcome(BackgroundState.succeeded, {"portal_url": publisher.portal_url, "drift": items})


def _publish_result(report: RunReport) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for outcome in report.outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    actions: dict[str, int] = {}
    for item in report.plan:
        actions[item.action] = actions.get(item.action, 0) + 1
    return {
        "portal_url": report.portal_url, "planned": actions, "outcomes": counts, "write_calls": report.write_calls,
        "datasets": [{"dataset": o.dataset, "operation": o.operation, "status": o.status, "package_id": o.package_id,
                      "problems": _dumped(o.problems)} for o in report.outcomes],
    }


def _dumped(problems: list[Problem]) -> list[dict[str, Any]]:
    return [p.model_dump(exclude_none=True) for p in problems]


RUNNERS: dict[str, Callable[[JobRun], Outcome]] = {
    "publish": publish,
    "drift_check": drift_check,
}
