"""The catalogue of roles per duty, pure: the YAML read and refused by line, the rules and pairs judged."""

from __future__ import annotations

from datetime import date

import pytest

from lakthan.access.engines.catalogue import CatalogueRejected, Duties, parse_catalogue
from lakthan.access.engines.findings import AccountFacts, Move, PersonFacts, Policy, judge

SYSTEMS = {"pibics", "gfmis"}
UNITS = {"B", "B-IT", "B-HR"}
CHAINS = {"B": ("B",), "B-IT": ("B-IT", "B"), "B-HR": ("B-HR", "B")}

GOOD = """\
label: บัญชีบทบาท ๒๕๗๐
rules:
  - system: pibics
    position: "*"
    groups: [staff]
  - system: pibics
    position: นักทรัพยากรบุคคล
    groups: [hr-officer, HR-Report]
  - system: pibics
    position: นักทรัพยากรบุคคล
    unit: B-HR
    groups: hr-admin
sod:
  - systems: [pibics, gfmis]
    pair: [approver, payer]
    reason: ผู้อนุมัติต้องไม่เป็นผู้จ่ายเงิน
"""


def test_a_good_catalogue_is_read_with_the_line_of_each_rule_and_pair():
    catalogue = parse_catalogue(GOOD.encode(), SYSTEMS, UNITS)

    assert catalogue.label == "บัญชีบทบาท ๒๕๗๐"
    assert [(r.line, r.position, r.unit, r.groups) for r in catalogue.rules] == [
        (3, "*", "", ("staff",)),
        (6, "นักทรัพยากรบุคคล", "", ("hr-officer", "HR-Report")),
        (9, "นักทรัพยากรบุคคล", "B-HR", ("hr-admin",)),
    ]
    assert [(p.line, p.system, p.group_a, p.group_b) for p in catalogue.pairs] == [
        (14, "pibics", "approver", "payer"),
        (14, "gfmis", "approver", "payer"),
    ]


def problems_of(text: str) -> list[str]:
    with pytest.raises(CatalogueRejected) as refused:
        parse_catalogue(text.encode(), SYSTEMS, UNITS)
    return [p.message_en for p in refused.value.problems]


def test_every_problem_is_named_by_its_line():
    text = """\
rules:
  - system: pibics
    position: นักทรัพยากรบุคคล
    groups: [hr-officer]
  - system: nosuch
    position: นิติกร
    groups: [legal]
  - system: pibics
    position: นักทรัพยากรบุคคล
    groups: [hr-report]
  - system: pibics
    position: นายช่าง
    groups: []
    colour: blue
sod:
  - system: gfmis
    pair: [approver, APPROVER]
    reason: ซ้ำ
"""
    assert problems_of(text) == [
        "line 5: unknown system code nosuch",
        "line 8: duplicate rule for pibics / นักทรัพยากรบุคคล (line 2)",
        "line 13: groups is empty",
        "line 14: the rule has an unknown field 'colour' (allowed: system, position, unit, groups)",
        "line 17: pair must name two different groups",
    ]


def test_bad_yaml_an_unknown_unit_and_an_unknown_top_field_are_refused_by_line():
    assert problems_of("rules:\n  - system: pibics\n    groups: [a\n") == [
        "line 4: bad YAML (expected ',' or ']', but got '<stream end>')"
    ]
    assert problems_of("rule:\n  - system: pibics\n") == [
        "line 1: the file has an unknown field 'rule' (allowed: label, rules, sod)"
    ]
    assert problems_of("rules:\n  - system: pibics\n    position: x\n    unit: Z\n    groups: [a]\n") == [
        "line 4: unknown unit Z"
    ]
    assert problems_of("label: ว่าง\n") == ["the file has no rule and no SoD pair"]


def test_a_post_may_hold_the_union_of_the_rules_that_fit_it():
    duties = Duties(parse_catalogue(GOOD.encode(), SYSTEMS, UNITS), CHAINS)

    assert duties.allowed("pibics", "นักทรัพยากรบุคคล", "B-HR") == {
        "staff",
        "hr-officer",
        "hr-report",
        "hr-admin",
    }
    assert duties.allowed("pibics", "นักทรัพยากรบุคคล", "B-IT") == {"staff", "hr-officer", "hr-report"}
    assert duties.allowed("pibics", "นิติกร", "B") == {"staff"}
    assert duties.covers("pibics") and not duties.covers("gfmis")


DAY = date(2026, 12, 1)


