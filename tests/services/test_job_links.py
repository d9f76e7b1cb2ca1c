"""A job makes links as the request that queued it would have (``catalog.links``)."""

from __future__ import annotations

from catalog.actions.jobs import QUEUED_AT, job_create
from catalog.context import SYSTEM
from catalog.links import serving_at
from catalog.models.jobs import Job
from catalog.settings import Settings
from services.jobs.runner import JobRun
from tests.conftest import OpenContext
from tests.factories import make_org


def test_a_job_records_and_uses_the_base_url_of_the_request_that_queued_it(
    open_ctx: OpenContext, settings: Settings
) -> None:
    with open_ctx() as ctx:
        make_org(ctx)
    with serving_at("http://catalog.example:8123/banchi/"), open_ctx() as ctx:
        queued = job_create(ctx, "link_check", "bma-hrd", {})
    with open_ctx() as ctx:
        job = ctx.session.get(Job, queued.id)
        assert job is not None and job.params[QUEUED_AT] == "http://catalog.example:8123/banchi"
        engine = ctx.session.get_bind()
        unqueued = job_create(ctx, "link_check", "bma-hrd", {})  # the command line: no request, no base URL
        assert QUEUED_AT not in unqueued.params
    run = JobRun(job, SYSTEM, engine, settings)  # type: ignore[arg-type]
    with run.opener()() as ctx:
        assert ctx.site_url == "http://catalog.example:8123/banchi"
    with open_ctx() as ctx:
        assert ctx.site_url == ""  # outside the job, links are paths from the site's root again
