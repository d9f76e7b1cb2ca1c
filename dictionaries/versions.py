"""Dictionary versions: immutable; a draft until a working-group member approves it (who and when)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from dictionaries.messages import problem
from dictionaries.model import Dictionary
from schemas.messages import ProblemsError


class VersionStatus(StrEnum):
    draft = "draft"
    approved = "approved"


class DictionaryVersion(BaseModel):
    """One version of a dictionary; approving returns a new object, nothing is changed in place."""

    model_config = ConfigDict(frozen=True)

    number: int
    dictionary: Dictionary
    status: VersionStatus = VersionStatus.draft
    approved_by: str | None = None
    approved_at: datetime | None = None

    def approve(self, by: str, at: datetime | None = None) -> DictionaryVersion:
        if self.status is VersionStatus.approved:
            raise ProblemsError([problem("already_approved", field="status", value=self.number)])
        return self.model_copy(
            update={"status": VersionStatus.approved, "approved_by": by, "approved_at": at or datetime.now(UTC)}
        )

    def next_draft(self, dictionary: Dictionary) -> DictionaryVersion:
        """The following version, a draft with the new content (versions are never edited)."""
        return DictionaryVersion(number=self.number + 1, dictionary=dictionary)
