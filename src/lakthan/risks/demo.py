"""Demo data for item 3: the bureau's IT risk register, recovery targets for its systems, the crisis
scenarios, the FY 2556 continuity plan approved, a flood drill in March 2013 with recovery measured
from the demo's real restic snapshots, the backups' restore tests counted as system-down drills, and
the brute-force alert of the usage logs escalated to an incident. Every name is invented.

Deterministic: the same risks, dates and times on every run. Runs after the backups and usage-logs
demos (it measures their snapshots and escalates their alert)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from lakthan.lib.timezones import BANGKOK

FISCAL_YEAR = 2556

# ref, unit, system, title, threat, vulnerability, L, I, residual L, residual I, treatment, plan,
# owner index (collectors), due, status
RISKS = [
    (
        "R-0001",
        "IMM-ITC",
        "pibics-db",
        "ฐานข้อมูล PIBICS ไม่พร้อมใช้งานจากอุปกรณ์จัดเก็บข้อมูลเสียหาย",
        "ดิสก์ของเครื่องแม่ข่ายฐานข้อมูลเสีย",
        "อุปกรณ์จัดเก็บข้อมูลใช้งานมากกว่า ๕ ปี",
        3,
        5,
        2,
        3,
        "mitigate",
        "จัดหาอุปกรณ์จัดเก็บข้อมูลสำรองและสำรองข้อมูลสัปดาห์ละ ๒ ครั้ง",
        0,
        date(2013, 3, 31),
        "done",
    ),
    (
        "R-0002",
        "IMM-ITC",
        "pibics-db",
        "มัลแวร์เรียกค่าไถ่เข้ารหัสข้อมูลระบบ PIBICS",
        "มัลแวร์เรียกค่าไถ่ (ransomware)",
        "เครื่องลูกข่ายบางเครื่องยังไม่ได้ปรับปรุงระบบปฏิบัติการ",
        3,
        5,
        2,
        4,
        "mitigate",
        "ปรับปรุงระบบปฏิบัติการ แยกเครือข่ายฐานข้อมูล และเก็บสำเนาสำรองแบบเข้ารหัสนอกสถานที่",
        1,
        date(2013, 6, 30),
        "done",
    ),
    (
        "R-0003",
        "IMM-ITC",
        "website",
        "เว็บไซต์ถูกโจมตีแบบปฏิเสธการให้บริการ (DDoS)",
        "การโจมตีแบบ DDoS",
        "ไม่มีบริการกรองทราฟฟิกต้นทาง",
        3,
        3,
        2,
        3,
        "transfer",
        "ใช้บริการป้องกัน DDoS ของผู้ให้บริการเครือข่ายตามสัญญา",
        0,
        date(2013, 9, 30),
        "in_progress",
    ),
    (
        "R-0004",
        "IMM-ITC",
        "tm30",
        "ระบบแจ้งที่พักคนต่างด้าวหยุดให้บริการในช่วงเทศกาล",
        "ผู้ใช้งานพร้อมกันจำนวนมาก",
        "ทรัพยากรเครื่องแม่ข่ายไม่เพียงพอช่วงเวลาเร่งด่วน",
        4,
        3,
        2,
        3,
        "mitigate",
        "เพิ่มหน่วยความจำและปรับระบบให้ขยายได้ตามภาระงาน",
        1,
        date(2013, 12, 31),
        "in_progress",
    ),
    (
        "R-0005",
        "IMM-ITC",
        None,
        "ห้องเครื่องแม่ข่ายเกิดอัคคีภัย",
        "ไฟไหม้จากระบบไฟฟ้า",
        "ระบบดับเพลิงอัตโนมัติยังไม่ครอบคลุมทุกตู้",
        2,
        5,
        1,
        4,
        "mitigate",
        "ติดตั้งระบบดับเพลิงด้วยก๊าซ และซ้อมอพยพปีละ ๑ ครั้ง",
        0,
        date(2013, 8, 31),
        "done",
    ),
    (
        "R-0006",
        "IMM-ITC",
        None,
        "น้ำท่วมศูนย์ข้อมูลหลัก",
        "อุทกภัย",
        "ศูนย์ข้อมูลอยู่ชั้นล่างของอาคาร",
        2,
        5,
        2,
        3,
        "mitigate",
        "ย้ายอุปกรณ์สำคัญขึ้นชั้นบนและเตรียมศูนย์สำรองที่ด่านตรวจคนเข้าเมืองท่าอากาศยานสุวรรณภูมิ",
        1,
        date(2013, 9, 30),
        "done",
    ),
    (
        "R-0007",
        "IMM-ITC",
        None,
        "ไฟฟ้าดับเกินความสามารถของเครื่องสำรองไฟ",
        "ไฟฟ้าดับเป็นเวลานาน",
        "เครื่องกำเนิดไฟฟ้าสำรองไม่ได้ทดสอบสม่ำเสมอ",
        3,
        4,
        2,
        2,
        "mitigate",
        "ทดสอบเครื่องกำเนิดไฟฟ้าทุกเดือน",
        0,
        date(2013, 1, 31),
        "done",
    ),
    (
        "R-0008",
        "IMM-D2-BKK",
        None,
        "เครือข่ายเชื่อมโยงด่านท่าอากาศยานขาดการเชื่อมต่อ",
        "วงจรสื่อสารขัดข้อง",
        "มีวงจรสื่อสารเส้นทางเดียว",
        3,
        4,
        1,
        4,
        "mitigate",
        "เช่าวงจรสำรองจากผู้ให้บริการรายที่สอง",
        1,
        date(2014, 3, 31),
        "planned",
    ),
    (
        "R-0009",
        "IMM-ITC",
        None,
        "บัญชีผู้ใช้ของผู้พ้นสภาพยังใช้งานได้",
        "การเข้าถึงโดยไม่ได้รับอนุญาต",
        "การแจ้งพ้นสภาพจากฝ่ายบุคคลล่าช้า",
        3,
        3,
        2,
        2,
        "mitigate",
        "ตรวจสอบบัญชีผู้ใช้กับทะเบียนบุคลากรทุกเดือนและทบทวนสิทธิ์ทุกรอบ",
        0,
        date(2013, 6, 30),
        "done",
    ),
    (
        "R-0010",
        "IMM-ITC",
        "website",
        "ใบรับรองความปลอดภัยของเว็บไซต์หมดอายุ",
        "ใบรับรอง TLS หมดอายุ",
        "ไม่มีการแจ้งเตือนล่วงหน้า",
        2,
        2,
        None,
        None,
        "accept",
        "ยอมรับความเสี่ยง ตรวจวันหมดอายุด้วยตนเองทุกไตรมาส",
        1,
        None,
        "planned",
    ),
]

TARGETS = {
    # system: rto, rpo, mtd, depends on, the manual procedure while it is down
    "pibics-db": (
        "4h",
        "4d",
        "1d",
        [],
        "ด่านตรวจบันทึกการเดินทางเข้า-ออกในแบบฟอร์ม ตม.๖ และบันทึกเข้าระบบภายหลังเมื่อระบบกลับมาใช้งาน",
    ),
    "tm30": ("8h", "31d", "3d", ["pibics-db"], "รับแจ้งที่พักเป็นแบบฟอร์มกระดาษที่ด่านและสถานีตำรวจ แล้วบันทึกย้อนหลัง"),
    "website": ("1d", "31d", "7d", [], "ประกาศข่าวสารผ่านสื่อสังคมออนไลน์ของสำนักงานแทนเว็บไซต์"),
}
DEFAULT_TARGET = ("8h", "7d", "3d")  # every other critical system

# the register as the working group assessed it at the start of FY 2556, followed up during the year
ASSESSED = datetime(2012, 10, 10, 10, 0, tzinfo=BANGKOK)
ROUND_END = datetime(2013, 9, 30, 16, 0, tzinfo=BANGKOK)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=BANGKOK)


# the flood drill of 15 March 2013 (Bangkok times): per system the time it was back
DRILL_STARTED = datetime(2013, 3, 15, 9, 0, tzinfo=BANGKOK)
DRILL_RESTORED = {
    "pibics-db": datetime(2013, 3, 15, 11, 40, tzinfo=BANGKOK),
    "tm30": datetime(2013, 3, 15, 13, 10, tzinfo=BANGKOK),
    "website": datetime(2013, 3, 15, 10, 5, tzinfo=BANGKOK),
}


def _people():
    from lakthan.core.models import Person

    return list(Person.objects.filter(unit__code="IMM-ITC").order_by("pk"))


def seed(report, bureau) -> None:
    from lakthan.core.models import Unit
    from lakthan.risks.engines.scenarios import DEFAULT_PATH
    from lakthan.risks.services import continuity, drills, plan

    units = {u.code: u for u in Unit.objects.all()}
    it_centre = units.get("IMM-ITC", bureau)
    people = _people()
    approver, owners = people[0], people[1:] or people
    _register(bureau, units, approver, owners)
    _targets(bureau)
    continuity.load_scenarios(bureau, DEFAULT_PATH.read_bytes(), actor="demo")
    _flood_drill(it_centre)
    drills.drills_from_restore_tests()
    _incident_from_alert()
    plan.approve_plan(
        bureau,
        FISCAL_YEAR,
        approver=approver,
        approved_at=datetime(2012, 10, 15, 10, 0, tzinfo=BANGKOK),
        note="อนุมัติในการประชุมคณะทำงานด้านเทคโนโลยีสารสนเทศ",
        actor="demo",
    )


def _register(bureau, units, approver, owners) -> None:
    from django.utils import timezone

    from lakthan.inventory.models import System
    from lakthan.risks.services import register

    for (
        ref,
        unit,
        system,
        title,
        threat,
        vuln,
        li,
        im,
        rli,
        rim,
        treatment,
        text,
        owner,
        due,
        status,
    ) in RISKS:
        risk = register.add_risk(
            ref=ref,
            unit=units.get(unit, bureau),
            system=System.objects.filter(code=system).first() if system else None,
            title=title,
            threat=threat,
            vulnerability=vuln,
            likelihood=li,
            impact=im,
            residual_likelihood=rli,
            residual_impact=rim,
            treatment=treatment,
            treatment_plan=text,
            owner=owners[owner % len(owners)],
            due=due,
            actor="demo",
            at=ASSESSED,
        )
        if status != "planned":
            # the follow-up of the treatment, on its due date (or the round's end when that is later)
            register.update_risk(
                risk,
                treatment_status=status,
                actor="demo",
                reason="ติดตามผลการจัดการความเสี่ยง",
                at=min(_noon(due), ROUND_END),
            )
        if treatment == "accept":
            # an acceptance runs from today (the service dates it now), for a year
            register.accept_risk(
                risk,
                approver=approver,
                expires=timezone.localdate() + timedelta(days=365),
                note="ความเสี่ยงต่ำ ค่าใช้จ่ายในการควบคุมสูงกว่าผลกระทบ",
                actor="demo",
            )


def _targets(bureau) -> None:
    from lakthan.inventory.models import System
    from lakthan.lib.durations import parse_duration
    from lakthan.risks.services import continuity

    critical = System.objects.filter(unit_id__in=bureau.descendant_ids(), active=True, criticality__gte=4)
    named = System.objects.filter(code__in=TARGETS)
    for system in sorted({*critical, *named}, key=lambda s: s.code):
        rto, rpo, mtd, depends, manual = TARGETS.get(system.code, (*DEFAULT_TARGET, [], ""))
        continuity.set_target(
            system,
            rto_s=parse_duration(rto),
            rpo_s=parse_duration(rpo),
            mtd_s=parse_duration(mtd),
            depends_on=depends,
            manual_procedure=manual,
            actor="demo",
        )


def _flood_drill(unit) -> None:
    from lakthan.inventory.models import System
    from lakthan.risks.services import drills

    drills.record_drill(
        unit=unit,
        systems=[(System.objects.get(code=code), restored) for code, restored in DRILL_RESTORED.items()],
        scenario="flood",
        started=DRILL_STARTED,
        restored=max(DRILL_RESTORED.values()),
        title="ซ้อมแผนรับสถานการณ์อุทกภัย ย้ายการให้บริการไปศูนย์สำรอง",
        people="ศทส.ตม. และผู้ดูแลระบบของ บก.ตม.๒",
        notes="ปิดศูนย์ข้อมูลหลักตามสถานการณ์สมมุติ กู้คืนจากสำเนาสำรองล่าสุดที่ศูนย์สำรอง",
        actor="demo",
    )


def _incident_from_alert() -> None:
    """The first brute-force alert the usage-logs demo confirmed, on a host that serves a system,
    escalated to an incident: contained within the hour (source blocked), recovered after checks."""
    from lakthan.monitoring.models import Alert
    from lakthan.risks.services import drills

    for alert in Alert.objects.filter(disposition="true_positive").order_by("first", "pk"):
        if drills.alert_systems(alert):
            incident = drills.escalate_alert(alert, actor="demo", title="การพยายามเข้าสู่ระบบโดยเดารหัสผ่าน")
            drills.update_incident(
                incident,
                contained=alert.first + timedelta(minutes=40),
                note="ปิดกั้นที่อยู่ต้นทางที่ไฟร์วอลล์",
                actor="demo",
            )
            drills.update_incident(
                incident,
                restored=alert.first + timedelta(hours=2),
                note="ตรวจสอบบัญชีผู้ใช้และบันทึกการใช้งานแล้ว ไม่พบการเข้าถึงสำเร็จ ระบบให้บริการตามปกติ",
                actor="demo",
            )
            return
