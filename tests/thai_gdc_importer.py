"""ckanext-thai_gdc 2.2.4's Excel catalog import, re-stated rule by rule, to test Banchi's exports against.

Source: https://github.com/opalthailand/thai-gdc-opal at commit 7d0f1dad115b8cfe0a569645c50ceb777f1ef639 (the
extension's 2.2.4 files as first added), ``ckanext/thai_gdc/blueprint.py``: ``import_dataset`` (the
``template_org`` / ``import_org`` form fields) and ``_record_type_process``, ``_stat_type_process``,
``_gis_type_process``, ``_multi_type_process``, ``_other_type_process`` (one per dataset type, each reading a
``Temp2_Meta_*`` sheet and its ``Temp3_Resource_*`` sheet). The extension is AGPL-3.0, so no code is copied:
this module re-states what those functions do to a workbook, on openpyxl instead of pandas; the statements
quoted in comments are citations. The choice lists below are the importer's own literals (not Banchi's
profile), so the test compares Banchi against thai_gdc, not against itself.

How ``pd.read_excel(filename, header=[3], sheet_name=S)`` and what follows read a sheet:
- row 4 is the header; ``df.drop(0)`` drops the first row under it (the template's instruction row);
- ``df.columns = [...]`` names the columns by position: a sheet with another number of columns raises
  (pandas: "Length mismatch"), which the function's ``except`` turns into a sheet with no rows;
- ``replace(np.nan, '')``, ``astype('unicode')``, ``x.str.strip()``: an empty cell is '', a number is its text
  (a whole float is read as an int), a date cell its ``str(datetime)`` ("2567-03-31 00:00:00"), all stripped;
- dates: ``pd.to_datetime((pd.to_numeric(s.str.slice(stop=4), errors='coerce').astype('Int64') - 543)
  .astype(str) + s.str.slice(start=4), errors='coerce').astype(str)`` and then 'NaT' → '': the first four
  characters are the Buddhist Era year, the rest must make an ISO date with it, anything else is lost;
- a mapped column: ``df[c + '_other'] = df[c].isin(c_choices)`` … the whole cell must be one entry, else the
  field is "อื่นๆ" and the cell is its ``*_other`` text;
- yes/no: ``np.where(df[c].str.contains(u'ไม่'), "False", "True")``;
- ``name``: ``str.lower()`` and each whitespace character → "-"; ``tag_string``: ``str.split(',')``, stripped;
- ``template_org``: ``df.loc[df['owner_org'] == template_org]`` (the 4th column), then every dataset gets
  ``owner_org`` = the organization chosen on the page, ``private = True``, ``allow_harvest = "False"``;
- resources: merged on the sheet's ``dataset_name`` with the datasets created, kept where ``resource_url``
  is not ''; ``resource_name`` → ``name``, ``resource_url`` → ``url``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

OTHER = "อื่นๆ"
OBJECTIVE = ["ยุทธศาสตร์ชาติ", "แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ", "แผนความมั่นคงแห่งชาติ", "แผนแม่บทภายใต้ยุทธศาสตร์ชาติ",
             "แผนปฏิรูปประเทศ", "แผนระดับที่ 3 (มติครม. 4 ธ.ค. 2560)", "นโยบายรัฐบาล/ข้อสั่งการนายกรัฐมนตรี", "มติคณะรัฐมนตรี",
             "เพื่อการให้บริการประชาชน", "กฎหมายที่เกี่ยวข้อง", "พันธกิจหน่วยงาน", "ดัชนี/ตัวชี้วัดระดับนานาชาติ", "ไม่ทราบ"]
UPDATE_FREQUENCY_UNIT = ["ไม่ทราบ", "ปี", "ครึ่งปี", "ไตรมาส", "เดือน", "สัปดาห์", "วัน", "วันทำการ", "ชั่วโมง", "นาที",
                         "ตามเวลาจริง", "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล"]
GEO_COVERAGE = ["ไม่มี", "โลก", "ทวีป/กลุ่มประเทศในทวีป", "กลุ่มประเทศทางเศรษฐกิจ", "ประเทศ", "ภาค", "จังหวัด", "อำเภอ",
                "ตำบล", "หมู่บ้าน", "เทศบาล/อบต.", "พิกัด", "ไม่ทราบ"]
DATA_FORMAT = ["ไม่ทราบ", "Database", "CSV", "XML", "Image", "Video", "Audio", "Text", "JSON", "HTML", "DOC/DOCX", "XLS",
               "PDF", "RDF", "NoSQL", "Arc/Info Coverage", "Shapefile", "GeoTiff", "GML"]
LICENSE_ID = ["Open Data Common", "Creative Commons Attributions", "Creative Commons Attribution Non-Commercial",
              "Creative Commons Attribution Share-Alike", "Creative Commons Attribution Non-Commercial Share-Alike",
              "Creative Commons Attribution Non-Commercial No-Derivs", "Creative Commons Attribution No-Derivs"]
DATA_SUPPORT = ["", "ไม่มี", "หน่วยงานของรัฐ", "หน่วยงานเอกชน", "หน่วยงาน/องค์กรระหว่างประเทศ", "มูลนิธิ/สมาคม", "สถาบันการศึกษา"]
DATA_COLLECT = ["", "ไม่มี", "บุคคล", "ครัวเรือน/ครอบครัว", "บ้าน/ที่อยู่อาศัย", "บริษัท/ห้างร้าน/สถานประกอบการ",
                "อาคาร/สิ่งปลูกสร้าง", "พื้นที่การเกษตร ประมง ป่าไม้", "สัตว์และพันธุ์พืช", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่",
                "แหล่งน้ำ เช่น แม่น้ำ อ่างเก็บน้ำ", "เส้นทางการเดินทาง เช่น ถนน ทางรถไฟ", "ไม่ทราบ"]
DATA_LANGUAGE = ["", "ไทย", "อังกฤษ", "จีน", "มลายู", "พม่า", "ลาว", "เขมร", "ญี่ปุ่น", "เกาหลี", "ฝรั่งเศส", "เยอรมัน", "อารบิก",
                 "ไม่ทราบ"]
DISAGGREGATE = ["", "ไม่มี", "เพศ", "อายุ/กลุ่มอายุ", "สถานภาพสมรส", "ศาสนา", "ระดับการศึกษา", "อาชีพ", "สถานภาพการทำงาน",
                "อุตสาหกรรม/ประเภทกิจการ", "รายได้", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "ผลิตภัณฑ์", "ไม่ทราบ"]
UNIT_OF_MULTIPLIER = ["", "หน่วย", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน", "ล้าน", "สิบล้าน", "ร้อยล้าน", "พันล้าน", "หมื่นล้าน",
                      "แสนล้าน", "ล้านล้าน", "ไม่ทราบ"]
EQUIVALENT_SCALE = ["", "1:4,000", "1:10,000", "1:25,000", "1:50,000", "1:250,000"]

_COMMON = ["name", "d_type", "title", "owner_org", "maintainer", "maintainer_email", "tag_string", "notes", "objective",
           "update_frequency_unit", "update_frequency_interval", "geo_coverage", "data_source", "data_format",
           "data_category", "data_classification", "license_id", "accessible_condition"]
_RECORD = [*_COMMON, "created_date", "last_updated_date", "url", "data_support", "data_collect", "data_language",
           "high_value_dataset", "reference_data"]
_RECORD_SHEET = {
    "columns": _RECORD, "dates": ["created_date", "last_updated_date"],
    "yes_no": ["high_value_dataset", "reference_data"],
    "mapped": {"objective": OBJECTIVE, "update_frequency_unit": UPDATE_FREQUENCY_UNIT, "geo_coverage": GEO_COVERAGE,
               "data_format": DATA_FORMAT, "license_id": LICENSE_ID, "data_support": DATA_SUPPORT,
               "data_collect": DATA_COLLECT, "data_language": DATA_LANGUAGE},
    "pop_if_empty": ["data_language"],
    "resource_columns": ["dataset_name", "resource_name", "resource_url", "description",
                         "resource_accessible_condition", "resource_last_updated_date", "format",
                         "resource_created_date", "resource_data_collect"],
    "resource_dates": ["resource_created_date", "resource_last_updated_date"], "resource_mapped": {},
}
SHEETS: dict[str, dict[str, Any]] = {
    "Record": {**_RECORD_SHEET, "data_type": "ข้อมูลระเบียน"},
    "Multi": {**_RECORD_SHEET, "data_type": "ข้อมูลหลากหลายประเภท"},
    # _other_type_process: the 2nd column is data_type_other, and it is not dropped
    "Other": {**_RECORD_SHEET, "data_type": "ข้อมูลประเภทอื่นๆ", "columns": ["name", "data_type_other", *_RECORD[2:]]},
    "Stat": {
        "data_type": "ข้อมูลสถิติ",
        "columns": [*_COMMON, "first_year_of_data", "last_year_of_data", "data_release_calendar", "last_updated_date",
                    "disaggregate", "unit_of_measure", "unit_of_multiplier", "calculation_method", "standard", "url",
                    "data_language", "official_statistics"],
        "dates": ["last_updated_date", "data_release_calendar"], "yes_no": ["official_statistics"],
        "mapped": {"objective": OBJECTIVE, "update_frequency_unit": UPDATE_FREQUENCY_UNIT, "geo_coverage": GEO_COVERAGE,
                   "data_format": DATA_FORMAT, "license_id": LICENSE_ID, "disaggregate": DISAGGREGATE,
                   "unit_of_multiplier": UNIT_OF_MULTIPLIER, "data_language": DATA_LANGUAGE},
        "pop_if_empty": ["disaggregate", "data_language"],
        "resource_columns": ["dataset_name", "resource_name", "resource_url", "description",
                             "resource_accessible_condition", "resource_last_updated_date", "format",
                             "resource_first_year_of_data", "resource_last_year_of_data",
                             "resource_data_release_calendar", "resource_disaggregate", "resource_unit_of_measure",
                             "resource_unit_of_multiplier", "resource_official_statistics"],
        "resource_dates": ["resource_data_release_calendar", "resource_last_updated_date"],
        "resource_mapped": {"resource_disaggregate": DISAGGREGATE},
    },
    "GIS": {
        "data_type": "ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
        "columns": [*_COMMON, "geographic_data_set", "equivalent_scale", "west_bound_longitude", "east_bound_longitude",
                    "north_bound_longitude", "south_bound_longitude", "positional_accuracy", "reference_period",
                    "last_updated_date", "data_release_calendar", "data_release_date", "url", "data_language"],
        "dates": ["last_updated_date", "data_release_calendar", "data_release_date"], "yes_no": [],
        "mapped": {"objective": OBJECTIVE, "update_frequency_unit": UPDATE_FREQUENCY_UNIT, "geo_coverage": GEO_COVERAGE,
                   "data_format": DATA_FORMAT, "license_id": LICENSE_ID, "equivalent_scale": EQUIVALENT_SCALE,
                   "data_language": DATA_LANGUAGE},
        "pop_if_empty": ["data_language"],
        "resource_columns": ["dataset_name", "resource_name", "resource_url", "description",
                             "resource_accessible_condition", "resource_last_updated_date", "format",
                             "resource_equivalent_scale", "resource_geographic_data_set", "resource_created_date",
                             "resource_data_release_date", "resource_positional_accuracy"],
        "resource_dates": ["resource_created_date", "resource_last_updated_date", "resource_data_release_date"],
        "resource_mapped": {},
    },
}
_LEADING_NUMBER = re.compile(r"^\s*[+-]?\d+(\.0*)?\s*$")


def import_workbook(path: Path, import_org: str, template_org: str = "all") -> list[dict[str, Any]]:
    """The datasets thai_gdc's importer would pass to ``package_create``, each with its ``resources``."""
    book = load_workbook(path)
    datasets: list[dict[str, Any]] = []
    for suffix, sheet in SHEETS.items():
        rows = _read(book, f"Temp2_Meta_{suffix}", sheet["columns"])
        created = [d for d in (_dataset(row, sheet, import_org, template_org) for row in rows) if d is not None]
        resources = _read(book, f"Temp3_Resource_{suffix}", sheet["resource_columns"])
        for dataset in created:
            dataset["resources"] = [_resource(r, sheet, dataset["name"]) for r in resources
                                    if r["dataset_name"] == dataset["dataset_name"] and r["resource_url"] != ""]
        datasets += created
    return datasets


