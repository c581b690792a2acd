"""A small bureau for the register's tests: units B (with the division B-IT) and X, two systems of
B-IT, three people and one user per role of interest (an admin of B, a member who only sees B, a
manager nowhere)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def bureau(db, django_user_model, settings):
    from lakthan.core.models import RoleGrant
    from lakthan.core.services import add_person, add_unit
    from lakthan.inventory.services import add_system

    settings.LAKTHAN_REQUIRE_2FA = False
    b = add_unit("B", "สำนักงานทดสอบ", name_en="Test Bureau")
    it = add_unit("B-IT", "ศูนย์เทคโนโลยีสารสนเทศ", parent="B")
    x = add_unit("X", "สำนักงานอื่น")
    owner = add_person(it, "สมชาย", "ใจดี", title_th="นาย")
    head = add_person(b, "สมหญิง", "ใจงาม", title_th="นาง")
    other = add_person(x, "มานะ", "อดทน", title_th="นาย")
    mail = add_system("mail", name_th="ระบบไปรษณีย์อิเล็กทรอนิกส์", unit=it, klass="internet", criticality=4)
    hr = add_system("hr", name_th="ระบบบุคลากร", unit=it, klass="intranet")
    xsys = add_system("x-web", name_th="เว็บไซต์ X", unit=x, klass="internet")
    admin = django_user_model.objects.create_user("admin-b", password="a-long-test-password")
    RoleGrant.objects.create(user=admin, unit=b, role="admin")
    viewer = django_user_model.objects.create_user("auditor-b", password="a-long-test-password")
    RoleGrant.objects.create(user=viewer, unit=b, role="auditor")
    return SimpleNamespace(
        b=b,
        it=it,
        x=x,
        owner=owner,
        head=head,
        other=other,
        mail=mail,
        hr=hr,
        xsys=xsys,
        admin=admin,
        viewer=viewer,
    )


def add(bureau, **overrides):
    from lakthan.risks.services.register import add_risk

    values = dict(
        unit=bureau.it,
        system=bureau.mail,
        title="รหัสผ่านผู้ดูแลระบบรั่วไหล",
        likelihood=4,
        impact=4,
        residual_likelihood=2,
        residual_impact=3,
        treatment="mitigate",
        owner=bureau.owner,
        threat="ผู้ไม่หวังดีเดารหัสผ่าน",
        vulnerability="ไม่มีการยืนยันตัวตนสองชั้น",
        treatment_plan="เปิดใช้ 2FA",
        actor="tester",
    )
    values.update(overrides)
    return add_risk(**values)
