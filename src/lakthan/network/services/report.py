"""The two documents of item 9 for a unit as of a day: the network findings (counts by kind, then every
finding) and the address plan (each prefix with its unit, purpose, size, the addresses registered and
seen in it and its use). Official Thai style as the other documents (risks/services/drill_report.py):
the report font at the size of TH SarabunPSK 16 pt, the official margins, B.E. dates, Thai digits for
numbers and dates (unless LAKTHAN_THAI_DIGITS is off) — but never inside an address, a MAC or a host
name, which must match the network they name; rendered by reports.render_pdf."""

from __future__ import annotations

import ipaddress
from bisect import bisect_left, bisect_right
from datetime import date

from django.conf import settings
from django.db import connection

from lakthan.core.models import Unit
from lakthan.lib.thai import format_date
from lakthan.network.engines.findings import KINDS, Finding
from lakthan.network.models import Prefix
from lakthan.network.services import findings as svc
from lakthan.reports import plain_document as document

KIND_TH = {
    "unregistered": "พบใช้งานแต่ไม่ได้ลงทะเบียน",
    "mac_mismatch": "MAC ไม่ตรงกับที่ลงทะเบียน",
    "stale": "ลงทะเบียนแต่ไม่พบการใช้งาน",
    "outside_plan": "อยู่นอกแผนผังหมายเลข IP",
    "duplicate_registration": "ลงทะเบียนซ้ำ",
}


def _day(iso: str | None) -> str:
    return format_date(date.fromisoformat(iso), thai_digits=document.thai()) if iso else ""


def detail_th(f: Finding) -> str:
    """The finding's detail in Thai (HTML), from its facts: numbers and dates in Thai digits, MACs and
    units as written."""
    facts = f.facts
    if f.kind == "unregistered":
        macs = facts.get("macs") or []
        return f"พบล่าสุด {_day(facts['last_seen'])}" + (
            f" MAC {document.escape(', '.join(macs))}" if macs else ""
        )
    if f.kind == "mac_mismatch":
        seen = ", ".join(f"{document.escape(mac)} (ล่าสุด {_day(day)})" for mac, day in facts["seen"])
        return f"ลงทะเบียน {document.escape(facts['registered_mac'])} แต่พบ {seen}"
    if f.kind == "stale":
        if facts.get("last_seen"):
            return f"พบล่าสุด {_day(facts['last_seen'])}"
        return "ไม่เคยพบการใช้งาน"
    if f.kind == "outside_plan":
        return "ลงทะเบียนไว้ แต่ไม่อยู่ในช่วงใดของแผน" if facts.get("registered") else "พบใช้งาน แต่ไม่อยู่ในช่วงใดของแผน"
    names = facts.get("registrations") or []
    return f"ลงทะเบียน {document.number(len(names))} รายการ: {document.escape(', '.join(names))}"


def _css() -> str:
    return (
        document.css(table_pt=14)
        + """
td.c { text-align: center; white-space: nowrap; } td.r { text-align: right; white-space: nowrap; }
td.a { white-space: nowrap; }
table.counts { width: auto; }
"""
    )


