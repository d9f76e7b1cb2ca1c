"""The work of each kind of job, run by ``services.jobs.runner`` with the requester's rights."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import requests

from catalog.actions.lookup import get_organization
from catalog.actions.portals import portal_connection
from catalog.models.jobs import BackgroundState
from schemas.messages import Problem, ProblemsError
from services.ckan.client import PortalClient, PortalRejected, PortalUnavailable
from services.ckan.publisher import Publisher, RunReport
from services.jobs.runner import JobRun, Outcome, RetryLater
from services.outbound import CheckedSession, OutboundRefused, check_url

PORTAL_TIMEOUT = 60.0


def _client(run: JobRun) -> PortalClient:
    with run.opener()() as ctx:
        org = get_organization(ctx, run.job.params["organization"]) if run.job.params.get("organization") else None
        connection = portal_connection(ctx, run.job.params["portal"], org.id if org else None)
        profile = ctx.profile
    return PortalClient.connect(connection, profile=profile, timeout=PORTAL_TIMEOUT)


def portal_faults(work: Callable[[JobRun], Outcome]) -> Callable[[JobRun], Outcome]:
    """A portal that is down, slow or answering 5xx/429 is a passing fault: the job is tried again with backoff.
    One that refuses (403, a validation error) would refuse the same request again: the job fails at once."""

    @functools.wraps(work)
    def run(job_run: JobRun) -> Outcome:
        try:
            return work(job_run)
        except PortalUnavailable as exc:
            raise RetryLater([exc.problem]) from exc
        except PortalRejected as exc:
            return Outcome(BackgroundState.failed, errors=exc.problems)

    return run


@portal_faults
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


@portal_faults
def drift_check(run: JobRun) -> Outcome:
    """Fields edited on the portal since the last publish, kept in the job's result for the stewards."""
    params = run.job.params
    publisher = Publisher(run.opener(), _client(run), job_id=run.job.id)
    drift = publisher.check(organization=params.get("organization"), dataset=params.get("dataset"))
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


@portal_faults
def harvest(run: JobRun) -> Outcome:
    """Import the portal's datasets (of ``params.organization`` on the portal, or all) into Banchi."""
    from services.ckan.harvester import Harvester

    client = _client(run)
    with run.opener()() as ctx:
        profile = ctx.profile
    items = Harvester(run.opener(), client, profile).run(run.job.params.get("source_organization"),
                                                         run.job.params.get("defaults") or {})
    run.step(len(items), len(items))
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return Outcome(BackgroundState.succeeded, {
        "portal_url": client.url, "outcomes": counts,
        "datasets": [{"dataset": i.name, "operation": "harvest", "status": i.status, "package_id": None,
                      "problems": _dumped(i.problems)} for i in items]})


def link_check(run: JobRun) -> Outcome:
    """Each link resource's URL: HEAD, then GET when HEAD is refused, under the outbound rules (http/https;
    never link-local or reserved addresses; private ones only when the operator allows them)."""
    from catalog.actions.link_checks import link_check_record, link_check_targets

    with run.opener()() as ctx:
        targets = link_check_targets(ctx, run.job.params.get("organization"))
    session = CheckedSession(run.settings.link_check_allow_private_network)
    broken: list[dict[str, Any]] = []
    skipped = 0
    if not run.step(0, len(targets)):
        return Outcome(BackgroundState.cancelled)
    for done, target in enumerate(targets, start=1):
        ok, status, error = _probe(session, target.url, run.settings.link_check_timeout)
        if ok is None:
            skipped += 1  # refused by the outbound rules: not ours to judge
        else:
            with run.opener()() as ctx:
                link_check_record(ctx, target, ok=ok, status_code=status, error=error)
            if not ok:
                broken.append({"dataset": target.dataset, "resource_id": target.resource_id, "url": target.url,
                               "status_code": status, "error": error})
        if not run.step(done):
            return Outcome(BackgroundState.cancelled, {"checked": done, "broken": broken})
    return Outcome(BackgroundState.succeeded, {"checked": len(targets) - skipped, "not_checked": skipped,
                                               "broken": broken})


def _probe(session: CheckedSession, url: str, timeout: float) -> tuple[bool | None, int | None, str | None]:
    """(working, HTTP status, error); working is None when the outbound rules refuse the address."""
    try:
        check_url(url, session.allow_private_network)
        answer = session.head(url, timeout=timeout, allow_redirects=True)
        if answer.status_code in (403, 405, 501) or answer.status_code >= 500:  # some servers refuse HEAD
            with session.get(url, timeout=timeout, allow_redirects=True, stream=True) as got:
                answer = got
        return answer.status_code < 400, answer.status_code, None if answer.status_code < 400 else answer.reason
    except OutboundRefused:
        return None, None, None
    except requests.RequestException as exc:
        return False, None, type(exc).__name__


