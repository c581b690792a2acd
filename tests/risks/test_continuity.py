"""Continuity targets and scenarios: durations and their validation, dependencies (self and cycles
refused, the cycle named), the scenarios file checked whole with its lines named, and the audit."""

from __future__ import annotations

import pytest

from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import AuditEntry
from lakthan.risks.engines.scenarios import DEFAULT_PATH, KINDS, parse_scenarios
from lakthan.risks.models import ContinuityTarget, Scenario
from lakthan.risks.services.continuity import (
    ScenariosRefused,
    load_scenarios,
    missing_targets,
    scenarios,
    set_scenario,
    set_target,
)
from tests.risks.continuity_setup import DAY, HOUR


def test_a_target_is_set_then_replaced_and_each_change_is_audited(bcp_org):
    db = bcp_org.systems["db"]
    set_target(db, rto_s=4 * HOUR, rpo_s=HOUR, mtd_s=DAY, manual_procedure=" ใช้แบบฟอร์มกระดาษ ", actor="t")
    target = set_target("db", rto_s=2 * HOUR, rpo_s=30 * 60, actor="t2")
    assert ContinuityTarget.objects.count() == 1
    assert (target.rto_s, target.rpo_s, target.mtd_s, target.manual_procedure) == (7200, 1800, None, "")
    entries = list(AuditEntry.objects.filter(action="risks.target.set").order_by("pk"))
    assert [e.actor for e in entries] == ["t", "t2"]
    assert entries[0].before is None and entries[0].after["rto"] == "4h"
    assert entries[1].before["mtd"] == "1d" and entries[1].after == {
        "system": "db",
        "rto": "2h",
        "rpo": "30m",
        "mtd": None,
        "depends_on": [],
        "manual_procedure": "",
    }


def test_the_rto_may_not_be_longer_than_the_mtd(bcp_org):
    with pytest.raises(InvalidInput) as exc:
        set_target(bcp_org.systems["db"], rto_s=2 * DAY, rpo_s=HOUR, mtd_s=DAY, actor="t")
    assert "RTO (2d)" in exc.value.message_en and "MTD (1d)" in exc.value.message_en
    set_target(bcp_org.systems["db"], rto_s=DAY, rpo_s=HOUR, mtd_s=DAY, actor="t")  # equal is allowed


@pytest.mark.parametrize("value", [0, -5, None, "4h", 2.5, True, 400 * DAY])
def test_a_duration_must_be_whole_seconds_above_zero_and_at_most_a_year(bcp_org, value):
    with pytest.raises(InvalidInput, match="RTO must be a duration"):
        set_target(bcp_org.systems["db"], rto_s=value, rpo_s=HOUR, actor="t")
    assert not ContinuityTarget.objects.exists()


def test_a_system_may_not_depend_on_itself(bcp_org):
    with pytest.raises(InvalidInput, match="cannot depend on itself"):
        set_target("erp", rto_s=HOUR, rpo_s=HOUR, depends_on=["erp"], actor="t")


def test_a_dependency_cycle_is_refused_and_named(bcp_org):
    set_target("erp", rto_s=HOUR, rpo_s=HOUR, depends_on=["db"], actor="t")
    set_target("db", rto_s=HOUR, rpo_s=HOUR, depends_on=["net"], actor="t")
    with pytest.raises(InvalidInput) as exc:
        set_target("net", rto_s=HOUR, rpo_s=HOUR, depends_on=["web", "erp"], actor="t")
    assert exc.value.message_en == "the dependencies would make a cycle: net → erp → db → net"
    assert "วงวน" in exc.value.message_th
    assert not ContinuityTarget.objects.filter(system__code="net").exists()
    # not a cycle: a shared dependency (a diamond)
    set_target("net", rto_s=HOUR, rpo_s=HOUR, depends_on=["web"], actor="t")
    set_target("erp", rto_s=HOUR, rpo_s=HOUR, depends_on=["db", "web"], actor="t")
    assert sorted(
        ContinuityTarget.objects.get(system__code="erp").depends_on.values_list("code", flat=True)
    ) == [
        "db",
        "web",
    ]


def test_an_unknown_dependency_is_named(bcp_org):
    with pytest.raises(NotFound, match="no information system with code nope"):
        set_target("erp", rto_s=HOUR, rpo_s=HOUR, depends_on=["nope"], actor="t")


