"""Compliance per system and period, for a unit's round, and its artefacts (CSV, PDF, calendar)."""

from __future__ import annotations

import html
from base64 import b64encode
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone

from lakthan.backups.engines import calendar_picture as pic
from lakthan.backups.engines import compliance as engine
from lakthan.backups.models import BackupSystem, RestoreTest, Snapshot, Verification
from lakthan.backups.services.systems import policy_of
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.lib.spreadsheet import csv_bytes, header


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(
            f"วันสิ้นสุด {end.isoformat()} อยู่ก่อนวันเริ่ม {start.isoformat()}",
            f"--to {end.isoformat()} is before --from {start.isoformat()}",
        )
    if (end - start).days > 3 * 366:
        raise InvalidInput("ช่วงเวลายาวเกิน ๓ ปี", "the period is longer than 3 years")


def snapshot_days(system: BackupSystem, start: date, end: date) -> list[date]:
    # a day either side: a UTC timestamp's Bangkok day may fall on the neighbouring UTC day
    ws, _ = engine.window_of(start, policy_of(system).window)
    _, we = engine.window_of(end, policy_of(system).window)
    times = Snapshot.objects.filter(
        system=system, time__date__gte=ws - timedelta(days=1), time__date__lte=we + timedelta(days=1)
    ).values_list("time", "tags")
    days = (engine.bangkok_day(t) for t, tags in times if engine.counts_as_backup(tags))
    return [d for d in days if ws <= d <= we]


def system_compliance(
    system: BackupSystem, start: date, end: date, today: date | None = None
) -> engine.Compliance:
    _check_period(start, end)
    return engine.compute(
        policy_of(system),
        snapshot_days(system, start, end),
        start,
        end,
        today=today or timezone.localdate(),
        in_service_from=system.in_service_from,
    )


@dataclass
class SystemRow:
    system: BackupSystem
    compliance: engine.Compliance
    days: set[date]
    last_verification: Verification | None
    last_restore: RestoreTest | None

    @property
    def verified(self) -> bool:
        return bool(self.last_verification and self.last_verification.ok)

    @property
    def restored(self) -> bool:
        return bool(self.last_restore and self.last_restore.ok)


def unit_systems(unit: Unit, start: date | None = None, end: date | None = None):
    """Active systems of the unit and the units below it (in service by ``end``, when given)."""
    qs = BackupSystem.objects.filter(system__unit_id__in=unit.descendant_ids(), active=True).select_related(
        "system__unit"
    )
    return qs.filter(in_service_from__lte=end) if end else qs


def unit_compliance(unit: Unit, start: date, end: date, today: date | None = None) -> list[SystemRow]:
    """Every system of the unit in one pass: one query for the snapshots, one for verifications, one
    for restore tests (a unit may hold a thousand systems)."""
    _check_period(start, end)
    today = today or timezone.localdate()
    systems = list(unit_systems(unit, start, end))
    if not systems:
        return []
    # the widest span any policy window can reach around the period, a day either side for time zones
    lo, hi = start - timedelta(days=32), end + timedelta(days=32)
    times: dict[int, list] = {s.pk: [] for s in systems}
    for system_id, moment, tags in Snapshot.objects.filter(
        system__in=systems,
        time__gte=datetime.combine(lo, dtime.min, UTC),
        time__lt=datetime.combine(hi, dtime.min, UTC),
    ).values_list("system_id", "time", "tags"):
        if engine.counts_as_backup(tags):
            times[system_id].append(engine.bangkok_day(moment))
    in_period = Q(started_at__date__gte=start) & Q(started_at__date__lte=end) & Q(system__in=systems)
    verifications = _best_by_system(Verification.objects.filter(in_period))
    restores = _best_by_system(RestoreTest.objects.filter(in_period))
    rows = []
    for system in systems:
        policy = policy_of(system)
        ws, _ = engine.window_of(start, policy.window)
        _, we = engine.window_of(end, policy.window)
        days = [d for d in times[system.pk] if ws <= d <= we]
        comp = engine.compute(policy, days, start, end, today=today, in_service_from=system.in_service_from)
        rows.append(SystemRow(system, comp, set(days), verifications.get(system.pk), restores.get(system.pk)))
    return rows


# --- artefacts ----------------------------------------------------------------------------------


def calendar_for(
    rows: list[SystemRow], start: date, end: date, title: str, thai: bool = True
) -> pic.Calendar:
    return pic.Calendar(
        title=title,
        start=start,
        end=end,
        thai=thai,
        legend=("มีการสำรองข้อมูล", "ไม่มีการสำรอง", "ช่วงที่ไม่ครบตามนโยบาย")
        if thai
        else ("backup made", "no backup", "missed window"),
        rows=[
            pic.Row(
                label=r.system.system.name_th[:38],
                backup_days=r.days,
                missed=[(w.start, w.end) for w in r.compliance.missed],
                open=[(w.start, w.end) for w in r.compliance.windows if w.state == "open"],
                note=_percent(r.compliance.percent_met, thai),
            )
            for r in rows
        ],
    )


def _percent(value: float | None, thai: bool) -> str:
    from lakthan.lib.thai import digits

    return digits(f"{'–' if value is None else value} %", thai=thai)


def font_path() -> str | None:
    try:
        from lakthan.reports.fonts import report_font

        return str(report_font().regular)
    except Exception:
        return None


WINDOW_TH = {"iso_week": "สัปดาห์ (จันทร์–อาทิตย์)", "month": "เดือน", "day": "วัน"}
WINDOW_EN = {"iso_week": "ISO week", "month": "calendar month", "day": "day"}


