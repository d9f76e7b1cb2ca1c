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
    "not_csv": (
        "ไฟล์นี้ไม่ใช่ไฟล์ข้อความ CSV แต่เป็น{kind} ถ้าเป็นตารางจาก Excel ให้บันทึกเป็น .xlsx หรือ CSV แล้วส่งใหม่",
        "This file is not a CSV text but {kind}; save a table from Excel as .xlsx or CSV and send it again",
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
    "blank_header": (
        "แถวหัวตาราง (บรรทัดแรก) ว่าง ไม่มีชื่อคอลัมน์ ข้อมูลเริ่มที่แถวที่ {row} ใส่ชื่อคอลัมน์ในบรรทัดแรกแล้วส่งใหม่",
        "The header row (the first line) is empty; data starts on row {row}. Put the column names on the first "
        "line and send the file again",
    ),
    "title_above_header": (
        "บรรทัดแรกของไฟล์ไม่ใช่หัวตาราง (หัวตารางน่าจะอยู่ที่แถวที่ {row}) ลบบรรทัดเหนือหัวตาราง เช่น ชื่อรายงาน "
        "หรือบรรทัดว่าง ออกก่อน แล้วสร้างพจนานุกรมข้อมูลใหม่",
        "The file's first line is not its header (the header seems to be row {row}); delete the lines above "
        "it, such as a report title or blank lines, and build the dictionary again",
    ),
    "header_narrow": (
        "แถวหัวตารางมี {labels} คอลัมน์ แต่แถวข้อมูลส่วนใหญ่มี {width} คอลัมน์ หัวตารางอาจไม่ได้อยู่บรรทัดแรก "
        "(เช่น มีชื่อรายงานอยู่ด้านบน) ลบบรรทัดเหนือหัวตารางออกแล้วตรวจใหม่",
        "The header row has {labels} columns but most data rows have {width}; the header may not be on the "
        "first line (a report title above it?): delete the lines above it and validate again",
    ),
    "header_not_first": (
        "หัวตารางอยู่ที่แถวที่ {row} ไม่ใช่แถวแรก แถวก่อนหน้านั้นถูกข้ามไป (ไม่ได้ตรวจ)",
        "The header is on row {row}, not the first; the rows above it were skipped (not checked)",
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
    "bad_foreign_key": (
        "foreignKeys อ้างถึงฟิลด์ “{value}” ที่ไม่มีใน schema", "foreignKeys names field “{value}” which is not in the schema",
    ),
    "foreign_key_width": (
        "foreignKeys: จำนวนฟิลด์ ({value}) ต้องเท่ากับจำนวนฟิลด์ที่อ้างถึง ({other})",
        "foreignKeys: the fields ({value}) must be as many as the referenced fields ({other})",
    ),
    "unknown_reference": (
        "foreignKeys อ้างถึงทรัพยากร “{value}” ซึ่งไม่มีในชุดข้อมูล (มี: {allowed})",
        "foreignKeys refers to resource “{value}”, which the dataset does not have (it has: {allowed})",
    ),
    "bad_reference_option": (
        "--reference “{value}” ต้องอยู่ในรูป ชื่อทรัพยากร=ไฟล์ข้อมูล:ไฟล์schema.json",
        "--reference “{value}” must look like NAME=DATAFILE:SCHEMA.json",
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
    "resource_name_ambiguous": (
        "ชุดข้อมูล {dataset} มีทรัพยากรชื่อ “{value}” มากกว่าหนึ่งรายการ กรุณาใช้รหัสทรัพยากร ({matches})",
        "Dataset {dataset} has more than one resource named “{value}”: give its id ({matches})",
    ),
    "no_draft": ("ทรัพยากร {value} ไม่มีพจนานุกรมข้อมูลฉบับร่างให้อนุมัติ", "Resource {value} has no draft dictionary to approve"),
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

# How a finding reads to people, Thai then English: the row, the column (its Thai title, then its
# name when they differ) and the rule, filled from the finding; never a Python value (None, True, a list).
# frictionless's own English sentence stays in the report's ``note`` for programs that parse it.
ERRORS: dict[str, tuple[str, str]] = {
    "type-error": ("แถวที่ {row} คอลัมน์ {column}: ค่า “{cell}” {rule_th}",
                   "Row {row}, column {column_en}: “{cell}” {rule_en}"),
    "constraint-error": ("แถวที่ {row} คอลัมน์ {column}: {value_th}{rule_th}",
                         "Row {row}, column {column_en}: {value_en}{rule_en}"),
    "unique-error": ("แถวที่ {row} คอลัมน์ {column}: ค่าซ้ำกับแถวที่ {first_row} (คอลัมน์นี้ต้องไม่มีค่าซ้ำ)",
                     "Row {row}, column {column_en}: the same value as row {first_row} (values must be unique)"),
    "primary-key": ("แถวที่ {row}: คีย์หลัก ({key_columns}) ซ้ำกับแถวที่ {first_row}",
                    "Row {row}: the primary key ({key_columns}) repeats row {first_row}"),
    "primary-key-blank": ("แถวที่ {row}: คีย์หลัก ({key_columns}) ว่าง ต้องมีค่า",
                          "Row {row}: the primary key ({key_columns}) is empty; it needs a value"),
    "foreign-key": ("แถวที่ {row} คอลัมน์ {key_columns}: ค่า “{values}” ไม่มีอยู่ใน{target}",
                    "Row {row}, column {key_columns}: “{values}” is not found in {target_en}"),
    "extra-cell": ("แถวที่ {row} มีช่องเกินมาที่ตำแหน่ง {number} (ค่า “{cell}”) หัวตารางมีเพียง {width} คอลัมน์",
                   "Row {row} has an extra cell at position {number} (“{cell}”); the header has {width} columns"),
    "missing-cell": ("แถวที่ {row} ไม่มีช่องของคอลัมน์ {column} (แถวมี {cells} ช่อง หัวตารางมี {width} คอลัมน์){required_th}",
                     "Row {row} has no cell for column {column_en} (the row has {cells} cells, the header "
                     "{width}){required_en}"),
    "blank-row": ("แถวที่ {row} ว่างทั้งแถว", "Row {row} is completely blank"),
    "extra-label": ("หัวตารางมีคอลัมน์ “{label}” ที่ตำแหน่ง {number} ซึ่งไม่มีในพจนานุกรมข้อมูล",
                    "The header has a column “{label}” at position {number} that the dictionary does not have"),
    "missing-label": ("หัวตารางไม่มีคอลัมน์ {column} (ตำแหน่งที่ {number} ในพจนานุกรมข้อมูล)",
                      "The header lacks column {column_en} (position {number} in the dictionary)"),
    "blank-label": ("หัวตารางคอลัมน์ที่ {number} ว่าง ไม่มีชื่อคอลัมน์",
                    "The header of column {number} is blank"),
    "duplicate-label": ("หัวตาราง “{label}” ที่ตำแหน่ง {number} ซ้ำกับคอลัมน์ที่ {earlier}",
                        "Header “{label}” at position {number} repeats column {earlier}"),
    "incorrect-label": ("หัวตาราง “{label}” ที่ตำแหน่ง {number} ไม่ตรงกับคอลัมน์ {column} ในพจนานุกรมข้อมูล",
                        "Header “{label}” at position {number} does not match column {column_en} of the "
                        "dictionary"),
    "blank-header": ("หัวตารางว่างทั้งแถว", "The header row is completely blank"),
    "unmatched-header": ("หัวตารางไม่มีคอลัมน์ใดตรงกับฟิลด์ในพจนานุกรมข้อมูลเลย",
                         "None of the dictionary's fields is in the header"),
    "error": ("จับคู่หัวตารางกับฟิลด์ตามชื่อไม่ได้ เพราะหัวตาราง {label} ซ้ำกัน จึงไม่ได้ตรวจข้อมูลรายแถว",
              "Headers cannot be paired with fields by name because {label} repeat; no row was checked"),
    "encoding-error": ("ถอดรหัสอักขระแบบ {encoding} ไม่ได้ที่ไบต์ที่ {byte} ตรวจได้เฉพาะแถวก่อนหน้านั้น",
                       "The file does not decode as {encoding} at byte {byte}; only the rows before it were "
                       "checked"),
    "source-error": ("อ่านข้อมูลไม่ได้: {note}", "The data cannot be read: {note}"),
}

# What a value of each type (and string format) must look like.
TYPE_RULES: dict[str, tuple[str, str]] = {
    "integer": ("ไม่ใช่จำนวนเต็ม", "is not a whole number"),
    "number": ("ไม่ใช่ตัวเลข", "is not a number"),
    "boolean": ("ไม่ใช่ค่าจริง/เท็จ ({choices})", "is not a yes/no value ({choices})"),
    "date": ("ไม่ใช่วันที่รูปแบบ {format} (ปี ค.ศ.)", "is not a date as {format}"),
    "datetime": ("ไม่ใช่วันและเวลารูปแบบ {format}", "is not a date and time as {format}"),
    "time": ("ไม่ใช่เวลารูปแบบ {format}", "is not a time as {format}"),
    "year": ("ไม่ใช่ปี 4 หลัก (ค.ศ.)", "is not a four-digit year"),
    "yearmonth": ("ไม่ใช่ปีและเดือนรูปแบบ YYYY-MM", "is not a year and month as YYYY-MM"),
    "email": ("ไม่ใช่อีเมลที่ถูกต้อง", "is not a valid email address"),
    "uri": ("ไม่ใช่ URL ที่ถูกต้อง (ต้องขึ้นต้นด้วย เช่น https://)", "is not a valid URL (it needs a scheme such as "
            "https://)"),
    "uuid": ("ไม่ใช่ UUID ที่ถูกต้อง", "is not a valid UUID"),
    "binary": ("ไม่ใช่ข้อมูล base64", "is not base64 data"),
    "string": ("ไม่ใช่ข้อความ", "is not text"),
    "any": ("อ่านไม่ได้", "cannot be read"),
}

# Each constraint a value breaks, with its limit written as people write it.
CONSTRAINT_RULES: dict[str, tuple[str, str]] = {
    "required": ("ต้องมีค่า ห้ามว่าง", "is required and may not be empty"),
    "minLength": ("ต้องยาวอย่างน้อย {limit} ตัวอักษร", "must be at least {limit} characters long"),
    "maxLength": ("ต้องยาวไม่เกิน {limit} ตัวอักษร", "must be at most {limit} characters long"),
    "minimum": ("ต้องไม่น้อยกว่า {limit}", "must be at least {limit}"),
    "maximum": ("ต้องไม่เกิน {limit}", "must be at most {limit}"),
    "exclusiveMinimum": ("ต้องมากกว่า {limit}", "must be greater than {limit}"),
    "exclusiveMaximum": ("ต้องน้อยกว่า {limit}", "must be less than {limit}"),
    "pattern": ("ต้องตรงกับรูปแบบ {limit}", "must match the pattern {limit}"),
    "enum": ("ต้องเป็นค่าใดค่าหนึ่งใน: {limit}", "must be one of: {limit}"),
}


def problem(code: str, field: str | None = None, **params: Any) -> Problem:
    """A bilingual :class:`Problem` from this module's templates (see :func:`schemas.messages.render`)."""
    return render(MESSAGES, code, field, **params)
