"""Demo data for item 6 (the problem part): the service levels of the bureau's IT centre (severity 1
within 4 hours around the clock; 2, 3 and 4 within 8, 16 and 40 office hours on the Thai government's
work calendar), the problem owners of its three systems named in the IT centre's order, and the
problems the checkpoints and the divisions reported in FY 2556, each assigned, fixed and confirmed.
One is late: a PIBICS fault at Suvarnabhumi reported on the Friday afternoon before Songkran 2013 —
its eight office hours ran out on the Wednesday after the holidays, and it was fixed on the Thursday."""

from __future__ import annotations

from datetime import datetime, timedelta

from lakthan.lib.timezones import BANGKOK

TARGETS = [(1, 4, False), (2, 8, True), (3, 16, True), (4, 40, True)]
OWNERS = [
    # system, unit (None: everywhere), title, first, last, position, at unit
    ("pibics-db", None, "ร.ต.อ.", "ธีรวัฒน์", "บุญประเสริฐ", "สารวัตร ฝ่ายระบบงาน ศทส.ตม.", "IMM-ITC"),
    (
        "pibics-db",
        "IMM-D2-BKK",
        "ร.ต.ท.",
        "ณัฐพล",
        "วงศ์ไพศาล",
        "รองสารวัตร (ผู้ดูแลระบบ) ด่านสุวรรณภูมิ",
        "IMM-D2-BKK",
    ),
    ("tm30", None, "ร.ต.ท.หญิง", "สุภาวดี", "ชื่นใจ", "รองสารวัตร ฝ่ายระบบงาน ศทส.ตม.", "IMM-ITC"),
    ("website", None, "ส.ต.อ.", "อนุชา", "พรหมมา", "ผู้บังคับหมู่ ฝ่ายเว็บไซต์ ศทส.ตม.", "IMM-ITC"),
]
ORDER = (
    "คำสั่ง ศทส.ตม. ที่ ๑๘/๒๕๕๕ เรื่อง มอบหมายผู้รับผิดชอบการแก้ไขปัญหาการใช้งานระบบสารสนเทศ",
    "ที่ 18/2555",
    (2012, 10, 8),
)


def _t(y, mo, d, h, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BANGKOK)