def _read(book: Any, sheet_name: str, columns: list[str]) -> list[dict[str, str]]:
    """``pd.read_excel(header=[3])``, ``drop(0)``, ``df.columns = columns``; [] where thai_gdc's except gives none."""
    if sheet_name not in book.sheetnames:
        return []
    sheet = book[sheet_name]
    every_row = [list(row) for row in sheet.iter_rows(values_only=True)]
    # pandas takes the width of the whole used range, the rows above the header included
    width = max((i + 1 for row in every_row for i, v in enumerate(row) if v is not None), default=0)
    table = every_row[3:]
    if width != len(columns) or not table:
        return []  # "Length mismatch": the sheet is skipped
    rows = []
    for values in table[2:]:  # the header, then the dropped instruction row
        values = (values + [None] * width)[:width]
        if all(v is None for v in values):
            continue  # a blank row (pandas drops it)
        rows.append({key: _text(value) for key, value in zip(columns, values, strict=True)})
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # pandas' openpyxl reader
    return str(value).strip()


def _be_date(text: str) -> str:
    """The importer's date statement: BE year in the first four characters, else ''."""
    head = text[:4]
    if not _LEADING_NUMBER.match(head):
        return ""
    try:
        day = dt.datetime.fromisoformat(f"{int(float(head)) - 543}{text[4:]}")
    except ValueError:
        return ""
    return day.date().isoformat()


