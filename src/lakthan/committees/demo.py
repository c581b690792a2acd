"""Demo data for item 7: the bureau's IT management and procurement committee, appointed by the
seed's order ที่ 2/2553 (evidence item 20 of the report), with invented members, and its two meetings
of FY 2556 — December 2012 (minutes: the seed's evidence item 21) and June 2013 (minutes registered
here) — with the resolutions they passed followed up to the end of the round."""

from __future__ import annotations

from datetime import date, datetime

from lakthan.lib.timezones import BANGKOK

NAME = "คณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์สำนักงานตรวจคนเข้าเมือง"
DUTIES = (
    "กำหนดนโยบายและแผนด้านเทคโนโลยีสารสนเทศ กำกับการบริหารระบบคอมพิวเตอร์และสารสนเทศ "
    "และพิจารณาการจัดหาระบบคอมพิวเตอร์ของสำนักงานตรวจคนเข้าเมือง"
)
MEMBERS = [
    # unit, title, first, last, position, role
    ("IMM", "พล.ต.ต.", "ประเสริฐ", "วัฒนกุล", "รองผู้บัญชาการสำนักงานตรวจคนเข้าเมือง", "chair"),
    ("IMM-D2", "พ.ต.อ.", "สมชาย", "รุ่งเรืองศรี", "ผู้บังคับการตรวจคนเข้าเมือง ๒", "vice_chair"),
    ("IMM-INV", "พ.ต.อ.", "อรรถพล", "มีสุข", "รองผู้บังคับการสืบสวนสอบสวน", "member"),
    ("IMM-D2-BKK", "พ.ต.ท.", "กฤษดา", "ใจดี", "รองผู้กำกับการ ด่านสุวรรณภูมิ", "member"),
    ("IMM-ITC", "พ.ต.ท.", "วีระ", "ทองดี", "รองผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ", "secretary"),
    ("IMM-ITC", "ร.ต.อ.หญิง", "จันทร์เพ็ญ", "ศรีสว่าง", "สารวัตร ศทส.ตม.", "assistant_secretary"),
]
MEETINGS = [
    # number, held, place, agenda, absent {member index: reason},
    # resolutions [(text, owner index, due, status, note, followed up at)]
    (
        "1/2556",
        datetime(2012, 12, 18, 13, 30, tzinfo=BANGKOK),
        "ห้องประชุม ๑ ชั้น ๕ อาคารสำนักงานตรวจคนเข้าเมือง",
        "๑. รับรองรายงานการประชุมครั้งที่ ๔/๒๕๕๕\n๒. แผนการจัดหาระบบคอมพิวเตอร์ ปีงบประมาณ ๒๕๕๖\n"
        "๓. การขยายระบบ PIBICS ไปยังด่านตรวจคนเข้าเมืองชายแดน",
        {3: "ไปราชการต่างจังหวัด"},
        [
            (
                "เห็นชอบแผนการจัดหาระบบคอมพิวเตอร์ ปีงบประมาณ ๒๕๕๖",
                4,
                date(2013, 3, 31),
                "done",
                "ประกาศแผนการจัดหาแล้ว",
                datetime(2013, 3, 20, 10, 0, tzinfo=BANGKOK),
            ),
            (
                "ให้ ศทส.ตม. สำรวจความพร้อมของด่านชายแดนก่อนขยายระบบ PIBICS",
                4,
                date(2013, 5, 31),
                "done",
                "รายงานผลสำรวจต่อที่ประชุมครั้งที่ ๒/๒๕๕๖",
                datetime(2013, 6, 20, 11, 0, tzinfo=BANGKOK),
            ),
        ],
    ),
    (
        "2/2556",
        datetime(2013, 6, 20, 9, 30, tzinfo=BANGKOK),
        "ห้องประชุม ๑ ชั้น ๕ อาคารสำนักงานตรวจคนเข้าเมือง",
        "๑. รับรองรายงานการประชุมครั้งที่ ๑/๒๕๕๖\n๒. ผลการสำรวจความพร้อมของด่านชายแดน\n"
        "๓. การจัดหาเครื่องสำรองข้อมูลและระบบกู้คืนจากภัยพิบัติ",
        {},
        [
            (
                "เห็นชอบให้ขยายระบบ PIBICS ไปยังด่านชายแดน ๕ แห่ง ในปีงบประมาณ ๒๕๕๗",
                4,
                date(2014, 3, 31),
                "in_progress",
                "อยู่ระหว่างจัดทำขอบเขตของงาน",
                datetime(2013, 8, 30, 15, 0, tzinfo=BANGKOK),
            ),
            (
                "ให้จัดหาเครื่องสำรองข้อมูลตามแผนรับสถานการณ์ฉุกเฉิน",
                5,
                date(2013, 9, 15),
                "done",
                "ตรวจรับเครื่องแล้ว",
                datetime(2013, 9, 2, 14, 0, tzinfo=BANGKOK),
            ),
        ],
    ),
]
MINUTES_2 = (
    "รายงานการประชุมคณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์สำนักงานตรวจคนเข้าเมือง ครั้งที่ ๒/๒๕๕๖",
    date(2013, 7, 1),
)


def seed(report, bureau) -> None:
    from lakthan.committees.services import committees, meetings
    from lakthan.core.models import Unit
    from lakthan.core.services import add_person
    from lakthan.demo import stand_in_evidence
    from lakthan.evidence import services as evidence
    from lakthan.evidence.models import Evidence

    units = {u.code: u for u in Unit.objects.filter(pk__in=bureau.descendant_ids())}
    # the seed's order and minutes (evidence items 20 and 21 of the report)
    order = Evidence.objects.filter(kind="order", doc_no="ที่ 2/2553").first()
    first_minutes = Evidence.objects.filter(kind="minutes").order_by("pk").first()
    committee = committees.add_committee(
        NAME,
        bureau,
        duties=DUTIES,
        order=order,
        appointed_on=order.doc_date if order else None,
        meetings_per_round=2,
        actor="demo",
    )
    members = []
    for unit, title, first, last, position, role in MEMBERS:
        person = add_person(units[unit], first, last, title_th=title, position_th=position, actor="demo")
        members.append(committees.add_member(committee, person, role, position=position, actor="demo"))
    secretary = members[4].person.display_name
    for number, held, place, agenda, absent, resolutions in MEETINGS:
        if number == "1/2556":
            minutes = first_minutes
        else:
            minutes = stand_in_evidence(
                bureau, MINUTES_2[0], "minutes", doc_no=f"ครั้งที่ {number}", doc_date=MINUTES_2[1]
            )
            evidence.link(minutes, report, 7, actor="demo")
        meeting = meetings.add_meeting(
            committee,
            number=number,
            held_at=held,
            place=place,
            agenda=agenda,
            minutes=minutes,
            attendees=[m for i, m in enumerate(members) if i not in absent],
            absent={members[i]: reason for i, reason in absent.items()},
            actor=secretary,
        )
        for n, (text, owner, due, status, note, followed) in enumerate(resolutions, 1):
            resolution = meetings.add_resolution(
                meeting, number=n, text=text, owner=members[owner].person, due=due, actor=secretary
            )
            if status != "open":
                meetings.follow_up(resolution, status=status, note=note, actor=secretary, at=followed)