def timeliness_check(run: JobRun) -> Outcome:
    """The published datasets past their update frequency (the freshness badge's rule), for the stewards."""
    from catalog.actions.link_checks import timeliness_overdue

    with run.opener()() as ctx:
        checked, overdue = timeliness_overdue(ctx, run.job.params.get("organization"))
    run.step(checked, checked)
    return Outcome(BackgroundState.succeeded, {"checked": checked, "overdue": [
        {"dataset": o.dataset, "title": o.title, "th": o.th, "en": o.en} for o in overdue]})


def catalog_import(run: JobRun) -> Outcome:
    """A catalog workbook (``params.file``, kept under the storage directory for the job) imported all or
    nothing, or checked with ``dry_run``; the report (what was created, updated, the problems) is the result."""
    from pathlib import Path

    from catalog.actions.catalog_import import ImportFailed
    from catalog.actions.catalog_import import catalog_import as import_workbook
    from services.excel.reader import read_catalog_workbook

    params = run.job.params
    content = read_catalog_workbook(Path(params["file"]))
    try:
        with run.opener()() as ctx:
            report = import_workbook(ctx, content, organization=params.get("organization"),
                                     create_organizations=bool(params.get("create_organizations")),
                                     dry_run=bool(params.get("dry_run")), force=bool(params.get("force")),
                                     template_org=params.get("template_org"))
    except ImportFailed as exc:
        return Outcome(BackgroundState.failed, exc.report.model_dump(mode="json"), exc.problems)
    rows = report.model_dump(mode="json")
    run.step(1, 1)
    return Outcome(BackgroundState.succeeded, rows)


RUNNERS.update(harvest=harvest, link_check=link_check, timeliness_check=timeliness_check,
               catalog_import=catalog_import)


class _Cancelled(Exception):
    """The job was cancelled while its file was being read: the check stops, nothing of it is kept."""


def validation(run: JobRun) -> Outcome:
    """A large data file checked against the resource's dictionary (``catalog.actions.validation_jobs``), with
    its progress in bytes read; new data replaces what the resource serves if it passed (or if the steward
    chose to keep it anyway). The run and the replacement are one transaction. The file the job kept is
    deleted once the job ends (not when it is to be tried again)."""
    from pathlib import Path

    from catalog.actions.dictionaries import resource_validate
    from catalog.actions.resource_files import resource_file_replace

    params = run.job.params
    path = Path(params["file"])

    def progress(done: int, total: int) -> None:
        if not run.step(done, total):
            raise _Cancelled

    try:
        with run.opener()() as ctx:
            checked = resource_validate(ctx, params["dataset"], params["resource_id"], path,
                                        version_id=params.get("version_id"), keep_file=bool(params.get("keep_file")),
                                        progress=progress, **(params.get("options") or {}))
            replaced = bool(params.get("replace")) and (checked.valid or bool(params.get("keep_invalid")))
            if replaced:
                with path.open("rb") as content:
                    resource_file_replace(ctx, params["resource_id"], content, params.get("filename") or path.name)
        base = f"/dataset/{checked.dataset}/resource/{checked.resource_id}"
        outcome = Outcome(BackgroundState.succeeded, {
            "dataset": checked.dataset, "resource_id": checked.resource_id, "run": checked.id,
            "valid": checked.valid, "rows": checked.rows, "errors": checked.errors, "replaced": replaced,
            "report_url": f"{base}/report/{checked.id}",
            "api_url": f"/api/datasets/{checked.dataset}/resources/{checked.resource_id}/validation-runs/{checked.id}"})
    except _Cancelled:
        outcome = Outcome(BackgroundState.cancelled)
    except ProblemsError as exc:
        outcome = Outcome(BackgroundState.failed, errors=exc.problems)
    if params.get("delete_file"):
        path.unlink(missing_ok=True)
    return outcome


RUNNERS.update(validation=validation)


def report(run: JobRun) -> Outcome:
    """The evaluator's report (``catalog.actions.report_jobs``) rendered with the requester's rights and
    written to the job's file (whole, then renamed: a download never sees half a file)."""
    import datetime as dt

    from catalog.actions.report_jobs import report_job_path
    from catalog.reporting import indicator_report
    from services.reports import ReportFormat
    from services.reports import render as render_report

    params = run.job.params
    fmt = ReportFormat(params["format"])
    as_of = dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else None
    run.step(0, 3)
    with run.opener()() as ctx:
        found = indicator_report(ctx, params["organization"], int(params["fiscal_year"]), as_of=as_of)
    if not run.step(1, 3):
        return Outcome(BackgroundState.cancelled)
    content = render_report(found, fmt)
    if not run.step(2, 3):
        return Outcome(BackgroundState.cancelled)
    path = report_job_path(run.settings.effective_storage_dir, run.job.id, fmt.value)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(content)
    partial.replace(path)
    run.step(3, 3)
    return Outcome(BackgroundState.succeeded, {
        "format": fmt.value, "size": len(content), "filename": f"indicator-5.2-{found.organization}-"
        f"{params['fiscal_year']}.{fmt.value}", "download_url": f"/api/jobs/{run.job.id}/file",
        "page_download_url": f"/jobs/{run.job.id}/file"})


RUNNERS.update(report=report)
