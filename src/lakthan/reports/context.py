"""The report as plain data: everything a renderer needs, nothing of Django.

`reports.services.build_context()` fills it from the database; the renderers in
`reports/render_*.py` turn it into DOCX, PDF and HTML. Numbers stay as Decimal/int and dates as
date here: the renderers format them (Thai digits and B.E. dates, or Arabic digits when
`thai_digits` is False).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class CriterionLine:
    number: int
    title: str  # Thai title as in the report form
    explanation: list[str]  # bullet paragraphs
    met: bool | None  # None = not decided yet
    evidence_refs: list[int]  # reference numbers (see ReportContext.evidence)
    findings: list[str] = field(default_factory=list)  # what the controls' checks found in the round


@dataclass(frozen=True)
class EvidenceRef:
    number: int  # 1-based reference number, the order in the report's "หลักฐานอ้างอิง"
    title: str
    doc_no: str = ""
    doc_date: date | None = None
    sha256: str = ""  # of the current revision's file ("" for a link)
    filename: str = ""  # name inside the evidence pack, e.g. "evidence/07-....pdf"
    url: str = ""


@dataclass(frozen=True)
class ScoringLevels:
    """The five thresholds of the scoring table (level 1..5), as printed (e.g. 1,2,3,4,'≥5')."""

    labels: list[str]
    weight: Decimal


@dataclass(frozen=True)
class ReportContext:
    agency_th: str  # e.g. "สำนักงานตรวจคนเข้าเมือง"
    unit_th: str
    fiscal_year: int  # B.E.
    round_months: int  # 6, 9, 12
    round_start: date
    round_end: date
    indicator_code: str  # "9.2"
    indicator_name: str
    parent_indicator: str  # "9 ระดับความสำเร็จของการพัฒนาปรับปรุงสารสนเทศ" or ""
    supervisor: str
    collectors: list[str]
    phone: str
    criteria: list[CriterionLine]
    criteria_total: int  # the "๑๐ ข้อ" in the scoring table
    scoring: ScoringLevels
    scoring_note: list[str]  # lines of หมายเหตุ, e.g. "ทำได้ ๑ ข้อ เท่ากับ ๑ คะแนน"
    result_value: Decimal  # ผลการดำเนินงาน (items met, or the measured value)
    score: Decimal  # ค่าคะแนนที่ได้
    weighted_score: Decimal  # ค่าคะแนนถ่วงน้ำหนัก (2 decimals)
    actions_taken: list[str]
    supporting_factors: list[str]
    obstacles: list[str]
    suggestions: list[str]
    evidence: list[EvidenceRef]
    signed: bool
    signed_by: str = ""
    signed_at: datetime | None = None
    generated_at: datetime | None = None
    thai_digits: bool = True
    extra: dict = field(default_factory=dict)
