"""Versions are immutable and approved once, recording who and when."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from dictionaries.model import parse_schema
from dictionaries.versions import DictionaryVersion, VersionStatus
from schemas.messages import ProblemsError
from tests.dictionaries.datagen import SCHEMA


def test_draft_then_approved_then_next_draft():
    draft = DictionaryVersion(number=1, dictionary=parse_schema(SCHEMA))
    assert draft.status is VersionStatus.draft and draft.approved_by is None
    when = datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
    approved = draft.approve("somchai@agency.go.th", when)
    assert (approved.status, approved.approved_by, approved.approved_at) == ("approved", "somchai@agency.go.th", when)
    assert draft.status is VersionStatus.draft  # the draft object itself is unchanged
    with pytest.raises(ProblemsError):
        approved.approve("someone@else")
    with pytest.raises(ValidationError):
        approved.number = 5
    following = approved.next_draft(parse_schema({"fields": [{"name": "id"}]}))
    assert (following.number, following.status) == (2, VersionStatus.draft)
