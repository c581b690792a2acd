"""Roles per duty against the real directory: the catalogue imported (or refused by line, nothing
changed), excess rights and SoD conflicts found exactly, a mover's old rights kept through the grace
period and then removed from the group in slapd by `remediate`."""

from __future__ import annotations

from datetime import date

import ldap3
import pytest
from django.utils import timezone

from tests.access.conftest import ROSTER, bureau_users

pytestmark = pytest.mark.django_db
PEOPLE = "ou=people,dc=agency,dc=example"
ADMINS = "cn=admins,ou=groups,dc=agency,dc=example"
SOMCHAI = f"uid=somchai,{PEOPLE}"

CATALOGUE = """\
label: บัญชีบทบาทสำนักงานทดสอบ ๒๕๗๐
rules:
  - system: dir
    position: "*"
    groups: [staff]
  - system: dir
    position: นักวิชาการคอมพิวเตอร์
    unit: B-IT
    groups: [admins]
  - system: dir
    position: นักทรัพยากรบุคคล
    groups: [hr-officer, payroll-approve, payroll-pay]
  - system: dir
    position: เจ้าพนักงานธุรการ
    groups: [payroll-pay]
sod:
  - system: dir
    pair: [payroll-approve, payroll-pay]
    reason: ผู้อนุมัติจ่ายเงินเดือนต้องไม่เป็นผู้จ่ายเงินเดือน
"""
GROUPS = {
    "staff": ["somchai", "somying", "mana", "malee", "mai"],
    "admins": ["somchai", "nobody"],
    "hr-officer": ["somchai", "mana", "piti"],
    "payroll-approve": ["mana", "piti"],
    "payroll-pay": ["mana", "malee", "piti"],
}


@pytest.fixture
def office(units, slapd_factory, tmp_path):
    """The bureau's directory with duty groups, synced, and its roster."""
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync

    directory = slapd_factory(bureau_users(), GROUPS)
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
    catalogue = tmp_path / "roles.yaml"
    catalogue.write_text(CATALOGUE, encoding="utf-8")

    class Office:
        pass

    o = Office()
    o.directory, o.source, o.catalogue = directory, source, catalogue
    return o


def role_findings(day: date) -> list[tuple[str, str, dict]]:
    from lakthan.access.services.findings import findings

    return sorted(
        ((f.kind, f.account, f.detail) for f in findings(day) if f.kind in ("excess_right", "sod_conflict")),
        key=lambda t: (t[0], t[1], str(t[2])),
    )


def test_without_a_catalogue_there_is_no_excess_nor_sod_finding(office, cli):
    assert role_findings(date(2026, 12, 1)) == []
    assert "no role catalogue" in cli("access", "roles", "list").output


def test_the_list_shows_the_thai_positions_and_the_reason(office, cli):
    cli("access", "roles", "import", str(office.catalogue))

    out = cli("access", "roles", "list").output

    assert "นักวิชาการคอมพิวเตอร์" in out and "B-IT" in out
    assert "ผู้อนุมัติจ่ายเงินเดือนต้องไม่เป็นผู้จ่ายเงินเดือน" in out


def test_the_catalogue_is_imported_kept_and_listed(office, cli):
    from lakthan.access.models import RoleCatalogue

    out = cli("access", "roles", "import", str(office.catalogue)).output
    assert "imported 4 rule(s) and 1 SoD pair(s) from roles.yaml" in out
    record = RoleCatalogue.objects.get()
    assert (record.actor, record.label) == ("cli", "บัญชีบทบาทสำนักงานทดสอบ ๒๕๗๐")
    import hashlib

    assert record.sha256 == hashlib.sha256(CATALOGUE.encode()).hexdigest()
    import json

    listed = json.loads(cli("access", "roles", "list", "--json").output)
    assert listed["rules"][1] == {
        "line": 6,
        "system": "dir",
        "position": "นักวิชาการคอมพิวเตอร์",
        "unit": "B-IT",
        "groups": ["admins"],
    }
    assert listed["sod"] == [
        {
            "line": 17,
            "system": "dir",
            "pair": ["payroll-approve", "payroll-pay"],
            "reason": "ผู้อนุมัติจ่ายเงินเดือนต้องไม่เป็นผู้จ่ายเงินเดือน",
        }
    ]


