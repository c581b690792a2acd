"""The demo's directory (lakthan.access.demo): invented people in a real slapd (or a CSV without it),
an HR roster with leavers and movers, remediation replayed through FY 2556 with its days."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from lakthan.access import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(db):
    from lakthan import demo_data as D
    from lakthan.core.models import Unit
    from lakthan.core.services import add_unit

    for code, parent, kind, name_th, name_en, abbr in D.UNITS:
        add_unit(code, name_th, name_en=name_en, parent=parent, kind=kind, abbreviation_th=abbr)
    return Unit.objects.get(code="IMM")


def test_the_demo_people_are_invented_unique_and_the_same_every_time():
    first, second = demo.people(), demo.people()
    names = {(p.first_name, p.last_name) for p in first}
    assert len(names) == demo.PEOPLE and len({p.uid for p in first}) == demo.PEOPLE
    assert [(p.employee_id, p.uid, p.status) for p in first] == [
        (p.employee_id, p.uid, p.status) for p in second
    ]


@pytest.mark.skipif(
    shutil.which("slapd") is None and not demo.Path("/usr/sbin/slapd").exists(), reason="no slapd"
)
def test_the_demo_directory_is_a_real_slapd_remediated_through_fy_2556(bureau, tmp_path):
    from lakthan.access.models import Account, IdentitySource, Remediation, RosterImport
    from lakthan.access.services.findings import findings

    directory = demo.build_demo_directory(bureau, home=tmp_path)
    try:
        assert directory is not None and directory.process.poll() is None
        ldap = IdentitySource.objects.get(name="imm-ldap")
        assert ldap.kind == "ldap" and ldap.may_write and ldap.tracks_login
        # a leaver disabled by remediate is locked in the directory itself
        kanda = Account.objects.get(source=ldap, employee_id="41008")  # index 7, resigned 16 Nov 2012
        assert kanda.disabled and directory.attribute(kanda.dn, "pwdAccountLockedTime") == ["000001010000Z"]
    finally:
        directory.stop()

    assert 190 <= Account.objects.count() <= 230
    assert IdentitySource.objects.count() == 4
    assert [i.file_name for i in RosterImport.objects.order_by("at")] == [
        "hr-roster-2555-10-01.csv",
        "hr-roster-2556-09-30.csv",
    ]
    disabled = Remediation.objects.filter(outcome="disabled").order_by("leaver_since", "days")
    assert [r.days for r in disabled] == [4, 1, 6, 2, 4, 2, 6, 5, 5, 5, 4, 4, 2]  # each within 7 days
    assert all(r.at.year in (2012, 2013) for r in disabled)
    kinds = Counter(f.kind for f in findings(demo.AS_OF))
    assert kinds["leaver_active"] >= 2 and kinds["orphan"] >= 4 and kinds["dormant"] >= 5
    assert kinds["no_owner"] == 1
    still = {
        f.person for f in findings(demo.AS_OF) if f.kind == "leaver_active" and f.system == "imm-directory"
    }
    assert still == {"41127", "41125"}  # retiring on the year's last day


def test_without_slapd_the_directory_is_a_csv_and_leavers_get_tasks(bureau, tmp_path):
    from lakthan.access.models import IdentitySource, Remediation

    assert demo.build_demo_directory(bureau, home=tmp_path, use_slapd=False) is None

    assert IdentitySource.objects.get(name="imm-ldap").kind == "csv"
    outcomes = Counter(Remediation.objects.values_list("outcome", flat=True))
    assert outcomes["task"] >= 11 and not outcomes["disabled"]
