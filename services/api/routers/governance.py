"""Governance through the catalog's actions: stages and their sign-offs, and the evaluator's audited
results. Reading them is for the organization's members, evaluators and sysadmins; to anyone else the
records do not exist (404)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from catalog.actions.indicator import AuditedPublic, audited_result_record, audited_results
from catalog.actions.stages import DatasetStageStatus, StageEventPublic, stage_advance, stage_history, stage_revert
from catalog.actions.stages import stage_status as stages_of
from schemas.buddhist_era import EnteredDate
from services.api.common import READ_ERRORS, WRITE_ERRORS
from services.api.deps import JSON_ONLY, Ctx

router = APIRouter(tags=["governance"])


class StageChangeBody(BaseModel):
    """``to`` (stage number), ``reason``, optional ``effective_date``; checked by the catalog. The signer is
    you (your account's person, a working-group member); a ``signed_off_by`` naming anyone else is refused (422)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"to": 1, "reason": "ลงทะเบียนชุดข้อมูลแล้ว"}]})


class AuditedBody(BaseModel):
    """``organization``, ``fiscal_year`` (B.E.), ``quarter``, ``result`` (the score), ``evaluator``, optional
    ``figure_2_1`` and ``figure_2_2`` (the KPI page's "(2.1 / 2.2)"), ``announced`` (the report's headline),
    ``audited_on`` and ``note``; checked by the catalog."""

    model_config = ConfigDict(extra="allow")


@router.get("/api/datasets/{name}/stages", responses=READ_ERRORS)
def dataset_stages(ctx: Ctx, name: str) -> list[StageEventPublic]:
    """The dataset's stage history with each sign-off."""
    return stage_history(ctx, name)


@router.post("/api/datasets/{name}/stages/advance", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def advance_stage(ctx: Ctx, name: str, body: StageChangeBody) -> StageEventPublic:
    """Move the dataset to a later stage, signed off by you (a working-group member); its gates must hold."""
    return stage_advance(ctx, name, body.model_dump(mode="json"))


@router.post("/api/datasets/{name}/stages/revert", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def revert_stage(ctx: Ctx, name: str, body: StageChangeBody) -> StageEventPublic:
    return stage_revert(ctx, name, body.model_dump(mode="json"))


@router.get("/api/organizations/{name}/stages", responses=READ_ERRORS)
def organization_stages(ctx: Ctx, name: str, as_of: EnteredDate | None = None) -> list[DatasetStageStatus]:
    """Every active dataset's stage on a day, and what blocks the next one."""
    return stages_of(ctx, name, as_of)


@router.get("/api/organizations/{name}/audited-results", responses=READ_ERRORS)
def organization_audited_results(
    ctx: Ctx, name: str, fiscal_year: Annotated[int, Query(ge=2500, le=2800, description="Buddhist Era")],
) -> dict[str, Any]:
    """The evaluator's audited result per quarter of a fiscal year."""
    results = audited_results(ctx, name, fiscal_year)
    return {str(quarter): result.model_dump(mode="json") for quarter, result in sorted(results.items())}


@router.post("/api/audited-results", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def record_audited_result(ctx: Ctx, body: AuditedBody) -> AuditedPublic:
    """Record (or replace) an agency's audited result for a quarter (evaluators)."""
    return audited_result_record(ctx, body.model_dump(mode="json"))
