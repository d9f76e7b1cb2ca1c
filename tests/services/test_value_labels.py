"""Every key Banchi stores and shows has a Thai and an English label (schemas/labels/values.yaml, the stages,
the profile), and a value is shown as people read it, never as Python writes it."""

from __future__ import annotations

from typing import Any, get_args, get_type_hints

import pytest

from catalog.models import DatasetState
from catalog.models.governance import EvidenceKind
from catalog.models.jobs import BackgroundState
from catalog.models.organization import OrganizationKind
from catalog.models.publishing import JobState
from dictionaries.model import FIELD_TYPES, FIELDS_MATCH, STRING_FORMATS
from dictionaries.versions import VersionStatus
from schemas.labels import internal_keys, value_label, value_labels, words_pair
from schemas.profile import load_profile
from schemas.stages import load_stages
from services.api.routers.publishing import PlannedDataset
from services.ckan.publisher import JobOutcome
from services.jobs.kinds import RUNNERS
from services.web.i18n import texts

KEYS: dict[str, list[Any]] = {
    "dataset_state": list(DatasetState), "job_state": list(BackgroundState), "job_kind": list(RUNNERS),
    "publish_status": list(JobState), "evidence_kind": list(EvidenceKind), "organization_kind": list(OrganizationKind),
    "dictionary_status": list(VersionStatus), "field_type": list(FIELD_TYPES), "fields_match": list(FIELDS_MATCH),
    "field_format": [*STRING_FORMATS, "any"], "boolean": [True, False],
    "publish_action": list(get_args(PlannedDataset.model_fields["action"].annotation)),
    "resource_op": ["create", "update", "delete"],
}


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_every_stored_key_has_both_labels(kind: str) -> None:
    for key in KEYS[kind]:
        th, en = value_label(kind, key, "th"), value_label(kind, key, "en")
        assert th and en and th != str(getattr(key, "value", key)), (kind, key)
    assert set(value_labels()[kind]) >= {str(getattr(k, "value", k)).lower() if isinstance(k, bool) else
                                         str(getattr(k, "value", k)) for k in KEYS[kind]}


def test_publish_outcomes_are_labelled() -> None:
    statuses = get_args(get_type_hints(JobOutcome)["status"])
    assert {value_label("publish_status", status) for status in statuses} == {"เสร็จแล้ว", "รอการเผยแพร่ครั้งถัดไป", "ล้มเหลว"}


def test_gates_and_stages_read_from_the_stage_file() -> None:
    stages = load_stages()
    assert value_label("gate", "usage_evidence") == stages.gate("usage_evidence")[1].text.th  # type: ignore[index]
    assert value_label("stage", 2, "en") == stages.stage(2).name.en
    assert {"usage_evidence", "dictionary_approved", "drift_check"} <= internal_keys()
    assert value_label("actor", "cli:somchai") == "ผู้ดูแลระบบ (บรรทัดคำสั่ง)"
    assert value_label("actor", "steward@bangkok.go.th") == "steward@bangkok.go.th"  # a person is named as is
    assert value_label("dataset_state", None) == ""


def test_profile_values_are_shown_as_people_read_them() -> None:
    profile = load_profile()
    assert profile.display_value("official_statistics", False) == "ไม่ใช่"
    assert profile.display_value("official_statistics", "True", "en") == "Yes"
    assert profile.display_value("allow_harvest", True) == "ยินยอม"
    assert profile.display_value("tags", [{"name": "สถิติ"}, {"name": "ฝึกอบรม"}]) == "สถิติ, ฝึกอบรม"
    assert profile.display_value("tag_string", "สถิติ,ฝึกอบรม") == "สถิติ, ฝึกอบรม"
    assert profile.display_value("private", False) == "ไม่ใช่"  # not a profile field: yes or no
    assert profile.display_value("data_format", ["Database", "CSV"]) == "ฐานข้อมูล, CSV"
    assert profile.display_value("extras", [{"key": "banchi_id", "value": "abc"}]) == "banchi_id: abc"
    assert profile.display_value("notes", None) == "" and profile.display_value("version", 2.0) == "2"


def test_a_words_file_entry_must_be_two_texts() -> None:
    """Unquoted YAML read "All gates met: ready" as a mapping and "a, b, c" as three items: pages printed
    ``{'All gates met': ...}`` and a hint cut at its comma. Both are refused when the file is read."""
    assert words_pair(["ใช่", "Yes"], "x") == ("ใช่", "Yes")
    for bad in (["ผ่าน", {"All gates met": "ready"}], ["ไทย", "one", "two"], "ใช่"):
        with pytest.raises(ValueError, match="expected"):
            words_pair(bad, "texts.yaml: key")
    assert texts()["tags_hint"] == ("คั่นแต่ละคำด้วยเครื่องหมายจุลภาค (,)", "Separate tags with commas")
