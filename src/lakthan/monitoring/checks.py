"""Checks for item 2: log coverage of the unit's hosts in the round, and log integrity (verification,
retention held, detections reviewed)."""

from __future__ import annotations

import json
from datetime import datetime, time

from lakthan.checks.registry import Artefact, CheckResult, Period, register
from lakthan.lib.spreadsheet import csv_bytes, header
from lakthan.lib.thai import format_span, thai_digits
from lakthan.lib.timezones import BANGKOK

COVERAGE = "urn:lakthan:check:log-coverage"
INTEGRITY = "urn:lakthan:check:log-integrity"
ITEM = 2


@register
class LogCoverage:
    urn = COVERAGE
    title_th = "ความครอบคลุมของการเก็บบันทึกการใช้งานทุกเครื่อง"
    title_en = "Log coverage of every host"

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.monitoring.chart import coverage_png
        from lakthan.monitoring.services import coverage as log_coverage

        cov = log_coverage.coverage(unit, period.start, period.end)
        hosts = cov.hosts
        if not hosts:
            return CheckResult(
                "no_data",
                "หน่วยงานยังไม่มีรายการเครื่องที่ต้องส่งบันทึก",
                "the unit has no inventoried hosts",
                per_criterion={ITEM: "no_data"},
            )
        never = [h.name for h in hosts if not h.events]
        gaps = {h.name: h.silent_periods for h in hosts if h.events and h.silent_periods}
        window = cov.window
        n_days = hosts[0].days_in_window if window else 0
        mostly_silent = [h.name for h in hosts if h.days_reported * 2 < n_days] + never
        if len(set(mostly_silent)) * 2 > len(hosts) or not window:
            status = "not_met"
        elif never or gaps:
            status = "partly"
        else:
            status = "met"
        gap_th = "; ".join(
            f"{name} เงียบ {', '.join(format_span(a, b) for a, b in p)}" for name, p in gaps.items()
        )
        gap_en = "; ".join(f"{name} silent {_ranges(p)}" for name, p in gaps.items())
        reported = len(hosts) - len(never)
        summary_th = f"เครื่องส่งบันทึก {reported} จาก {len(hosts)} เครื่อง" + (
            f" ช่วง {format_span(window[0], window[1])}" if window else ""
        )
        summary_en = f"{reported} of {len(hosts)} hosts sent logs" + (
            f" from {window[0]} to {window[1]}" if window else ""
        )
        if never:
            summary_th += f"; ไม่เคยส่ง: {', '.join(never)}"
            summary_en += f"; never sent: {', '.join(never)}"
        if gaps:
            summary_th += f"; {gap_th}"
            summary_en += f"; {gap_en}"
        artefacts = [
            Artefact(
                "log-coverage.csv",
                _csv(hosts),
                f"ตารางความครอบคลุมการเก็บบันทึก รอบ {report.round.months} เดือน",
                f"Log coverage table, {report.round.months}-month round",
            )
        ]
        if window:
            png = coverage_png(
                [h.name for h in hosts],
                {h.name: h.per_day for h in hosts},
                window[0],
                window[1],
                f"ความครอบคลุมการเก็บบันทึก {format_span(window[0], window[1], thai_digits=True)}"
                f" (ส่งบันทึก {thai_digits(reported)} จาก {thai_digits(len(hosts))} เครื่อง)",
            )
            artefacts.append(
                Artefact(
                    "log-coverage.png",
                    png,
                    "แผนภูมิความครอบคลุมการเก็บบันทึกรายเครื่องรายวัน",
                    "Log coverage chart per host and day",
                )
            )
        return CheckResult(
            status,
            summary_th,
            summary_en,
            figures={
                "hosts": len(hosts),
                "reported": reported,
                "never": never,
                "silent_periods": {
                    name: [[a.isoformat(), b.isoformat()] for a, b in p] for name, p in gaps.items()
                },
                "window": [window[0].isoformat(), window[1].isoformat()] if window else None,
                "seq_gaps": sum(h.seq_gaps for h in hosts),
            },
            artefacts=artefacts,
            per_criterion={ITEM: status},
        )


def _ranges(periods) -> str:
    return ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in periods)


def _csv(hosts) -> bytes:
    columns = header(
        ("เครื่อง", "host"),
        ("หน่วยงาน", "unit"),
        ("จำนวนเหตุการณ์", "events"),
        ("เหตุการณ์ต่อวัน", "events_per_day"),
        ("วันที่ส่งบันทึก", "days_reported"),
        ("วันในช่วง", "days_in_window"),
        ("เหตุการณ์ล่าสุด", "last_event"),
        ("ช่วงที่เงียบ", "silent_periods"),
        ("ลำดับที่ขาดหาย", "seq_gaps"),
        ("บรรทัดที่อ่านไม่ได้", "unparsed"),
    )
    rows = (
        [
            h.name,
            h.unit,
            h.events,
            h.events_per_day,
            h.days_reported,
            h.days_in_window,
            h.last_event.isoformat() if h.last_event else "",
            _ranges(h.silent_periods),
            h.seq_gaps,
            h.unparsed,
        ]
        for h in hosts
    )
    return csv_bytes([columns, *rows])