def _mapped(row: dict[str, Any], key: str, choices: list[str]) -> None:
    if row[key] in choices:
        row[f"{key}_other"] = ""
    else:
        row[f"{key}_other"], row[key] = row[key], OTHER


def _dataset(row: dict[str, str], sheet: dict[str, Any], import_org: str, template_org: str) -> dict[str, Any] | None:
    meta: dict[str, Any] = dict(row)
    meta["data_type"] = sheet["data_type"]
    meta.pop("d_type", None)
    for key in sheet["yes_no"]:
        meta[key] = "False" if "ไม่" in meta[key] else "True"
    meta["dataset_name"] = meta["name"]
    meta["name"] = re.sub(r"\s", "-", meta["name"].lower())
    if template_org != "all" and meta["owner_org"] != template_org:
        return None
    meta["owner_org"] = import_org
    meta["private"] = True
    meta["allow_harvest"] = "False"
    meta["tag_string"] = [tag.strip() for tag in meta["tag_string"].split(",")]
    for key in sheet["dates"]:
        meta[key] = _be_date(meta[key])
    for key, choices in sheet["mapped"].items():
        _mapped(meta, key, choices)
    for key in sheet["pop_if_empty"]:
        if meta[key] == "":
            meta.pop(key)
            meta.pop(f"{key}_other")
    return meta


def _resource(row: dict[str, str], sheet: dict[str, Any], package: str) -> dict[str, Any]:
    meta: dict[str, Any] = {("name" if k == "resource_name" else "url" if k == "resource_url" else k): v
                            for k, v in row.items() if k != "dataset_name"}
    meta["package_id"] = package
    for key, choices in sheet["resource_mapped"].items():
        _mapped(meta, key, choices)
        if meta[key] == "":
            meta.pop(key)
            meta.pop(f"{key}_other")
    for key in sheet["resource_dates"]:
        meta[key] = _be_date(meta[key])
    return meta
