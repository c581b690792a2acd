"""Item 3: a risk-management and continuity plan that is carried out — the plan approved for the
fiscal year, recovery targets for every critical system, drills or incidents in the round with their
recovery measured from the backups and within target, and no high risk left untreated past its due
date."""

from __future__ import annotations

from django.utils import timezone

from lakthan.checks.registry import Artefact, CheckResult, Period, Status, register
from lakthan.lib.thai import format_span, thai_digits
from lakthan.lib.timezones import end_of_day

URN = "urn:lakthan:check:continuity-drills"
LISTED = 50


def judge(facts) -> tuple[Status, dict]:
    """met: every condition holds. not_met: no approved plan, or no drill or incident in the round.
    partly: the plan exists and was exercised, with shortfalls (a critical system without targets, a
    recovery past its target, an overdue treatment of a high risk, an incident not yet recovered)."""
    figures = {
        "judged_on": facts.judged_on.isoformat(),
        "fiscal_year": facts.fiscal_year,
        "plan_approved": None
        if facts.plan is None
        else {
            "unit": facts.plan.unit.code,
            "version": facts.plan.version,
            "approved_at": facts.plan.approved_at.isoformat(),
            "approved_by": facts.plan.approved_by.display_name,
            "pdf_sha256": facts.plan.pdf_sha256,
        },
        "risks_open": facts.risks,
        "targets": facts.targets,
        "critical_systems": len(facts.critical_systems),
        "critical_without_target": facts.critical_without_target[:LISTED],
        "drills": [
            {
                "id": d.pk,
                "kind": d.kind,
                "scenario": d.scenario,
                "started": d.started.isoformat(),
                "restored": None if d.restored is None else d.restored.isoformat(),
            }
            for d in facts.drills
        ][:LISTED],
        "open_incidents": [d.pk for d in facts.open_incidents],
        "systems_measured": len(facts.measured),
        "recoveries_missed": [
            {
                "drill": m.drill_id,
                "system": m.system.code,
                "rto_s": m.rto_s,
                "rto_target_s": m.rto_target_s,
                "rpo_s": m.rpo_s,
                "rpo_target_s": m.rpo_target_s,
            }
            for m in facts.missed
        ][:LISTED],
        "overdue_high_risks": [
            {"ref": r["ref"], "level": r["level"], "due": r["due"]} for r in facts.overdue_high
        ][:LISTED],
    }
    if facts.plan is None and not facts.drills and not facts.risks and not facts.targets:
        return "no_data", figures
    if facts.plan is None or not facts.drills:
        return "not_met", figures
    if facts.critical_without_target or facts.missed or facts.overdue_high or facts.open_incidents:
        return "partly", figures
    if not facts.measured:
        return "partly", figures  # exercised, but no system's recovery was measured
    return "met", figures


def summary(status: str, f: dict) -> tuple[str, str]:
    if status == "no_data":
        return (
            "ยังไม่มีทะเบียนความเสี่ยง เป้าหมายการกู้คืน แผนความต่อเนื่อง หรือการซ้อมแผนของหน่วยงาน",
            "no risk register, recovery target, continuity plan or drill for the unit",
        )
    plan = f["plan_approved"]
    th = [
        f"แผนความต่อเนื่องปีงบประมาณ {f['fiscal_year']} " + ("อนุมัติแล้ว" if plan else "ยังไม่ได้รับอนุมัติ"),
        f"ระบบสำคัญ {f['critical_systems']} ระบบ ยังไม่กำหนดเป้าหมายการกู้คืน {len(f['critical_without_target'])} ระบบ",
        f"การซ้อมแผนหรือเหตุการณ์จริงในรอบ {len(f['drills'])} ครั้ง วัดการกู้คืน {f['systems_measured']} ระบบ "
        f"เกินเป้าหมาย {len(f['recoveries_missed'])} ระบบ",
        f"ความเสี่ยงสูงที่เลยกำหนดการจัดการ {len(f['overdue_high_risks'])} รายการ",
    ]
    en = [
        f"continuity plan for FY {f['fiscal_year']} " + ("approved" if plan else "not approved"),
        f"{len(f['critical_without_target'])} of {f['critical_systems']} critical systems without recovery targets",
        f"{len(f['drills'])} drill(s) or incident(s) in the round, {f['systems_measured']} system recoveries "
        f"measured, {len(f['recoveries_missed'])} past target",
        f"{len(f['overdue_high_risks'])} high risk(s) with an overdue treatment",
    ]
    if f["critical_without_target"]:
        th.append("ระบบสำคัญที่ยังไม่มีเป้าหมาย: " + ", ".join(f["critical_without_target"]))
        en.append("critical systems without targets: " + ", ".join(f["critical_without_target"]))
    if f["overdue_high_risks"]:
        refs = ", ".join(r["ref"] for r in f["overdue_high_risks"])
        th.append(f"ความเสี่ยงสูงที่เลยกำหนด: {refs}")
        en.append(f"overdue high risks: {refs}")
    if f["open_incidents"]:
        th.append(f"เหตุการณ์ที่ยังไม่กู้คืน {len(f['open_incidents'])} เหตุการณ์")
        en.append(f"{len(f['open_incidents'])} incident(s) not yet recovered")
    return "; ".join(th), "; ".join(en)


