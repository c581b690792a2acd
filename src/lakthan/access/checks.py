"""Item 10: access rights that are correct and current — leavers disabled in time, every right kept by a
review (or approved) in the round, a campaign completed in the round, dormant accounts looked at."""

from __future__ import annotations

import json

from lakthan.checks.registry import Artefact, CheckResult, Period, Status, register
from lakthan.lib.thai import format_span

URN = "urn:lakthan:check:access-review"
LISTED = 50  # names listed in the figures; the CSV has them all


def judge(facts) -> tuple[Status, dict]:
    """met: no leaver enabled past the agreed days, every right kept in a review (or approved), a
    campaign finished in the round, every dormant account looked at. not_met: a leaver still enabled
    past the days, no campaign finished, or no right reviewed at all; partly: the control runs with
    shortfalls (late disables, rights or dormant accounts not reviewed)."""
    unapproved = facts.rights_without_approval
    figures = {
        "judged_on": facts.judged_on.isoformat(),
        "leaver_days_limit": facts.leaver_days_limit,
        "enabled_accounts": facts.accounts,
        "leavers_enabled": len(facts.leavers_enabled),
        "leavers_enabled_past_limit": [[a, d] for a, d in facts.leavers_past_limit][:LISTED],
        "leaver_disables": len(facts.leaver_disables),
        "leaver_disable_days": [[a, d] for a, d in facts.leaver_disables][:LISTED],
        "late_disables": len(facts.late_disables),
        "rights": len(facts.rights),
        "rights_kept_in_review": len(facts.rights) - len(unapproved),
        "rights_without_approval": len(unapproved),
        "rights_without_approval_listed": [f"{a} / {g}" for _, a, g in unapproved][:LISTED],
        "campaigns_finished": [
            {"id": c.pk, "name": c.name, "state": c.state, "finished": c.finished_at.date().isoformat()}
            for c in facts.campaigns
        ],
        "dormant": len(facts.dormant),
        "dormant_unhandled": facts.dormant_unhandled[:LISTED],
    }
    if not facts.accounts and not facts.leaver_disables and not facts.campaigns:
        return "no_data", figures
    if (
        facts.leavers_past_limit
        or not facts.campaigns
        or (facts.rights and len(unapproved) == len(facts.rights))
    ):
        return "not_met", figures
    if facts.late_disables or unapproved or facts.dormant_unhandled:
        return "partly", figures
    return "met", figures


def summary(status: str, f: dict) -> tuple[str, str]:
    if status == "no_data":
        return (
            "ยังไม่มีบัญชีผู้ใช้ของระบบสารสนเทศของหน่วยงานในแหล่งข้อมูลตัวตน",
            "no account of the unit's systems in any identity source",
        )
    limit = f["leaver_days_limit"]
    th = [
        f"สิทธิ์ที่ใช้งานได้ {f['rights']} รายการ ผ่านการทบทวนคงสิทธิ์ {f['rights_kept_in_review']} รายการ",
        f"การทบทวนสิทธิ์ที่เสร็จในรอบ {len(f['campaigns_finished'])} ครั้ง",
        f"ผู้พ้นสภาพที่ถูกระงับบัญชีในรอบ {f['leaver_disables']} บัญชี เกิน {limit} วัน {f['late_disables']} บัญชี",
    ]
    en = [
        f"{f['rights_kept_in_review']} of {f['rights']} enabled rights kept in a review",
        f"{len(f['campaigns_finished'])} campaign(s) finished in the round",
        f"{f['leaver_disables']} leaver account(s) disabled in the round, {f['late_disables']} after more than {limit} days",
    ]
    if f["leavers_enabled_past_limit"]:
        names = ", ".join(f"{a} ({d} วัน)" for a, d in f["leavers_enabled_past_limit"])
        th.append(f"ผู้พ้นสภาพที่ยังใช้งานบัญชีได้เกิน {limit} วัน: {names}")
        en.append(
            f"leavers still enabled past {limit} days: "
            + ", ".join(f"{a} ({d} days)" for a, d in f["leavers_enabled_past_limit"])
        )
    if f["dormant_unhandled"]:
        th.append("บัญชีที่ไม่ได้ใช้งานและยังไม่ได้ทบทวน: " + ", ".join(f["dormant_unhandled"]))
        en.append("dormant accounts not reviewed: " + ", ".join(f["dormant_unhandled"]))
    return "; ".join(th), "; ".join(en)


def findings_csv(facts) -> bytes:
    from lakthan.lib.spreadsheet import csv_bytes, header

    unhandled = set(facts.dormant_unhandled)
    rows = [
        header(
            ("ประเภท", "kind"),
            ("บัญชี", "account"),
            ("ระบบ", "system"),
            ("รหัสพนักงาน", "person"),
            ("รายละเอียด", "detail"),
            ("ทบทวนแล้ว", "reviewed"),
        )
    ]
    for f in facts.found:
        reviewed = "" if f.kind != "dormant" else ("ไม่" if f.account in unhandled else "แล้ว")
        rows.append(
            [f.kind, f.account, f.system, f.person, json.dumps(f.detail, ensure_ascii=False), reviewed]
        )
    for _, account, group in facts.rights_without_approval:
        rows.append(
            ["right_not_reviewed", account, "", "", json.dumps({"group": group}, ensure_ascii=False), "ไม่"]
        )
    return csv_bytes(rows)


def leaver_days_png(facts, title: str) -> bytes:
    from django.conf import settings

    from lakthan.access.engines.leaver_chart import Bar, to_png
    from lakthan.reports.fonts import report_font

    bars = [Bar(a, d, True) for a, d in facts.leaver_disables] + [
        Bar(a, d, False) for a, d in facts.leavers_enabled
    ]
    return to_png(
        bars, facts.leaver_days_limit, title, str(report_font().regular), settings.LAKTHAN_THAI_DIGITS
    )


@register
class AccessReview:
    urn = URN
    title_th = "สิทธิ์การเข้าถึงที่ถูกต้องและเป็นปัจจุบัน (ผู้พ้นสภาพ การทบทวนสิทธิ์ และบัญชีที่ไม่ได้ใช้งาน)"
    title_en = "Access rights correct and current (leavers, reviews, dormant accounts)"

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.access.services.campaign_report import report_pdf
        from lakthan.access.services.round_review import round_facts

        facts = round_facts(period, unit)
        status, figures = judge(facts)
        summary_th, summary_en = summary(status, figures)
        numbers = [c.number for c in report.indicator.criteria.all() if URN in c.check_urns]
        artefacts = []
        if status != "no_data":
            label = f"{report.indicator.code} รอบ {report.round.months} เดือน"
            span = format_span(period.start, period.end, thai_digits=True)
            artefacts = [
                Artefact(
                    "access-findings.csv",
                    findings_csv(facts),
                    f"ตารางข้อตรวจพบสิทธิ์การเข้าถึง {label}",
                    f"Access findings table {report.indicator.code}",
                ),
                Artefact(
                    "leaver-disable-days.png",
                    leaver_days_png(facts, f"จำนวนวันจากวันพ้นสภาพถึงวันระงับบัญชี {span}"),
                    f"แผนภูมิจำนวนวันจากวันพ้นสภาพถึงวันระงับบัญชี {span}",
                    f"Leaver-to-disable days {report.indicator.code}",
                ),
                *(
                    Artefact(
                        f"access-review-{c.pk}.pdf",
                        report_pdf(c),
                        f"รายงานผลการทบทวนสิทธิ์การเข้าถึง {c.name}",
                        f"Access review report {c.pk}",
                    )
                    for c in facts.campaigns
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
