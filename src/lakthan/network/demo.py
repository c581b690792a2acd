"""Demo data for item 9: the bureau's address plan (IPv4 and IPv6), its register of servers, staff
workstations and checkpoint counters kept by a named officer since October 2012 with a few changes in
the year, and what the network did in September 2013 — the IT centre's ISC dhcpd leases (renewals, a
freed lease, a visitor's laptop nobody registered), Don Mueang's Kea lease file, the core switch's
neighbour table and the senders of the usage logs. One counter left unused for months is stale."""

from __future__ import annotations

import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lakthan.lib.timezones import BANGKOK

PREFIXES = [
    # unit, cidr, purpose
    ("IMM", "10.0.0.0/8", "พื้นที่หมายเลขภายในของสำนักงานตรวจคนเข้าเมือง"),
    ("IMM", "2001:db8:2556::/48", "พื้นที่หมายเลข IPv6 ของสำนักงานตรวจคนเข้าเมือง"),
    ("IMM-ITC", "10.10.1.0/24", "เครื่องแม่ข่าย ศูนย์เทคโนโลยีสารสนเทศ"),
    ("IMM-ITC", "10.10.9.0/24", "เครื่องลูกข่ายเจ้าหน้าที่ (DHCP)"),
    ("IMM-ITC", "2001:db8:2556:10::/64", "เครื่องแม่ข่าย IPv6"),
    ("IMM-D2-BKK", "10.20.1.0/24", "อุปกรณ์เครือข่าย ด่านสุวรรณภูมิ"),
    ("IMM-D2-BKK", "10.20.2.0/24", "เครื่องเคาน์เตอร์ตรวจ ด่านสุวรรณภูมิ (DHCP)"),
    ("IMM-D2-DMK", "10.21.1.0/24", "อุปกรณ์เครือข่าย ด่านดอนเมือง"),
    ("IMM-D2-DMK", "10.21.2.0/24", "เครื่องเคาน์เตอร์ตรวจ ด่านดอนเมือง (DHCP)"),
    ("IMM-INV", "10.30.1.0/24", "เครื่องแม่ข่าย กองบังคับการสืบสวนสอบสวน"),
]
SERVERS = [
    # address, host name, unit, system code (the backups demo's systems)
    ("10.10.1.11", "itc-web01", "IMM-ITC", "website"),
    ("10.10.1.21", "itc-db01", "IMM-ITC", "pibics-db"),
    ("10.10.1.31", "pibics-app01", "IMM-ITC", "pibics-db"),
    ("2001:db8:2556:10::11", "itc-web01", "IMM-ITC", "website"),
    ("10.20.1.1", "bkk-gw01", "IMM-D2-BKK", None),
    ("10.30.1.5", "inv-fs01", "IMM-INV", None),
]
# DHCP reservations: prefix, first, last, unit, host name pattern
CLIENTS = [
    ("10.10.9.", 2, 60, "IMM-ITC", "itc-pc{:02d}"),
    ("10.20.2.", 10, 40, "IMM-D2-BKK", "bkk-counter{:02d}"),
    ("10.21.2.", 10, 30, "IMM-D2-DMK", "dmk-counter{:02d}"),
]
STALE = "10.21.2.30"  # a counter closed for renovation since May 2013: registered, not seen
VISITOR = ("10.10.9.77", "3C:22:FB:10:77:01", "visitor-laptop")  # leased, never registered
REPLACED = "10.20.2.15"  # the counter's PC replaced in March 2013: the register follows
REPLACED_AT = datetime(2013, 3, 12, 10, 30, tzinfo=BANGKOK)
REGISTERED_AT = datetime(2012, 10, 3, 9, 0, tzinfo=BANGKOK)
SEEN_UNTIL = datetime(2013, 9, 30, 17, 0, tzinfo=BANGKOK)


def mac(rng: random.Random) -> str:
    return "00:1A:2B:" + ":".join(f"{rng.randrange(256):02X}" for _ in range(3))


