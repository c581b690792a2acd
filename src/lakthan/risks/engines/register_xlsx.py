"""The risk register as the XLSX sheet Thai agencies keep: a header row of Thai column titles
(the sheet may carry title rows above it), one risk a row. Reading checks the shape of every cell and
names each problem by its row and column; whether a unit, a system or a person exists, and whether a
likelihood lies on the matrix, is the caller's to judge. Writing produces the same layout, so a sheet
written and read back gives the same rows. Pure: no Django."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]  # no stubs installed
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]

from lakthan.lib.thai import arabic_digits, parse_date_numeric

# (key, the title written, other titles read as the same column)
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ref", "ลำดับ/รหัสความเสี่ยง", ("ลำดับ", "รหัสความเสี่ยง", "รหัส", "ref")),
    ("unit", "หน่วยงาน", ("unit",)),
    ("system", "ระบบ", ("ระบบสารสนเทศ", "system")),
    ("title", "ความเสี่ยง", ("risk", "title")),
    ("threat", "ภัยคุกคาม", ("threat",)),
    ("vulnerability", "ช่องโหว่", ("vulnerability",)),
    ("likelihood", "โอกาส", ("โอกาสเกิด", "likelihood")),
    ("impact", "ผลกระทบ", ("impact",)),
    ("level", "ระดับ", ("ระดับความเสี่ยง", "level")),
    ("residual_likelihood", "โอกาสหลังควบคุม", ("residual likelihood",)),
    ("residual_impact", "ผลกระทบหลังควบคุม", ("residual impact",)),
    ("residual_level", "ระดับหลังควบคุม", ("residual level",)),
    ("treatment", "การจัดการ", ("การจัดการความเสี่ยง", "treatment")),
    ("treatment_plan", "แผนจัดการ", ("แผนการจัดการ", "แผนจัดการความเสี่ยง", "plan")),
    ("owner", "ผู้รับผิดชอบ", ("owner",)),
    ("due", "กำหนดเสร็จ", ("กำหนดแล้วเสร็จ", "due")),
    ("status", "สถานะ", ("status",)),
)
TITLE_OF = {key: title for key, title, _ in COLUMNS}
REQUIRED = ("unit", "title", "likelihood", "impact", "treatment")
COMPUTED = ("level", "residual_level")  # written for people to read; recomputed from the matrix

TREATMENTS = {
    "mitigate": "ลดความเสี่ยง",
    "accept": "ยอมรับความเสี่ยง",
    "transfer": "ถ่ายโอนความเสี่ยง",
    "avoid": "หลีกเลี่ยงความเสี่ยง",
}
TREATMENT_WORDS = {
    **{th: code for code, th in TREATMENTS.items()},
    **{code: code for code in TREATMENTS},
    "ลด": "mitigate",
    "ควบคุม": "mitigate",
    "ยอมรับ": "accept",
    "ถ่ายโอน": "transfer",
    "โอนความเสี่ยง": "transfer",
    "หลีกเลี่ยง": "avoid",
}
STATUSES = {
    "planned": "วางแผน",
    "in_progress": "กำลังดำเนินการ",
    "done": "ดำเนินการแล้ว",
    "closed": "ปิด",
}
STATUS_WORDS = {
    **{th: code for code, th in STATUSES.items()},
    **{code: code for code in STATUSES},
    "in progress": "in_progress",
    "อยู่ระหว่างดำเนินการ": "in_progress",
    "เสร็จสิ้น": "done",
    "แล้วเสร็จ": "done",
    "ปิดแล้ว": "closed",
}
HEADER_SEARCH_ROWS = 10
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class RegisterRow:
    """One risk as the sheet gives it (the levels are not read: they follow from the matrix)."""

    row: int  # the sheet's row number, for naming problems
    ref: str
    unit: str
    system: str
    title: str
    threat: str
    vulnerability: str
    likelihood: int
    impact: int
    residual_likelihood: int | None
    residual_impact: int | None
    treatment: str  # mitigate | accept | transfer | avoid
    treatment_plan: str
    owner: str  # a person id or a name, as written
    due: date | None
    status: str  # planned | in_progress | done | closed | "" (not given)


@dataclass
class Problem:
    row: int  # 0: the sheet as a whole
    column: str  # the column's Thai title, or ""
    th: str
    en: str

    def where(self, filename: str) -> str:
        place = f"{filename}:{self.row}" if self.row else filename
        return f"{place} ({self.column})" if self.column else place


@dataclass
class RegisterRejected(Exception):
    filename: str
    problems: list[Problem] = field(default_factory=list)

    def lines(self, lang: str = "th") -> list[str]:
        return [f"{p.where(self.filename)}: {p.th if lang.startswith('th') else p.en}" for p in self.problems]

    def __str__(self) -> str:
        return "; ".join(self.lines("en"))


def _key_of(title: object) -> str | None:
    text = _SPACES.sub(" ", str(title or "")).strip().lower()
    for key, main, others in COLUMNS:
        if text == main.lower() or text in others:
            return key
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_register(data: bytes, filename: str) -> list[RegisterRow]:
    """The rows of the sheet, or RegisterRejected naming every problem (row and column)."""
    rows, problems = parse_register(data, filename)
    if problems:
        raise RegisterRejected(filename, problems)
    return rows


def parse_register(data: bytes, filename: str) -> tuple[list[RegisterRow], list[Problem]]:
    """Every row with a value in it, and the problems of shape found in them (a row with a problem is
    still returned, its bad cells read as nothing, so the caller can name what else is wrong with it).
    RegisterRejected only when the file as a whole cannot be read."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a hostile or broken file is named, never a traceback
        raise RegisterRejected(
            filename,
            [Problem(0, "", "ไม่ใช่ไฟล์ XLSX ที่อ่านได้", f"not a readable XLSX file ({type(exc).__name__})")],
        ) from None
    sheet = book.worksheets[0]
    rows = [(n, list(values)) for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    book.close()
    header_at, columns = _find_header(rows)
    if header_at is None:
        wanted = ", ".join(TITLE_OF[k] for k in REQUIRED)
        raise RegisterRejected(
            filename,
            [Problem(0, "", f"ไม่พบแถวหัวตารางที่มีคอลัมน์ {wanted}", f"no header row with the columns {wanted}")],
        )
    problems: list[Problem] = []
    out: list[RegisterRow] = []
    for number, values in rows:
        if number <= header_at or all(_text(v) == "" for v in values):
            continue
        cells = {key: (values[i] if i < len(values) else None) for key, i in columns.items()}
        out.append(_row(number, cells, problems))
    refs = [r.ref for r in out if r.ref]
    for r in out:
        if r.ref and refs.count(r.ref) > 1:
            problems.append(
                Problem(
                    r.row, TITLE_OF["ref"], f"รหัส {r.ref} ซ้ำในไฟล์", f"ref {r.ref} appears twice in the file"
                )
            )
    return out, problems


def _find_header(rows: list[tuple[int, list[Any]]]) -> tuple[int | None, dict[str, int]]:
    for number, values in rows[:HEADER_SEARCH_ROWS]:
        columns: dict[str, int] = {}
        for i, value in enumerate(values):
            key = _key_of(value)
            if key is not None and key not in columns:
                columns[key] = i
        if all(key in columns for key in REQUIRED):
            return number, columns
    return None, {}


def _row(number: int, cells: dict[str, Any], problems: list[Problem]) -> RegisterRow:

    def bad(key: str, th: str, en: str) -> None:
        problems.append(Problem(number, TITLE_OF[key], th, en))

    text = {key: _text(cells.get(key)) for key, _, _ in COLUMNS}
    for key in ("unit", "title"):
        if not text[key]:
            bad(key, "ว่างไม่ได้", "must not be empty")
    ref = text["ref"]
    if ref.isdigit():
        ref = ""  # a bare number is the sheet's running order, not a risk's code
    scores = {key: _score(cells.get(key), key, bad) for key in ("likelihood", "impact")}
    residual = {
        key: _score(cells.get(key), key, bad, optional=True)
        for key in ("residual_likelihood", "residual_impact")
    }
    if (text["residual_likelihood"] == "") != (text["residual_impact"] == ""):
        bad(
            "residual_impact" if text["residual_impact"] == "" else "residual_likelihood",
            "ต้องกรอกโอกาสและผลกระทบหลังควบคุมทั้งคู่ หรือเว้นว่างทั้งคู่",
            "give the residual likelihood and impact both, or neither",
        )
    treatment = TREATMENT_WORDS.get(text["treatment"].lower(), "")
    if not treatment:
        bad(
            "treatment",
            f"ไม่รู้จักการจัดการ '{text['treatment']}' (ลด/ยอมรับ/ถ่ายโอน/หลีกเลี่ยง)",
            f"unknown treatment '{text['treatment']}' (mitigate/accept/transfer/avoid)",
        )
    status = ""
    if text["status"]:
        status = STATUS_WORDS.get(text["status"].lower(), "")
        if not status:
            bad(
                "status",
                f"ไม่รู้จักสถานะ '{text['status']}' ({', '.join(STATUSES.values())})",
                f"unknown status '{text['status']}' ({', '.join(STATUSES)})",
            )
    due = _due(cells.get("due"), bad)
    return RegisterRow(
        row=number,
        ref=ref,
        unit=text["unit"],
        system=text["system"],
        title=text["title"],
        threat=text["threat"],
        vulnerability=text["vulnerability"],
        likelihood=scores["likelihood"] or 0,  # 0: not read (a problem is named)
        impact=scores["impact"] or 0,
        residual_likelihood=residual["residual_likelihood"],
        residual_impact=residual["residual_impact"],
        treatment=treatment,
        treatment_plan=text["treatment_plan"],
        owner=text["owner"],
        due=due,
        status=status,
    )


def _score(value: object, key: str, bad: Any, *, optional: bool = False) -> int | None:
    text = arabic_digits(_text(value))
    if text == "":
        if not optional:
            bad(key, "ว่างไม่ได้", "must not be empty")
        return None
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if number < 1 or not number.is_integer():
        bad(key, f"'{text}' ไม่ใช่จำนวนเต็มบวก", f"'{text}' is not a whole number from 1")
        return None
    return int(number)


def _due(value: object, bad: Any) -> date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        return parse_date_numeric(text)
    except ValueError:
        pass
    try:
        return date.fromisoformat(arabic_digits(text))
    except ValueError:
        bad(
            "due",
            f"'{text}' ไม่ใช่วันที่ (เซลล์วันที่ หรือ วว/ดด/ปปปป พ.ศ.)",
            f"'{text}' is not a date (a date cell, or dd/mm/yyyy B.E.)",
        )
        return None


@dataclass(frozen=True)
class SheetRisk:
    """One risk to write, with its levels' Thai labels and the owner as people read it."""

    ref: str
    unit: str
    system: str
    title: str
    threat: str
    vulnerability: str
    likelihood: int
    impact: int
    level: str
    residual_likelihood: int | None
    residual_impact: int | None
    residual_level: str
    treatment: str
    treatment_plan: str
    owner: str
    due: date | None
    status: str


HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
WIDTHS = {"title": 40, "threat": 30, "vulnerability": 30, "treatment_plan": 40, "owner": 24, "ref": 14}


def write_register(risks: list[SheetRisk], *, title: str = "ทะเบียนความเสี่ยง") -> bytes:
    """The sheet: a header row of Thai titles, then one row a risk (due dates as date cells)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    keys = [key for key, _, _ in COLUMNS]
    sheet.append([TITLE_OF[key] for key in keys])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for risk in risks:
        values: dict[str, object] = {
            **{key: getattr(risk, key) for key in keys if key not in ("treatment", "status")},
            "treatment": TREATMENTS.get(risk.treatment, risk.treatment),
            "status": STATUSES.get(risk.status, risk.status),
        }
        sheet.append([values[key] if values[key] != "" else None for key in keys])
        due_cell = sheet.cell(row=sheet.max_row, column=keys.index("due") + 1)
        if risk.due is not None:
            due_cell.number_format = "dd/mm/yyyy"
    for i, key in enumerate(keys, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = WIDTHS.get(key, 12)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
