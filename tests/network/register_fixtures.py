"""The bureau of the address register's tests: units B (with the division B-IT) and X, two systems,
three people (two of them sharing a name), and users: an admin of B, a data collector of B-IT, an
auditor of B and a collector of X."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

PASSWORD = "a-long-test-password"
DATA = Path(__file__).parent / "register_data"


@pytest.fixture
def net(db, django_user_model, settings):
    from lakthan.core.models import RoleGrant
    from lakthan.core.services import add_person, add_unit
    from lakthan.inventory.services import add_system

    settings.LAKTHAN_REQUIRE_2FA = False
    b = add_unit("B", "สำนักงานทดสอบ", name_en="Test Bureau")
    it = add_unit("B-IT", "ศูนย์เทคโนโลยีสารสนเทศ", parent="B")
    x = add_unit("X", "สำนักงานอื่น")
    owner = add_person(it, "สมชาย", "ใจดี", title_th="นาย")
    twin_a = add_person(it, "มานะ", "อดทน", title_th="")
    twin_b = add_person(x, "มานะ", "อดทน", title_th="")
    mail = add_system("mail", name_th="ระบบไปรษณีย์อิเล็กทรอนิกส์", unit=it, klass="internet", criticality=4)
    hr = add_system("hr", name_th="ระบบบุคลากร", unit=it, klass="intranet")
    users = {}
    for name, unit, role in (
        ("admin-b", b, "admin"),
        ("collector-it", it, "collector"),
        ("auditor-b", b, "auditor"),
        ("collector-x", x, "collector"),
    ):
        users[name] = django_user_model.objects.create_user(name, password=PASSWORD)
        RoleGrant.objects.create(user=users[name], unit=unit, role=role)
    return SimpleNamespace(
        b=b, it=it, x=x, owner=owner, twin_a=twin_a, twin_b=twin_b, mail=mail, hr=hr, users=users
    )