def dhcpd_leases(clients: list[tuple[str, str, str]], rng: random.Random) -> str:
    """ISC dhcpd.leases for the IT centre and Suvarnabhumi: for each client two blocks (the renewal
    comes last and wins), one freed lease, and the visitor's laptop."""

    def block(ip, hw, name, starts, ends, state="active"):
        fmt = "%w %Y/%m/%d %H:%M:%S"
        return (
            f"lease {ip} {{\n  starts {starts.astimezone(UTC).strftime(fmt)};\n"
            f"  ends {ends.astimezone(UTC).strftime(fmt)};\n  cltt {starts.astimezone(UTC).strftime(fmt)};\n"
            f"  binding state {state};\n  next binding state free;\n  hardware ethernet {hw.lower()};\n"
            f'  client-hostname "{name}";\n}}\n'
        )

    out = ["# The format of this file is documented in the dhcpd.leases(5) manual page.\n"]
    for ip, hw, name in clients:
        first = SEEN_UNTIL - timedelta(days=rng.randint(20, 40), hours=rng.randint(0, 8))
        out.append(block(ip, hw, name, first, first + timedelta(days=1)))
        renewed = SEEN_UNTIL - timedelta(hours=rng.randint(1, 30))
        out.append(block(ip, hw, name, renewed, renewed + timedelta(days=1)))
    ip, hw, name = VISITOR
    at = SEEN_UNTIL - timedelta(days=3, hours=4)
    out.append(block(ip, hw, name, at, at + timedelta(hours=2), state="free"))
    return "".join(out)


def kea_leases(clients: list[tuple[str, str, str]], rng: random.Random) -> str:
    lines = [
        "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context"
    ]
    for ip, hw, name in clients:
        if ip == STALE:
            continue
        start = SEEN_UNTIL - timedelta(hours=rng.randint(1, 48))
        expire = int((start + timedelta(hours=12)).timestamp())
        lines.append(f"{ip},{hw.lower()},,43200,{expire},2,0,0,{name},0,")
    return "\n".join(lines) + "\n"


def neighbour_table(servers: list[tuple[str, str]]) -> str:
    """`ip neigh` of the IT centre's core switch: the servers, IPv4 and IPv6."""
    return "".join(f"{ip} dev vlan10 lladdr {hw.lower()} REACHABLE\n" for ip, hw in servers) + (
        "10.10.1.99 dev vlan10  FAILED\n"
    )


def seed(report, bureau) -> None:
    from lakthan.core.models import Person, Unit
    from lakthan.inventory.models import System
    from lakthan.network.services import observe
    from lakthan.network.services.register import add_prefix, register_address, update_address

    rng = random.Random(2556_9)
    units = {u.code: u for u in Unit.objects.filter(pk__in=bureau.descendant_ids())}
    officer = Person.objects.filter(unit__code="IMM-ITC").order_by("pk").last()
    keeper = officer.display_name if officer else "demo"
    for unit, cidr, purpose in PREFIXES:
        add_prefix(cidr, units[unit], purpose, actor=keeper)
    systems = {s.code: s for s in System.objects.all()}
    macs: dict[str, str] = {}
    for ip, name, unit, system in SERVERS:
        macs[ip] = mac(rng)
        register_address(
            ip,
            units[unit],
            hostname=name,
            mac=macs[ip],
            owner=officer,
            system=systems.get(system) if system else None,
            actor=keeper,
            at=REGISTERED_AT,
        )
    clients: dict[str, list[tuple[str, str, str]]] = {}
    for net, first, last, unit, pattern in CLIENTS:
        for n in range(first, last + 1):
            ip, name = f"{net}{n}", pattern.format(n)
            macs[ip] = mac(rng)
            reg = register_address(
                ip, units[unit], hostname=name, mac=macs[ip], owner=officer, actor=keeper, at=REGISTERED_AT
            )
            if ip == REPLACED:
                macs[ip] = mac(rng)
                update_address(reg, actor=keeper, at=REPLACED_AT, mac=macs[ip], note="เปลี่ยนเครื่องใหม่")
            clients.setdefault(unit, []).append((ip, macs[ip], name))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "dhcpd.leases").write_text(
            dhcpd_leases(clients["IMM-ITC"] + clients["IMM-D2-BKK"], rng), encoding="utf-8"
        )
        (folder / "kea-leases4.csv").write_text(kea_leases(clients["IMM-D2-DMK"], rng), encoding="utf-8")
        (folder / "core-switch-neigh.txt").write_text(
            neighbour_table([(ip, macs[ip]) for ip, *_ in SERVERS]), encoding="utf-8"
        )
        observe.observe_dhcpd(folder / "dhcpd.leases", actor=keeper, now=SEEN_UNTIL)
        observe.observe_kea(folder / "kea-leases4.csv", actor=keeper, now=SEEN_UNTIL)
        observe.observe_arp(folder / "core-switch-neigh.txt", actor=keeper, at=SEEN_UNTIL)
    observe.observe_logs(actor=keeper, now=SEEN_UNTIL)