def artefacts(facts, period: Period, unit, code: str) -> list[Artefact]:
    """The plan as approved (or, without an approval, as it stands, so the evaluator sees what is
    missing), the heat maps of the unit's risks, and the drill report with measured against target."""
    from lakthan.risks.services.drills import drill_report_pdf
    from lakthan.risks.services.heatmap import heatmap
    from lakthan.risks.services.plan import approved_document, render_plan

    span = format_span(period.start, period.end, thai_digits=True)
    if facts.plan is not None:
        plan_pdf = approved_document(facts.plan, "pdf")
        plan_title = (
            f"แผนบริหารความต่อเนื่องด้านเทคโนโลยีสารสนเทศ ปีงบประมาณ {thai_digits(facts.fiscal_year)} (ฉบับที่อนุมัติ)"
        )
    else:
        plan_pdf = render_plan(unit, facts.fiscal_year, "pdf")
        plan_title = (
            f"แผนบริหารความต่อเนื่องด้านเทคโนโลยีสารสนเทศ ปีงบประมาณ {thai_digits(facts.fiscal_year)} (ยังไม่อนุมัติ)"
        )
    out = [Artefact("continuity-plan.pdf", plan_pdf, plan_title, f"Continuity plan FY {facts.fiscal_year}")]
    # the risks as they stood at the end of the round (a round looked at later shows its own state);
    # while the round runs, as they stand now
    at = end_of_day(period.end) if period.end < timezone.localdate() else None
    if facts.risks:
        out += [
            Artefact(
                "risk-heatmap.png",
                heatmap(unit, residual=False, fmt="png", at=at),
                "แผนภาพความเสี่ยงก่อนการควบคุม",
                f"Inherent risk heat map {code}",
            ),
            Artefact(
                "risk-heatmap-residual.png",
                heatmap(unit, residual=True, fmt="png", at=at),
                "แผนภาพความเสี่ยงหลังการควบคุม",
                f"Residual risk heat map {code}",
            ),
        ]
    if facts.drills:
        out.append(
            Artefact(
                "drill-report.pdf",
                drill_report_pdf(unit, period.start, period.end),
                f"รายงานผลการซ้อมแผนและการกู้คืนระบบเทียบกับเป้าหมาย {span}",
                f"Drill report, measured recovery against target {code}",
            )
        )
    return out


@register
class ContinuityDrills:
    urn = URN
    title_th = "แผนบริหารความเสี่ยงและความต่อเนื่องที่อนุมัติ ซ้อมจริง และกู้คืนได้ตามเป้าหมาย"
    title_en = "Risk and continuity plan approved, exercised, and recovery within target"

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.risks.services.round_facts import round_facts

        facts = round_facts(period, unit)
        status, figures = judge(facts)
        summary_th, summary_en = summary(status, figures)
        numbers = [c.number for c in report.indicator.criteria.all() if URN in c.check_urns]
        found = [] if status == "no_data" else artefacts(facts, period, unit, report.indicator.code)
        return CheckResult(
            status=status,
            summary_th=summary_th,
            summary_en=summary_en,
            figures={**figures, "period": [period.start.isoformat(), period.end.isoformat()]},
            artefacts=found,
            per_criterion={n: status for n in numbers},
        )
