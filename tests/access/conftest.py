"""Fixtures of item 10: a real slapd (tests/access/slapd.py), a bureau with units, an HR roster."""

from __future__ import annotations

import shutil

import pytest

from tests.access.slapd import Slapd, User  # noqa: F401 — User is used by the tests


@pytest.fixture
def slapd_factory(tmp_path):
    """start(users, groups) → a running Slapd; every one started is stopped and removed afterwards."""
    started: list[Slapd] = []

    def start(users, groups=None):
        server = Slapd(tmp_path / f"slapd-{len(started)}")
        started.append(server)
        return server.start(users, groups or {})

    yield start
    for server in started:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def units(db):
    from lakthan.core.services import add_unit

    bureau = add_unit("B", "สำนักงานทดสอบ", name_en="Test Bureau")
    add_unit("B-IT", "ศูนย์เทคโนโลยีสารสนเทศ", parent="B")
    add_unit("B-HR", "ฝ่ายบุคคล", parent="B")
    return bureau


AS_OF = "2026-12-01"
ROSTER = (
    "employee_id,title,first_name,last_name,unit,position,status,effective_date\n"
    "E001,นาย,สมชาย,ใจดี,B-IT,นักวิชาการคอมพิวเตอร์,active,2015-10-01\n"
    "E002,นางสาว,สมหญิง,รักงาน,B-IT,เจ้าพนักงานธุรการ,resigned,2026-10-01\n"
    "E003,นาย,มานะ,อดทน,B-HR,นักทรัพยากรบุคคล,active,2018-05-01\n"
    "E004,นาง,มาลี,ศรีสุข,B-HR,เจ้าพนักงานธุรการ,active,2010-01-01\n"
    "E005,นาย,ปิติ,ยินดี,B-IT,นายช่าง,retired,2026-09-30\n"
    "E006,นางสาว,ใหม่,เพิ่งมา,B-IT,นักวิชาการคอมพิวเตอร์,active,2026-11-01\n"
    "E007,นาย,วีระ,กล้าหาญ,B-IT,ผู้อำนวยการ,active,2012-01-01\n"
)


def bureau_users() -> list[User]:
    """One account for each case a finding is (or is not) about, judged on AS_OF."""
    return [
        User(
            "somchai",
            "สมชาย ใจดี",
            employee_number="E001",
            auth_timestamp="20261120093000Z",
            pwd_changed="20250101000000Z",
        ),
        User("somying", "สมหญิง รักงาน", employee_number="E002", auth_timestamp="20261125000000Z"),
        User("mana", "มานะ อดทน", employee_number="E003", auth_timestamp="20260801000000Z"),
        User("malee", "มาลี ศรีสุข", employee_number="E004", created="20200101000000Z"),
        User(
            "piti", "ปิติ ยินดี", employee_number="E005", locked="000001010000Z", auth_timestamp="20260101000000Z"
        ),
        User("mai", "ใหม่ เพิ่งมา", employee_number="E006", created="20261101000000Z"),
        User("nobody", "ไม่มี รหัส", auth_timestamp="20261130000000Z"),
        User("ghost", "ผี ไม่รู้จัก", employee_number="E999", auth_timestamp="20261130000000Z"),
        User("svc-backup", "svc-backup", auth_timestamp="20261130000000Z"),
    ]


@pytest.fixture
def bureau(units, slapd_factory):
    """The bureau's directory (slapd) synced once, and its HR roster imported."""
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync

    directory = slapd_factory(
        bureau_users(), {"staff": ["somchai", "somying", "mana"], "admins": ["somchai"]}
    )
    import_roster(ROSTER.encode(), "roster.csv", actor="hr")
    source = add_source(
        "dir",
        unit=units,
        ldap_url=directory.url,
        bind_dn="cn=admin,dc=agency,dc=example",
        password_file=str(directory.password_file),
        base_dn="dc=agency,dc=example",
        may_write=True,
    )
    sync(source)

    class Bureau:
        pass

    b = Bureau()
    b.directory, b.source, b.unit = directory, source, units
    return b
