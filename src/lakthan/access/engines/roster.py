"""The HR roster, validated whole before anything is applied: one bad row refuses the file.

Columns: employee_id, title, first_name, last_name, unit, position, status, effective_date (any
order; other columns are ignored). ``unit`` is a unit code of Lakthan's organisation tree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lakthan.access.engines.tabular import TableError, parse_day, read_table, text_of

COLUMNS = ("employee_id", "title", "first_name", "last_name", "unit", "position", "status", "effective_date")
REQUIRED_VALUES = ("employee_id", "first_name", "last_name", "unit", "status", "effective_date")
STATUSES = ("active", "transferred", "suspended", "resigned", "retired", "dismissed", "deceased")
# a person in one of these, from the effective date on, should hold no enabled account
LEAVER_STATUSES = frozenset({"suspended", "resigned", "retired", "dismissed", "deceased"})
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class RosterRow:
    row: int
    employee_id: str
    title: str
    first_name: str
    last_name: str
    unit: str
    position: str
    status: str
    effective_date: date


@dataclass(frozen=True)
class Problem:
    row: int  # 1 is the header; 0: the file as a whole
    message_th: str
    message_en: str


class RosterRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message_en for p in problems))
        self.problems = problems


def parse_roster(data: bytes, known_units: set[str]) -> tuple[list[RosterRow], str]:
    """The rows and the encoding found, or RosterRejected naming every bad row (up to MAX_PROBLEMS)."""
    try:
        table = read_table(data)
    except TableError as exc:
        raise RosterRejected([Problem(0, exc.message_th, exc.message_en)]) from None
    missing = [c for c in COLUMNS if c not in table.header]
    if missing:
        names = ", ".join(missing)
        raise RosterRejected([Problem(1, f"แถว 1: ไม่มีคอลัมน์ {names}", f"row 1: missing column(s) {names}")])
    problems: list[Problem] = []
    rows: list[RosterRow] = []
    first_row_of: dict[str, int] = {}
    for number, values in table.rows:
        text = {c: text_of(values.get(c)) for c in COLUMNS}
        row_problems = _row_problems(number, text, values.get("effective_date"), known_units, first_row_of)
        if row_problems:
            problems.extend(row_problems)
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        first_row_of[text["employee_id"]] = number
        rows.append(
            RosterRow(
                row=number,
                employee_id=text["employee_id"],
                title=text["title"],
                first_name=text["first_name"],
                last_name=text["last_name"],
                unit=text["unit"],
                position=text["position"],
                status=text["status"].lower(),
                effective_date=parse_day(values.get("effective_date")) or date.min,
            )
        )
    if problems:
        raise RosterRejected(problems[:MAX_PROBLEMS])
    if not rows:
        raise RosterRejected([Problem(0, "ไฟล์ไม่มีรายชื่อ", "the file lists nobody")])
    return rows, table.encoding


def _row_problems(
    number: int, text: dict[str, str], raw_date: object, known_units: set[str], seen: dict[str, int]
) -> list[Problem]:
    found = []

    def problem(th: str, en: str) -> None:
        found.append(Problem(number, f"แถว {number}: {th}", f"row {number}: {en}"))

    for column in REQUIRED_VALUES:
        if not text[column]:
            problem(f"ไม่มีค่าในคอลัมน์ {column}", f"{column} is empty")
    employee_id = text["employee_id"]
    if employee_id and employee_id in seen:
        problem(
            f"รหัสพนักงาน {employee_id} ซ้ำกับแถว {seen[employee_id]}",
            f"employee id {employee_id} already on row {seen[employee_id]}",
        )
    status = text["status"].lower()
    if status and status not in STATUSES:
        problem(
            f"สถานะ '{text['status']}' ไม่รู้จัก ({', '.join(STATUSES)})",
            f"unknown status '{text['status']}' ({', '.join(STATUSES)})",
        )
    if text["unit"] and text["unit"] not in known_units:
        problem(f"ไม่พบหน่วยงานรหัส {text['unit']}", f"unknown unit {text['unit']}")
    if text["effective_date"]:
        try:
            parse_day(raw_date)
        except (ValueError, TypeError):
            problem(
                f"วันที่มีผล '{text['effective_date']}' ไม่ใช่วันที่ (YYYY-MM-DD หรือ D/M/YYYY)",
                f"effective_date '{text['effective_date']}' is not a date (YYYY-MM-DD or D/M/YYYY)",
            )
    return found
