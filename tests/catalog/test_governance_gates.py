"""Gates the records answer when the features behind them are installed: dictionary approval, validation runs
and publications; evidence answers them only when the records cannot."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from catalog.actions.evidence import evidence_add
from catalog.actions.resources import resource_create
from catalog.context import Context
from catalog.gates import evaluate_gate
from catalog.models import Dataset, Person
from schemas.fiscal_year import end_of_thai_day
from schemas.stages import load_stages
from tests.conftest import OpenContext
from tests.governance_helpers import CHAIR, at, make_agency


def _gate(ctx: Context, gate_id: str, day: str) -> tuple[bool, str | None, bool]:
    stage, gate = load_stages().gate(gate_id)  # type: ignore[misc]
    dataset = ctx.session.exec(select(Dataset)).one()
    result = evaluate_gate(ctx, dataset, stage, gate, dt.date.fromisoformat(day))
    return result.passed, result.source, result.needs_evidence


@pytest.fixture
def agency(open_ctx: OpenContext) -> str:
    with open_ctx(clock=at("2021-01-05")) as ctx:
        name = make_agency(ctx, meeting=True)
        resource_create(ctx, name, {"name": "ข้อมูล", "url": "https://hrd.bangkok.go.th/d.csv", "format": "CSV"})
        evidence_add(ctx, {"dataset": name, "gate": "dictionary_approved", "evidence_date": "2021-01-05",
                           "description": "พจนานุกรมข้อมูล (เอกสาร)", "added_by": CHAIR,
                           "url": "https://hrd.bangkok.go.th/dictionary.pdf"})
        evidence_add(ctx, {"dataset": name, "gate": "data_valid", "evidence_date": "2021-01-05",
                           "description": "ผลตรวจสอบ (เอกสาร)", "added_by": CHAIR,
                           "url": "https://hrd.bangkok.go.th/quality.pdf"})
    return name


def test_dictionary_gate_reads_approvals_and_falls_back_to_evidence(open_ctx: OpenContext, agency: str) -> None:
    models = pytest.importorskip("catalog.models.dictionary", reason="data dictionaries (issue 4) not installed")
    with open_ctx() as ctx:
        assert _gate(ctx, "dictionary_approved", "2021-01-10") == (True, "evidence", False)  # none kept in Banchi
        assert ctx.session.exec(select(models.DataDictionary)).first() is None
        from catalog.models import Resource

        row = ctx.session.exec(select(Resource)).one()
        dictionary = models.DataDictionary(resource_id=row.id, created_at=end_of_thai_day(dt.date(2021, 2, 1)))
        ctx.session.add(dictionary)
        ctx.session.flush()
        version = models.DictionaryVersion(dictionary_id=dictionary.id, number=1, table_schema={"fields": []},
                                           created_by="test", created_at=end_of_thai_day(dt.date(2021, 2, 1)))
        ctx.session.add(version)
        ctx.session.flush()
        # a draft kept in Banchi: the records answer, and the document no longer stands in for the approval
        assert _gate(ctx, "dictionary_approved", "2021-02-10") == (False, None, False)
        assert _gate(ctx, "dictionary_approved", "2021-01-10") == (True, "evidence", False)
        version.status = "approved"
        version.approved_by_id = ctx.session.exec(select(Person).where(Person.email == CHAIR)).one().id
        version.approved_at = end_of_thai_day(dt.date(2021, 3, 1))
        ctx.session.add(version)
        ctx.session.flush()
        assert _gate(ctx, "dictionary_approved", "2021-02-10") == (False, None, False)
        assert _gate(ctx, "dictionary_approved", "2021-03-01") == (True, "records", False)


def test_validity_gate_reads_the_latest_run(open_ctx: OpenContext, agency: str) -> None:
    models = pytest.importorskip("catalog.models.dictionary", reason="validation runs (issue 4) not installed")
    with open_ctx() as ctx:
        from catalog.models import Resource

        row = ctx.session.exec(select(Resource)).one()
        dictionary = models.DataDictionary(resource_id=row.id)
        ctx.session.add(dictionary)
        ctx.session.flush()
        version = models.DictionaryVersion(dictionary_id=dictionary.id, number=1, table_schema={"fields": []},
                                           created_by="test")
        ctx.session.add(version)
        ctx.session.flush()
        for day, valid in (("2021-04-30", False), ("2021-05-31", True)):
            ctx.session.add(models.ValidationRun(
                dataset_id=row.dataset_id, resource_id=row.id, dictionary_version_id=version.id, file_sha256="0" * 64,
                valid=valid, rows=10, errors=0 if valid else 3, validity=100.0 if valid else 70.0,
                completeness=100.0, report={}, created_by="test",
                created_at=end_of_thai_day(dt.date.fromisoformat(day))))
        ctx.session.flush()
        assert _gate(ctx, "data_valid", "2021-03-01") == (True, "evidence", False)
        assert _gate(ctx, "data_valid", "2021-05-01") == (False, None, False)
        assert _gate(ctx, "data_valid", "2021-06-01") == (True, "records", False)


def test_publication_gate_reads_portal_records_or_exchange_evidence(open_ctx: OpenContext, agency: str) -> None:
    publishing = pytest.importorskip("catalog.models.publishing", reason="publishing (issue 6) not installed")
    with open_ctx() as ctx:
        assert _gate(ctx, "published_or_exchanged", "2021-06-01") == (False, None, True)
        dataset = ctx.session.exec(select(Dataset)).one()
        moment = end_of_thai_day(dt.date(2021, 6, 15))
        ctx.session.add(publishing.Publication(
            dataset_id=dataset.id, portal_url="https://data.bangkok.go.th", package_id="p-1", package_name=agency,
            content_hash="0" * 64, payload={}, published_at=moment, first_published_at=moment))
        ctx.session.flush()
        assert _gate(ctx, "published_or_exchanged", "2021-06-14") == (False, None, True)
        assert _gate(ctx, "published_or_exchanged", "2021-06-15") == (True, "records", False)
    with open_ctx(clock=at("2021-06-20")) as ctx:
        evidence_add(ctx, {"dataset": agency, "gate": "published_or_exchanged", "evidence_date": "2021-06-01",
                           "description": "เชื่อมโยงแลกเปลี่ยนกับสำนักงานเขต", "added_by": CHAIR,
                           "url": "https://hrd.bangkok.go.th/exchange.pdf"})
    with open_ctx() as ctx:
        assert _gate(ctx, "published_or_exchanged", "2021-06-02") == (True, "evidence", False)
