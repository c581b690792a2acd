"""The committee of the committee tests: a bureau's IT committee appointed in FY 2556 (1 Oct 2012 –
30 Sep 2013) with a chair, a secretary and two members, all invented people."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from lakthan.committees.models import Committee, Member
from lakthan.committees.services import committees as svc
from lakthan.core.models import Person
from lakthan.core.services import add_person
from lakthan.lib.timezones import BANGKOK
from tests.conftest import pdf_bytes

NAME = "คณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์และสารสนเทศ"
FY_START, FY_END = date(2012, 10, 1), date(2013, 9, 30)  # FY 2556


def bkk(*args: int) -> datetime:
    return datetime(*args, tzinfo=BANGKOK)  # type: ignore[misc]


def order(unit, doc_no: str = "123/2555", doc_date: date = date(2012, 10, 15)):
    return svc.store_document(
        unit,
        io.BytesIO(pdf_bytes("order")),
        "order.pdf",
        kind="order",
        title=f"คำสั่งแต่งตั้ง{NAME}",
        doc_no=doc_no,
        doc_date=doc_date,
        actor="t",
    )


def minutes(unit, doc_no: str = "1/2556", doc_date: date = date(2013, 1, 20)):
    return svc.store_document(
        unit,
        io.BytesIO(pdf_bytes("minutes")),
        "minutes.pdf",
        kind="minutes",
        title=f"รายงานการประชุม {doc_no}",
        doc_no=doc_no,
        doc_date=doc_date,
        actor="t",
    )


@dataclass
class Board:
    committee: Committee
    chair: Member
    secretary: Member
    member: Member
    leaver: Member
    people: dict[str, Person]


def make_board(org, *, with_order: bool = True, per_round: int = 1) -> Board:
    unit = org.bureau
    people = {
        "chair": add_person(unit, "วิรัชกร", "ทองศรีนวล", title_th="พล.ต.ต."),
        "secretary": add_person(unit, "ปาริฉัตร", "แสงอรุณรุ่ง", title_th="พ.ต.ท.หญิง"),
        "member": add_person(unit, "ธนากร", "ศรีประเสริฐกุล", title_th="พ.ต.อ."),
        "leaver": add_person(unit, "กิตติพัฒน์", "วงศ์ธาราทิพย์", title_th="ร.ต.อ."),
    }
    c = svc.add_committee(
        NAME,
        unit,
        duties="กำหนดนโยบายและแผนด้านเทคโนโลยีสารสนเทศ",
        order=order(unit) if with_order else None,
        appointed_on=date(2012, 10, 15),
        meetings_per_round=per_round,
        actor="t",
    )
    chair = svc.add_member(c, people["chair"], "chair", position="ผู้บังคับการ", actor="t")
    secretary = svc.add_member(c, people["secretary"], "secretary", actor="t")
    member = svc.add_member(c, people["member"], "member", actor="t")
    leaver = svc.add_member(c, people["leaver"], "member", until=date(2012, 12, 31), actor="t")
    return Board(c, chair, secretary, member, leaver, people)
