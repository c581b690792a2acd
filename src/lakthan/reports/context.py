"""The report as plain data: everything a renderer needs, nothing of Django.

`reports.services.build_context()` fills it from the database; the renderers in
`reports/render_*.py` turn it into DOCX, PDF and HTML. Numbers stay as Decimal/int and dates as
date here: the renderers format them (Thai digits and B.E. dates, or Arabic digits when
`thai_digits` is False).

`context_to_json()` / `context_from_json()` turn a context into JSON values and back, exactly
(Decimal as its string, dates and times in ISO 8601): a signed report pins its context this way and
renders only from that pin (reports/sealing.py).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class CriterionLine:
    number: int
    title: str  # Thai title as in the report form
    explanation: list[str]  # bullet paragraphs
    # None = not decided yet. For the web and the score only: the report form prints no pass/fail
    # stamp (the result is in its scoring and calculation tables).
    met: bool | None
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
    kind: str = ""  # Evidence.Kind: how its date reads ("ลง" a document, "ถ่ายเมื่อ" a photo, …)
    # System-generated evidence has no document date: the day its check produced it, and the period
    # the check covered (it did not exist during that period).
    produced_on: date | None = None
    covers_start: date | None = None
    covers_end: date | None = None


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
    phone: str  # the report's own contact number (the editor's field)
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
    # The form's two telephone lines (the supervisor's, the data collectors'); "" falls back to `phone`.
    supervisor_phone: str = ""
    collectors_phone: str = ""
    supervisor_position: str = ""  # ตำแหน่ง in the signature block
    signed_by_position: str = ""


# --- JSON ------------------------------------------------------------------------------------------


def context_to_json(ctx: ReportContext) -> dict:
    """The context as JSON values: Decimal → its string ("0.30" stays "0.30"), date/datetime → ISO 8601.
    `extra` must already hold JSON values."""
    encoded = _encode(ctx)
    assert isinstance(encoded, dict)
    return encoded


def context_from_json(data: dict) -> ReportContext:
    """The inverse of context_to_json(): context_from_json(context_to_json(c)) == c."""
    return _decode(ReportContext, data)


def _encode(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


def _decode(hint: Any, value: Any) -> Any:
    """A JSON value back to the type the dataclass field declares (its type hint)."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):  # X | None
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(inner, value)
    if origin is list:
        (item,) = typing.get_args(hint)
        return [_decode(item, v) for v in value]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return hint(
            **{
                f.name: _decode(hints[f.name], value[f.name])
                for f in dataclasses.fields(hint)
                if f.name in value
            }
        )
    if hint is Decimal:
        return Decimal(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    return value