# unit, system, severity, title, reported, reported by, started (hours later), fixed, fix, result
PROBLEMS = [
    (
        "IMM-D2-BKK",
        "pibics-db",
        2,
        "เครื่องอ่านหนังสือเดินทางช่องตรวจ ๑๒ อ่านข้อมูลไม่ได้",
        _t(2012, 10, 17, 9, 20),
        "ผู้ตรวจช่อง ๑๒",
        0.5,
        _t(2012, 10, 17, 13, 10),
        "เปลี่ยนสายเชื่อมต่อและติดตั้งไดรเวอร์ใหม่",
        "ใช้งานได้ตามปกติ",
    ),
    (
        "IMM-D2-DMK",
        "pibics-db",
        3,
        "พิมพ์ใบ ตม.๖ ไม่ออกที่ช่องตรวจขาออก ๓",
        _t(2012, 11, 5, 14, 0),
        "หัวหน้าชุดขาออก",
        1,
        _t(2012, 11, 6, 10, 30),
        "ตั้งค่าเครื่องพิมพ์ใหม่",
        "พิมพ์ได้ตามปกติ",
    ),
    (
        "IMM-ITC",
        "tm30",
        1,
        "ระบบรับแจ้งที่พัก ตม.๓๐ ผ่านอินเทอร์เน็ตใช้งานไม่ได้",
        _t(2012, 12, 30, 9, 5),
        "ศูนย์รับแจ้งเหตุ",
        0.2,
        _t(2012, 12, 30, 11, 40),
        "เริ่มบริการเครื่องแม่ข่ายใหม่และขยายพื้นที่ดิสก์",
        "ให้บริการได้ตามปกติ เฝ้าระวังต่อ ๒๔ ชั่วโมง",
    ),
    (
        "IMM-D2-BKK",
        "pibics-db",
        2,
        "ระบบตรวจบุคคลต้องห้ามตอบสนองช้าที่ช่องตรวจขาเข้า",
        _t(2013, 1, 22, 7, 45),
        "สารวัตรเวร",
        0.5,
        _t(2013, 1, 22, 11, 0),
        "ปรับดัชนีฐานข้อมูลบัญชีบุคคลต้องห้าม",
        "เวลาตอบสนองกลับเป็นปกติ",
    ),
    (
        "IMM-INV",
        "website",
        4,
        "ข่าวประชาสัมพันธ์บนเว็บไซต์แสดงภาพไม่ครบ",
        _t(2013, 2, 4, 10, 0),
        "ฝ่ายอำนวยการ บก.สส.",
        4,
        _t(2013, 2, 8, 15, 0),
        "แก้ไขที่อยู่ไฟล์ภาพในระบบจัดการเนื้อหา",
        "แสดงภาพครบ",
    ),
    (
        "IMM-D2-DMK",
        "pibics-db",
        3,
        "บัญชีผู้ใช้งานของเจ้าหน้าที่ย้ายมาใหม่ยังเข้าระบบไม่ได้",
        _t(2013, 3, 1, 16, 10),
        "หัวหน้าชุดขาเข้า",
        1,
        _t(2013, 3, 4, 11, 0),
        "สร้างบัญชีตามแบบขอรหัสผู้ใช้ที่อนุมัติแล้ว",
        "เข้าระบบได้",
    ),
    # the late one: eight office hours from Friday 12 April 15:00 end on Wednesday 17 April 15:00
    # (13–15 April Songkran, 16 April its substitution day)
    (
        "IMM-D2-BKK",
        "pibics-db",
        2,
        "ช่องตรวจขาออก ๕–๘ บันทึกข้อมูลการเดินทางไม่ได้",
        _t(2013, 4, 12, 15, 0),
        "สารวัตรเวร",
        1,
        _t(2013, 4, 18, 10, 0),
        "เปลี่ยนสวิตช์เครือข่ายที่เสียและตั้งค่า VLAN ใหม่",
        "ใช้งานได้ตามปกติ บันทึกข้อมูลย้อนหลังครบ",
    ),
    (
        "IMM-ITC",
        "tm30",
        3,
        "รายงานสถิติการแจ้งที่พักรายเดือนแสดงยอดไม่ตรง",
        _t(2013, 5, 3, 11, 30),
        "ฝ่ายสถิติ",
        2,
        _t(2013, 5, 6, 15, 0),
        "แก้ไขเงื่อนไขการนับรายการซ้ำในรายงาน",
        "ยอดตรงกับฐานข้อมูล",
    ),
    (
        "IMM-D2-DMK",
        "pibics-db",
        2,
        "ระบบตรวจลงตรา ณ ด่าน (VOA) ออกใบเสร็จไม่ได้",
        _t(2013, 6, 14, 8, 30),
        "หัวหน้างาน VOA",
        0.3,
        _t(2013, 6, 14, 12, 15),
        "ต่ออายุใบรับรองของเครื่องพิมพ์ใบเสร็จ",
        "ออกใบเสร็จได้",
    ),
    (
        "IMM-ITC",
        "website",
        3,
        "แบบฟอร์มติดต่อสอบถามบนเว็บไซต์ส่งข้อความไม่ได้",
        _t(2013, 7, 9, 13, 0),
        "ฝ่ายประชาสัมพันธ์",
        2,
        _t(2013, 7, 10, 14, 0),
        "แก้ไขการตั้งค่าเครื่องส่งจดหมาย",
        "ส่งข้อความได้",
    ),
    (
        "IMM-D2-BKK",
        "pibics-db",
        4,
        "ขอเพิ่มรายงานจำนวนผู้เดินทางรายชั่วโมง",
        _t(2013, 8, 19, 10, 0),
        "สารวัตรธุรการ",
        8,
        _t(2013, 8, 23, 11, 0),
        "เพิ่มรายงานในระบบรายงาน",
        "ใช้รายงานได้",
    ),
    (
        "IMM-D2-DMK",
        "pibics-db",
        2,
        "เครื่องสแกนลายนิ้วมือช่องตรวจ ๔ ไม่ตอบสนอง",
        _t(2013, 9, 16, 10, 20),
        "ผู้ตรวจช่อง ๔",
        0.5,
        _t(2013, 9, 16, 14, 0),
        "เปลี่ยนเครื่องสแกนสำรอง",
        "ใช้งานได้",
    ),
]


def seed(report, bureau) -> None:
    from datetime import date

    from lakthan.core.models import Unit
    from lakthan.core.services import add_person
    from lakthan.demo import stand_in_evidence
    from lakthan.evidence import services as evidence
    from lakthan.inventory.models import System
    from lakthan.problems.services import log, owners, sla

    units = {u.code: u for u in Unit.objects.filter(pk__in=bureau.descendant_ids())}
    systems = {s.code: s for s in System.objects.all()}
    for severity, hours, business in TARGETS:
        sla.set_target(severity, hours, business, actor="demo")
    order = stand_in_evidence(units["IMM-ITC"], ORDER[0], "order", doc_no=ORDER[1], doc_date=date(*ORDER[2]))
    evidence.link(order, report, 6, actor="demo")
    for system, unit, title, first, last, position, at_unit in OWNERS:
        person = add_person(units[at_unit], first, last, title_th=title, position_th=position, actor="demo")
        owners.add_owner(
            systems[system],
            person,
            unit=units[unit] if unit else None,
            order=order,
            since=date(*ORDER[2]),
            actor="demo",
        )
    for unit, system, severity, title, reported, by, start_h, fixed, fix, result in PROBLEMS:
        problem = log.add_problem(
            units[unit],
            severity=severity,
            title=title,
            reported_at=reported,
            system=systems.get(system),
            reported_by=by,
            actor="demo",
        )
        clerk = problem.assignee.display_name if problem.assignee else "demo"
        log.start(problem, actor=clerk, at=reported + timedelta(hours=start_h))
        log.close_problem(problem, fixed_at=fixed, fix=fix, result=result, actor=clerk)
