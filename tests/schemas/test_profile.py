"""The GD Catalog profile as data: fields, labels, per-type applicability, vocabularies, the rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from schemas.profile import PROFILES_DIR, InputKind, Profile, available_profiles, load_profile, load_profile_file

SHARED_SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "ckan" / "gdc_dataset.yaml"


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile("gdc-2.2")


def test_field_counts_match_thai_gdc_2_2(profile: Profile) -> None:
    # 57 dataset fields of 2.1.0 + data_classification; 23 resource fields + resource_private
    assert len(profile.dataset_fields) == 58
    assert len(profile.resource_fields) == 24


def test_mandatory_metadata_are_the_fourteen_items(profile: Profile) -> None:
    assert [spec.key for spec in profile.mandatory_fields] == [
        "data_type", "title", "owner_org", "maintainer", "maintainer_email", "tag_string", "notes", "objective",
        "update_frequency_unit", "geo_coverage", "data_source", "data_format", "data_category", "license_id",
    ]


@pytest.mark.parametrize(
    ("key", "th", "en", "required", "kind", "types"),
    [
        ("data_type", "ประเภทชุดข้อมูล", "Data Type", True, InputKind.select, "RSGMO"),
        ("maintainer", "ชื่อฝ่ายงานสำหรับติดต่อ", "Contact Person", True, InputKind.text, "RSGMO"),
        ("maintainer_email", "อีเมลสำหรับติดต่อ", "Contact Email", True, InputKind.email, "RSGMO"),
        ("objective", "วัตถุประสงค์", "Objective", True, InputKind.multi_select, "RSGMO"),
        ("data_classification", "ระดับชั้นข้อมูล", "Data Classification", False, InputKind.select, "RSGMO"),
        ("data_support", "ผู้สนับสนุนหรือผู้ร่วมดำเนินการ", "Data Support", False, InputKind.select, "RMO"),
        ("created_date", "วันที่เริ่มต้นสร้าง", "Created date", False, InputKind.date, "RMO"),
        ("data_release_calendar", "วันที่กำหนดเผยแพร่ข้อมูล", "Data release calendar", False, InputKind.date, "SG"),
        ("first_year_of_data", "ปีข้อมูลที่เริ่มต้นจัดทำ (สำหรับชุดข้อมูลสถิติ)",
         "First year of data (Statistical data)", False, InputKind.year, "S"),
        ("north_bound_longitude", "ค่าพิกัดกรอบพื้นที่ด้านทิศเหนือ (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)",
         "North bound longitude (Geoinformatics data)", False, InputKind.coordinate, "G"),
        ("official_statistics", "สถิติทางการ", "Official Statistics", False, InputKind.select, "S"),
        ("high_value_dataset", "ชุดข้อมูลที่มีคุณค่าสูง", "High Value Dataset", False, InputKind.select, "RMO"),
    ],
)
def test_dataset_field_spec(profile: Profile, key: str, th: str, en: str, required: bool, kind: InputKind,
                            types: str) -> None:
    spec = profile.dataset_field(key)
    assert (spec.label.th, spec.label.en, spec.required, spec.input, spec.types) == (th, en, required, kind, types)


VOCABULARIES = {
    "data_type": ["ข้อมูลระเบียน", "ข้อมูลสถิติ", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "ข้อมูลหลากหลายประเภท", "ข้อมูลประเภทอื่นๆ"],
    "allow_harvest": ["False", "True"],
    "objective": ["ยุทธศาสตร์ชาติ", "แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ", "แผนความมั่นคงแห่งชาติ", "แผนแม่บทภายใต้ยุทธศาสตร์ชาติ",
                  "แผนปฏิรูปประเทศ", "แผนระดับที่ 3 (มติครม. 4 ธ.ค. 2560)", "นโยบายรัฐบาล/ข้อสั่งการนายกรัฐมนตรี", "มติคณะรัฐมนตรี",
                  "เพื่อการให้บริการประชาชน", "กฎหมายที่เกี่ยวข้อง", "พันธกิจหน่วยงาน", "ดัชนี/ตัวชี้วัดระดับนานาชาติ", "ไม่ทราบ", "อื่นๆ"],
    "update_frequency_unit": ["ไม่ทราบ", "ปี", "ครึ่งปี", "ไตรมาส", "เดือน", "สัปดาห์", "วัน", "วันทำการ", "ชั่วโมง", "นาที",
                              "ตามเวลาจริง", "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", "อื่นๆ"],
    "geo_coverage": ["ไม่มี", "โลก", "ทวีป/กลุ่มประเทศในทวีป", "กลุ่มประเทศทางเศรษฐกิจ", "ประเทศ", "ภาค", "จังหวัด", "อำเภอ",
                     "ตำบล", "หมู่บ้าน", "เทศบาล/อบต.", "พิกัด", "ไม่ทราบ", "อื่นๆ"],
    "data_format": ["Database", "CSV", "XML", "Image", "Video", "Audio", "Text", "JSON", "HTML", "DOC/DOCX", "XLS",
                    "PDF", "RDF", "NoSQL", "Arc/Info Coverage", "Shapefile", "GeoTiff", "GML", "ไม่ทราบ", "อื่นๆ"],
    "data_category": ["ข้อมูลสาธารณะ", "ข้อมูลใช้ภายใน", "ข้อมูลส่วนบุคคล", "ข้อมูลความมั่นคง", "ข้อมูลความลับทางราชการ"],
    "data_classification": ["เปิดเผย", "ชั้นเผยแพร่ภายในองค์กร", "ลับ", "ลับมาก", "ลับที่สุด"],
    "license_id": ["Open Data Common", "Creative Commons Attributions", "Creative Commons Attribution Non-Commercial",
                   "Creative Commons Attribution Share-Alike",
                   "Creative Commons Attribution Non-Commercial Share-Alike",
                   "Creative Commons Attribution Non-Commercial No-Derivs", "Creative Commons Attribution No-Derivs",
                   "อื่นๆ"],
    "data_support": ["ไม่มี", "หน่วยงานของรัฐ", "หน่วยงานเอกชน", "หน่วยงาน/องค์กรระหว่างประเทศ", "มูลนิธิ/สมาคม", "สถาบันการศึกษา",
                     "อื่นๆ"],
    "data_collect": ["ไม่มี", "บุคคล", "ครัวเรือน/ครอบครัว", "บ้าน/ที่อยู่อาศัย", "บริษัท/ห้างร้าน/สถานประกอบการ", "อาคาร/สิ่งปลูกสร้าง",
                     "พื้นที่การเกษตร ประมง ป่าไม้", "สัตว์และพันธุ์พืช", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่",
                     "แหล่งน้ำ เช่น แม่น้ำ อ่างเก็บน้ำ", "เส้นทางการเดินทาง เช่น ถนน ทางรถไฟ", "ไม่ทราบ", "อื่นๆ"],
    "data_language": ["ไทย", "อังกฤษ", "จีน", "มลายู", "พม่า", "ลาว", "เขมร", "ญี่ปุ่น", "เกาหลี", "ฝรั่งเศส", "เยอรมัน", "อารบิก",
                      "ไม่ทราบ", "อื่นๆ"],
    "disaggregate": ["ไม่มี", "เพศ", "อายุ/กลุ่มอายุ", "สถานภาพสมรส", "ศาสนา", "ระดับการศึกษา", "อาชีพ", "สถานภาพการทำงาน",
                     "อุตสาหกรรม/ประเภทกิจการ", "รายได้", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "ผลิตภัณฑ์", "ไม่ทราบ", "อื่นๆ"],
    "unit_of_multiplier": ["หน่วย", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน", "ล้าน", "สิบล้าน", "ร้อยล้าน", "พันล้าน", "หมื่นล้าน",
                           "แสนล้าน", "ล้านล้าน", "ไม่ทราบ", "อื่นๆ"],
    "geographic_data_set": ["ชั้นข้อมูลแปลงที่ดิน", "ชั้นข้อมูลขอบเขตการปกครอง", "ชั้นข้อมูลเส้นทางคมนาคม", "ชั้นข้อมูลชุมนุม/อาคาร",
                            "ชั้นข้อมูลป่าไม้", "ชั้นข้อมูลการใช้ประโยชน์ที่ดิน", "ชั้นข้อมูลแหล่งน้ำ", "ชั้นข้อมูลอุทกศาสตร์",
                            "ชั้นข้อมูลหมุดหลักฐานแผนที่", "ชั้นข้อมูลความสูงภูมิประเทศเชิงตัวเลข", "ชั้นข้อมูลภาพแผนที่ภูมิประเทศ",
                            "ชั้นข้อมูลแผนที่ภาพถ่ายทางอากาศ", "ชั้นข้อมูลภาพวาดดาวเทียมดัดแก้"],
    "equivalent_scale": ["1:4,000", "1:10,000", "1:25,000", "1:50,000", "1:250,000", "อื่นๆ"],
    "high_value_dataset": ["False", "True"],
    "reference_data": ["False", "True"],
    "official_statistics": ["False", "True"],
}


@pytest.mark.parametrize("key", sorted(VOCABULARIES))
def test_every_vocabulary_exact_and_in_order(profile: Profile, key: str) -> None:
    assert profile.term_values(profile.dataset_field(key)) == VOCABULARIES[key]


@pytest.mark.parametrize(
    ("resource_key", "dataset_key"),
    [("resource_data_collect", "data_collect"), ("resource_disaggregate", "disaggregate"),
     ("resource_unit_of_multiplier", "unit_of_multiplier"), ("resource_geographic_data_set", "geographic_data_set"),
     ("resource_equivalent_scale", "equivalent_scale"), ("resource_official_statistics", "official_statistics")],
)
def test_resource_vocabularies_share_the_dataset_lists(profile: Profile, resource_key: str, dataset_key: str) -> None:
    assert profile.term_values(profile.resource_field(resource_key)) == VOCABULARIES[dataset_key]


def test_every_vocabulary_term_has_thai_and_english_labels(profile: Profile) -> None:
    for name, terms in profile.vocabularies.items():
        for term in terms:
            assert term.th and term.en, (name, term.value)


def test_other_companions(profile: Profile) -> None:
    pairs = {spec.key: spec.other_field for spec in profile.dataset_fields if spec.other_field}
    assert pairs == {
        key: f"{key}_other"
        for key in ("data_type", "objective", "update_frequency_unit", "geo_coverage", "data_format", "license_id",
                    "data_support", "data_collect", "data_language", "disaggregate", "unit_of_multiplier",
                    "equivalent_scale")
    }
    assert profile.other_value_of(profile.dataset_field("data_type")) == "ข้อมูลประเภทอื่นๆ"
    assert profile.other_value_of(profile.dataset_field("objective")) == "อื่นๆ"


@pytest.mark.parametrize(
    ("code", "own_fields"),
    [
        ("R", {"data_support", "data_collect", "created_date", "high_value_dataset", "reference_data"}),
        ("M", {"data_support", "data_collect", "created_date", "high_value_dataset", "reference_data"}),
        ("O", {"data_support", "data_collect", "created_date", "high_value_dataset", "reference_data"}),
        ("S", {"data_release_calendar", "first_year_of_data", "last_year_of_data", "disaggregate", "unit_of_measure",
               "unit_of_multiplier", "calculation_method", "standard", "official_statistics"}),
        ("G", {"data_release_calendar", "geographic_data_set", "equivalent_scale", "west_bound_longitude",
               "east_bound_longitude", "north_bound_longitude", "south_bound_longitude", "positional_accuracy",
               "reference_period", "data_release_date"}),
    ],
)
def test_per_type_applicability(profile: Profile, code: str, own_fields: set[str]) -> None:
    common = {spec.key for spec in profile.dataset_fields if spec.types == "RSGMO"}
    specific = {spec.key for spec in profile.fields_for_type(code)} - common
    assert {key for key in specific if not key.endswith("_other")} == own_fields
    assert ("data_type_other" in specific) == (code == "O")


def test_category_classification_rule(profile: Profile) -> None:
    rule = profile.classification_rule
    assert {r.category: r.allowed for r in rule.rules} == {
        "ข้อมูลสาธารณะ": ["เปิดเผย"],
        "ข้อมูลใช้ภายใน": ["ชั้นเผยแพร่ภายในองค์กร"],
        "ข้อมูลส่วนบุคคล": ["ชั้นเผยแพร่ภายในองค์กร", "ลับ", "ลับมาก"],
        "ข้อมูลความมั่นคง": ["ลับ", "ลับมาก", "ลับที่สุด"],
        "ข้อมูลความลับทางราชการ": ["ลับ", "ลับมาก", "ลับที่สุด"],
    }
    assert rule.public_classification == "เปิดเผย"


@pytest.mark.skipif(not SHARED_SCHEMA.exists(), reason="../shared/ckan/gdc_dataset.yaml is not beside the repo")
def test_profile_agrees_with_the_ckan_portal_schema(profile: Profile) -> None:
    """What Banchi validates is what the portal's scheming schema accepts: same keys, labels, choices."""
    portal = yaml.safe_load(SHARED_SCHEMA.read_text(encoding="utf-8"))
    for level, fields in (("dataset", profile.dataset_fields), ("resource", profile.resource_fields)):
        theirs = portal[f"{level}_fields"]
        assert [f["field_name"] for f in theirs] == [spec.key for spec in fields]
        for spec, field in zip(fields, theirs, strict=True):
            assert spec.label.th == field["label"]["th"] and spec.types == field["gdc_types"], spec.key
            if "choices" in field:
                assert profile.term_values(spec) == [c["value"] for c in field["choices"]], spec.key


def test_a_second_profile_version_is_just_a_data_file(tmp_path: Path, profile: Profile) -> None:
    data = yaml.safe_load((PROFILES_DIR / "gdc-2.2.yaml").read_text(encoding="utf-8"))
    data["id"] = "gdc-2.3"
    data["vocabularies"]["data_language"].insert(-2, {"value": "เวียดนาม", "th": "เวียดนาม", "en": "Vietnamese"})
    path = tmp_path / "gdc-2.3.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    newer = load_profile_file(path)
    assert "เวียดนาม" in newer.term_values(newer.dataset_field("data_language"))
    assert "เวียดนาม" not in profile.term_values(profile.dataset_field("data_language"))
    assert "gdc-2.2" in available_profiles()


def test_inconsistent_profile_file_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load((PROFILES_DIR / "gdc-2.2.yaml").read_text(encoding="utf-8"))
    data["dataset_fields"][0]["vocabulary"] = "no_such_list"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown vocabulary no_such_list"):
        load_profile_file(path)


def test_unknown_profile_names_the_available_ones() -> None:
    with pytest.raises(LookupError, match=r"gdc-2\.2"):
        load_profile("gdc-9.9")