def _page(title: str, unit: Unit, as_of: date, body: str) -> str:
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>{document.escape(title)} {document.escape(unit.name_th)}</title><style>{_css()}</style></head><body>
<h1>{document.escape(title)}</h1>
<p class=sub>{document.escape(unit.name_th)}<br>ณ วันที่ {format_date(as_of, style="long", thai_digits=document.thai())}</p>
{body}</body></html>"""


def findings_html(unit: Unit, as_of: date) -> str:
    found = svc.judge(unit, as_of)
    counts = {kind: 0 for kind in KINDS}
    for f in found:
        counts[f.kind] += 1
    stale_days = settings.LAKTHAN_NET_STALE_DAYS
    intro = (
        "<p>เปรียบเทียบทะเบียนหมายเลข IP ณ สิ้นวันที่ตรวจ กับการใช้งานจริงที่บันทึกได้จากเครื่องแจกหมายเลข (DHCP) "
        f"ตาราง ARP และบันทึกการใช้งาน หมายเลขที่ลงทะเบียนแต่ไม่พบการใช้งานเกิน {document.number(stale_days)} วัน "
        f"ก่อนวันที่ตรวจ หรือไม่เคยพบ ถือว่าไม่พบการใช้งาน การตรวจ MAC ใช้การใช้งานในช่วง {document.number(stale_days)} วันเดียวกัน</p>"
    )
    rows = "".join(
        f"<tr><td>{KIND_TH[kind]}</td><td class=r>{document.number(n)}</td></tr>"
        for kind, n in counts.items()
    )
    summary = (
        "<h2>สรุปจำนวนข้อค้นพบ</h2><table class=counts><thead><tr><th>ประเภท</th><th>จำนวน</th></tr></thead>"
        f"<tbody>{rows}<tr><td><b>รวม</b></td><td class=r><b>{document.number(len(found))}</b></td></tr></tbody></table>"
    )
    if found:
        lines = "".join(
            f"<tr><td class=c>{document.number(i)}</td><td>{KIND_TH[f.kind]}</td><td class=a>{document.escape(f.address)}</td>"
            f"<td class=a>{document.escape(f.unit or '–')}</td><td>{document.escape(f.hostname or '–')}</td><td>{detail_th(f)}</td></tr>"
            for i, f in enumerate(found, 1)
        )
        table = (
            "<h2>รายการข้อค้นพบ</h2><table><thead><tr><th>ที่</th><th>ประเภท</th><th>หมายเลข IP</th>"
            f"<th>หน่วยงาน</th><th>ชื่อเครื่อง</th><th>รายละเอียด</th></tr></thead><tbody>{lines}</tbody></table>"
        )
    else:
        table = "<p>ไม่มีข้อค้นพบ</p>"
    return _page("รายงานข้อค้นพบการบริหารจัดการหมายเลข IP", unit, as_of, intro + summary + table)


def _count(n: int) -> str:
    return document.number(f"{n:,}")


def _size(cidr: str) -> int:
    return ipaddress.ip_network(cidr).num_addresses


def _size_text(size: int) -> str:
    return (
        document.number(f"{size:,}")
        if size < 2**32
        else f"2<sup>{document.number(size.bit_length() - 1)}</sup>"
    )


def plan_rows(unit: Unit, as_of: date) -> list[dict]:
    """Each prefix of the unit and those below it, in address order: its unit, purpose, size, the
    addresses registered in it (as of the end of the day), those seen in the stale window, and its use
    (registered or seen, of its size)."""
    w = svc.window(as_of)
    ids = unit.descendant_ids()
    prefixes = list(Prefix.objects.filter(unit_id__in=ids).select_related("unit").order_by("first", "last"))
    registered = sorted({r["key"] for r in svc.register_as_of(w.end)})
    recent, _ = w.bounds(text=connection.vendor == "sqlite")
    seen = sorted(key for key, macs in svc.seen_by(w.end).items() if max(macs.values()) >= recent)
    used = sorted(set(registered) | set(seen))

    def count(keys: list[str], p: Prefix) -> int:
        return bisect_right(keys, p.last) - bisect_left(keys, p.first)

    rows = []
    for p in prefixes:
        size = _size(p.cidr)
        in_use = count(used, p)
        rows.append(
            {
                "cidr": p.cidr,
                "unit": p.unit.code,
                "unit_name": p.unit.name_th,
                "purpose": p.purpose,
                "size": size,
                "registered": count(registered, p),
                "seen": count(seen, p),
                "in_use": in_use,
                "use": in_use / size * 100,
            }
        )
    return rows


def plan_html(unit: Unit, as_of: date) -> str:
    rows = plan_rows(unit, as_of)
    stale_days = settings.LAKTHAN_NET_STALE_DAYS
    intro = (
        "<p>ช่วงหมายเลข IP ตามแผนของหน่วยงานและหน่วยงานในสังกัด จำนวนหมายเลขที่ลงทะเบียน ณ สิ้นวันที่ตรวจ "
        f"จำนวนหมายเลขที่พบใช้งานในช่วง {document.number(stale_days)} วันก่อนวันที่ตรวจ และสัดส่วนการใช้งาน "
        "(หมายเลขที่ลงทะเบียนหรือพบใช้งาน ต่อขนาดของช่วง) ช่วงที่ซ้อนอยู่ในช่วงอื่นนับรวมในช่วงที่ใหญ่กว่าด้วย</p>"
    )
    if not rows:
        return _page("แผนผังหมายเลข IP", unit, as_of, intro + "<p>ยังไม่มีช่วงหมายเลข IP ในแผน</p>")

    def pct(value: float) -> str:
        return document.number(f"{value:.2f}") if value >= 0.01 or value == 0 else document.number("< 0.01")

    lines = "".join(
        f"<tr><td class=c>{document.number(i)}</td><td class=a>{document.escape(r['cidr'])}</td><td>{document.escape(r['unit'])}</td>"
        f"<td>{document.escape(r['purpose'] or '–')}</td><td class=r>{_size_text(r['size'])}</td>"
        f"<td class=r>{_count(r['registered'])}</td><td class=r>{_count(r['seen'])}</td>"
        f"<td class=r>{pct(r['use'])}</td></tr>"
        for i, r in enumerate(rows, 1)
    )
    table = (
        "<table><thead><tr><th>ที่</th><th>ช่วงหมายเลข IP</th><th>หน่วยงาน</th><th>วัตถุประสงค์</th>"
        "<th>ขนาด</th><th>ลงทะเบียน</th><th>พบใช้งาน</th><th>ใช้งาน (ร้อยละ)</th></tr></thead>"
        f"<tbody>{lines}</tbody></table>"
    )
    return _page("แผนผังหมายเลข IP", unit, as_of, intro + table)


def findings_pdf(unit: Unit, as_of: date) -> bytes:
    from lakthan.reports.render_pdf import render_pdf_from_html

    return render_pdf_from_html(findings_html(unit, as_of))


def plan_pdf(unit: Unit, as_of: date) -> bytes:
    from lakthan.reports.render_pdf import render_pdf_from_html

    return render_pdf_from_html(plan_html(unit, as_of))