def test_a_bad_catalogue_is_refused_with_its_line_named_and_nothing_changes(office, cli, tmp_path):
    from click.testing import CliRunner

    from lakthan.access.models import RoleCatalogue, RoleRule
    from lakthan.cli import main

    cli("access", "roles", "import", str(office.catalogue))
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        CATALOGUE.replace(
            "system: dir\n    position: นักทรัพยากรบุคคล", "system: hr-app\n    position: นักทรัพยากรบุคคล"
        ),
        encoding="utf-8",
    )

    result = CliRunner().invoke(main, ["access", "roles", "import", str(bad)])

    assert result.exit_code == 2
    assert "line 10: unknown system code hr-app" in result.output
    assert "Traceback" not in result.output
    assert RoleCatalogue.objects.count() == 1 and RoleRule.objects.count() == 4  # the previous one stays


def test_excess_rights_and_sod_conflicts_are_found_exactly(office):
    from lakthan.access.services.roles import import_catalogue

    import_catalogue(CATALOGUE.encode(), "roles.yaml", actor="it")

    assert role_findings(date(2026, 12, 1)) == [
        # somchai, นักวิชาการคอมพิวเตอร์ of B-IT: staff and admins are his, hr-officer is not
        ("excess_right", "dir:somchai", {"group": "hr-officer", "position": "นักวิชาการคอมพิวเตอร์"}),
        # mana, นักทรัพยากรบุคคล, may hold both payroll groups but not together
        (
            "sod_conflict",
            "dir:mana",
            {
                "groups": ["payroll-approve", "payroll-pay"],
                "reason": "ผู้อนุมัติจ่ายเงินเดือนต้องไม่เป็นผู้จ่ายเงินเดือน",
            },
        ),
    ]
    # piti (locked) holds hr-officer and both payroll groups: disabled, no finding; nobody (an orphan)
    # holds admins: not a known person, no excess; somying (a leaver) is leaver_active instead


def test_a_second_import_replaces_the_first(office):
    from lakthan.access.models import RoleCatalogue
    from lakthan.access.services.roles import current, import_catalogue

    import_catalogue(CATALOGUE.encode(), "roles.yaml", actor="it")
    wider = CATALOGUE.replace("groups: [admins]", "groups: [admins, hr-officer]")
    second = import_catalogue(wider.encode(), "roles-2.yaml", actor="it")

    assert current() == second and RoleCatalogue.objects.count() == 2
    assert [k for k, _a, _d in role_findings(date(2026, 12, 1))] == ["sod_conflict"]


MOVED = (
    "employee_id,title,first_name,last_name,unit,position,status,effective_date\n"
    "E001,นาย,สมชาย,ใจดี,B-HR,นักทรัพยากรบุคคล,transferred,2026-11-01\n"
)


def mover_findings(day: date) -> list[dict]:
    return [d for k, a, d in role_findings(day) if k == "excess_right" and a == "dir:somchai"]


def test_a_mover_keeps_the_old_posts_rights_through_the_grace_period_then_they_are_findings(office, settings):
    from lakthan.access.services.roles import import_catalogue
    from lakthan.access.services.roster import import_roster

    import_catalogue(CATALOGUE.encode(), "roles.yaml", actor="it")
    import_roster(MOVED.encode(), "moved.csv", actor="hr")  # B-IT → B-HR on 2026-11-01

    assert mover_findings(date(2026, 12, 1)) == []  # grace (30 days) until 2026-12-01 inclusive
    assert mover_findings(date(2026, 12, 2)) == [
        {
            "group": "admins",
            "position": "นักทรัพยากรบุคคล",
            "mover": True,
            "moved_on": "2026-11-01",
            "grace_until": "2026-12-01",
        }
    ]
    settings.LAKTHAN_ACCESS_MOVER_GRACE_DAYS = 60
    assert mover_findings(date(2026, 12, 2)) == []


