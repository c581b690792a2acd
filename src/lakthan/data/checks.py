"""Items 5 and 6 (the data part) as checks.

- Item 5 (data current and correct): every active dataset of the unit and the units below it was
  read in the round, its data were current at least LAKTHAN_DATA_CURRENT_PERCENT per cent of the time
  measured, and each of its quality rules passed at its last run in the round. A dataset late on the
  day judged, or a failing rule, is a finding.
- Item 6 (named data owners): every active dataset has an owner, named in a work-assignment order
  kept as evidence."""

from __future__ import annotations

from django.conf import settings

from lakthan.checks.registry import Artefact, CheckResult, Period, Status, check_result, judged_on, register
from lakthan.lib.thai import format_span

CURRENT_URN = "urn:lakthan:check:data-current"
OWNERS_URN = "urn:lakthan:check:data-owners"
LISTED = 50


# --- item 5 ---------------------------------------------------------------------------------------


def dataset_shortfalls(row: dict) -> list[str]:
    """What keeps one dataset from counting as current and correct, as short English codes."""
    if not row["readings"]:
        return ["not_read"]
    out = []
    ratio = row["current_ratio"]
    if ratio is None or ratio * 100 < settings.LAKTHAN_DATA_CURRENT_PERCENT:
        out.append("not_current")
    if row["late"]:
        out.append("late_now")
    if row["quality"]["failed"]:
        out.append("quality_failed")
    return out


def judge_current(table: list[dict], judged_on) -> tuple[Status, dict]:
    rows = [
        {
            "dataset": r["dataset"],
            "unit": r["unit"],
            "system": r["system"],
            "readings": r["readings"],
            "current_ratio": r["current_ratio"],
            "late": r["late"],
            "late_by_s": r["late_by_s"],
            "quality_failing": r["quality"]["failing"],
            "shortfalls": dataset_shortfalls(r),
        }
        for r in table
    ]
    figures = {
        "judged_on": judged_on.isoformat(),
        "datasets": len(rows),
        "datasets_ok": sum(1 for r in rows if not r["shortfalls"]),
        "late_now": sum(1 for r in rows if r["late"]),
        "quality_rules": sum(r["quality"]["rules"] for r in table),
        "quality_failed": sum(r["quality"]["failed"] for r in table),
        "current_percent": settings.LAKTHAN_DATA_CURRENT_PERCENT,
        "rows": rows[:LISTED],
    }
    if not rows:
        return "no_data", figures
    if all("not_read" in r["shortfalls"] for r in rows):
        return "not_met", figures
    return ("met" if figures["datasets_ok"] == len(rows) else "partly"), figures


CURRENT_SHORTFALL_TH = {
    "not_read": "ไม่มีผลการตรวจสอบในรอบ",
    "not_current": "เป็นปัจจุบันต่ำกว่าเกณฑ์",
    "late_now": "ล่าช้า ณ วันที่ตรวจ",
    "quality_failed": "ไม่ผ่านการตรวจคุณภาพ",
}


def _listed(f: dict, th_of: dict) -> tuple[list[str], list[str]]:
    th, en = [], []
    for row in f["rows"]:
        if row["shortfalls"]:
            th.append(f"{row['dataset']}: " + ", ".join(th_of[s] for s in row["shortfalls"]))
            en.append(f"{row['dataset']}: " + ", ".join(row["shortfalls"]).replace("_", " "))
    return th, en


def summary_current(status: str, f: dict) -> tuple[str, str]:
    if status == "no_data":
        return "ยังไม่ได้กำหนดชุดข้อมูลที่ต้องตรวจสอบความเป็นปัจจุบัน", "no dataset of the unit is watched"
    th = [
        f"ชุดข้อมูล {f['datasets']} ชุด เป็นปัจจุบันและถูกต้องตามเกณฑ์ {f['datasets_ok']} ชุด "
        f"(ตรวจคุณภาพ {f['quality_rules']} รายการ ไม่ผ่าน {f['quality_failed']} รายการ)"
    ]
    en = [
        f"{f['datasets_ok']} of {f['datasets']} datasets current and correct "
        f"({f['quality_failed']} of {f['quality_rules']} quality rules failing)"
    ]
    more_th, more_en = _listed(f, CURRENT_SHORTFALL_TH)
    return "; ".join(th + more_th), "; ".join(en + more_en)


