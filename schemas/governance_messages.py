"""Bilingual message templates for governance: stages, evidence, rubrics and scores (Thai first, then English)."""

from __future__ import annotations

from typing import Any

from schemas.messages import Problem, render

MESSAGES: dict[str, tuple[str, str]] = {
    # rubric files
    "rubric_missing": (
        "ไม่มีเกณฑ์การประเมิน (rubric) สำหรับปีงบประมาณ {value} (มี {allowed})",
        "There is no rubric for fiscal year {value} (available: {allowed})",
    ),
    "rubric_unreadable": ("อ่านไฟล์เกณฑ์ {value} ไม่ได้: {detail}", "Cannot read rubric file {value}: {detail}"),
    "rubric_invalid": ("ไฟล์เกณฑ์ {file}: {label} ไม่ถูกต้อง ({detail})",
                       "Rubric file {file}: {label} is not valid ({detail})"),
    "targets_decrease": (
        "ไฟล์เกณฑ์ {file}: ค่าเป้าหมายไตรมาสที่ {quarter} ({value}) ต่ำกว่าไตรมาสก่อนหน้า ({previous}) "
        "ค่าเป้าหมายเป็นค่าสะสมต้องไม่ลดลง",
        "Rubric file {file}: the target of quarter {quarter} ({value}) is below the previous quarter's ({previous}); "
        "targets are cumulative and must not decrease",
    ),
    "percent_range": (
        "ไฟล์เกณฑ์ {file}: {label} ต้องอยู่ระหว่าง 0 ถึง 100 (ได้ {value})",
        "Rubric file {file}: {label} must be between 0 and 100 (got {value})",
    ),
    "stage_percent_decrease": (
        "ไฟล์เกณฑ์ {file}: ร้อยละของขั้นตอนที่ {stage} ({value}) ต่ำกว่าขั้นตอนก่อนหน้า ({previous})",
        "Rubric file {file}: the percentage of stage {stage} ({value}) is below the previous stage's ({previous})",
    ),
    "quarters_incomplete": (
        "ไฟล์เกณฑ์ {file}: ต้องกำหนด {label} ครบ {allowed} (มี {value})",
        "Rubric file {file}: {label} must be given for exactly {allowed} (got {value})",
    ),
    "fiscal_year_mismatch": (
        "ไฟล์เกณฑ์ {file} เป็นของปีงบประมาณ {value} ไม่ใช่ {expected}",
        "Rubric file {file} is for fiscal year {value}, not {expected}",
    ),
    # stages
    "nothing_selected": ("ยังไม่ได้เลือกชุดข้อมูล", "No dataset is selected"),
    "gate_unmet": (
        "ขั้นตอนที่ {stage} ยังไม่ผ่านเกณฑ์ “{gate}”: {detail}",
        "Stage {stage}: gate “{gate_en}” is not met: {detail_en}",
    ),
    "not_forward": (
        "ชุดข้อมูลอยู่ขั้นตอนที่ {current} แล้ว จะเลื่อนไปขั้นตอนที่ {value} ไม่ได้ (ต้องสูงกว่าขั้นตอนปัจจุบัน)",
        "The dataset is at stage {current}; advancing to stage {value} is not forward",
    ),
    "not_backward": (
        "ชุดข้อมูลอยู่ขั้นตอนที่ {current} จะถอยไปขั้นตอนที่ {value} ไม่ได้ (ต้องต่ำกว่าขั้นตอนปัจจุบัน)",
        "The dataset is at stage {current}; reverting to stage {value} is not backward",
    ),
    "not_working_group_member": (
        "{value} ไม่ได้เป็นคณะทำงานกำกับดูแลข้อมูลของหน่วยงาน {org} จึงลงนามรับรองไม่ได้",
        "{value} is not on a data governance working group of {org} and cannot sign off",
    ),
    "no_person_for_account": (
        "บัญชี {value} ไม่ได้ผูกกับบุคคล จึงลงนาม อนุมัติ หรือเพิ่มหลักฐานในนามของบุคคลไม่ได้ ให้ผู้ดูแลระบบผูกบัญชีกับบุคคลก่อน",
        "Account {value} is not linked to a person, so it cannot sign, approve or add evidence in anyone's name; "
        "ask an administrator to link it to a person",
    ),
    "signer_not_you": (
        "ลงนามในนามของผู้อื่นไม่ได้: ระบบบันทึกผู้ลงนามเป็นผู้ที่เข้าสู่ระบบ ({me}) ไม่ใช่ {value}",
        "You cannot sign in someone else's name: the signer recorded is the signed-in person ({me}), not {value}",
    ),
    "date_in_future": ("{label}: วันที่ {value} ยังมาไม่ถึง", "{label}: {value} is in the future"),
    "date_before_history": (
        "{label}: วันที่ {value} ก่อนการเปลี่ยนขั้นตอนครั้งล่าสุด ({latest}) บันทึกย้อนหลังแทรกประวัติไม่ได้",
        "{label}: {value} is before the latest stage change ({latest}); history cannot be inserted before it",
    ),
    # evidence
    "file_or_link": ("ต้องแนบไฟล์หรือระบุลิงก์ของหลักฐาน อย่างใดอย่างหนึ่ง", "Evidence needs a file or a link, one of them"),
    "file_and_link": ("แนบไฟล์และลิงก์พร้อมกันไม่ได้ เลือกอย่างใดอย่างหนึ่ง", "Give a file or a link, not both"),
    "unknown_gate": ("ไม่รู้จักเกณฑ์ “{value}” (มี {allowed})", "Unknown gate “{value}” (known: {allowed})"),
    "gate_stage_mismatch": (
        "เกณฑ์ “{value}” เป็นของขั้นตอนที่ {expected} ไม่ใช่ขั้นตอนที่ {stage}",
        "Gate “{value}” belongs to stage {expected}, not stage {stage}",
    ),
    "gate_needs_dataset": ("หลักฐานตามเกณฑ์ “{value}” ต้องระบุชุดข้อมูล", "Evidence for gate “{value}” must name a dataset"),
    "org_mismatch": (
        "ชุดข้อมูล {value} เป็นของหน่วยงาน {expected} ไม่ใช่ {org}",
        "Dataset {value} belongs to {expected}, not {org}",
    ),
    "org_required": ("ต้องระบุหน่วยงานหรือชุดข้อมูล", "Name an organization or a dataset"),
    "no_working_group": ("หน่วยงาน {value} ยังไม่มีคณะทำงานกำกับดูแลข้อมูล", "Organization {value} has no working group"),
    "part_unknown": ("ส่วนที่ {value} ไม่มีในเกณฑ์ปี {fiscal_year} (มี {allowed})",
                     "Part {value} is not in the FY {fiscal_year} rubric (parts: {allowed})"),
}


def problem(code: str, field: str | None = None, **params: Any) -> Problem:
    """A governance problem (see :func:`schemas.messages.render`)."""
    return render(MESSAGES, code, field, **params)