def test_remediate_removes_a_movers_old_group_in_slapd_and_the_finding_stays_gone_after_sync(office, cli):
    from lakthan.access.models import Remediation
    from lakthan.access.services.roles import import_catalogue
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sync import sync

    import_catalogue(CATALOGUE.encode(), "roles.yaml", actor="it")
    import_roster(MOVED.encode(), "moved.csv", actor="hr")
    day = "2026-12-02"

    dry = cli("access", "remediate", "--as-of", day, "--dry-run").output
    assert "would remove dir:somchai from group admins [E001]" in dry
    assert SOMCHAI in office.directory.attribute(ADMINS, "member")

    out = cli("access", "remediate", "--as-of", day).output

    days = (timezone.localdate() - date(2026, 11, 1)).days
    assert f"remove dir:somchai from group admins [E001] ({days} days after moving)" in out
    assert "1 mover membership(s)" in out
    with office.directory.connection() as conn:  # an LDAP search: the member value is gone
        conn.search(
            PEOPLE.replace("ou=people", "ou=groups"),
            "(member=uid=somchai,ou=people,dc=agency,dc=example)",
            attributes=["cn"],
        )
        assert sorted(str(e.cn) for e in conn.entries) == ["hr-officer", "staff"]
    assert office.directory.attribute(ADMINS, "member") == [f"uid=nobody,{PEOPLE}"]
    assert not any("cn=admins" in g for g in office.directory.attribute(SOMCHAI, "memberOf"))
    done = Remediation.objects.get(group="admins")
    assert (done.outcome, done.leaver_since, done.days, done.actor) == (
        "removed",
        date(2026, 11, 1),
        days,
        "cli",
    )
    assert mover_findings(date(2026, 12, 2)) == []

    run = sync(office.source)

    assert run.memberships_ended == 0  # the directory agrees with what remediate recorded
    assert mover_findings(date(2026, 12, 2)) == []
    assert "mover" not in cli("access", "remediate", "--as-of", day, "--dry-run").output


def test_where_lakthan_may_not_write_a_movers_task_is_opened_once(office):
    from lakthan.access.models import Remediation
    from lakthan.access.services.remediate import remediate
    from lakthan.access.services.roles import import_catalogue
    from lakthan.access.services.roster import import_roster

    office.source.may_write = False
    office.source.save()
    import_catalogue(CATALOGUE.encode(), "roles.yaml", actor="it")
    import_roster(MOVED.encode(), "moved.csv", actor="hr")

    first = [(s.action, s.group) for s in remediate(date(2026, 12, 2)) if s.group]
    second = [(s.action, s.group) for s in remediate(date(2026, 12, 2)) if s.group]

    assert first == [("task", "admins")] and second == [("open task kept", "admins")]
    assert Remediation.objects.filter(outcome="task", group="admins").count() == 1
    assert Remediation.objects.filter(outcome="task", group="").count() == 1  # the leaver's, as before
    assert SOMCHAI in office.directory.attribute(ADMINS, "member")


def test_a_group_the_directory_refuses_to_empty_is_a_failed_step(office, cli):
    from click.testing import CliRunner

    from lakthan.access.models import Remediation
    from lakthan.access.services.roles import import_catalogue
    from lakthan.access.services.roster import import_roster
    from lakthan.cli import main

    import_catalogue(CATALOGUE.encode(), "roles.yaml", actor="it")
    import_roster(MOVED.encode(), "moved.csv", actor="hr")
    office.directory.modify(ADMINS, {"member": [(ldap3.MODIFY_DELETE, [f"uid=nobody,{PEOPLE}"])]})

    result = CliRunner().invoke(main, ["access", "remediate", "--as-of", "2026-12-02"])

    assert result.exit_code == 1
    assert "failed dir:somchai from group admins" in result.output
    assert Remediation.objects.get(group="admins").outcome == "failed"
    assert office.directory.attribute(ADMINS, "member") == [SOMCHAI]
