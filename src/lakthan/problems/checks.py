"""Item 6 (the problem part) as a check: the problems the unit and the units below it reported in the
round were logged with the person responsible, fixed with the fix and the result written down, at
least LAKTHAN_PROBLEM_SLA_PERCENT per cent of those judged within their service level; and each system
that had problems has a problem owner named in a work-assignment order (evidence)."""

from __future__ import annotations

from django.conf import settings

from lakthan.checks.registry import Artefact, CheckResult, Period, Status, check_result, judged_on, register
from lakthan.lib.thai import format_span

URN = "urn:lakthan:check:problems-sla"
LISTED = 50


def judge_problems(summary: dict, owners: list[dict], unassigned: int, judged_on) -> tuple[Status, dict]:
    judged = summary["within_sla"] + len(summary["breached"])
    within_percent = None if not judged else round(100 * summary["within_sla"] / judged, 1)
    with_problems = [row for row in owners if row["had_problems"]]
    no_owner = [row["system"] for row in with_problems if not row["owners"]]
    no_order = sorted({row["system"] for row in owners for owner in row["owners"] if owner["order"] is None})
    shortfalls = []
    if not summary["problems"]:
        shortfalls.append("no_problems_logged")
    if no_owner:
        shortfalls.append("owners_missing")
    if no_order:
        shortfalls.append("orders_missing")
    if unassigned:
        shortfalls.append("unassigned")
    if within_percent is not None and within_percent < settings.LAKTHAN_PROBLEM_SLA_PERCENT:
        shortfalls.append("sla_below")
    figures = {
        "judged_on": judged_on.isoformat(),
        "problems": summary["problems"],
        "closed": summary["closed"],
        "open": summary["open"],
        "within_sla": summary["within_sla"],
        "breached": len(summary["breached"]),
        "no_sla": summary["no_sla"],
        "within_percent": within_percent,
        "sla_percent": settings.LAKTHAN_PROBLEM_SLA_PERCENT,
        "median_fix_s": summary["median_fix_s"],
        "unassigned": unassigned,
        "systems": len(owners),
        "systems_without_owner": no_owner[:LISTED],
        "systems_without_order": no_order[:LISTED],
        "breached_list": summary["breached"][:LISTED],
        "shortfalls": shortfalls,
    }
    if not summary["problems"] and not owners:
        return "no_data", figures
    if not any(row["owners"] for row in owners) or (summary["problems"] and not summary["closed"]):
        return "not_met", figures
    return ("partly" if shortfalls else "met"), figures


SHORTFALL_TH = {
    "no_problems_logged": "ไม่มีการบันทึกปัญหาในรอบ",
    "owners_missing": "ระบบที่มีปัญหาแต่ยังไม่มีผู้รับผิดชอบ",
    "orders_missing": "ผู้รับผิดชอบที่ยังไม่มีคำสั่งมอบหมาย",
    "unassigned": "ปัญหาที่ยังไม่ระบุผู้รับผิดชอบ",
    "sla_below": "แก้ไขได้ตามระยะเวลาที่กำหนดต่ำกว่าเกณฑ์",
}


def _hours(seconds) -> str:
    return "–" if seconds is None else f"{seconds / 3600:.1f}"


def summary_problems(status: str, f: dict) -> tuple[str, str]:
    if status == "no_data":
        return "ยังไม่มีการบันทึกปัญหาและผู้รับผิดชอบ", "no problem logged and no problem owner named"
    percent = "–" if f["within_percent"] is None else f"{f['within_percent']:g}"
    th = [
        f"ปัญหา {f['problems']} เรื่อง แก้ไขแล้ว {f['closed']} เรื่อง ภายในเวลาที่กำหนด {f['within_sla']} เรื่อง "
        f"({percent}%) เกินกำหนด {f['breached']} เรื่อง ระยะเวลาแก้ไขมัธยฐาน {_hours(f['median_fix_s'])} ชั่วโมง"
    ]
    en = [
        f"{f['problems']} problems, {f['closed']} fixed, {f['within_sla']} within their service level "
        f"({percent}%), {f['breached']} breached, median time to fix {_hours(f['median_fix_s'])} h"
    ]
    for code in f["shortfalls"]:
        th.append(SHORTFALL_TH[code])
        en.append(code.replace("_", " "))
    return "; ".join(th), "; ".join(en)


@register
class ProblemsAnswered:
    urn = URN
    title_th = "ปัญหาการใช้งานระบบสารสนเทศมีผู้รับผิดชอบ ได้รับการแก้ไขและบันทึกผล ภายในระยะเวลาที่กำหนด"
    title_en = "Problems with the systems have a named owner and are fixed, with the result, within their service level"

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.problems.services.owners_report import (
            forms_pdf,
            owners_pdf,
            problem_owners,
            reported_in,
        )
        from lakthan.problems.services.sla_summary import problems_pdf, sla_summary

        day = judged_on(period)
        unassigned = reported_in(unit, period.start, day).filter(assignee=None).count()
        status, figures = judge_problems(
            sla_summary(unit, period.start, day),
            problem_owners(unit, period.start, day),
            unassigned,
            day,
        )
        span = format_span(period.start, day, thai_digits=True)

        def documents() -> list[Artefact]:
            out = [
                Artefact(
                    "problems-sla.pdf",
                    problems_pdf(unit, period.start, day),
                    f"สรุปผลการแก้ไขปัญหาการใช้งานระบบสารสนเทศ เทียบกับระยะเวลาที่กำหนด {span}",
                    f"Problems and their service levels {period.start}–{day}",
                ),
                Artefact(
                    "problem-owners.pdf",
                    owners_pdf(unit, period.start, day),
                    "บัญชีผู้รับผิดชอบการแก้ไขปัญหาการใช้งานระบบสารสนเทศ และคำสั่งมอบหมาย",
                    f"Problem owners of each system and the orders appointing them, {day}",
                ),
            ]
            forms = forms_pdf(unit, period.start, day)
            if forms is not None:
                out.append(
                    Artefact(
                        "problem-reports.pdf",
                        forms,
                        f"แบบรายงานปัญหาการใช้งานระบบสารสนเทศ พร้อมผู้รับผิดชอบ การแก้ไข และผลการแก้ไข {span}",
                        f"Each problem fixed: the person responsible, the fix and the result {period.start}–{day}",
                    )
                )
            return out

        return check_result(report, period, URN, status, figures, summary_problems, documents)