@register
class LogIntegrity:
    """Reads the last verification (the periodic job or `lakthan logs verify` writes it); it never
    verifies itself, so running checks neither takes minutes nor writes the store's state."""

    urn = INTEGRITY
    title_th = "ความถูกต้องครบถ้วนของบันทึกการใช้งาน (ตรวจสอบการแก้ไขได้)"
    title_en = "Log integrity (tamper evidence), retention and review"

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.monitoring.models import Alert, HostDay, Segment
        from lakthan.monitoring.services import home, retention, verification
        from lakthan.monitoring.services import hosts as log_hosts

        hosts = log_hosts.hosts_of(unit)
        if not hosts:
            return CheckResult(
                "no_data",
                "หน่วยงานยังไม่มีรายการเครื่องที่ต้องส่งบันทึก",
                "the unit has no inventoried hosts",
                per_criterion={ITEM: "no_data"},
            )
        start, end = _bounds(period)
        segments = Segment.objects.filter(first_ts__lte=end, last_ts__gte=start)
        if not segments.exists():
            return CheckResult(
                "no_data",
                "ยังไม่มีบันทึกที่ปิดผนึกในรอบนี้",
                "no sealed log segments in the period",
                per_criterion={ITEM: "no_data"},
            )
        v = verification.last_verification()
        if v is None:
            return CheckResult(
                "no_data",
                "ยังไม่เคยตรวจสอบความถูกต้องของบันทึก (lakthan logs verify)",
                "the logs have not been verified yet (lakthan logs verify)",
                per_criterion={ITEM: "no_data"},
            )
        in_period = set(segments.values_list("index", flat=True))
        problems = [p for p in v["problems"] if p.get("segment") is None or p["segment"] in in_period]
        names = log_hosts.sender_names(hosts)
        events = sum(
            HostDay.objects.filter(
                host_name__in=names, day__gte=period.start, day__lte=period.end
            ).values_list("count", flat=True)
        )
        alerts = Alert.objects.filter(host__in=names, first__gte=start, first__lte=end)
        open_alerts = alerts.filter(disposition=Alert.Disposition.OPEN).count()
        total_alerts = alerts.count()
        days = min(retention.retention_days(h.name) for h in hosts)
        kept = segments.filter(pruned_at__isnull=True).order_by("index")
        oldest = kept.first().first_ts if kept.exists() else None
        span = (kept.last().last_ts - oldest).days if oldest else 0
        if problems:
            status = "not_met"
            th = f"การตรวจสอบพบความผิดปกติ {len(problems)} รายการ"
            en = f"verification found {len(problems)} problem(s)"
        elif open_alerts:
            status = "partly"
            th = f"บันทึกครบถ้วนไม่ถูกแก้ไข; การแจ้งเตือนรอพิจารณา {open_alerts} จาก {total_alerts} รายการ"
            en = f"logs intact; {open_alerts} of {total_alerts} alerts await review"
        else:
            status = "met"
            th = f"บันทึกครบถ้วนไม่ถูกแก้ไข ({events:,} เหตุการณ์); พิจารณาการแจ้งเตือนครบ {total_alerts:,} รายการ"
            en = f"logs intact ({events:,} events); all {total_alerts:,} alerts reviewed"
        th += f"; กำหนดเก็บรักษา {days} วัน"
        en += f"; retention {days} days"
        store = home.store()
        artefacts = [
            Artefact(
                "log-verification.json",
                json.dumps({**v, "problems": problems}, ensure_ascii=False, indent=1).encode(),
                "รายงานการตรวจสอบความถูกต้องของบันทึกการใช้งาน",
                "Log verification report",
            ),
            Artefact(
                "log-checkpoint.txt",
                ((store.latest_checkpoint() or "") + "\n" + (store.vkey() or "") + "\n").encode(),
                "จุดตรวจสอบ (checkpoint) ล่าสุดที่ลงลายมือชื่อ พร้อมกุญแจสาธารณะ",
                "Latest signed checkpoint and public key",
            ),
        ]
        return CheckResult(
            status,
            th,
            en,
            figures={
                "intact": not problems,
                "problems": len(problems),
                "verified_at": v.get("verified_at"),
                "checkpoint": v["checkpoint"],
                "events": events,
                "alerts": total_alerts,
                "alerts_open": open_alerts,
                "retention_days": days,
                "oldest_retained": oldest.isoformat() if oldest else None,
                "span_days": span,
                "retention_held": days >= retention.MIN_RETENTION_DAYS,
            },
            artefacts=artefacts,
            per_criterion={ITEM: status},
        )


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first and last instant, its days counted in Asia/Bangkok."""
    return (
        datetime.combine(period.start, time.min, tzinfo=BANGKOK),
        datetime.combine(period.end, time.max, tzinfo=BANGKOK),
    )