def test_critical_systems_without_a_target_are_found(bcp_org):
    assert [s.code for s in missing_targets({bcp_org.unit.pk})] == ["db", "erp", "net"]
    set_target("db", rto_s=HOUR, rpo_s=HOUR, actor="t")
    assert [s.code for s in missing_targets({bcp_org.unit.pk})] == ["erp", "net"]


def test_the_default_scenarios_cover_the_six_kinds_in_thai(bcp_org):
    parsed = parse_scenarios(DEFAULT_PATH.read_bytes())
    assert [s.kind for s in parsed] == list(KINDS)
    loaded = load_scenarios(bcp_org.unit, DEFAULT_PATH.read_bytes(), actor="t")
    assert len(loaded) == 6
    fire = Scenario.objects.get(unit=bcp_org.unit, kind="fire")
    assert fire.title == "แผนรองรับเหตุอัคคีภัย" and len(fire.steps) >= 5
    assert {"role": "สถานีดับเพลิง", "name": "", "phone": "199"} in fire.contacts
    assert [s.kind for s in scenarios(bcp_org.unit)] == list(KINDS)


def test_a_scenarios_file_is_refused_whole_with_every_line_named(bcp_org):
    load_scenarios(bcp_org.unit, DEFAULT_PATH.read_bytes(), actor="t")
    before = list(Scenario.objects.values_list("kind", "steps"))
    bad = (
        "scenarios:\n"
        "  - kind: fire\n"
        "    steps: [ออกจากอาคาร]\n"
        "    contacts: [{role: ผู้ดูแลระบบ}]\n"
        "    systems: [erp, nope]\n"
        "  - kind: tornado\n"
        "    steps: []\n"
        "    contacts: [{phone: '1'}]\n"
        "  - kind: fire\n"
        "    steps: [x]\n"
        "    contacts: [{name: ก}]\n"
        "    colour: red\n"
    ).encode()
    with pytest.raises(ScenariosRefused) as exc:
        load_scenarios(bcp_org.unit, bad, actor="t")
    assert [line for line, _, _ in exc.value.problems] == [6, 7, 8, 9, 12]
    assert "line 6: unknown kind tornado" in exc.value.message_en
    assert "line 12: unknown field colour" in exc.value.message_en
    assert "บรรทัด 9: สถานการณ์ fire ซ้ำ" in exc.value.message_th
    # the file is well formed but names a system the unit does not have
    with pytest.raises(ScenariosRefused) as exc:
        load_scenarios(bcp_org.unit, bad.split(b"  - kind: tornado")[0], actor="t")
    assert exc.value.message_en == "line 5: no system nope in unit B"
    assert list(Scenario.objects.values_list("kind", "steps")) == before


def test_bad_yaml_is_named_by_its_line(bcp_org):
    with pytest.raises(ScenariosRefused, match="line 3: bad YAML"):
        load_scenarios(bcp_org.unit, b"scenarios:\n  - kind: fire\n  steps: [\n", actor="t")


def test_a_scenario_is_replaced_and_its_systems_must_be_the_units(bcp_org):
    set_scenario(bcp_org.unit, "power", steps=["ตรวจ UPS"], contacts=[{"role": "ช่างไฟฟ้า"}], actor="t")
    scenario = set_scenario(
        bcp_org.unit,
        "power",
        steps=["  เดินเครื่อง   กำเนิดไฟฟ้า ", ""],
        contacts=[{"name": "สมศักดิ์", "phone": "1004"}],
        systems=["db"],
        alternate_site="อาคาร ข",
        actor="t",
    )
    assert scenario.steps == ["เดินเครื่อง กำเนิดไฟฟ้า"]
    assert scenario.contacts == [{"name": "สมศักดิ์", "role": "", "phone": "1004"}]
    assert Scenario.objects.count() == 1
    with pytest.raises(InvalidInput, match="system x-mail is not of unit B"):
        set_scenario(
            bcp_org.unit, "power", steps=["a"], contacts=[{"role": "r"}], systems=["x-mail"], actor="t"
        )
    with pytest.raises(InvalidInput, match="needs at least one step"):
        set_scenario(bcp_org.unit, "power", steps=[" "], contacts=[{"role": "r"}], actor="t")
    with pytest.raises(InvalidInput, match="contact 1 needs a name or a role"):
        set_scenario(bcp_org.unit, "power", steps=["a"], contacts=[{"phone": "1"}], actor="t")
    with pytest.raises(InvalidInput, match="unknown scenario meteor"):
        set_scenario(bcp_org.unit, "meteor", steps=["a"], contacts=[{"role": "r"}], actor="t")
    assert AuditEntry.objects.filter(action="risks.scenario.set").count() == 2
