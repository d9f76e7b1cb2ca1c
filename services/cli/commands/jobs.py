"""``banchi worker`` runs jobs from the queue; ``banchi job …`` starts, follows and cancels them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from schemas.buddhist_era import format_be_moment
from services.cli.output import OutputFormat, both_languages, console, print_json, print_records

job_app = typer.Typer(help="Background jobs: start, follow, cancel. / งานเบื้องหลัง", no_args_is_help=True)

WaitOption = Annotated[bool, typer.Option("--wait/--no-wait", help="follow the job with a progress bar until it "
                                                                   "ends (a worker runs it: banchi worker, or "
                                                                   "banchi serve on the embedded database)")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]


def worker(
    threads: Annotated[int, typer.Option("--threads", min=1, max=32, help="jobs run at once in this process")] = 1,
) -> None:
    """Run jobs from the queue until stopped (SIGINT/SIGTERM). / รันงานเบื้องหลังจากคิว"""
    import threading

    from catalog.search.warm import warm_search_in_background
    from catalog.settings import get_settings
    from services.cli.session import action_context
    from services.jobs.broker import broker_description, get_huey
    from services.jobs.runner import sweeper
    from services.logs import configure_logging

    with action_context():  # refuses a database that is not set up
        pass
    settings = get_settings()
    configure_logging()  # JSON lines, each job's with its id
    console.print(f"งานเบื้องหลัง / worker: {broker_description(settings)} · {threads} thread(s)", highlight=False)
    stop = threading.Event()
    sweeping = threading.Thread(target=sweeper, args=(settings, stop), daemon=True, name="banchi-sweeper")
    sweeping.start()
    warm_search_in_background(settings)  # a job that searches does not pay for the facet table
    consumer = get_huey(settings).create_consumer(workers=threads, worker_type="thread", periodic=False,
                                                  max_delay=1.0, check_worker_health=True)
    try:
        consumer.run()
    finally:
        stop.set()


@job_app.command("publish")
def job_publish(
    portal: Annotated[str, typer.Option("--portal", help="a registered portal (banchi portal list)")],
    organization: Annotated[str | None, typer.Option("--org", help="this organization's datasets (default: all)")]
    = None,
    dataset: Annotated[list[str] | None, typer.Option("--dataset", help="only these datasets (repeatable)")] = None,
    force: Annotated[bool, typer.Option("--force", help="compare even unchanged datasets, retry refused ones")]
    = False,
    wait: WaitOption = True,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Publish to a registered portal as a background job. / เผยแพร่ไปยังพอร์ทัลเป็นงานเบื้องหลัง"""
    params: dict[str, Any] = {"portal": portal, "organization": organization, "datasets": dataset or None,
                              "force": force}
    _start("publish", organization, params, wait, output)


@job_app.command("drift")
def job_drift(
    portal: Annotated[str, typer.Option("--portal", help="a registered portal (banchi portal list)")],
    organization: Annotated[str | None, typer.Option("--org", help="this organization's datasets (default: all)")]
    = None,
    wait: WaitOption = True,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Check a portal for edits made there since the last publish, as a job. / ตรวจการแก้ไขบนพอร์ทัล"""
    _start("drift_check", organization, {"portal": portal, "organization": organization}, wait, output)


@job_app.command("import")
def job_import(
    file: Annotated[Path, typer.Argument(help="workbook in the GD Catalog Excel template (.xlsx)", exists=True,
                                         dir_okay=False)],
    organization: Annotated[str | None, typer.Option("--org", help="put every dataset in this organization")]
    = None,
    create_organizations: Annotated[bool, typer.Option("--create-organizations")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check everything, write nothing")] = False,
    force: Annotated[bool, typer.Option("--force", help="write over records changed since the export")] = False,
    wait: WaitOption = True,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Import a catalog workbook (or its dry run) as a background job. / นำเข้าบัญชีข้อมูลเป็นงานเบื้องหลัง"""
    import shutil
    import uuid

    from catalog.settings import get_settings

    kept = get_settings().effective_storage_dir / "job-files" / f"{uuid.uuid4()}.xlsx"  # workers share storage
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(file, kept)
    params: dict[str, Any] = {"file": str(kept), "organization": organization, "dry_run": dry_run, "force": force,
                              "create_organizations": create_organizations}
    _start("catalog_import", organization, params, wait, output)


@job_app.command("show")
def job_show_command(
    job_id: Annotated[str, typer.Argument(help="the job's id")],
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="follow it until it ends")] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """A job's state, progress, result and errors. / สถานะของงาน"""
    _follow(job_id, wait, output)


