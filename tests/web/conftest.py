"""Two-factor is required for administrators and supervisors; page tests that are not about it sign
in with a password only, so they turn the requirement off. Tests about 2FA ask for ``require_2fa``
(tests/conftest.py, with ``world``). ``site``: one bureau seen through its IT centre's officer."""

import io
from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import PASSWORD, pdf_bytes


@pytest.fixture(autouse=True)
def _no_two_factor_unless_asked(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


DASHBOARD = "/units/WEB-IT/fy/2556/round/12/"


@pytest.fixture
def site(db, django_user_model):
    """A bureau with two divisions, each with the FY 2556 agreement for 9.2 (weight 3); the IT centre has
    5 items met, 2 not met, 3 undecided (score 5, weighted 0.15) and one linked and one expired document."""
    from lakthan.core.services import add_person, add_unit
    from lakthan.evidence import services as ev
    from lakthan.indicators import services as ind
    from lakthan.indicators.libraries import ensure_bundled_libraries

    ensure_bundled_libraries()
    bureau = add_unit("WEB", "สำนักงานทดสอบเว็บ", name_en="Web Test Bureau")
    it = add_unit("WEB-IT", "ศูนย์สารสนเทศทดสอบ", parent="WEB", name_en="Test IT Centre")
    other = add_unit("WEB-D2", "กองทดสอบ 2", parent="WEB", name_en="Test Division 2")
    indicator = ind.find_indicator("9.2", 2556)
    for unit in (it, other):
        ind.set_agreement(unit, 2556, [(indicator, Decimal(3))])
    user = django_user_model.objects.create_user("it-officer", password=PASSWORD)
    officer = add_person(it, "ทดสอบ", "ระบบงาน", title_th="ร.ต.อ.", user=user)
    ind.assign(it, indicator, 2556, officer, "supervisor")
    report = ind.get_report(it, 2556, 12, "9.2")
    for n in range(1, 6):
        ind.set_result(report, n, "met")
    for n in (6, 7):
        ind.set_result(report, n, "not_met")
    plan = ev.add_file(
        it,
        io.BytesIO(pdf_bytes("backup plan")),
        "backup-plan.pdf",
        ev.Metadata(title="แผนสำรองข้อมูล", kind="plan", doc_no="ที่ 12/2556", doc_date=date(2013, 7, 11)),
    )
    ev.link(plan, report, 1)
    old = ev.add_file(
        it,
        io.BytesIO(pdf_bytes("old policy")),
        "old-policy.pdf",
        ev.Metadata(title="นโยบายฉบับเก่า", kind="order", expiry_date=date(2020, 1, 31)),
    )
    staff = django_user_model.objects.create_user(
        "admin-user", password=PASSWORD, is_staff=True, is_superuser=True
    )

    class Site:
        pass

    s = Site()
    s.bureau, s.it, s.other, s.user, s.staff, s.officer, s.report, s.plan, s.old = (
        bureau,
        it,
        other,
        user,
        staff,
        officer,
        report,
        plan,
        old,
    )
    return s


@pytest.fixture
def officer_client(client, site):
    client.force_login(site.user)
    return client
