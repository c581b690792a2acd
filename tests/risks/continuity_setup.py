"""Fixtures of the continuity tests: a bureau with a division, its systems, people, a risk on the
default matrix and the default scenarios — built through the services (and the Risk model directly,
the register's service being another helper's)."""

from __future__ import annotations

import pytest

HOUR, DAY = 3600, 86400


@pytest.fixture
def bcp_org(db):
    from lakthan.core.services import add_person, add_unit
    from lakthan.inventory.services import add_system

    unit = add_unit("B", "สำนักงานทดสอบความต่อเนื่อง", name_en="Continuity Test Bureau")
    other = add_unit("X", "สำนักงานอื่น")
    head = add_person(unit, "สมศักดิ์", "มั่นคง", title_th="นาย", position_th="ผู้อำนวยการสำนักงาน")
    owner = add_person(unit, "วิภา", "รักษ์ระบบ", title_th="นางสาว", position_th="นักวิชาการคอมพิวเตอร์")
    systems = {
        "erp": add_system("erp", name_th="ระบบบริหารทรัพยากร", unit=unit, klass="intranet", criticality=5),
        "db": add_system("db", name_th="ฐานข้อมูลกลาง", unit=unit, klass="intranet", criticality=5),
        "net": add_system("net", name_th="เครือข่ายภายใน", unit=unit, klass="intranet", criticality=4),
        "web": add_system("web", name_th="เว็บไซต์", unit=unit, klass="internet", criticality=2),
        "x-mail": add_system("x-mail", name_th="อีเมล", unit=other, klass="internet", criticality=3),
    }

    class Bureau:
        pass

    b = Bureau()
    b.unit, b.other, b.head, b.owner, b.systems = unit, other, head, owner, systems
    return b


def add_high_risk(unit, owner, system=None):
    """A risk at the matrix's top level (5 × 5), saved as the register would save it (with its
    first revision)."""
    import hashlib
    from datetime import date

    from django.utils import timezone

    from lakthan.risks.engines.matrix import DEFAULT_PATH, parse_matrix
    from lakthan.risks.models import Risk, RiskMatrix, RiskRevision
    from lakthan.risks.services.register import state

    text = DEFAULT_PATH.read_text()
    matrix_row = RiskMatrix.objects.create(
        name="default-5x5", text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), loaded_by="test"
    )
    matrix = parse_matrix(text.encode())
    risk = Risk.objects.create(
        ref="R-0001",
        unit=unit,
        system=system,
        title="ห้องเครื่องแม่ข่ายไม่มีระบบดับเพลิงอัตโนมัติ",
        matrix=matrix_row,
        likelihood=5,
        impact=5,
        level=matrix.level(5, 5).code,
        treatment="mitigate",
        owner=owner,
        due=date(2026, 3, 31),
    )
    RiskRevision.objects.create(risk=risk, number=1, data=state(risk), actor="test", at=timezone.now())
    return risk
