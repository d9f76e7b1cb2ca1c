"""Bilingual messages about catalog workbooks: every problem names the sheet, row and column it concerns."""

from __future__ import annotations

from typing import Any

from schemas.messages import Problem, render

MESSAGES: dict[str, tuple[str, str]] = {
    # the file
    "file_missing": ("ไม่พบไฟล์ {value}", "File {value} does not exist"),
    "not_xlsx": ("ไฟล์ {value} ไม่ใช่ไฟล์ Excel (.xlsx) หรือไฟล์เสียหาย ({detail})",
                 "{value} is not an Excel workbook (.xlsx) or it is damaged ({detail})"),
    "encrypted": ("ไฟล์ {value} ถูกป้องกันด้วยรหัสผ่าน กรุณาเปิดแล้วบันทึกใหม่โดยไม่ใส่รหัสผ่าน",
                  "{value} is password-protected: open it and save it again without a password"),
    "legacy_xls": ("ไฟล์ {value} เป็น Excel รุ่นเก่า (.xls) กรุณาบันทึกเป็น .xlsx",
                   "{value} is an old Excel file (.xls): save it as .xlsx"),
    "doctype": ("ไฟล์ {value} มีการประกาศ DOCTYPE ใน {detail} ซึ่ง Excel ไม่เคยเขียน จึงไม่เปิดอ่าน",
                "{value} declares a DOCTYPE in {detail}, which Excel never writes; it was not opened"),
    "zip_bomb": ("ไฟล์ {value} ขยายตัวเกินกำหนด ({detail}) จึงไม่เปิดอ่าน",
                 "{value} inflates beyond the limits ({detail}); it was not opened"),
    # sheets and headers
    "missing_sheet": ("ไม่พบแผ่นงาน “{value}” (แม่แบบต้องมีแผ่นงาน {expected})",
                      "Sheet “{value}” is missing (the template has the sheets {expected})"),
    "header_shifted": ("หัวตารางต้องอยู่แถวที่ {expected} แต่พบที่แถว {value} กรุณาอย่าแทรกหรือลบแถวเหนือหัวตาราง",
                       "The header must be on row {expected} but is on row {value}; "
                       "do not insert or delete rows above it"),
    "header_not_found": ("ไม่พบหัวตารางที่แถว {expected} (ต้องมีชื่อคอลัมน์ {columns})",
                         "No header on row {expected} (expected the columns {columns})"),
    "misnamed_sheet": ("ไม่พบแผ่นงาน “{value}” แต่มีแผ่นงาน “{found}” กรุณาเปลี่ยนชื่อให้ตรงกับแม่แบบ (ตัวนำเข้าของ thai_gdc "
                       "อ่านแผ่นงานตามชื่อ)",
                       "Sheet “{value}” is missing but there is a sheet “{found}”: rename it as the template names "
                       "it (thai_gdc's importer finds sheets by name)"),
    "header_differs": ("แผ่นงาน {sheet} คอลัมน์ {letter}: หัวคอลัมน์คือ “{value}” ไม่ใช่ “{expected}” ({label}) "
                       "จึงอ่านคอลัมน์นี้เป็น {expected} ตามตำแหน่ง เช่นเดียวกับตัวนำเข้าของ thai_gdc",
                       "Sheet {sheet}, column {letter}: the header is “{value}”, not “{expected}” ({label}); the "
                       "column is read as {expected} by its position, as thai_gdc's importer reads it"),
    "unknown_column": ("ไม่รู้จักคอลัมน์ “{value}” ในแผ่นงานนี้", "“{value}” is not a column of this sheet"),
    "missing_column": ("ไม่พบคอลัมน์ {value} ({label})", "Column {value} ({label}) is missing"),
    "duplicate_column": ("คอลัมน์ {value} ซ้ำกัน", "Column {value} appears twice"),
    # cells
    "formula_cell": ("เซลล์นี้เป็นสูตรคำนวณ ({value}) กรุณาคัดลอกแล้ววางแบบค่า (Paste Values)",
                     "The cell holds a formula ({value}); copy it and paste it as a value"),
    "merged_cell": ("เซลล์ {value} ถูกผสาน (merge) กรุณายกเลิกการผสานเซลล์", "Cells {value} are merged: unmerge them"),
    "not_a_date": ("{label}: “{value}” ไม่ใช่วันที่ (ใช้ปีพุทธศักราช เช่น 31/03/2567 หรือ 2567-03-31)",
                   "{label}: “{value}” is not a date (use a Buddhist Era date such as 31/03/2567 or 2567-03-31)"),
    "date_year_of_no_era": ("{label}: ปี {year} ใน “{value}” ไม่ใช่ทั้งปี พ.ศ. (2400–2800) และปี ค.ศ. (1700–2200)",
                            "{label}: the year {year} in “{value}” is neither a Buddhist Era (2400–2800) nor a "
                            "Christian Era (1700–2200) year"),
    "no_such_day": ("{label}: ไม่มีวันที่ “{value}” ในปฏิทิน (ปี พ.ศ. {year} คือ ค.ศ. {ce})",
                    "{label}: “{value}” is not a day of the calendar (Buddhist Era {year} is {ce})"),
    "bad_version_row": ("แถวนี้ของแผ่นงานรุ่นข้อมูล (ซ่อนไว้) เสียหาย (“{value}”) กรุณาส่งออกบัญชีข้อมูลใหม่",
                        "This row of the hidden versions sheet is damaged (“{value}”): export the catalog again"),
    # rows
    "stale_row": (
        "{kind} “{value}” มีผู้แก้ไขหลังจากส่งออกไฟล์นี้ (ในไฟล์เป็นฉบับที่ {expected} ในระบบเป็นฉบับที่ {current}) "
        "จึงไม่นำเข้าแถวนี้เพื่อไม่ให้ทับการแก้ไขนั้น กรุณาส่งออกบัญชีข้อมูลใหม่แล้วแก้ไขในไฟล์นั้น "
        "หรือใช้ --force เพื่อบันทึกทับ",
        "The {kind} “{value}” was changed after this workbook was exported (version {expected} in the workbook, "
        "{current} in the registry): the row is refused so that change is not overwritten. Export the catalog "
        "again and edit that file, or use --force to overwrite",
    ),
    "unversioned_row": (
        "ไฟล์นี้ไม่มีรุ่นข้อมูลของ{kind} “{value}” ที่มีอยู่แล้วในระบบ (ไม่ได้ส่งออกจาก Banchi หรือเพิ่มหลังการส่งออก) "
        "จึงไม่นำเข้าแถวนี้เพื่อไม่ให้ทับการแก้ไขของผู้อื่น กรุณาส่งออกบัญชีข้อมูลแล้วแก้ไขในไฟล์นั้น "
        "หรือใช้ --force เพื่อบันทึกทับ",
        "The workbook carries no version of the {kind} “{value}”, which the registry already holds (it was not "
        "exported from Banchi, or the row was added after the export): the row is refused so it cannot overwrite "
        "other people's changes. Export the catalog and edit that file, or use --force to overwrite",
    ),
    "duplicate_row": ("ชื่อ URL “{value}” ซ้ำกับแถวที่ {other_row} ของแผ่นงาน {other_sheet}",
                      "The name “{value}” is also on row {other_row} of sheet {other_sheet}"),
    "duplicate_resource": ("ทรัพยากร “{value}” ของชุดข้อมูลนี้ซ้ำกับแถวที่ {other_row} ของแผ่นงาน {other_sheet}",
                           "Resource “{value}” of this dataset is also on row {other_row} of sheet {other_sheet}"),
    "unknown_dataset": ("ไม่พบชุดข้อมูล “{value}” ทั้งในไฟล์และในระบบ",
                        "Dataset “{value}” is neither in the workbook nor in the registry"),
    "dataset_failed": ("ชุดข้อมูล “{value}” ของทรัพยากรนี้นำเข้าไม่ได้ (ดูปัญหาของชุดข้อมูลนั้น)",
                       "Dataset “{value}” of this resource could not be imported (see its problems)"),
    "resource_sheet_type": ("ชุดข้อมูล “{value}” เป็น{data_type} แต่แผ่นงานนี้สำหรับ{sheet_type}",
                            "Dataset “{value}” is of type {data_type} but this sheet is for {sheet_type}"),
    "unknown_organization": (
        "ไม่พบหน่วยงาน “{value}” ในระบบ (ระบุ --org หรือใช้ --create-organizations เพื่อสร้างหน่วยงาน)",
        "Organization “{value}” is not in the registry (give --org, or --create-organizations to create it)",
    ),
    # what ckanext-thai_gdc's importer cannot hold (the notes sheet of an export)
    "gdc_one_choice": ("thai_gdc เก็บได้หนึ่งตัวเลือกต่อเซลล์: นำเข้าเฉพาะ “{cell}” (Banchi มี “{value}”)",
                       "thai_gdc holds one choice per cell: it imports “{cell}” only (Banchi holds “{value}”)"),
    "gdc_not_in_importer_list": (
        "รายการของตัวนำเข้า thai_gdc ไม่มี “{cell}” จึงบันทึกเป็น “{other}” พร้อมข้อความ “{cell}”",
        "thai_gdc's importer list lacks “{cell}”: it stores “{other}” with the text “{cell}”"),
    "gdc_other_text_dropped": (
        "thai_gdc ส่งคอลัมน์นี้ให้ CKAN ตามที่เป็น จึงเขียน “{cell}” และไม่มีข้อความ “{value}”",
        "thai_gdc passes this column to CKAN as it is: the cell says “{cell}”, without the text “{value}”"),
    "gdc_empty_yes_no": ("เซลล์ว่าง: thai_gdc อ่านเป็น “{reads}” (เซลล์ที่ไม่มีคำว่า “{marker}” คือใช่)",
                         "Empty: thai_gdc reads it as “{reads}” (a cell without “{marker}” means yes)"),
    "gdc_no_column": ("แม่แบบไม่มีคอลัมน์ของ {label}: thai_gdc ไม่ได้รับค่า “{value}”",
                      "The template has no column for {label}: thai_gdc does not get “{value}”"),
    "gdc_sets_field": ("แม่แบบไม่มีคอลัมน์ของ {label}: thai_gdc กำหนดเป็น “{reads}” (Banchi มี “{value}”)",
                       "The template has no column for {label}: thai_gdc sets “{reads}” (Banchi holds “{value}”)"),
    "gdc_owner": ("thai_gdc นำเข้าทุกชุดข้อมูลไปยังหน่วยงานที่เลือกในหน้านำเข้า คอลัมน์ owner_org ใช้กรองแถวด้วย "
                  "template_org เท่านั้น และตั้งทุกชุดข้อมูลเป็น private",
                  "thai_gdc imports every dataset into the organization chosen on its import page; the owner_org "
                  "column only filters rows (template_org), and every dataset is made private"),
    "ambiguous_organization": ("มีหน่วยงานชื่อ “{value}” มากกว่าหนึ่งแห่ง ({matches}) กรุณาใช้ชื่อย่อ (URL)",
                               "More than one organization is called “{value}” ({matches}); use its URL name"),
}


def excel_problem(
    code: str, *, sheet: str | None = None, row: int | None = None, column: str | None = None,
    field: str | None = None, **params: Any,
) -> Problem:
    """A workbook problem, placed at its sheet / row / column (the column's Excel letter).

    ``X_en`` replaces ``X`` in the English message, as in :func:`schemas.messages.problem`.
    """
    return render(MESSAGES, code, field, sheet=sheet, row=row, column=column, **params)


def located(found: Problem, *, sheet: str, row: int | None, column: str | None) -> Problem:
    return found.model_copy(update={"sheet": sheet, "row": row, "column": column})
