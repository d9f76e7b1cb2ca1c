"""A scheduled harvest from the CI CKAN runs unattended as a job in another Banchi, with the portal's key from
its registry, and a drift check job names a field edited on the portal."""

from __future__ import annotations

import datetime as dt

import pytest
from ckanapi import RemoteCKAN
from sqlalchemy import update
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import col

from catalog.actions.access import dataset_show
from catalog.actions.jobs import job_create, job_list
from catalog.actions.schedules import schedule_set, schedule_start_due
from catalog.models.jobs import Job, Schedule
from catalog.settings import Settings
from services.jobs import runner
from tests.conftest import OpenContext
from tests.services.ckan.conftest import OtherBanchi, PortalNames, register_portal
from tests.services.ckan.test_publish import add_dataset

pytestmark = pytest.mark.ckan


def test_scheduled_harvest_and_drift_check_jobs(open_ctx: OpenContext, names: PortalNames, ckan: RemoteCKAN,
                                                other_banchi: OtherBanchi, settings: Settings) -> None:
    name = add_dataset(open_ctx, names, files=False)
    portal = register_portal(open_ctx)
    with open_ctx() as ctx:
        org = names.orgs[0]
        published = job_create(ctx, "publish", org, {"portal": portal, "organization": org, "datasets": [name]})
    assert runner.execute(published.id, settings) == "succeeded"
    ckan.action.package_patch(id=name, notes="แก้ไขบนพอร์ทัล")
    with open_ctx() as ctx:
        drift = job_create(ctx, "drift_check", org, {"portal": portal, "organization": org})
    assert runner.execute(drift.id, settings) == "succeeded"
    with open_ctx() as ctx:
        [checked] = job_list(ctx, org, kinds=("drift_check",))
    assert checked.result is not None
    assert [(d["dataset"], "notes" in d["fields"]) for d in checked.result["drift"]] == [(name, True)]

    other = other_banchi.opener()
    register_portal(other)
    with other() as ctx:
        schedule_set(ctx, {"kind": "harvest", "portal": portal, "interval_minutes": 60})
        ctx.session.execute(update(Schedule).values(next_run_at=ctx.now() - dt.timedelta(seconds=1))
                            .where(col(Schedule.id).is_not(None)))
    with other() as ctx:
        [job_id] = schedule_start_due(ctx)
    with other() as ctx:
        job = ctx.session.get(Job, job_id)
        assert job is not None
        job.params["source_organization"] = org  # only this test's organization of the shared CI portal
        flag_modified(job, "params")
    assert runner.execute(job_id, other_banchi.settings) == "succeeded"
    with other() as ctx:
        assert dataset_show(ctx, name)["notes"] == "แก้ไขบนพอร์ทัล"  # harvested as the portal holds it
        assert schedule_start_due(ctx) == []  # not due again for an hour