@job_app.command("list")
def job_list_command(
    organization: Annotated[str | None, typer.Option("--org", help="this organization's jobs (default: all)")] = None,
    state: Annotated[list[str] | None, typer.Option("--state", help="queued, running, succeeded, failed, "
                                                                    "cancelled (repeatable)")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Jobs, newest first. / รายการงานเบื้องหลัง"""
    from catalog.actions.jobs import job_list
    from services.cli.session import action_context

    with action_context(as_json=output is OutputFormat.json) as ctx:
        jobs = job_list(ctx, organization, states=tuple(state or ()), limit=limit)
    print_records(output, jobs, "งานเบื้องหลัง / Jobs", ["id", "kind", "organization", "state", "progress", "created"],
                  lambda j: (j.id, both_languages("job_kind", j.kind), j.organization or "",
                             both_languages("job_state", j.state), _progress_text(j),
                             format_be_moment(j.created_at)))


@job_app.command("cancel")
def job_cancel_command(
    job_id: Annotated[str, typer.Argument(help="the job's id")],
    output: FormatOption = OutputFormat.table,
) -> None:
    """Cancel a job: at once if queued, at its next step if running. / ยกเลิกงาน"""
    from catalog.actions.jobs import job_cancel
    from services.cli.session import action_context

    with action_context(as_json=output is OutputFormat.json) as ctx:
        job = job_cancel(ctx, job_id)
    _show(job, output)


# -- helpers -------------------------------------------------------------------------------------------------


def _start(kind: str, organization: str | None, params: dict[str, Any], wait: bool, output: OutputFormat) -> None:
    from catalog.actions.jobs import job_create
    from catalog.settings import get_settings
    from services.cli.session import action_context
    from services.jobs.runner import dispatch

    with action_context(as_json=output is OutputFormat.json) as ctx:
        job = job_create(ctx, kind, organization, params)
    if not dispatch(get_settings(), job.id):
        console.print("คิวงานไม่พร้อม งานรออยู่ในฐานข้อมูลและจะถูกส่งเมื่อคิวกลับมา / the broker is unavailable: "
                      "the job waits in the database and is sent when it is back", style="yellow", highlight=False)
    if output is OutputFormat.table:
        console.print(f"งาน / job {job.id} ({kind})", highlight=False)
    _follow(job.id, wait, output)


def _follow(job_id: str, wait: bool, output: OutputFormat) -> None:
    from catalog.actions.jobs import JobPublic, job_show
    from services.cli.session import action_context

    def read() -> JobPublic:
        with action_context(as_json=output is OutputFormat.json) as ctx:
            return job_show(ctx, job_id)

    job = read()
    if wait and not job.finished and output is OutputFormat.table:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console) as bar:
            task = bar.add_task(both_languages("job_state", job.state), total=job.progress_total)
            while not job.finished:
                time.sleep(0.5)
                job = read()
                bar.update(task, description=both_languages("job_state", job.state), completed=job.progress_done,
                           total=job.progress_total)
    while wait and not job.finished:
        time.sleep(0.5)
        job = read()
    _show(job, output)
    if job.finished and job.state != "succeeded":
        raise typer.Exit(1)


def _show(job: Any, output: OutputFormat) -> None:
    if output is OutputFormat.json:
        print_json(job.model_dump(mode="json"))
        return
    console.print(f"{both_languages('job_kind', job.kind)} · {both_languages('job_state', job.state)} · "
                  f"{_progress_text(job)}"
                  + (" · ขอยกเลิกแล้ว / cancel requested" if job.cancel_requested and not job.finished else ""),
                  highlight=False)
    result = job.result or {}
    if result.get("outcomes") is not None:
        console.print(" · ".join(f"{k} {v}" for k, v in result["outcomes"].items()) or "ไม่มีงานค้าง / nothing due",
                      highlight=False)
    if result.get("drift") is not None:
        for item in result["drift"]:
            what = "ไม่พบบนพอร์ทัล / gone from the portal" if item["missing"] else ", ".join(item["fields"])
            console.print(f"  {item['dataset']}: {what}", highlight=False, markup=False)
    for error in job.errors or []:
        console.print(f"  {error.get('th', '')}\n  {error.get('en', '')}", highlight=False, markup=False)


def _progress_text(job: Any) -> str:
    if job.progress_total is None:
        return "-"
    return f"{job.progress_done}/{job.progress_total}"


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.add_typer(job_app, name="job")

