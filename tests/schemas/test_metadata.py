"""Validating metadata against the profile: one bilingual problem per offending field."""

from __future__ import annotations

from typing import Any

import pytest

from schemas.messages import Problem, ProblemsError
from schemas.metadata import is_openly_publishable, metadata_model, missing_mandatory, validate_dataset_metadata
from schemas.profile import Profile, load_profile
from tests.factories import GEO, OTHER, RECORD, dataset_input


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile()


def problems_of(profile: Profile, data: dict[str, Any]) -> dict[str | None, Problem]:
    with pytest.raises(ProblemsError) as caught:
        validate_dataset_metadata(data, profile)
    by_field = {p.field: p for p in caught.value.problems}
    assert len(by_field) == len(caught.value.problems), "one problem per field"
    return by_field


def test_valid_statistics_metadata_is_normalised(profile: Profile) -> None:
    result = validate_dataset_metadata(dataset_input(tag_string=" ตัวชี้วัด , สถิติ,ตัวชี้วัด"), profile)
    assert result["tag_string"] == ["ตัวชี้วัด", "สถิติ"]
    assert result["update_frequency_interval"] == 1
    # the public category fixes the classification and the access condition, as thai_gdc's form does
    assert result["data_classification"] == "เปิดเผย"
    assert result["accessible_condition"] == "ไม่มีการจำกัดการเข้าถึงข้อมูล"


def test_multi_choice_is_stored_in_vocabulary_order_without_duplicates(profile: Profile) -> None:
    result = validate_dataset_metadata(dataset_input(data_format="PDF,CSV,PDF"), profile)
    assert result["data_format"] == ["CSV", "PDF"]


def test_missing_mandatory_fields_are_each_named_in_thai_and_english(profile: Profile) -> None:
    data = dataset_input(maintainer=None, notes=None, license_id=None)
    found = problems_of(profile, data)
    assert set(found) == {"maintainer", "notes", "license_id"}
    assert found["maintainer"].th == "ต้องระบุ ชื่อฝ่ายงานสำหรับติดต่อ"
    assert found["maintainer"].en == "Contact Person is required"
    assert found["license_id"].code == "required"


def test_value_outside_vocabulary(profile: Profile) -> None:
    found = problems_of(profile, dataset_input(geo_coverage="กรุงเทพ", data_format=["CSV", "Excel"]))
    assert found["geo_coverage"].code == "not_in_vocabulary"
    assert "กรุงเทพ" in found["geo_coverage"].th and "จังหวัด" in found["geo_coverage"].en
    assert found["data_format"].value == "Excel"


@pytest.mark.parametrize(
    ("category", "classification"),
    [("ข้อมูลสาธารณะ", "ลับ"), ("ข้อมูลส่วนบุคคล", "เปิดเผย"), ("ข้อมูลส่วนบุคคล", "ลับที่สุด"),
     ("ข้อมูลใช้ภายใน", "ลับ"), ("ข้อมูลความมั่นคง", "ชั้นเผยแพร่ภายในองค์กร"), ("ข้อมูลความลับทางราชการ", "เปิดเผย")],
)
def test_wrong_classification_for_category(profile: Profile, category: str, classification: str) -> None:
    found = problems_of(profile, dataset_input(data_category=category, data_classification=classification))
    assert found["data_classification"].code == "classification_mismatch"
    assert category in found["data_classification"].en


@pytest.mark.parametrize(
    ("category", "classification"),
    [("ข้อมูลส่วนบุคคล", "ลับ"), ("ข้อมูลความมั่นคง", "ลับที่สุด"), ("ข้อมูลใช้ภายใน", "ชั้นเผยแพร่ภายในองค์กร")],
)
def test_allowed_classification_for_category(profile: Profile, category: str, classification: str) -> None:
    result = validate_dataset_metadata(
        dataset_input(data_category=category, data_classification=classification), profile
    )
    assert result["data_classification"] == classification
    assert "accessible_condition" not in result
    assert not is_openly_publishable(result, profile)


def test_ambiguous_category_needs_a_classification(profile: Profile) -> None:
    found = problems_of(profile, dataset_input(data_category="ข้อมูลส่วนบุคคล"))
    assert found["data_classification"].code == "classification_required"


def test_internal_category_gets_its_only_classification(profile: Profile) -> None:
    result = validate_dataset_metadata(dataset_input(data_category="ข้อมูลใช้ภายใน"), profile)
    assert result["data_classification"] == "ชั้นเผยแพร่ภายในองค์กร"


@pytest.mark.parametrize("email", ["plan", "plan@", "plan@bangkok", "แผน at bangkok.go.th"])
def test_bad_email(profile: Profile, email: str) -> None:
    found = problems_of(profile, dataset_input(maintainer_email=email))
    assert found["maintainer_email"].code == "invalid_email"
    assert "อีเมลสำหรับติดต่อ" in found["maintainer_email"].th


