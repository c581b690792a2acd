"""A small office for the problem log's tests: units B (with the division B-IT, which has a checkpoint
B-IT-1) and X, two systems of B-IT and one of X, people, the service levels of severities 1 and 3 set
in 2013 (rows made with the ORM, as the SLA part is another's), a work-assignment order, and one user
per role of interest (a collector of B-IT, an auditor of B, an admin of X).

Import the fixture by name in a test module (``from tests.problems.problog_fixtures import office``)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

PASSWORD = "a-long-test-password"
# 11 Jul 2013 (2556 B.E.) 09:05 in Bangkok
REPORTED = datetime(2013, 7, 11, 2, 5, tzinfo=UTC)


def set_target(severity: int, hours: int, business: bool, at: datetime):
    from lakthan.problems.models import SlaTarget

    row = SlaTarget.objects.create(severity=severity, hours=hours, business_hours=business, set_by="test")
    SlaTarget.objects.filter(pk=row.pk).update(set_at=at)  # auto_now_add: the day it was set
    row.refresh_from_db()
    return row


@pytest.fixture
def office(db, django_user_model, settings):
    from lakthan.core.models import RoleGrant
    from lakthan.core.services import add_person, add_unit
    from lakthan.evidence import services as ev
    from lakthan.inventory.services import add_system
    from tests.conftest import pdf_bytes

    settings.LAKTHAN_REQUIRE_2FA = False
    b = add_unit("B", "สำนักงานทดสอบ", name_en="Test Bureau")
    it = add_unit("B-IT", "ศูนย์เทคโนโลยีสารสนเทศ", parent="B")
    cp = add_unit("B-IT-1", "ด่านตรวจคนเข้าเมืองทดสอบ", parent="B-IT")
    x = add_unit("X", "สำนักงานอื่น")
    central = add_person(it, "สมชาย", "ใจดี", title_th="ร.ต.อ.", position_th="นักวิชาการคอมพิวเตอร์")
    local = add_person(cp, "สมศรี", "มีสุข", title_th="ด.ต.หญิง")
    later = add_person(it, "มานพ", "ตั้งใจ", title_th="ร.ต.ท.")
    stranger = add_person(x, "มานะ", "อดทน", title_th="นาย")
    mail = add_system("mail", name_th="ระบบไปรษณีย์อิเล็กทรอนิกส์", unit=it, klass="internet", criticality=4)
    pibics = add_system("pibics", name_th="ระบบตรวจคนเข้าเมือง", unit=it, klass="intranet", criticality=5)
    xweb = add_system("x-web", name_th="เว็บไซต์ X", unit=x, klass="internet")
    order = ev.add_file(
        it,
        io.BytesIO(pdf_bytes("order")),
        "order-12-2556.pdf",
        ev.Metadata(
            title="แต่งตั้งผู้รับผิดชอบแก้ไขปัญหาระบบสารสนเทศ",
            kind="order",
            doc_no="12/2556",
            doc_date=date(2012, 10, 1),
        ),
    )
    set_target(1, 4, False, datetime(2012, 10, 1, tzinfo=UTC))
    set_target(3, 16, True, datetime(2012, 10, 1, tzinfo=UTC))
    users = {}
    for name, unit, role in (
        ("collector", it, "collector"),
        ("auditor", b, "auditor"),
        ("xadmin", x, "admin"),
    ):
        users[name] = django_user_model.objects.create_user(f"{name}-p", password=PASSWORD)
        RoleGrant.objects.create(user=users[name], unit=unit, role=role)
    add_person(it, "เสมียน", "ขยัน", user=users["collector"])  # the collector's own unit: B-IT
    return SimpleNamespace(
        b=b,
        it=it,
        cp=cp,
        x=x,
        central=central,
        local=local,
        later=later,
        stranger=stranger,
        mail=mail,
        pibics=pibics,
        xweb=xweb,
        order=order,
        users=users,
    )


def report(office, **overrides):
    from lakthan.problems.services.log import add_problem

    values = dict(
        severity=1,
        title="อีเมลส่งออกไม่ได้",
        reported_at=REPORTED,
        system=office.mail,
        detail="ผู้ใช้ทั้งกองส่งอีเมลออกนอกหน่วยงานไม่ได้",
        reported_by="จ.ส.ต. ทดสอบ",
        actor="test",
    )
    values.update(overrides)
    unit = values.pop("unit", office.it)
    return add_problem(unit, **values)
