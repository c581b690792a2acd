"""The pure readers of the register's CSV and of what the network did: dhcpd.leases, Kea's lease
files, ip neigh and arp -an output. MACs in every notation come out as one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lakthan.network.engines import leases, register_csv
from lakthan.network.engines.addresses import normalise_mac
from tests.network.register_fixtures import DATA


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "00:1A:2B:3C:4D:5E",
        "00-1a-2b-3c-4d-5e",
        "001a.2b3c.4d5e",
        "001A2B3C4D5E",
        "0:1a:2b:3c:4d:5e",
        " 00:1a:2b:3c:4d:5e ",
    ],
)
def test_a_mac_in_every_notation_is_one_address(text):
    assert normalise_mac(text) == "00:1A:2B:3C:4D:5E"


def test_dhcpd_the_last_block_of_an_address_wins_and_states_are_kept():
    found, problems = leases.parse_dhcpd_leases((DATA / "dhcpd.leases").read_text())
    by = {lease.address: lease for lease in found}
    assert sorted(by) == ["10.20.1.50", "10.20.1.51", "10.20.1.52", "10.20.1.54"]
    renewed = by["10.20.1.50"]
    assert (renewed.starts, renewed.ends) == (utc(2026, 3, 2, 7), utc(2026, 3, 2, 19))
    assert renewed.mac == "00:1A:2B:3C:4D:5E" and renewed.hostname == "pc-renewed"
    assert by["10.20.1.51"].ends is None and by["10.20.1.51"].mac == "00:1A:2B:3C:4D:51"
    assert by["10.20.1.52"].state == "abandoned" and by["10.20.1.52"].mac == ""
    freed = by["10.20.1.54"]
    assert freed.state == "free" and freed.ends == utc(2026, 3, 2, 5, 30)


def test_dhcpd_a_malformed_block_is_named_by_its_line_and_the_rest_read():
    found, problems = leases.parse_dhcpd_leases((DATA / "dhcpd.leases").read_text())
    assert [(p.line, p.en) for p in problems] == [
        (38, "lease 10.20.1.53: starts 'yesterday' is not a time (W YYYY/MM/DD HH:MM:SS)")
    ]
    assert problems[0].where("dhcpd.leases") == "dhcpd.leases:38"
    assert len(found) == 4


def test_dhcpd_octal_escaped_hostnames_read_as_utf8_and_epoch_times():
    text = (
        "lease 10.0.0.9 {\n  starts epoch 1772416800; # Mon Mar 02 02:00:00 2026\n  ends epoch 1772420400;\n"
        '  client-hostname "pc-\\340\\270\\201";\n}\n'
        "lease 10.0.0.300 {\n  starts 1 2026/03/02 01:00:00;\n}\n"
        "lease 10.0.0.10 {\n  starts 1 2026/03/02 01:00:00;\n"
    )
    found, problems = leases.parse_dhcpd_leases(text)
    assert [(f.address, f.hostname, f.starts, f.ends) for f in found] == [
        ("10.0.0.9", "pc-ก", utc(2026, 3, 2, 2), utc(2026, 3, 2, 3))
    ]
    assert [(p.line, p.en) for p in problems] == [
        (6, "'10.0.0.300' is not an IP address"),
        (9, "lease block without a closing }"),
    ]


def test_kea_v4_start_is_expire_minus_lifetime_last_row_wins_states_named():
    found, problems = leases.parse_kea_leases((DATA / "kea-leases4.csv").read_text())
    by = {lease.address: lease for lease in found}
    assert sorted(by) == ["10.20.2.10", "10.20.2.11", "10.20.2.12"]
    laptop = by["10.20.2.10"]
    assert (laptop.starts, laptop.ends, laptop.state) == (utc(2026, 3, 2, 3), utc(2026, 3, 2, 4), "active")
    assert laptop.hostname == "laptop-1" and laptop.mac == "AA:BB:CC:DD:02:10"
    assert by["10.20.2.11"].state == "declined" and by["10.20.2.11"].mac == "AA:BB:CC:DD:02:11"
    assert by["10.20.2.12"].state == "expired-reclaimed" and by["10.20.2.12"].hostname == "old,box"
    assert [(p.line, p.en) for p in problems] == [(6, "'10.20.2.999' is not an IP address")]


def test_kea_v6_addresses_read_and_delegated_prefixes_skipped():
    found, problems = leases.parse_kea_leases((DATA / "kea-leases6.csv").read_text())
    assert problems == []
    assert [(f.address, f.mac, f.hostname, f.starts) for f in found] == [
        ("2001:db8:20::10", "AA:BB:CC:DD:06:10", "v6host", datetime.fromtimestamp(1772416800 - 4000, UTC))
    ]


def test_kea_a_file_without_its_columns_is_named():
    found, problems = leases.parse_kea_leases("ip,mac\n10.0.0.1,aa:bb:cc:dd:ee:ff\n")
    assert found == [] and problems[0].line == 1 and "address, valid_lifetime, expire" in problems[0].en


def test_ip_neigh_keeps_entries_with_a_link_layer_address_only():
    found, problems = leases.parse_neighbours((DATA / "ip-neigh.txt").read_text())
    assert problems == []
    assert [(n.address, n.mac, n.state) for n in found] == [
        ("10.20.1.1", "AA:BB:CC:00:00:01", "reachable"),
        ("10.20.1.50", "00:1A:2B:3C:4D:5E", "stale"),
        ("fe80::1", "AA:BB:CC:00:00:01", "reachable"),
    ]


def test_arp_an_reads_names_permanent_entries_and_skips_incomplete():
    found, problems = leases.parse_neighbours((DATA / "arp-an.txt").read_text() + "nonsense here\n")
    assert [(n.address, n.mac, n.hostname, n.state) for n in found] == [
        ("10.20.1.1", "AA:BB:CC:00:00:01", "", ""),
        ("10.20.1.2", "00:1A:2B:3C:4D:02", "gw.b.local", "permanent"),
        ("10.20.1.60", "AA:BB:CC:00:00:60", "", ""),
    ]
    assert [(p.line, p.en) for p in problems] == [(5, "not an ip neigh or arp line: 'nonsense here'")]


def test_windows_arp_a_is_read_too():
    text = "\nInterface: 10.20.1.5 --- 0xb\n  Internet Address      Physical Address      Type\n  10.20.1.1             aa-bb-cc-00-00-01     dynamic\n"
    found, problems = leases.parse_neighbours(text)
    assert problems == [] and [(n.address, n.mac, n.state) for n in found] == [
        ("10.20.1.1", "AA:BB:CC:00:00:01", "dynamic")
    ]


def test_register_csv_names_every_bad_cell_by_line_and_column():
    data = (
        "\ufeffAddress,Hostname,MAC,Unit,Owner,Note\n"
        "10.20.1.10,web1,aabb.ccdd.ee10,B-IT,,\n"
        "10.20.1.300,db,zz:zz,,,\n"
        "\n"
        "10.20.1.10,web1-again,,B-IT,,\n"
        '"2001:db8::1",v6,,B-IT,,"a note, with a comma"\n'
    ).encode()
    rows, problems = register_csv.parse_addresses(data, "reg.csv")
    assert [r.line for r in rows] == [2, 3, 5, 6]
    assert rows[0].mac == "AA:BB:CC:DD:EE:10" and rows[3].note == "a note, with a comma"
    assert [f"{p.where('reg.csv')}: {p.en}" for p in problems] == [
        "reg.csv:3 (address): '10.20.1.300' is not an IP address",
        "reg.csv:3 (mac): 'zz:zz' is not a MAC address",
        "reg.csv:3 (unit): must not be empty",
        "reg.csv:5 (address): 10.20.1.10 of unit B-IT repeats line 2",
    ]


def test_register_csv_without_its_columns_or_not_utf8_is_refused_whole():
    with pytest.raises(register_csv.CsvRejected) as missing:
        register_csv.parse_addresses(b"address,hostname\n10.0.0.1,a\n", "a.csv")
    assert "missing mac, unit, owner" in str(missing.value)
    with pytest.raises(register_csv.CsvRejected) as latin:
        register_csv.parse_addresses(
            "address,hostname,mac,unit,owner\n10.0.0.1,caf\xe9,,B,\n".encode("latin-1"), "b.csv"
        )
    assert str(latin.value).startswith("b.csv: not UTF-8 text")


def test_register_csv_written_reads_back_the_same_rows():
    rows = [
        {
            "address": "10.0.0.1",
            "hostname": "a,b",
            "mac": "AA:BB:CC:DD:EE:FF",
            "unit": "B",
            "owner": "นาย สมชาย  ใจดี",
            "system": "mail",
            "note": 'say "hi"',
        },
        {
            "address": "2001:db8::1",
            "hostname": "",
            "mac": "",
            "unit": "B-IT",
            "owner": "",
            "system": "",
            "note": "",
        },
    ]
    data = register_csv.write_addresses(rows)
    assert data.startswith("\ufeff".encode())
    back, problems = register_csv.parse_addresses(data, "x.csv")
    assert problems == []
    assert [{k: getattr(r, k) for k in register_csv.KEYS} for r in back] == rows
