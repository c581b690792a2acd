"""The work calendar as data: office hours, workdays and the public holidays with their Thai and
English names, read from YAML (``calendars/th-government.yaml`` is the one shipped) and validated
whole; every problem is named by its line, and nothing of a file with a problem is used. The result
carries the ``engines.sla.Calendar`` the business-hours arithmetic counts on. Pure: no Django.

The file::

    name: th-government
    title_th: ปฏิทินวันทำการของส่วนราชการไทย      # optional
    title_en: Thai government work calendar      # optional
    office_hours: {start: "08:30", end: "16:30"}  # Asia/Bangkok wall-clock
    workdays: [mon, tue, wed, thu, fri]
    holidays:
      - {day: 2013-04-15, th: วันสงกรานต์, en: Songkran Festival}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lakthan.lib.yaml_problems import Problems, Rejected, compose, fields_of, text_of
from lakthan.problems.engines.sla import Calendar

SHIPPED_PATH = Path(__file__).resolve().parent.parent / "calendars" / "th-government.yaml"
TOP_FIELDS = {"name", "title_th", "title_en", "office_hours", "workdays", "holidays"}
HOLIDAY_FIELDS = {"day", "th", "en"}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # Python weekdays: Monday = 0
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class HolidayName:
    day: date
    name_th: str
    name_en: str


@dataclass(frozen=True)
class WorkCalendarFile:
    name: str
    title_th: str
    title_en: str
    calendar: Calendar
    holidays: tuple[HolidayName, ...]  # by day

    def names(self) -> dict[date, HolidayName]:
        return {h.day: h for h in self.holidays}


class CalendarRejected(Rejected):
    """Every problem of the file, each with its line (0: the file as a whole)."""


def load_shipped() -> WorkCalendarFile:
    return parse_calendar(SHIPPED_PATH.read_bytes())


def parse_calendar(data: bytes) -> WorkCalendarFile:
    """The calendar, or CalendarRejected naming every problem by its line."""
    root = compose(data, CalendarRejected)
    problems = Problems()
    if not isinstance(root, MappingNode):
        problems.add(root, "ไฟล์ต้องเป็น mapping", "the file must be a mapping")
        raise CalendarRejected(problems.found)
    top = fields_of(root, problems)
    for key, (key_node, _) in top.items():
        if key not in TOP_FIELDS:
            problems.add(key_node, f"ไม่รู้จักช่อง {key}", f"unknown field {key}")
    name = text_of(top, "name", problems, root)
    if len(name) > 80:
        problems.add(top["name"][1], "name ยาวเกิน 80 ตัวอักษร", "name is longer than 80 characters")
    start, end = _office_hours(top, problems, root)
    workdays = _workdays(top, problems, root)
    holidays = _holidays(top, problems, root)
    if problems.found:
        raise CalendarRejected(problems.found)
    assert start is not None and end is not None
    return WorkCalendarFile(
        name=name,
        title_th=text_of(top, "title_th", problems, root, required=False) or name,
        title_en=text_of(top, "title_en", problems, root, required=False) or name,
        calendar=Calendar(
            office_start=start,
            office_end=end,
            workdays=frozenset(workdays),
            holidays=frozenset(h.day for h in holidays),
        ),
        holidays=tuple(sorted(holidays, key=lambda h: h.day)),
    )


def _clock(fields: dict[str, tuple[Node, Node]], key: str, problems: Problems, parent: Node) -> time | None:
    text = text_of(fields, key, problems, parent)
    if not text:
        return None
    match = CLOCK.match(text)
    if match is None:
        problems.add(
            fields[key][1], f"{key} ต้องเป็นเวลา HH:MM (ได้ {text})", f"{key} must be HH:MM (got {text})"
        )
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _office_hours(
    top: dict[str, tuple[Node, Node]], problems: Problems, root: Node
) -> tuple[time | None, time | None]:
    if "office_hours" not in top:
        problems.add(root, "ไม่มีช่อง office_hours", "office_hours is missing")
        return None, None
    node = top["office_hours"][1]
    if not isinstance(node, MappingNode):
        problems.add(node, "office_hours ต้องมี start และ end", "office_hours must have start and end")
        return None, None
    fields = fields_of(node, problems)
    for key, (key_node, _) in fields.items():
        if key not in ("start", "end"):
            problems.add(key_node, f"ไม่รู้จักช่อง {key}", f"unknown field {key}")
    start, end = _clock(fields, "start", problems, node), _clock(fields, "end", problems, node)
    if start is not None and end is not None and end <= start:
        problems.add(node, "เวลาเลิกงานต้องหลังเวลาเริ่มงาน", "office hours must end after they start")
    return start, end


def _workdays(top: dict[str, tuple[Node, Node]], problems: Problems, root: Node) -> set[int]:
    if "workdays" not in top:
        problems.add(root, "ไม่มีช่อง workdays", "workdays is missing")
        return set()
    node = top["workdays"][1]
    if not isinstance(node, SequenceNode) or not node.value:
        problems.add(
            node, "workdays ต้องเป็นรายการวัน เช่น [mon, tue]", "workdays must list days, e.g. [mon, tue]"
        )
        return set()
    days: set[int] = set()
    for item in node.value:
        text = str(getattr(item, "value", "")).strip().lower()[:3]
        if not isinstance(item, ScalarNode) or text not in DAYS:
            value = getattr(item, "value", "")
            problems.add(
                item,
                f"ไม่รู้จักวัน {value} (ใช้ mon tue wed thu fri sat sun)",
                f"unknown day {value} (use mon tue wed thu fri sat sun)",
            )
            continue
        if DAYS.index(text) in days:
            problems.add(item, f"วัน {text} ซ้ำ", f"day {text} twice")
        days.add(DAYS.index(text))
    return days


def _holidays(top: dict[str, tuple[Node, Node]], problems: Problems, root: Node) -> list[HolidayName]:
    if "holidays" not in top:
        problems.add(root, "ไม่มีช่อง holidays", "holidays is missing")
        return []
    node = top["holidays"][1]
    if isinstance(node, ScalarNode) and node.value in ("", "~", "null", "[]"):
        return []  # a calendar without holidays is allowed
    if not isinstance(node, SequenceNode):
        problems.add(node, "holidays ต้องเป็นรายการ", "holidays must be a list")
        return []
    out: list[HolidayName] = []
    seen: dict[date, int] = {}
    for item in node.value:
        if not isinstance(item, MappingNode):
            problems.add(item, "แต่ละวันหยุดต้องมี day และ th", "each holiday must have day and th")
            continue
        fields = fields_of(item, problems)
        for key, (key_node, _) in fields.items():
            if key not in HOLIDAY_FIELDS:
                problems.add(key_node, f"ไม่รู้จักช่อง {key}", f"unknown field {key}")
        text = text_of(fields, "day", problems, item)
        name_th = text_of(fields, "th", problems, item)
        name_en = text_of(fields, "en", problems, item, required=False)
        if len(name_th) > 200 or len(name_en) > 200:
            problems.add(item, "ชื่อวันหยุดยาวเกิน 200 ตัวอักษร", "a holiday's name is longer than 200 characters")
        if not text:
            continue
        try:
            day = date.fromisoformat(text)
        except ValueError:
            problems.add(
                fields["day"][1],
                f"วันที่ {text} ไม่ถูกต้อง (ใช้ YYYY-MM-DD แบบ ค.ศ.)",
                f"bad day {text} (use YYYY-MM-DD)",
            )
            continue
        if day in seen:
            problems.add(
                fields["day"][1],
                f"วันที่ {text} ซ้ำกับบรรทัด {seen[day]}",
                f"day {text} is also on line {seen[day]}",
            )
            continue
        seen[day] = item.start_mark.line + 1
        out.append(HolidayName(day, name_th, name_en))
    return out
