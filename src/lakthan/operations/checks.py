"""Items 4 and 8 as checks.

- Item 8 (websites): every public website of the unit and the units below it was probed in the round
  and up at least LAKTHAN_SITE_MIN_AVAILABILITY per cent of the time measured, its certificate valid,
  its content changed within LAKTHAN_SITE_CURRENT_DAYS days before the day judged, every item of the
  government website checklist found, and its home page checked with axe-core without a critical
  violation.
- Item 4 (systems in use): every system declared installed at a unit (or run by a host of the unit)
  has events from that unit in the usage logs of the round; a declared installation without them is a
  finding."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from lakthan.checks.registry import Artefact, CheckResult, Period, Status, check_result, register
from lakthan.checks.registry import judged_on as day_judged
from lakthan.lib.thai import format_span

WEBSITES_URN = "urn:lakthan:check:websites"
USAGE_URN = "urn:lakthan:check:systems-in-use"
LISTED = 50


# --- item 8 ---------------------------------------------------------------------------------------


def site_shortfalls(site: dict, judged_on) -> list[str]:
    """What keeps one website from counting as up and current, as short English codes."""
    out = []
    ratio = site["availability"]
    if ratio is None:
        out.append("not_probed")
    elif ratio * 100 < settings.LAKTHAN_SITE_MIN_AVAILABILITY:
        out.append("availability")
    if site["tls_days_left"] is not None and site["tls_days_left"] < 0:
        out.append("certificate_expired")
    changed = site["content_changed_at"]
    oldest = judged_on - timedelta(days=settings.LAKTHAN_SITE_CURRENT_DAYS)
    if changed is None or timezone.localdate(changed) < oldest:
        out.append("content_not_current")
    if site["checklist_missing"]:
        out.append("checklist")
    if site["a11y"] is None:
        out.append("accessibility_not_checked")
    elif site["a11y"].get("critical"):
        out.append("accessibility_critical")
    return out


def judge_websites(sites: list[dict], judged_on) -> tuple[Status, dict]:
    rows = []
    for site in sites:
        changed = site["content_changed_at"]
        rows.append(
            {
                "probe": site["probe"],
                "url": site["url"],
                "unit": site["unit"],
                "availability": site["availability"],
                "tls_days_left": site["tls_days_left"],
                "content_changed_at": None if changed is None else changed.isoformat(),
                "checklist_missing": site["checklist_missing"],
                "a11y": site["a11y"],
                "shortfalls": site_shortfalls(site, judged_on),
            }
        )
    figures = {
        "judged_on": judged_on.isoformat(),
        "websites": len(rows),
        "websites_ok": sum(1 for r in rows if not r["shortfalls"]),
        "min_availability_percent": settings.LAKTHAN_SITE_MIN_AVAILABILITY,
        "current_days": settings.LAKTHAN_SITE_CURRENT_DAYS,
        "sites": rows[:LISTED],
    }
    if not rows:
        return "no_data", figures
    if all("not_probed" in r["shortfalls"] for r in rows):
        return "not_met", figures
    return ("met" if figures["websites_ok"] == len(rows) else "partly"), figures


SHORTFALL_TH = {
    "not_probed": "ไม่มีผลการตรวจสอบการให้บริการในรอบ",
    "availability": "เปิดให้บริการต่ำกว่าเกณฑ์",
    "certificate_expired": "ใบรับรองหมดอายุ",
    "content_not_current": "เนื้อหาไม่เป็นปัจจุบัน",
    "checklist": "ขาดหัวข้อตามมาตรฐานเว็บไซต์ภาครัฐ",
    "accessibility_not_checked": "ยังไม่ได้ตรวจการเข้าถึง",
    "accessibility_critical": "มีปัญหาการเข้าถึงระดับร้ายแรง",
}


def summary_websites(status: str, f: dict) -> tuple[str, str]:
    if status == "no_data":
        return "ยังไม่ได้กำหนดเว็บไซต์ของหน่วยงานให้ตรวจสอบ", "no website of the unit is probed"
    th = [f"เว็บไซต์ {f['websites']} เว็บไซต์ ผ่านเกณฑ์ {f['websites_ok']} เว็บไซต์"]
    en = [f"{f['websites_ok']} of {f['websites']} websites up, current and complete"]
    for site in f["sites"]:
        if site["shortfalls"]:
            th.append(f"{site['url']}: " + ", ".join(SHORTFALL_TH[s] for s in site["shortfalls"]))
            en.append(f"{site['url']}: " + ", ".join(site["shortfalls"]).replace("_", " "))
    return "; ".join(th), "; ".join(en)


@register
class Websites:
    urn = WEBSITES_URN
    title_th = "เว็บไซต์ของส่วนราชการและหน่วยงานในสังกัดเปิดให้บริการ เนื้อหาเป็นปัจจุบัน ครบตามมาตรฐาน และเข้าถึงได้"
    title_en = "Websites of the agency and its units up, current, complete and accessible"

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.operations.services.availability import availability_pdf
        from lakthan.operations.services.sites import site_table, websites_pdf

        judged_on = day_judged(period)
        status, figures = judge_websites(site_table(unit, period.start, judged_on), judged_on)
        span = format_span(period.start, judged_on, thai_digits=True)

        def documents() -> list[Artefact]:
            return [
                Artefact(
                    "websites.pdf",
                    websites_pdf(unit, period.start, judged_on),
                    f"ผลการตรวจสอบเว็บไซต์ของหน่วยงาน (การให้บริการ ความเป็นปัจจุบัน มาตรฐาน การเข้าถึง) {span}",
                    f"Websites: availability, content age, checklist, accessibility {period.start}–{judged_on}",
                ),
                Artefact(
                    "availability.pdf",
                    availability_pdf(unit, period.start, judged_on),
                    f"สถิติการเปิดให้บริการของระบบและเว็บไซต์ รายเดือน {span}",
                    f"Availability per month and uptime pictures {period.start}–{judged_on}",
                ),
            ]

        return check_result(report, period, WEBSITES_URN, status, figures, summary_websites, documents)


# --- item 4 ---------------------------------------------------------------------------------------


def judge_usage(found: dict, judged_on) -> tuple[Status, dict]:
    installations = found["installations"]
    in_use = [i for i in installations if i["in_use"]]
    systems = sorted({i["system"] for i in installations})
    figures = {
        "judged_on": judged_on.isoformat(),
        "systems": len(systems),
        "installations": len(installations),
        "in_use": len(in_use),
        "units_per_system": {s: sum(1 for i in in_use if i["system"] == s) for s in systems},
        "events": sum(r["events"] for r in found["rows"]),
        "silent": [{"system": s["system"], "unit": s["unit"]} for s in found["silent"]][:LISTED],
    }
    if not installations:
        return "no_data", figures
    if not in_use:
        return "not_met", figures
    return ("partly" if found["silent"] else "met"), figures


def summary_usage(status: str, f: dict) -> tuple[str, str]:
    if status == "no_data":
        return (
            "ยังไม่ได้ระบุหน่วยงานและจุดให้บริการที่ติดตั้งระบบสารสนเทศ",
            "no system is declared installed at any unit",
        )
    th = [
        f"ระบบสารสนเทศ {f['systems']} ระบบ ติดตั้ง {f['installations']} หน่วย "
        f"ใช้งานจริงตามบันทึกการใช้งาน {f['in_use']} หน่วย ({f['events']} รายการ)"
    ]
    en = [
        f"{f['systems']} systems installed at {f['installations']} unit(s), "
        f"{f['in_use']} in use according to the usage logs ({f['events']} events)"
    ]
    if f["silent"]:
        listed = ", ".join(f"{s['system']} @ {s['unit']}" for s in f["silent"])
        th.append(f"ติดตั้งแต่ไม่พบการใช้งานในรอบ: {listed}")
        en.append(f"installed but silent in the round: {listed}")
    return "; ".join(th), "; ".join(en)


@register
class SystemsInUse:
    urn = USAGE_URN
    title_th = "ระบบสารสนเทศใช้งานจริงในทุกหน่วยงานและจุดให้บริการที่ติดตั้ง พร้อมสถิติการใช้งาน"
    title_en = "Systems in real use at every unit and service point where installed, with usage statistics"

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.operations.services.usage import usage, usage_pdf, usage_png

        judged_on = day_judged(period)
        status, figures = judge_usage(usage(unit, period.start, judged_on), judged_on)
        span = format_span(period.start, judged_on, thai_digits=True)

        def documents() -> list[Artefact]:
            return [
                Artefact(
                    "systems-in-use.pdf",
                    usage_pdf(unit, period.start, judged_on),
                    f"รายชื่อหน่วยงานและด่านที่ติดตั้งและใช้งานระบบสารสนเทศ และสถิติการใช้งาน {span}",
                    f"Units and checkpoints using each system, with usage statistics {period.start}–{judged_on}",
                ),
                Artefact(
                    "systems-in-use.png",
                    usage_png(unit, period.start, judged_on),
                    f"แผนภาพการใช้งานระบบสารสนเทศรายหน่วยงาน {span}",
                    f"System-by-unit usage chart {period.start}–{judged_on}",
                ),
            ]

        return check_result(report, period, USAGE_URN, status, figures, summary_usage, documents)
