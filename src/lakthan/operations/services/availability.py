"""Availability of probes over a period of Bangkok days (both included), per Bangkok month, from the
results kept (engines/availability.py explains the arithmetic); the uptime picture; the availability
report PDF of a unit's probes. Read-only: nothing here changes state.

A result before the period still counts for what it holds into it: the results read start
``HOLD`` × the probe's interval before the period's first instant.
"""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.lib.thai import format_date
from lakthan.operations.engines import availability as engine
from lakthan.operations.engines import uptime as uptime_engine
from lakthan.operations.models import Incident, Probe, ProbeResult
from lakthan.reports.plain_document import thai as thai_digits_on

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
MAX_DAYS = 3 * 366  # a period longer than this is refused (the picture draws one bar per day)


def check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(
            f"วันสิ้นสุด {end.isoformat()} อยู่ก่อนวันเริ่ม {start.isoformat()}",
            f"--to {end.isoformat()} is before --from {start.isoformat()}",
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(f"ช่วงเวลายาวเกิน {MAX_DAYS} วัน", f"the period is longer than {MAX_DAYS} days")
    if not (1900 <= start.year and end.year <= 2200):
        raise InvalidInput("ปีอยู่นอกช่วงที่รับได้", "the year is out of range")


def _results(probe: Probe, begin: datetime, until: datetime) -> list[tuple[datetime, bool]]:
    since = begin - timedelta(seconds=engine.HOLD * probe.every_s)
    return list(
        ProbeResult.objects.filter(probe=probe, at__gte=since, at__lt=until)
        .order_by("at")
        .values_list("at", "up")
    )


def tallies(probe: Probe, start: date, end: date, now: datetime | None = None, *, by: str = "month"):
    check_period(start, end)
    begin, until = engine.bangkok_span(start, end)
    return engine.tally(
        _results(probe, begin, until), probe.every_s, begin, until, now or timezone.now(), by=by
    )


def availability(probe: Probe, start: date, end: date, now: datetime | None = None) -> dict:
    """``{"probe", "from", "to", "up_s", "down_s", "unknown_s", "ratio", "months": [{"month", …}]}``;
    ``start`` and ``end`` are Bangkok days, both included."""
    whole, months = tallies(probe, start, end, now)
    return {
        "probe": probe.name,
        "from": start.isoformat(),
        "to": end.isoformat(),
        **whole.seconds(),
        "months": [{"month": m.label, **m.seconds()} for m in months],
    }


def _days(probe: Probe, start: date, end: date, now: datetime | None = None) -> list[uptime_engine.Day]:
    _, days = tallies(probe, start, end, now, by="day")
    return [uptime_engine.Day(date.fromisoformat(d.label), d.up_us, d.down_us) for d in days]


def uptime_title(probe: Probe, start: date, end: date) -> str:
    thai = thai_digits_on()
    return (
        f"สถานะการให้บริการ {probe.name} · {format_date(start, thai_digits=thai)} – "
        f"{format_date(end, thai_digits=thai)}"
    )


def uptime_scene(probe: Probe, start: date, end: date, now: datetime | None = None):
    whole, months = tallies(probe, start, end, now)
    return uptime_engine.scene(
        _days(probe, start, end, now),
        [(m.label, m.ratio) for m in months],
        uptime_title(probe, start, end),
        thai=thai_digits_on(),
    )


def uptime_svg(probe: Probe, start: date, end: date, now: datetime | None = None) -> bytes:
    from lakthan.lib import picture

    return picture.to_svg(uptime_scene(probe, start, end, now)).encode("utf-8")


def uptime_png(probe: Probe, start: date, end: date, now: datetime | None = None) -> bytes:
    from lakthan.lib import picture
    from lakthan.reports.fonts import FontNotFound, report_font

    try:
        family = report_font()
        regular, bold = str(family.regular), str(family.bold)
    except FontNotFound:
        regular = bold = None  # type: ignore[assignment]
    return picture.to_png(uptime_scene(probe, start, end, now), regular, bold)


def uptime(probe: Probe, start: date, end: date, fmt: str, now: datetime | None = None) -> bytes:
    if fmt not in FORMATS:
        raise InvalidInput(
            f"รูปแบบไฟล์ต้องเป็น png หรือ svg (ได้ {fmt})", f"the format must be png or svg (got {fmt})"
        )
    return (uptime_svg if fmt == "svg" else uptime_png)(probe, start, end, now)


def unit_probes(unit: Unit):
    return (
        Probe.objects.filter(unit_id__in=unit.descendant_ids())
        .select_related("unit")
        .order_by("unit__code", "name")
    )


def incident_counts(probes: list[Probe], start: date, end: date) -> dict[int, int]:
    """Incidents of each probe that were open at some moment of the period (one query)."""
    begin, until = engine.bangkok_span(start, end)
    rows = (
        Incident.objects.filter(probe__in=probes, opened_at__lt=until)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=begin))
        .values("probe_id")
        .annotate(n=Count("id"))
    )
    return {r["probe_id"]: r["n"] for r in rows}