def compliance_csv(rows: list[SystemRow]) -> bytes:
    columns = header(
        ("รหัสระบบ", "system"),
        ("ชื่อระบบ", "system_name_th"),
        ("หน่วยงาน", "unit"),
        ("ประเภท", "class"),
        ("นโยบาย", "policy"),
        ("ช่วงที่พิจารณา", "windows_judged"),
        ("ช่วงที่ครบ", "windows_met"),
        ("ร้อยละที่ครบ", "percent_met"),
        ("ช่วงที่ไม่ครบ", "missed_windows"),
        ("ตรวจสอบคลังล่าสุด", "last_verification"),
        ("ผลตรวจสอบคลัง", "verification_ok"),
        ("ทดสอบกู้คืนล่าสุด", "last_restore_test"),
        ("ผลทดสอบกู้คืน", "restore_ok"),
        ("วินาทีที่ใช้กู้คืน", "restore_seconds"),
    )
    return csv_bytes([columns, *(_compliance_row(r) for r in rows)])


def _compliance_row(r: SystemRow) -> list:
    c = r.compliance
    return [
        r.system.name,
        r.system.system.name_th,
        r.system.system.unit.code,
        r.system.system.klass,
        f">={c.policy.min_per_window} per {c.policy.window}",
        len(c.judged),
        sum(x.met for x in c.judged),
        "" if c.percent_met is None else c.percent_met,
        "; ".join(f"{m.start.isoformat()}..{m.end.isoformat()} ({m.actual}/{m.required})" for m in c.missed),
        r.last_verification.started_at.isoformat() if r.last_verification else "",
        r.verified,
        r.last_restore.started_at.isoformat() if r.last_restore else "",
        r.restored,
        r.last_restore.restore_seconds if r.last_restore else "",
    ]


def compliance_pdf(rows: list[SystemRow], start: date, end: date, title: str, png: bytes) -> bytes:
    from lakthan.lib.thai import format_date, thai_digits
    from lakthan.reports.render_pdf import render_pdf_from_html

    def d(x):
        return format_date(x)

    def n(x) -> str:
        return thai_digits(x)

    body = []
    for r in rows:
        c = r.compliance
        restore = "ไม่มี"
        if r.last_restore:
            seconds = n(format(r.last_restore.restore_seconds, ".1f"))
            outcome = "ผ่าน" if r.restored else "ไม่ผ่าน"
            restore = f"{d(r.last_restore.started_at)} {outcome} ({seconds} วินาที)"
        missed = (
            ", ".join(f"{d(m.start)} – {d(m.end)} ({n(m.actual)}/{n(m.required)})" for m in c.missed) or "ไม่มี"
        )
        body.append(
            "<tr>"
            f"<td>{html.escape(r.system.system.name_th)}<br><small>{html.escape(r.system.name)} · {r.system.system.klass}</small></td>"
            f"<td>≥ {n(c.policy.min_per_window)} ครั้ง/{WINDOW_TH[c.policy.window]}</td>"
            f"<td class=n>{n(sum(x.met for x in c.judged))}/{n(len(c.judged))}</td>"
            f"<td class=n>{'–' if c.percent_met is None else n(c.percent_met)}</td>"
            f"<td>{html.escape(missed)}</td>"
            f"<td>{d(r.last_verification.started_at) + (' ผ่าน' if r.verified else ' ไม่ผ่าน') if r.last_verification else 'ไม่มี'}</td>"
            f"<td>{restore}</td>"
            "</tr>"
        )
    page = f"""<html lang="th"><head><style>
      @page {{ size: A4 landscape; margin: 1.5cm; }}
      body {{ font-family: Sarabun; font-size: 12pt; }}
      h1 {{ font-size: 16pt; margin: 0 0 4pt; }}
      table {{ border-collapse: collapse; width: 100%; font-size: 11pt; }}
      th, td {{ border: 0.5pt solid #555; padding: 2pt 4pt; vertical-align: top; }}
      th {{ background: #eee; }} td.n {{ text-align: right; }} small {{ color: #555; }}
      img {{ width: 100%; margin-top: 8pt; }}
    </style></head><body>
    <h1>{html.escape(title)}</h1>
    <p>ช่วงเวลา {d(start)} – {d(end)} (เวลาประเทศไทย) · นับเฉพาะช่วงเวลาที่สิ้นสุดแล้ว
    ช่วงเวลาที่คาบเกี่ยวขอบของช่วงนับทั้งช่วง</p>
    <table><thead><tr><th>ระบบ</th><th>นโยบาย</th><th>ช่วงที่ครบ</th><th>ร้อยละ</th><th>ช่วงที่ไม่ครบ (ครั้ง/ที่กำหนด)</th>
    <th>ตรวจสอบคลังล่าสุด</th><th>ทดสอบกู้คืนล่าสุด</th></tr></thead><tbody>{"".join(body)}</tbody></table>
    <img src="data:image/png;base64,{b64encode(png).decode()}" alt="ปฏิทินการสำรองข้อมูล">
    </body></html>"""
    return render_pdf_from_html(page)


_Proof = TypeVar("_Proof", Verification, RestoreTest)


def _best_by_system(records: QuerySet[_Proof]) -> dict[int, _Proof]:
    """Each system's latest successful record, else its latest."""
    found: dict[int, _Proof] = {}
    for record in records.order_by("started_at", "pk"):
        best = found.get(record.system_id)
        if best is None or record.ok or not best.ok:
            found[record.system_id] = record
    return found
