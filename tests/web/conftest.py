"""Two-factor is required for administrators and supervisors; page tests that are not about it sign
in with a password only, so they turn the requirement off. Tests about 2FA ask for ``require_2fa``."""

import pytest


@pytest.fixture(autouse=True)
def _no_two_factor_unless_asked(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def require_2fa(settings):
    settings.LAKTHAN_REQUIRE_2FA = True


PASSWORD = "a-long-test-password"
ROLES = ("admin", "supervisor", "collector", "reviewer", "auditor")


@pytest.fixture
def world(db, django_user_model):
    """Two sibling bureaux A (with a division A-1) and B, each with the FY 2556 agreement for 9.2 and one
    piece of evidence; one user per role, each granted the role in A."""
    import io
    from decimal import Decimal

    from lakthan.core.models import RoleGrant
    from lakthan.core.services import add_person, add_unit
    from lakthan.evidence import services as ev
    from lakthan.indicators import services as ind
    from tests.conftest import pdf_bytes

    ind.ensure_bundled_libraries()
    a = add_unit("A", "สำนักงาน ก", name_en="Bureau A")
    a1 = add_unit("A-1", "กอง ก ๑", parent="A", name_en="Division A-1")
    b = add_unit("B", "สำนักงาน ข", name_en="Bureau B")
    indicator = ind.find_indicator("9.2", 2556)
    reports, evidence = {}, {}
    for unit in (a, a1, b):
        ind.set_agreement(unit, 2556, [(indicator, Decimal(3))])
        reports[unit.code] = ind.get_report(unit, 2556, 12, "9.2")
        evidence[unit.code] = ev.add_file(
            unit,
            io.BytesIO(pdf_bytes(unit.code)),
            f"{unit.code}.pdf",
            ev.Metadata(title=f"คำสั่ง {unit.code}", kind="order"),
        )
    users = {}
    for role in ROLES:
        user = django_user_model.objects.create_user(
            f"{role}-a", password=PASSWORD, email=f"{role}@example.invalid"
        )
        RoleGrant.objects.create(user=user, unit=a, role=role)
        users[role] = user
    # The supervisor is also the indicator's named supervisor in A, so they may sign there.
    person = add_person(a, "ผู้กำกับ", "ทดสอบ", title_th="พ.ต.อ.", user=users["supervisor"])
    ind.assign(a, indicator, 2556, person, "supervisor")

    class World:
        pass

    w = World()
    w.a, w.a1, w.b, w.indicator, w.reports, w.evidence, w.users = (
        a,
        a1,
        b,
        indicator,
        reports,
        evidence,
        users,
    )
    w.password = PASSWORD
    return w