def test_field_of_another_type_is_refused(profile: Profile) -> None:
    found = problems_of(profile, dataset_input(geographic_data_set="ชั้นข้อมูลป่าไม้", data_support="ไม่มี"))
    assert {found["geographic_data_set"].code, found["data_support"].code} == {"not_for_type"}


def test_unknown_field_is_refused(profile: Profile) -> None:
    assert problems_of(profile, dataset_input(colour="blue"))["colour"].code == "unknown_field"


def test_other_choice_needs_its_companion_and_only_then(profile: Profile) -> None:
    found = problems_of(profile, dataset_input(objective=["อื่นๆ"], geo_coverage_other="เขตบางรัก"))
    assert found["objective_other"].code == "other_required"
    assert found["geo_coverage_other"].code == "other_without_choice"
    ok = validate_dataset_metadata(dataset_input(objective=["พันธกิจหน่วยงาน", "อื่นๆ"], objective_other="ตัวชี้วัด กทม."),
                                   profile)
    assert ok["objective_other"] == "ตัวชี้วัด กทม."


def test_other_data_type_needs_its_description(profile: Profile) -> None:
    data = dataset_input(data_type=OTHER, first_year_of_data=None, last_year_of_data=None)
    assert problems_of(profile, data)["data_type_other"].code == "other_required"
    described = validate_dataset_metadata({**data, "data_type_other": "คลังรายงาน"}, profile)
    assert described["data_type_other"] == "คลังรายงาน"


def test_geospatial_fields(profile: Profile) -> None:
    base = dataset_input(data_type=GEO, first_year_of_data=None, last_year_of_data=None,
                         geographic_data_set="ชั้นข้อมูลขอบเขตการปกครอง", equivalent_scale="1:4,000",
                         west_bound_longitude="100.3", east_bound_longitude="100.9",
                         north_bound_longitude="14.0", south_bound_longitude="13.5", data_release_date="2021-03-31")
    assert validate_dataset_metadata(base, profile)["equivalent_scale"] == "1:4,000"
    found = problems_of(profile, {**base, "west_bound_longitude": "ตะวันตก", "data_release_date": "31/02/2564"})
    assert found["west_bound_longitude"].code == "invalid_coordinate"
    assert found["data_release_date"].code == "invalid_date"


@pytest.mark.parametrize("entered", ["2564-03-31", "31/03/2564", "2021-03-31"])
def test_a_buddhist_era_date_is_stored_as_its_iso_day(profile: Profile, entered: str) -> None:
    base = dataset_input(data_type=GEO, first_year_of_data=None, last_year_of_data=None,
                         geographic_data_set="ชั้นข้อมูลขอบเขตการปกครอง", equivalent_scale="1:4,000",
                         west_bound_longitude="100.3", east_bound_longitude="100.9",
                         north_bound_longitude="14.0", south_bound_longitude="13.5", data_release_date=entered)
    assert validate_dataset_metadata(base, profile)["data_release_date"] == "2021-03-31"
    refused = problems_of(profile, {**base, "data_release_date": "3564-03-31"})["data_release_date"]
    assert refused.code == "invalid_date_year"
    assert "3564" in refused.th and "พ.ศ." in refused.th and "Buddhist Era" in refused.en
    assert refused.th.startswith(profile.dataset_field("data_release_date").label.th)


def test_years_are_buddhist_era(profile: Profile) -> None:
    assert problems_of(profile, dataset_input(first_year_of_data="2020"))["first_year_of_data"].code == "invalid_year"


def test_unknown_type_still_checks_the_common_fields(profile: Profile) -> None:
    found = problems_of(profile, dataset_input(data_type="ข้อมูลเปิด", first_year_of_data=None, last_year_of_data=None,
                                               maintainer_email="x"))
    assert found["data_type"].code == "not_in_vocabulary"
    assert found["maintainer_email"].code == "invalid_email"


def test_record_type_boolean_selects(profile: Profile) -> None:
    data = dataset_input(data_type=RECORD, first_year_of_data=None, last_year_of_data=None,
                         high_value_dataset="True", reference_data="ใช่")
    assert problems_of(profile, data)["reference_data"].code == "not_in_vocabulary"


def test_missing_mandatory_lists_the_empty_ones(profile: Profile) -> None:
    assert [spec.key for spec in missing_mandatory(dataset_input(notes=""), profile)] == ["notes"]


def test_model_is_built_from_the_profile_and_has_a_json_schema(profile: Profile) -> None:
    schema = metadata_model(profile, "S").model_json_schema()
    assert "first_year_of_data" in schema["properties"]
    assert "geographic_data_set" not in schema["properties"]
    assert set(schema["required"]) >= {"data_type", "title", "maintainer_email", "license_id"}