def tls_days_at(probes: list[Probe], until: datetime) -> dict[int, int | None]:
    """The TLS days left that each probe's newest result before ``until`` measured."""
    out: dict[int, int | None] = {}
    for p in probes:  # a unit's probes: a few dozen, one indexed read each
        out[p.pk] = (
            ProbeResult.objects.filter(probe=p, at__lt=until, tls_days_left__isnull=False)
            .order_by("-at")
            .values_list("tls_days_left", flat=True)
            .first()
        )
    return out


def report_html(unit: Unit, start: date, end: date, now: datetime | None = None) -> str:
    from lakthan.reports import plain_document as document
    from lakthan.reports.fonts import report_font

    check_period(start, end)
    thai = thai_digits_on()
    now = now or timezone.now()
    probes = list(unit_probes(unit))
    begin, until = engine.bangkok_span(start, end)
    counts = incident_counts(probes, start, end)
    tls = tls_days_at(probes, until)
    font = report_font()
    month_labels = [m.label for m in engine.tally([], 60, begin, until, now)[1]]

    n, e = document.number, document.escape
    head = "".join(f"<th>{e(uptime_engine.month_label(m, thai=thai))}</th>" for m in month_labels)
    rows, pictures = [], []
    for i, p in enumerate(probes, 1):
        whole, months = tallies(p, start, end, now)
        cells = "".join(f"<td class=c>{uptime_engine.percent(m.ratio, thai=thai)}</td>" for m in months)
        days = tls.get(p.pk)
        tls_cell = (
            "–" if days is None else n(days) + (' <b class="miss">(ใกล้หมดอายุ)</b>' if days < 30 else "")
        )
        target = p.url if p.kind == Probe.Kind.HTTP else f"{p.host}:{p.port}"
        rows.append(
            f"<tr><td class=c>{n(i)}</td><td class=target>{e(p.name)}<br><span class=muted>{e(target)}</span></td>"
            f"<td class=c>{e(p.unit.code)}</td>{cells}<td class=c><b>{uptime_engine.percent(whole.ratio, thai=thai)}</b></td>"
            f"<td class=c>{n(counts.get(p.pk, 0))}</td><td class=c>{tls_cell}</td></tr>"
        )
        png = uptime_png(p, start, end, now)
        pictures.append(
            f'<figure><img src="data:image/png;base64,{base64.b64encode(png).decode()}" '
            f'alt="{e(uptime_title(p, start, end))}"></figure>'
        )
    table = (
        "<table><thead><tr><th>ลำดับ</th><th>บริการที่ตรวจ</th><th>หน่วยงาน</th>"
        f"{head}<th>ทั้งช่วง</th><th>จำนวนเหตุขัดข้อง</th><th>ใบรับรอง TLS เหลือ (วัน)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        if probes
        else "<p>ไม่มีบริการที่ตรวจในหน่วยงานนี้</p>"
    )
    css = (
        document.css(table_pt=11, cell_padding="1pt 2pt")
        + f"""
td.target {{ word-break: break-all; width: 32mm; }}
td.c {{ text-align: center; white-space: nowrap; }}
.muted {{ font-size: {font.pt(10)}pt; }}
figure {{ margin: 4pt 0; break-inside: avoid; }} figure img {{ width: 100%; }}
"""
    )
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>รายงานสภาพความพร้อมใช้งานของระบบ {e(unit.name_th)}</title><style>{css}</style></head><body>
<h1>รายงานสภาพความพร้อมใช้งานของระบบสารสนเทศ</h1>
<p class=sub>{e(unit.name_th)}<br>ระหว่างวันที่ {format_date(start, style="long", thai_digits=thai)}
ถึงวันที่ {format_date(end, style="long", thai_digits=thai)}</p>
<p>ร้อยละความพร้อมใช้งานคำนวณจากผลการตรวจอัตโนมัติ โดยถ่วงน้ำหนักตามเวลา ผลการตรวจแต่ละครั้งมีผลจนถึงการตรวจครั้งถัดไป
แต่ไม่เกินสามรอบการตรวจ ช่วงที่ไม่มีผลการตรวจนับเป็นไม่มีข้อมูล ไม่นับเป็นใช้งานได้หรือใช้งานไม่ได้
แบ่งเดือนตามเวลาประเทศไทย</p>
{table}
<h2>แผนภาพสถานะรายวัน</h2>
{"".join(pictures)}
</body></html>"""


def availability_pdf(unit: Unit, start: date, end: date) -> bytes:
    """Every probe of ``unit`` and the units below it: availability per month and over the period,
    incidents in the period, TLS days left; then each probe's uptime picture."""
    from lakthan.reports.render_pdf import render_pdf_from_html

    return render_pdf_from_html(report_html(unit, start, end))
