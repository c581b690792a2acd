"""Each kind of network finding, found where it should be and nowhere else: the stale boundary at
exactly LAKTHAN_NET_STALE_DAYS, never seen, a MAC mismatch inside and outside the window, nested
prefixes, IPv6, the register as of a day after an address was removed and added again, units."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lakthan.network.services.findings import findings_counts, network_findings, register_as_of
from tests.network.findings_fixtures import bangkok, prefix, register, remove, seen, update

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 30)
MAC_A = "aa:bb:cc:00:00:01"
MAC_B = "AA-BB-CC-00-00-02"


def kinds(found, address):
    return sorted(f["kind"] for f in found if f["address"] == address)


@pytest.fixture
def plan(org):
    prefix("10.20.0.0/16", org.bureau, "สำนักงาน")
    prefix("10.20.5.0/24", org.division, "ศูนย์ไอที")  # nested in the bureau's /16
    prefix("10.20.5.128/25", org.other, "ยืมใช้")  # nested twice
    prefix("2001:db8:10::/48", org.division, "IPv6")
    return org


def test_a_registration_seen_on_the_last_day_of_the_window_is_not_stale_the_day_before_it_is(plan):
    inside = register("10.20.5.10", plan.division, hostname="inside", mac=MAC_A)
    outside = register("10.20.5.11", plan.division, hostname="outside", mac=MAC_A)
    day_90 = DAY - timedelta(days=90)
    seen(
        inside.address, bangkok(day_90 - timedelta(days=3)), bangkok(day_90, 0, 0), mac=MAC_A
    )  # 00:00 on D-90
    seen(
        outside.address,
        bangkok(day_90 - timedelta(days=3)),
        bangkok(day_90 - timedelta(days=1), 23, 59),
        mac=MAC_A,
    )
    found = network_findings(as_of=DAY)
    assert kinds(found, "10.20.5.10") == []
    assert kinds(found, "10.20.5.11") == ["stale"]
    (stale,) = [f for f in found if f["kind"] == "stale"]
    assert stale == {
        "kind": "stale",
        "address": "10.20.5.11",
        "detail": "last seen 2026-03-31",
        "unit": "B-IT",
        "hostname": "outside",
    }


def test_the_window_follows_the_setting(plan, settings):
    settings.LAKTHAN_NET_STALE_DAYS = 10
    reg = register("10.20.5.10", plan.division, mac=MAC_A)
    seen(reg.address, bangkok(DAY - timedelta(days=11)))
    assert kinds(network_findings(as_of=DAY), "10.20.5.10") == ["stale"]
    settings.LAKTHAN_NET_STALE_DAYS = 11
    assert kinds(network_findings(as_of=DAY), "10.20.5.10") == []


def test_a_registration_never_seen_is_stale_and_says_never(plan):
    register("10.20.5.12", plan.division, hostname="printer")
    (f,) = network_findings(as_of=DAY)
    assert (f["kind"], f["detail"], f["hostname"]) == ("stale", "never seen", "printer")


def test_a_sighting_that_began_after_the_day_judged_does_not_count(plan):
    register("10.20.5.12", plan.division)
    seen("10.20.5.12", bangkok(DAY + timedelta(days=1), 0, 0))  # the first moment of the next day
    seen("10.20.5.99", bangkok(DAY + timedelta(days=1), 0, 0))
    found = network_findings(as_of=DAY)
    assert [(f["kind"], f["address"]) for f in found] == [("stale", "10.20.5.12")]
    assert [(f["kind"], f["address"]) for f in network_findings(as_of=DAY + timedelta(days=1))] == [
        ("unregistered", "10.20.5.99")
    ]


def test_another_mac_inside_the_window_is_a_mismatch_outside_it_is_not(plan):
    register("10.20.5.20", plan.division, hostname="pc20", mac=MAC_A)
    register("10.20.5.21", plan.division, hostname="pc21", mac=MAC_A)
    seen("10.20.5.20", bangkok(DAY - timedelta(days=5)), mac=MAC_A)
    seen("10.20.5.20", bangkok(DAY - timedelta(days=2)), mac=MAC_B)  # in the window
    seen("10.20.5.21", bangkok(DAY - timedelta(days=1)), mac=MAC_A)
    seen("10.20.5.21", bangkok(DAY - timedelta(days=91)), mac=MAC_B)  # before the window
    seen("10.20.5.21", bangkok(DAY), kind="logs")  # a log sender names no MAC
    found = network_findings(as_of=DAY)
    assert kinds(found, "10.20.5.21") == []
    (f,) = [f for f in found if f["address"] == "10.20.5.20"]
    assert f["kind"] == "mac_mismatch"
    assert f["detail"] == "registered AA:BB:CC:00:00:01, seen AA:BB:CC:00:00:02 (last 2026-06-28)"


def test_a_registration_without_a_mac_is_never_a_mismatch(plan):
    register("10.20.5.22", plan.division)
    seen("10.20.5.22", bangkok(DAY), mac=MAC_B)
    assert network_findings(as_of=DAY) == []


def test_an_address_seen_and_not_registered_belongs_to_the_innermost_prefix(plan):
    seen("10.20.5.200", bangkok(DAY), mac=MAC_B, hostname="phone")  # /16 ⊃ /24 ⊃ /25 (X)
    seen("10.20.5.7", bangkok(DAY), mac=MAC_A)  # /16 ⊃ /24 (B-IT)
    seen("10.20.9.7", bangkok(DAY))  # only the bureau's /16
    found = network_findings(as_of=DAY)
    assert [(f["kind"], f["address"], f["unit"]) for f in found] == [
        ("unregistered", "10.20.5.7", "B-IT"),
        ("unregistered", "10.20.5.200", "X"),
        ("unregistered", "10.20.9.7", "B"),
    ]
    assert found[1]["detail"] == "last seen 2026-06-30, MAC AA:BB:CC:00:00:02"


def test_outside_the_plan_registered_or_seen_ipv4_and_ipv6(plan):
    register("192.168.1.5", plan.division, hostname="lost")
    register("2001:db8:10::5", plan.division, hostname="v6-in")
    register("2001:db8:11::5", plan.division, hostname="v6-out")
    for address in ("192.168.1.5", "2001:db8:10::5", "2001:db8:11::5"):
        seen(address, bangkok(DAY))
    seen("2001:db8:99::1", bangkok(DAY), mac=MAC_A)
    found = network_findings(as_of=DAY)
    assert [(f["kind"], f["address"], f["unit"], f["hostname"]) for f in found] == [
        ("outside_plan", "192.168.1.5", "B-IT", "lost"),
        ("outside_plan", "2001:db8:11::5", "B-IT", "v6-out"),
        ("outside_plan", "2001:db8:99::1", "", ""),
        ("unregistered", "2001:db8:99::1", "", ""),
    ]
    assert found[2]["detail"] == "seen, in no prefix of the plan"


def test_the_same_address_registered_twice_is_one_duplicate_naming_both(plan):
    register("10.20.5.30", plan.division, hostname="a", mac=MAC_A)
    register("10.20.5.30", plan.other, hostname="b", mac=MAC_A)
    seen("10.20.5.30", bangkok(DAY), mac=MAC_A)
    found = network_findings(as_of=DAY)
    assert [(f["kind"], f["detail"]) for f in found] == [
        ("duplicate_registration", "registered 2 times: B-IT/a, X/b")
    ]
    assert findings_counts(as_of=DAY) == {
        "unregistered": 0,
        "mac_mismatch": 0,
        "stale": 0,
        "outside_plan": 0,
        "duplicate_registration": 1,
    }


def test_backup_leases_and_free_leases_without_a_client_are_not_sightings(plan):
    seen("10.20.5.40", bangkok(DAY), state="backup")
    seen("10.20.5.41", bangkok(DAY), state="free")
    seen("10.20.5.42", bangkok(DAY), state="free", mac=MAC_A)  # freed by a client: it was there
    assert [f["address"] for f in network_findings(as_of=DAY)] == ["10.20.5.42"]


def test_the_register_as_of_a_day_after_an_address_was_removed_and_added_again(plan):
    first = register("10.20.5.50", plan.division, hostname="old", mac=MAC_A, at=bangkok(date(2026, 1, 10)))
    update(first, bangkok(date(2026, 2, 1)), hostname="renamed")
    remove(first, bangkok(date(2026, 3, 1)))
    again = register("10.20.5.50", plan.other, hostname="new", mac=MAC_B, at=bangkok(date(2026, 5, 1)))
    seen("10.20.5.50", bangkok(date(2026, 3, 15)), mac=MAC_A)
    seen("10.20.5.50", bangkok(date(2026, 6, 1)), mac=MAC_B)

    def standing(day):
        return [
            (r["hostname"], r["unit"], r["mac"])
            for r in register_as_of(bangkok(day + timedelta(days=1), 0, 0))
        ]

    assert standing(date(2026, 1, 9)) == []
    assert standing(date(2026, 1, 10)) == [("old", "B-IT", "AA:BB:CC:00:00:01")]
    assert standing(date(2026, 2, 15)) == [("renamed", "B-IT", "AA:BB:CC:00:00:01")]
    assert standing(date(2026, 3, 1)) == []
    assert standing(date(2026, 5, 1)) == [("new", "X", "AA:BB:CC:00:00:02")]
    # on 2026-03-20 the address was seen with nobody's registration: unregistered, in B-IT's /24
    march = network_findings(as_of=date(2026, 3, 20))
    assert [(f["kind"], f["address"], f["unit"]) for f in march] == [("unregistered", "10.20.5.50", "B-IT")]
    # on 2026-02-15 it was registered to "renamed" and not yet seen: stale, never
    feb = network_findings(as_of=date(2026, 2, 15))
    assert [(f["kind"], f["hostname"], f["detail"]) for f in feb] == [("stale", "renamed", "never seen")]
    # on 2026-06-02, registered anew with MAC B, seen with A in March (in the window): a mismatch
    june = network_findings(as_of=date(2026, 6, 2))
    assert [(f["kind"], f["hostname"], f["unit"]) for f in june] == [("mac_mismatch", "new", "X")]
    # today's register (read from Address) agrees with the history's on the same day
    assert network_findings() == network_findings(as_of=date.today())
    assert again.pk


def test_register_as_of_keeps_only_the_units_asked(plan):
    register("10.20.5.60", plan.division)
    register("10.20.5.61", plan.other)
    moment = bangkok(DAY)
    assert [r["address"] for r in register_as_of(moment)] == ["10.20.5.60", "10.20.5.61"]
    assert [r["address"] for r in register_as_of(moment, {plan.other.pk})] == ["10.20.5.61"]


def test_a_unit_sees_what_is_registered_in_it_or_lies_in_its_prefixes(plan):
    register("10.20.5.70", plan.other, hostname="x-in-it")  # X's registration inside B-IT's /24
    register("192.168.9.9", plan.other, hostname="x-outside")  # X's, outside every prefix
    seen("10.20.5.201", bangkok(DAY))  # in X's /25 (and in B-IT's /24, B's /16)
    seen("10.20.7.1", bangkok(DAY))  # only in B's /16
    found_x = network_findings(unit=plan.other, as_of=DAY)
    assert sorted({f["address"] for f in found_x}) == ["10.20.5.201", "10.20.5.70", "192.168.9.9"]
    found_it = network_findings(unit=plan.division, as_of=DAY)
    assert sorted({f["address"] for f in found_it}) == ["10.20.5.201", "10.20.5.70"]
    # the bureau holds its division (unit and below) and its /16
    found_b = network_findings(unit=plan.bureau, as_of=DAY)
    assert sorted({f["address"] for f in found_b}) == ["10.20.5.201", "10.20.5.70", "10.20.7.1"]
    # unit_ids alone, and both together (the units in both)
    assert {f["address"] for f in network_findings(as_of=DAY, unit_ids={plan.other.pk})} == {
        f["address"] for f in found_x
    }
    assert network_findings(unit=plan.bureau, as_of=DAY, unit_ids={plan.division.pk}) == found_it
    assert network_findings(unit=plan.division, as_of=DAY, unit_ids={plan.other.pk}) == []
    assert network_findings(as_of=DAY, unit_ids=set()) == []