def account(pk, username, groups, employee_id="E1", enabled=True, system="pibics", source="pibics-users"):
    return AccountFacts(
        account_id=pk,
        source=source,
        system=system,
        username=username,
        enabled=enabled,
        tracks_login=False,
        employee_id=employee_id,
        groups=tuple(groups),
    )


def person(eid="E1", position="นักทรัพยากรบุคคล", unit="B-HR", status="active", move=None):
    return PersonFacts(eid, "นาย ทดสอบ", unit, status, date(2020, 1, 1), position, move)


def judged(accounts, people, day=DAY, grace=30):
    duties = Duties(parse_catalogue(GOOD.encode(), SYSTEMS, UNITS), CHAINS)
    found = judge(
        accounts, {p.employee_id: p for p in people}, Policy(as_of=day, mover_grace_days=grace), duties
    )
    return [(f.kind, f.account, f.detail) for f in found]


def test_excess_is_each_group_beyond_the_post_and_a_disabled_account_has_none():
    accounts = [
        account(1, "somchai", ["staff", "HR-OFFICER", "approver"]),
        account(2, "old", ["approver", "payer"], enabled=False),
    ]
    assert judged(accounts, [person()]) == [
        ("excess_right", "pibics-users:somchai", {"group": "approver", "position": "นักทรัพยากรบุคคล"})
    ]


def test_sod_in_one_account_and_across_one_persons_accounts_of_a_system():
    accounts = [
        account(1, "a1", ["approver"], system="gfmis", source="gfmis-users"),
        account(2, "a2", ["payer"], system="gfmis", source="gfmis-ldap"),
        account(3, "b1", ["approver", "payer"], employee_id="E2", system="gfmis", source="gfmis-users"),
        account(4, "c1", ["approver"], employee_id="E3", system="gfmis", source="gfmis-users"),
        account(5, "c2", ["payer"], employee_id="E3", system="gfmis", source="gfmis-ldap", enabled=False),
    ]
    reason = "ผู้อนุมัติต้องไม่เป็นผู้จ่ายเงิน"
    both = ["approver", "payer"]
    split = ["gfmis-ldap:a2", "gfmis-users:a1"]
    assert judged(accounts, [person(), person("E2"), person("E3")]) == [
        ("sod_conflict", "gfmis-users:b1", {"groups": both, "reason": reason}),
        ("sod_conflict", "gfmis-users:a1", {"groups": both, "reason": reason, "accounts": split}),
        ("sod_conflict", "gfmis-ldap:a2", {"groups": both, "reason": reason, "accounts": split}),
    ]


def test_without_a_catalogue_no_excess_and_no_sod():
    accounts = [account(1, "x", ["approver", "payer"])]
    assert judge(accounts, {"E1": person()}, Policy(as_of=DAY)) == []


def test_a_movers_old_rights_wait_for_the_grace_period_then_are_findings():
    moved = Move(date(2026, 11, 1), old_unit="B-HR", old_position="นักทรัพยากรบุคคล")
    mover = person(position="นิติกร", unit="B", status="transferred", move=moved)
    accounts = [account(1, "mana", ["staff", "hr-officer", "approver"])]

    # the day grace_until itself is inside the grace period; "approver" was never allowed
    assert judged(accounts, [mover], day=date(2026, 12, 1)) == [
        ("excess_right", "pibics-users:mana", {"group": "approver", "position": "นิติกร"})
    ]
    assert judged(accounts, [mover], day=date(2026, 12, 2)) == [
        ("excess_right", "pibics-users:mana", {"group": "approver", "position": "นิติกร"}),
        (
            "excess_right",
            "pibics-users:mana",
            {
                "group": "hr-officer",
                "position": "นิติกร",
                "mover": True,
                "moved_on": "2026-11-01",
                "grace_until": "2026-12-01",
            },
        ),
    ]


def test_a_transferred_person_whose_old_post_is_unknown_keeps_everything_until_the_grace_ends():
    mover = person(position="นิติกร", unit="B", status="transferred", move=Move(date(2026, 11, 20)))
    accounts = [account(1, "mana", ["staff", "approver"])]

    assert judged(accounts, [mover]) == []
    assert [d.get("mover") for _k, _a, d in judged(accounts, [mover], day=date(2026, 12, 21))] == [True]


def test_a_leaver_has_no_excess_finding_but_leaver_active():
    leaver = PersonFacts("E1", "นาย ทดสอบ", "B-HR", "resigned", date(2026, 10, 1), "นิติกร")
    assert [k for k, _a, _d in judged([account(1, "x", ["hr-officer"])], [leaver])] == ["leaver_active"]
