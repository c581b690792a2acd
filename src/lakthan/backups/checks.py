"""Item 1: backups that ran in every policy window, were verified and restored, for every system of the unit."""

from __future__ import annotations

from lakthan.checks.registry import Artefact, CheckResult, Period, register
from lakthan.lib.thai import format_span

URN = "urn:lakthan:check:backup-compliance"


def judge(rows) -> tuple[str, dict]:
    """met: every system met every window, was verified and restore-tested in the period;
    not_met: most windows missed, or nothing verified; partly: the control runs with shortfalls."""
    if not rows:
        return "no_data", {}
    judged = sum(len(r.compliance.judged) for r in rows)
    missed = sum(len(r.compliance.missed) for r in rows)
    unverified = [r.system.name for r in rows if not r.verified]
    unrestored = [r.system.name for r in rows if not r.restored]
    figures = {
        "names_th": {r.system.name: r.system.system.name_th for r in rows},
        "systems": len(rows),
        "windows_judged": judged,
        "windows_missed": missed,
        "percent_met": round(100.0 * (judged - missed) / judged, 1) if judged else None,
        "unverified": unverified,
        "without_restore_test": unrestored,
        "missed": {
            r.system.name: [
                [w.start.isoformat(), w.end.isoformat(), w.actual, w.required] for w in r.compliance.missed
            ]
            for r in rows
            if r.compliance.missed
        },
    }
    if (judged and missed * 2 > judged) or len(unverified) == len(rows):
        return "not_met", figures
    if missed or unverified or unrestored:
        return "partly", figures
    return "met", figures


def _named(code: str, f: dict) -> str:
    """A system as the inventory names it in Thai, its code beside: "ระบบ PIBICS (pibics-db)"."""
    name_th = f.get("names_th", {}).get(code, "")
    return f"{name_th} ({code})" if name_th and name_th != code else code


def _summary(status: str, f: dict) -> tuple[str, str]:
    if status == "no_data":
        return (
            "หน่วยงานยังไม่มีระบบสารสนเทศในทะเบียนการสำรองข้อมูล",
            "the unit has no system in the backup inventory",
        )
    th = [
        f"สำรองข้อมูลครบตามนโยบาย {f['windows_judged'] - f['windows_missed']} จาก {f['windows_judged']} ช่วงเวลา ({f['systems']} ระบบ)"
    ]
    en = [
        f"{f['windows_judged'] - f['windows_missed']} of {f['windows_judged']} policy windows met ({f['systems']} systems)"
    ]
    for name, windows in f["missed"].items():
        more = " …" if len(windows) > 6 else ""
        spans_th = ", ".join(f"{format_span(s, e)} ({a}/{r})" for s, e, a, r in windows[:6]) + more
        spans_en = ", ".join(f"{s}–{e} ({a}/{r})" for s, e, a, r in windows[:6]) + more
        th.append(f"{_named(name, f)} ไม่ครบ {len(windows)} ช่วง: {spans_th}")
        en.append(f"{name} missed {len(windows)}: {spans_en}")
    if f["unverified"]:
        th.append("ยังไม่ตรวจสอบคลัง: " + ", ".join(f["unverified"]))
        en.append("not verified: " + ", ".join(f["unverified"]))
    if f["without_restore_test"]:
        th.append("ยังไม่ทดสอบกู้คืน: " + ", ".join(f["without_restore_test"]))
        en.append("no restore test: " + ", ".join(f["without_restore_test"]))
    return "; ".join(th), "; ".join(en)


@register
class BackupCompliance:
    urn = URN
    title_th = "การสำรองข้อมูลตามนโยบาย การตรวจสอบ และการทดสอบกู้คืน"
    title_en = "Backup compliance, verification and restore tests"

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.backups.engines import calendar_picture
        from lakthan.backups.services import compliance as svc

        rows = svc.unit_compliance(unit, period.start, period.end)
        status, figures = judge(rows)
        summary_th, summary_en = _summary(status, figures)
        numbers = [c.number for c in report.indicator.criteria.all() if URN in c.check_urns]
        artefacts = []
        if rows:
            label = f"{report.indicator.code} รอบ {report.round.months} เดือน"
            title = f"การสำรองข้อมูลของ{unit.name_th} {format_span(period.start, period.end, thai_digits=True)}"
            cal = svc.calendar_for(rows, period.start, period.end, title)
            png = calendar_picture.to_png(cal, svc.font_path())
            artefacts = [
                Artefact(
                    "backup-compliance.csv",
                    svc.compliance_csv(rows),
                    f"ตารางการสำรองข้อมูลตามนโยบาย {label}",
                    f"Backup compliance table {report.indicator.code}",
                ),
                Artefact(
                    "backup-compliance.pdf",
                    svc.compliance_pdf(rows, period.start, period.end, title, png),
                    f"รายงานการสำรองข้อมูลตามนโยบาย {label}",
                    f"Backup compliance report {report.indicator.code}",
                ),
                Artefact(
                    "backup-calendar.png",
                    png,
                    f"ปฏิทินการสำรองข้อมูล {label}",
                    f"Backup calendar {report.indicator.code}",
                ),
            ]
        return CheckResult(
            status=status,
            summary_th=summary_th,
            summary_en=summary_en,
            figures={**figures, "period": [period.start.isoformat(), period.end.isoformat()]},
            artefacts=artefacts,
            per_criterion={n: status for n in numbers},
        )
