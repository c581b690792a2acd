"""Item 7 as a check: the unit and the units below it have an IT
management and procurement committee appointed by an order kept as evidence, with a chair and a
secretary, that met as often as its order asks in the round, with minutes as evidence, and followed
its resolutions up."""

from __future__ import annotations

from lakthan.checks.registry import Artefact, CheckResult, Period, Status, check_result, judged_on, register
from lakthan.lib.thai import format_span

URN = "urn:lakthan:check:it-committee"
LISTED = 50
FAILING = {"no_committee", "no_order", "not_met"}  # the criterion itself is missing


def judge_committee(findings: list[dict], meetings: int, committees: int, judged_on) -> tuple[Status, dict]:
    kinds = sorted({f["kind"] for f in findings})
    figures = {
        "judged_on": judged_on.isoformat(),
        "committees": committees,
        "meetings": meetings,
        "findings": len(findings),
        "kinds": kinds,
        "listed": findings[:LISTED],
    }
    if FAILING & set(kinds):
        return "not_met", figures
    return ("partly" if findings else "met"), figures


KIND_TH = {
    "no_committee": "ไม่มีคณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์",
    "no_order": "ไม่มีคำสั่งแต่งตั้งคณะกรรมการ",
    "not_met": "คณะกรรมการประชุมน้อยกว่าที่กำหนดในรอบ",
    "no_minutes": "การประชุมที่ยังไม่มีรายงานการประชุม",
    "overdue_resolution": "มติที่ยังไม่ดำเนินการเมื่อถึงกำหนด",
    "no_chair_or_secretary": "ไม่มีประธานหรือเลขานุการ",
}


def summary_committee(status: str, f: dict) -> tuple[str, str]:
    th = [f"คณะกรรมการ {f['committees']} คณะ ประชุมในรอบ {f['meetings']} ครั้ง"]
    en = [f"{f['committees']} committee(s), {f['meetings']} meeting(s) in the round"]
    for finding in f["listed"]:
        th.append(f"{finding['committee'] or '–'}: {KIND_TH[finding['kind']]}")
        en.append(f"{finding['committee'] or '–'}: {finding['kind'].replace('_', ' ')}")
    return "; ".join(th), "; ".join(en)


@register
class ItCommittee:
    urn = URN
    title_th = "มีคณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์และสารสนเทศ ประชุมตามภารกิจ พร้อมรายงานการประชุม"
    title_en = "An IT management and procurement committee appointed by order, meeting with minutes"

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.committees.models import Committee
        from lakthan.committees.services.record import committee_findings, meeting_record_pdf, meetings_in

        day = judged_on(period)
        committees = Committee.objects.filter(unit_id__in=unit.descendant_ids(), active=True).count()
        status, figures = judge_committee(
            committee_findings(unit, period.start, day),
            len(meetings_in(unit, period.start, day)),
            committees,
            day,
        )
        span = format_span(period.start, day, thai_digits=True)

        def documents() -> list[Artefact]:
            if not committees:
                return []
            return [
                Artefact(
                    "it-committee.pdf",
                    meeting_record_pdf(unit, period.start, day),
                    f"คำสั่งแต่งตั้ง องค์ประกอบ และการประชุมของคณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์ {span}",
                    f"The IT committee: its order, members, meetings and resolutions {period.start}–{day}",
                )
            ]

        return check_result(report, period, URN, status, figures, summary_committee, documents)
