"""Bilingual message templates for dictionaries and validation (Thai first, then English).

Kept apart from ``schemas.messages`` so this package owns its wording; the problem type is shared.
"""

from __future__ import annotations

from typing import Any

from schemas.messages import Problem, render

MESSAGES: dict[str, tuple[str, str]] = {
    # reading files
    "file_not_found": ("ไม่พบไฟล์ {value}", "File {value} was not found"),
    "empty_file": ("ไฟล์ว่างเปล่า ไม่มีข้อมูล", "The file is empty"),
    "binary_file": (
        "ไฟล์นี้ไม่ใช่ไฟล์ข้อความ CSV หรือ XLSX (พบข้อมูลไบนารี)",
        "This is not a CSV or XLSX text file (binary content found)",
    ),
    "unknown_encoding": (
        "ระบุการเข้ารหัสอักขระของไฟล์ไม่ได้ (รองรับ UTF-8, UTF-8 BOM และ TIS-620/cp874)",
        "Cannot detect the file's character encoding (UTF-8, UTF-8 with BOM and TIS-620/cp874 are supported)",
    ),
    "bad_encoding_name": ("ไม่รู้จักการเข้ารหัส “{value}”", "Unknown encoding “{value}”"),
    "cell_too_large": (
        "แถวที่ประมาณ {row} มีค่าในช่องยาวเกิน {limit} MB",
        "A cell near row {row} is larger than {limit} MB",
    ),
    "blank_label": (
        "หัวตารางคอลัมน์ที่ {number} ว่าง ตั้งชื่อหัวตารางก่อนสร้างพจนานุกรมข้อมูล",
        "The header of column {number} is blank; name it before building a dictionary",
    ),
    "duplicate_label": (
        "หัวตาราง “{value}” ซ้ำกันที่คอลัมน์ {columns} ตั้งชื่อให้ไม่ซ้ำก่อนสร้างพจนานุกรมข้อมูล",
        "Header “{value}” appears in columns {columns}; make the headers unique before building a dictionary",
    ),
    "bad_csv": ("อ่านไฟล์ CSV ไม่ได้: {detail}", "Cannot read the CSV file: {detail}"),
    "bad_xlsx": ("เปิดไฟล์ XLSX ไม่ได้: {detail}", "Cannot open the XLSX file: {detail}"),
    "xlsx_doctype": (
        "ไฟล์ XLSX มีการประกาศ DOCTYPE ใน {value} ซึ่ง Excel ไม่เคยเขียน จึงไม่เปิดอ่าน กรุณาบันทึกไฟล์ใหม่จาก Excel",
        "The XLSX file declares a DOCTYPE in {value}, which Excel never writes; it was not opened. "
        "Save it again from Excel",
    ),
    "xlsx_too_large": (
        "ไฟล์ XLSX ขยายตัวเกินขนาดที่ยอมรับ ({limit} MB) อาจเป็น zip bomb",
        "The XLSX file expands beyond the accepted size ({limit} MB); it may be a zip bomb",
    ),
    "unknown_sheet": ("ไม่พบชีต “{value}” ในไฟล์ (มี {allowed})", "Sheet “{value}” is not in the file (it has {allowed})"),
    "unsupported_format": (
        "ไม่รองรับไฟล์ชนิด “{value}” (ใช้ได้เฉพาะ .csv, .tsv, .txt และ .xlsx)",
        "Files of type “{value}” are not supported (use .csv, .tsv, .txt or .xlsx)",
    ),
    # schemas
    "schema_not_json": ("ไฟล์ Table Schema ไม่ใช่ JSON ที่ถูกต้อง: {detail}", "The Table Schema is not valid JSON: {detail}"),
    "schema_invalid": ("Table Schema ไม่ถูกต้อง: {detail}", "The Table Schema is not valid: {detail}"),
    "schema_no_fields": ("Table Schema ต้องมีรายการ fields อย่างน้อยหนึ่งฟิลด์", "A Table Schema needs at least one field"),
    "unknown_type": (
        "ฟิลด์ {field}: ไม่รองรับชนิดข้อมูล “{value}” (ใช้ได้: {allowed})",
        "Field {field}: type “{value}” is not supported (allowed: {allowed})",
    ),
    "bad_constraint": (
        "ฟิลด์ {field}: ใช้ข้อกำหนด “{value}” กับชนิด {type} ไม่ได้",
        "Field {field}: constraint “{value}” does not apply to type {type}",
    ),
    "bad_constraint_value": (
        "ฟิลด์ {field}: ค่าของข้อกำหนด “{value}” ไม่ถูกต้อง ({detail})",
        "Field {field}: the value of constraint “{value}” is not valid ({detail})",
    ),
    "duplicate_field": ("ชื่อฟิลด์ “{value}” ซ้ำกัน", "Field name “{value}” is used twice"),
    "bad_primary_key": (
        "primaryKey อ้างถึงฟิลด์ “{value}” ที่ไม่มีใน schema",
        "primaryKey names field “{value}” which is not in the schema",
    ),
    "colliding_field": (
        "ชื่อฟิลด์ “{value}” กับ “{other}” เป็นชื่อเดียวกันเมื่อไม่นับช่องว่างและรูปแบบการพิมพ์สระ (เช่น ำ กับ ํา)",
        "Field names “{value}” and “{other}” are the same once spaces and Unicode forms (such as ำ and ํา) "
        "are normalized",
    ),
    "blank_field_name": ("มีฟิลด์ที่ชื่อว่างเปล่า", "A field name is blank"),
    "bad_identifier": (
        "ฟิลด์ “{field}”: ชื่อระบบ (identifier) “{value}” ต้องขึ้นต้นด้วยตัวอักษรอังกฤษ ใช้ได้เฉพาะ A-Z a-z 0-9 และ _",
        "Field “{field}”: identifier “{value}” must start with a letter, then only A-Z, a-z, 0-9 and _",
    ),
    "duplicate_identifier": (
        "ฟิลด์ “{field}”: ชื่อระบบ (identifier) “{value}” ซ้ำกับของฟิลด์ “{other}” (ไม่นับตัวพิมพ์เล็กใหญ่)",
        "Field “{field}”: identifier “{value}” is also the identifier of field “{other}” (ignoring case)",
    ),
    "bad_pattern": ("ฟิลด์ {field}: รูปแบบ (pattern) “{value}” ไม่ถูกต้อง", "Field {field}: pattern “{value}” is not valid"),
    "unsupported_fields_match": (
        "fieldsMatch “{value}” ไม่ถูกต้อง (ใช้ได้: {allowed})",
        "fieldsMatch “{value}” is not valid (allowed: {allowed})",
    ),
    # versions
    "version_immutable": (
        "ฉบับที่ {value} อนุมัติแล้ว แก้ไขไม่ได้ ให้สร้างฉบับใหม่",
        "Version {value} is approved and cannot be changed; create a new version",
    ),
    "already_approved": ("ฉบับที่ {value} อนุมัติไปแล้ว", "Version {value} is already approved"),
    "not_newest_draft": (
        "ฉบับที่ {value} ไม่ใช่ฉบับล่าสุด (ล่าสุดคือฉบับที่ {newest}) อนุมัติได้เฉพาะร่างฉบับล่าสุด",
        "Version {value} is not the newest (the newest is version {newest}); only the newest draft can be approved",
    ),
    "approver_not_in_working_group": (
        "{value} ไม่ได้เป็นคณะทำงานกำกับดูแลข้อมูลของหน่วยงาน {org} จึงอนุมัติพจนานุกรมข้อมูลไม่ได้",
        "{value} is not on a data governance working group of {org} and cannot approve the dictionary",
    ),
    "resource_not_in_dataset": (
        "ทรัพยากร {value} ไม่อยู่ในชุดข้อมูล {dataset}", "Resource {value} is not in dataset {dataset}",
    ),
    "no_dictionary": ("ทรัพยากร {value} ยังไม่มีพจนานุกรมข้อมูล", "Resource {value} has no data dictionary yet"),
    # excel
    "xlsx_missing_sheet": ("ไม่พบชีต “{value}” ในแม่แบบ", "The template has no sheet “{value}”"),
    "xlsx_missing_column": ("ชีต {sheet}: ไม่พบคอลัมน์ “{value}”", "Sheet {sheet}: column “{value}” is missing"),
    "xlsx_required": ("ต้องกรอก {label}", "{label} is required"),
    "xlsx_bad_choice": (
        "{label}: “{value}” ไม่อยู่ในรายการที่เลือกได้ ({allowed})",
        "{label}: “{value}” is not one of the choices ({allowed})",
    ),
    "xlsx_bad_number": ("{label}: “{value}” ต้องเป็นตัวเลข", "{label}: “{value}” must be a number"),
    "xlsx_bad_value": ("{label}: “{value}” ใช้ไม่ได้ ({detail})", "{label}: “{value}” is not valid ({detail})"),
}

