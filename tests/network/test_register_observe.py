"""Readings of what the network did: leases (last_seen never past the reading, `ends never` up to it),
Kea, ARP tables at the moment they were taken, the usage logs' senders; a file read twice adds
nothing, and a later reading moves last_seen on."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, date, datetime

import pytest

from lakthan.network.models import Observation, ObservationImport
from lakthan.network.services import observe
from tests.network import register_fixtures
from tests.network.register_fixtures import DATA

net = register_fixtures.net
pytestmark = pytest.mark.django_db


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def seen(kind: str) -> dict[str, tuple]:
    return {
        o.address: (o.mac, o.state, o.hostname, o.first_seen, o.last_seen)
        for o in Observation.objects.filter(kind=kind)
    }


def test_dhcpd_leases_are_observed_until_they_end_or_the_reading_and_a_second_read_adds_nothing(db):
    now = utc(2026, 3, 2, 10)
    reading = observe.observe_dhcpd(DATA / "dhcpd.leases", actor="somchai", now=now)
    assert (reading.kind, reading.read, reading.observations, reading.actor) == ("dhcpd", 4, 4, "somchai")
    assert [en for _, en in observe.problems_of(reading)] == [
        "dhcpd.leases:38: lease 10.20.1.53: starts 'yesterday' is not a time (W YYYY/MM/DD HH:MM:SS)"
    ]
    assert len(reading.sha256) == 64
    assert seen("dhcpd") == {
        "10.20.1.50": ("00:1A:2B:3C:4D:5E", "active", "pc-renewed", utc(2026, 3, 2, 7), now),
        "10.20.1.51": ("00:1A:2B:3C:4D:51", "active", "printer", utc(2026, 3, 2, 2), now),  # ends never
        "10.20.1.52": ("", "abandoned", "", utc(2026, 3, 2, 3), utc(2026, 3, 2, 3, 10)),
        "10.20.1.54": ("AA:BB:CC:00:00:54", "free", "", utc(2026, 3, 2, 4), utc(2026, 3, 2, 5, 30)),
    }
    again = observe.observe_dhcpd(DATA / "dhcpd.leases", now=now)
    assert (again.read, again.observations) == (4, 0)
    assert Observation.objects.count() == 4
    later = observe.observe_dhcpd(DATA / "dhcpd.leases", now=utc(2026, 3, 2, 15))
    assert later.observations == 0
    assert seen("dhcpd")["10.20.1.50"][4] == utc(2026, 3, 2, 15)  # the lease still ran: seen until then
    assert seen("dhcpd")["10.20.1.52"][4] == utc(2026, 3, 2, 3, 10)  # never past its end
    earlier = observe.observe_dhcpd(DATA / "dhcpd.leases", now=utc(2026, 3, 2, 8))
    assert earlier.observations == 0 and seen("dhcpd")["10.20.1.50"][4] == utc(2026, 3, 2, 15)  # never back
    assert ObservationImport.objects.count() == 4


def test_a_lease_that_starts_after_the_reading_is_not_yet_in_use(db):
    # read at 03:30, the newest block of .50 (07:00) and the lease of .54 (04:00) lie ahead
    reading = observe.observe_dhcpd(DATA / "dhcpd.leases", now=utc(2026, 3, 2, 3, 30))
    assert sorted(seen("dhcpd")) == ["10.20.1.51", "10.20.1.52"]
    assert seen("dhcpd")["10.20.1.52"][4] == utc(2026, 3, 2, 3, 10)
    assert reading.read == 4 and reading.observations == 2


def test_kea_v4_and_v6_lease_files(db):
    now = utc(2026, 3, 2, 10)
    v4 = observe.observe_kea(DATA / "kea-leases4.csv", now=now)
    v6 = observe.observe_kea(DATA / "kea-leases6.csv", now=now)
    assert (v4.read, v4.observations, v6.read, v6.observations) == (3, 3, 1, 1)
    assert [en for _, en in observe.problems_of(v4)] == [
        "kea-leases4.csv:6: '10.20.2.999' is not an IP address"
    ]
    kea = seen("kea")
    assert kea["10.20.2.10"] == (
        "AA:BB:CC:DD:02:10",
        "active",
        "laptop-1",
        utc(2026, 3, 2, 3),
        utc(2026, 3, 2, 4),
    )
    assert kea["10.20.2.11"][1] == "declined" and kea["2001:db8:20::10"][0] == "AA:BB:CC:DD:06:10"
    assert observe.observe_kea(DATA / "kea-leases4.csv", now=now).observations == 0


def test_an_arp_table_is_seen_when_it_was_taken(db, tmp_path):
    path = tmp_path / "neigh.txt"
    shutil.copy(DATA / "ip-neigh.txt", path)
    taken = utc(2026, 3, 2, 9, 15)
    os.utime(path, (taken.timestamp(), taken.timestamp()))
    first = observe.observe_arp(path, actor="cli")
    assert (first.read, first.observations, first.at) == (3, 3, taken)
    assert seen("arp")["10.20.1.50"] == ("00:1A:2B:3C:4D:5E", "stale", "", taken, taken)
    assert observe.observe_arp(path).observations == 0  # the same table again
    at = utc(2026, 3, 2, 12)
    other = observe.observe_arp(DATA / "arp-an.txt", at=at)
    assert (other.read, other.observations) == (3, 3)
    assert Observation.objects.filter(kind="arp", address="10.20.1.1").count() == 2  # two moments


def test_the_usage_logs_senders_are_observed_once_per_address_and_day(net):
    from lakthan.inventory.services import add_host
    from lakthan.monitoring.models import HostDay

    add_host("web1", unit=net.it, addresses=["10.20.1.10", "2001:db8:20::10"])
    add_host("quiet", unit=net.it, addresses=["10.20.1.11"])

    def day(sender, d, first, last, count=5):
        HostDay.objects.create(host_name=sender, day=d, count=count, first_ts=first, last_ts=last)

    day("web1", date(2026, 3, 2), utc(2026, 3, 1, 18), utc(2026, 3, 2, 9))  # Bangkok 2 March 01:00–16:00
    day("10.20.1.10", date(2026, 3, 2), utc(2026, 3, 1, 17, 30), utc(2026, 3, 2, 8))  # the same address
    day("10.20.1.99", date(2026, 3, 3), utc(2026, 3, 3, 1), utc(2026, 3, 3, 2))
    day("not-in-inventory", date(2026, 3, 3), utc(2026, 3, 3, 1), utc(2026, 3, 3, 2))
    day("quiet", date(2026, 3, 3), utc(2026, 3, 3, 1), utc(2026, 3, 3, 2), count=0)
    reading = observe.observe_logs(actor="worker", now=utc(2026, 3, 4))
    assert (reading.kind, reading.source, reading.read, reading.observations) == ("logs", "logs", 3, 3)
    logs = seen("logs")
    assert logs["10.20.1.10"] == ("", "", "web1", utc(2026, 3, 1, 17, 30), utc(2026, 3, 2, 9))
    assert logs["2001:db8:20::10"][2:] == ("web1", utc(2026, 3, 1, 18), utc(2026, 3, 2, 9))
    assert logs["10.20.1.99"][3:] == (utc(2026, 3, 3, 1), utc(2026, 3, 3, 2))
    assert "10.20.1.11" not in logs  # a host that sent nothing
    # the day goes on: more events, one of them (late) earlier than the first known
    HostDay.objects.filter(host_name="web1").update(
        first_ts=utc(2026, 3, 1, 17, 5), last_ts=utc(2026, 3, 2, 16)
    )
    again = observe.observe_logs(now=utc(2026, 3, 4))
    assert again.observations == 0
    assert Observation.objects.filter(kind="logs", address="10.20.1.10").count() == 1
    assert seen("logs")["10.20.1.10"][3:] == (utc(2026, 3, 1, 17, 30), utc(2026, 3, 2, 16))


def test_a_missing_file_is_a_one_line_error(db, tmp_path):
    from lakthan.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="no file"):
        observe.observe_dhcpd(tmp_path / "nope.leases")
    assert not ObservationImport.objects.exists()