@register
class DataCurrent:
    urn = CURRENT_URN
    title_th = "ข้อมูลในระบบสารสนเทศเป็นปัจจุบันตามรอบการปรับปรุง และผ่านการตรวจสอบคุณภาพ"
    title_en = "Data in the systems updated as often as expected, and passing their quality checks"

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.data.services.freshness import data_pdf, freshness_png, freshness_table

        day = judged_on(period)
        status, figures = judge_current(freshness_table(unit, period.start, day), day)
        span = format_span(period.start, day, thai_digits=True)

        def documents() -> list[Artefact]:
            return [
                Artefact(
                    "data-freshness.pdf",
                    data_pdf(unit, period.start, day),
                    f"ผลการตรวจสอบความเป็นปัจจุบันและคุณภาพของข้อมูลในระบบสารสนเทศ {span}",
                    f"Freshness and quality of the data in the systems {period.start}–{day}",
                ),
                Artefact(
                    "data-freshness.png",
                    freshness_png(unit, period.start, day),
                    f"แผนภาพการปรับปรุงข้อมูลของแต่ละชุดข้อมูล {span}",
                    f"Updates of each dataset over the round {period.start}–{day}",
                ),
            ]

        return check_result(report, period, CURRENT_URN, status, figures, summary_current, documents)


# --- item 6: data owners ----------------------------------------------------------------------------


def judge_owners(owners: list[dict], judged_on) -> tuple[Status, dict]:
    rows = []
    for row in owners:
        shortfalls = []
        if not row["owner"]:
            shortfalls.append("no_owner")
        elif not row["order"]:
            shortfalls.append("no_order")
        rows.append({**row, "shortfalls": shortfalls})
    figures = {
        "judged_on": judged_on.isoformat(),
        "datasets": len(rows),
        "with_owner": sum(1 for r in rows if r["owner"]),
        "with_order": sum(1 for r in rows if r["owner"] and r["order"]),
        "rows": rows[:LISTED],
    }
    if not rows:
        return "no_data", figures
    if not figures["with_owner"]:
        return "not_met", figures
    return ("met" if figures["with_order"] == len(rows) else "partly"), figures


OWNER_SHORTFALL_TH = {"no_owner": "ยังไม่มีผู้รับผิดชอบข้อมูล", "no_order": "ยังไม่มีคำสั่งมอบหมาย"}


def summary_owners(status: str, f: dict) -> tuple[str, str]:
    if status == "no_data":
        return "ยังไม่ได้กำหนดชุดข้อมูลของหน่วยงาน", "no dataset of the unit is listed"
    th = [
        f"ชุดข้อมูล {f['datasets']} ชุด มีผู้รับผิดชอบ {f['with_owner']} ชุด "
        f"มอบหมายเป็นลายลักษณ์อักษรด้วยคำสั่ง {f['with_order']} ชุด"
    ]
    en = [
        f"{f['datasets']} datasets, {f['with_owner']} with an owner, "
        f"{f['with_order']} appointed in writing by an order"
    ]
    more_th, more_en = _listed(f, OWNER_SHORTFALL_TH)
    return "; ".join(th + more_th), "; ".join(en + more_en)


@register
class DataOwners:
    urn = OWNERS_URN
    title_th = "มีผู้รับผิดชอบข้อมูลแต่ละชุด มอบหมายเป็นลายลักษณ์อักษร"
    title_en = "Every dataset has an owner appointed in writing"

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.data.services.owners_report import data_owners, owners_pdf

        day = judged_on(period)
        status, figures = judge_owners(data_owners(unit), day)

        def documents() -> list[Artefact]:
            return [
                Artefact(
                    "data-owners.pdf",
                    owners_pdf(unit, day),
                    "บัญชีผู้รับผิดชอบข้อมูลในระบบสารสนเทศ และคำสั่งมอบหมาย",
                    f"Data owners and the orders appointing them, as of {day}",
                )
            ]

        return check_result(report, period, OWNERS_URN, status, figures, summary_owners, documents)