# Thai wording for each frictionless error type, filled from the error's own fields.
ERROR_TH: dict[str, str] = {
    "type-error": "แถวที่ {rowNumber} ฟิลด์ “{fieldName}”: ค่า “{cell}” ไม่ใช่ชนิด {fieldType}",
    "constraint-error": "แถวที่ {rowNumber} ฟิลด์ “{fieldName}”: ค่า “{cell}” ไม่เป็นไปตามข้อกำหนด {constraintTh}",
    "unique-error": "แถวที่ {rowNumber} ฟิลด์ “{fieldName}”: ค่าซ้ำกับแถวที่ {firstRow} (ต้องไม่ซ้ำ)",
    "primary-key": "แถวที่ {rowNumber}: คีย์หลัก (primary key) ว่างหรือซ้ำกับแถวก่อนหน้า ({note})",
    "extra-cell": "แถวที่ {rowNumber} มีค่าเกินมาในคอลัมน์ที่ {fieldNumber}",
    "missing-cell": "แถวที่ {rowNumber} ขาดค่าในฟิลด์ “{fieldName}” (คอลัมน์ที่ {fieldNumber})",
    "blank-row": "แถวที่ {rowNumber} ว่างทั้งแถว",
    "extra-label": "หัวตารางมีคอลัมน์เกิน “{label}” ที่ตำแหน่ง {fieldNumber}",
    "missing-label": "หัวตารางขาดคอลัมน์ของฟิลด์ “{fieldName}” ที่ตำแหน่ง {fieldNumber}",
    "blank-label": "หัวตารางคอลัมน์ที่ {fieldNumber} ว่าง",
    "duplicate-label": "หัวตาราง “{label}” ที่ตำแหน่ง {fieldNumber} ซ้ำกับคอลัมน์ก่อนหน้า",
    "incorrect-label": "หัวตาราง “{label}” ที่ตำแหน่ง {fieldNumber} ไม่ตรงกับชื่อฟิลด์ “{fieldName}”",
    "blank-header": "หัวตารางว่างทั้งแถว",
    "unmatched-header": "หัวตารางไม่มีคอลัมน์ใดตรงกับฟิลด์ในพจนานุกรมข้อมูลเลย",
    "error": "จับคู่หัวตารางกับฟิลด์ตามชื่อไม่ได้ เพราะหัวตาราง {label} ซ้ำกัน จึงไม่ได้ตรวจข้อมูลรายแถว",
    "encoding-error": "ถอดรหัสอักขระไม่ได้ ({note}) ตรวจได้ถึงก่อนตำแหน่งนี้เท่านั้น",
    "source-error": "อ่านข้อมูลไม่ได้: {note}",
}

CONSTRAINT_TH: dict[str, str] = {
    "required": "ต้องมีค่า",
    "minLength": "ความยาวอย่างน้อย {value}",
    "maxLength": "ความยาวไม่เกิน {value}",
    "minimum": "ค่าต่ำสุด {value}",
    "maximum": "ค่าสูงสุด {value}",
    "exclusiveMinimum": "ต้องมากกว่า {value}",
    "exclusiveMaximum": "ต้องน้อยกว่า {value}",
    "pattern": "รูปแบบ {value}",
    "enum": "ต้องเป็นค่าใดค่าหนึ่งใน {value}",
}


def problem(code: str, field: str | None = None, **params: Any) -> Problem:
    """A bilingual :class:`Problem` from this module's templates (see :func:`schemas.messages.render`)."""
    return render(MESSAGES, code, field, **params)
