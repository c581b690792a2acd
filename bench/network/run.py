"""bench/network: `lakthan net findings --json` over a /16 plan with 50,000 registered addresses and
1,000,000 lease and log observations, as a user runs it (a process of its own), against the same
findings computed by plain SQL (the baseline: one query per kind with range joins, through the sqlite3
module, in the same run on the same database file). Goal of issue 19: under 2 s.

The data (deterministic, written with executemany straight into a new LAKTHAN_HOME's SQLite database):
a bureau with 10 divisions; the bureau's 10.20.0.0/16, 20 /24s per division inside it, a /26 of some
/24s lent to another division (nested twice), 2001:db8:20::/48 for the bureau and a /64 per division;
50,000 registrations (49,000 IPv4, 1,000 IPv6; 100 outside the plan, 60 addresses registered twice,
one in ten without a MAC) with their AddressChange; sightings of nine in ten registered addresses
(leases renewed every few days, one a day from the usage logs, one in fifty also leased to another MAC,
some last seen months ago), 3,000 addresses seen and never registered, free and backup leases; in all
1,000,000 observations over 200 days. Both sides must find the same (kind, address, unit) rows, or the
bench fails.

    .venv/bin/python bench/network/run.py [--registered 50000] [--observations 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# --keep DIR builds into DIR and keeps it; a DIR already built is measured again as it is
KEEP = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
HOME = KEEP or Path(tempfile.mkdtemp(prefix="lakthan-bench-network-"))
os.environ["LAKTHAN_HOME"] = str(HOME)
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from common import line  # noqa: E402

LAKTHAN = [
    sys.executable,
    "-c",
    "import sys; from lakthan.cli import main; sys.exit(main(prog_name='lakthan'))",
]
GOAL_SECONDS = 2.0
STALE_DAYS = 90  # LAKTHAN_NET_STALE_DAYS's default
DIVISIONS = 10
STAMP = "%Y-%m-%d %H:%M:%S"


def key_of(ip) -> str:
    value = int(ip) | (0xFFFF << 32) if ip.version == 4 else int(ip)
    return f"{value:032x}"


def mac_of(n: int) -> str:
    return ":".join(f"{(n >> s) & 0xFF:02X}" for s in (40, 32, 24, 16, 8, 0))


def today_bangkok() -> date:
    return (datetime.now(UTC) + timedelta(hours=7)).date()


def build(registered: int, observations: int) -> Path:
    from lakthan.cli import setup_django

    setup_django()
    from django.conf import settings
    from django.db import connection

    from lakthan.core.services import add_unit

    add_unit("B", "สำนักงานทดสอบ")
    for d in range(DIVISIONS):
        add_unit(f"B-{d:02d}", f"กองที่ {d}", parent="B")
    connection.close()
    database = Path(settings.DATABASES["default"]["NAME"])
    db = sqlite3.connect(database)
    unit_pk = dict(db.execute("SELECT code, id FROM core_unit"))
    rnd = random.Random(19)
    now = datetime.now(UTC).replace(microsecond=0)
    stamp = now.strftime(STAMP)

    # the plan
    prefixes = [("10.20.0.0/16", "B", "สำนักงาน"), ("2001:db8:20::/48", "B", "IPv6 สำนักงาน")]
    for d in range(DIVISIONS):
        for n in range(20):
            third = d * 20 + n
            prefixes.append((f"10.20.{third}.0/24", f"B-{d:02d}", f"เครือข่าย {n}"))
            if n % 7 == 3:  # a block lent to the next division, nested in the /24 and the /16
                prefixes.append((f"10.20.{third}.192/26", f"B-{(d + 1) % DIVISIONS:02d}", "ยืมใช้"))
        prefixes.append((f"2001:db8:20:{d:x}::/64", f"B-{d:02d}", "IPv6"))
    db.executemany(
        "INSERT INTO network_prefix (cidr, version, first, last, purpose, created_by, created_at, unit_id)"
        " VALUES (?, ?, ?, ?, ?, 'bench', ?, ?)",
        [
            (
                cidr,
                (net := ipaddress.ip_network(cidr)).version,
                key_of(net.network_address),
                key_of(net.broadcast_address),
                purpose,
                stamp,
                unit_pk[unit],
            )
            for cidr, unit, purpose in prefixes
        ],
    )

    # the register: 10.20.0.0–10.20.199.255 lie in a division's /24 (its unit), the rest only in B's /16
    v4 = rnd.sample(range(1, 256 * 256 - 1), registered - 1000 - 100)
    addresses = [ipaddress.IPv4Address(0x0A140000 + n) for n in v4]
    addresses += [ipaddress.IPv6Address(f"2001:db8:20:{n % DIVISIONS:x}::{n + 1:x}") for n in range(1000)]
    addresses += [ipaddress.IPv4Address(f"192.168.{n // 200}.{n % 200 + 1}") for n in range(100)]
    regs = []
    for i, ip in enumerate(addresses):
        if ip.version == 4 and int(ip) >> 16 == 0x0A14 and (int(ip) >> 8) & 0xFF < 200:
            unit = f"B-{((int(ip) >> 8) & 0xFF) // 20:02d}"
        elif ip.version == 6:
            unit = f"B-{int(ip) >> 64 & 0xF:02d}"
        else:
            unit = "B"
        mac = "" if i % 10 == 9 else mac_of(0x0050560000 + i)
        regs.append((str(ip), key_of(ip), f"host{i}", mac, unit))
    for i in range(60):  # registered twice, by another division
        address, key, host, mac, unit = regs[i * 97]
        regs.append(
            (address, key, f"dup{i}", mac, f"B-{(int(unit[2:]) + 1) % DIVISIONS:02d}" if "-" in unit else "B")
        )
    since = (now - timedelta(days=400)).strftime(STAMP)
    db.executemany(
        "INSERT INTO network_address (address, key, hostname, mac, note, created_at, updated_at, unit_id)"
        " VALUES (?, ?, ?, ?, '', ?, ?, ?)",
        [(a, k, h, m, since, since, unit_pk[u]) for a, k, h, m, u in regs],
    )
    ids = [row[0] for row in db.execute("SELECT id FROM network_address ORDER BY id")]
    db.executemany(
        "INSERT INTO network_addresschange (registration_id, address, action, before, after, actor, at, source)"
        " VALUES (?, ?, 'add', NULL, ?, 'bench', ?, 'bench.csv')",
        [
            (
                pk,
                a,
                json.dumps(
                    {
                        "address": a,
                        "key": k,
                        "hostname": h,
                        "mac": m,
                        "unit": u,
                        "owner": None,
                        "system": None,
                        "note": "",
                    },
                    ensure_ascii=False,
                ),
                since,
            )
            for pk, (a, k, h, m, u) in zip(ids, regs, strict=True)
        ],
    )

    # what the network did: readings, then observations
    db.executemany(
        "INSERT INTO network_observationimport (kind, source, sha256, observations, read, actor, at)"
        " VALUES (?, ?, '', 0, 0, 'bench', ?)",
        [("dhcpd", "/var/lib/dhcp/dhcpd.leases", stamp), ("logs", "logs", stamp)],
    )
    lease_reading, log_reading = 1, 2
    rows: list[tuple] = []
    start = now - timedelta(days=200)
    seen_regs = [r for i, r in enumerate(regs[: len(addresses)]) if i % 10 != 7]  # one in ten never seen
    taken = set(v4)
    stranger_pool = [n for n in range(256 * 256) if n not in taken]
    strangers = [ipaddress.IPv4Address(0x0A140000 + n) for n in rnd.sample(stranger_pool, 2900)]
    strangers += [ipaddress.IPv4Address(f"172.16.0.{n + 1}") for n in range(100)]  # outside the plan
    per_address = max(1, (observations - 6 * len(strangers)) // len(seen_regs))
    for i, (address, key, _host, mac, _unit) in enumerate(seen_regs):
        # the span this address was in use: most up to now, some ended months ago (stale)
        end = now - timedelta(days=rnd.choice((0, 0, 0, 0, 0, 1, 3, 30, 95, 150)), hours=rnd.randrange(24))
        lease_mac = mac or mac_of(0x0060000000 + i)
        other = mac_of(0x00A0000000 + i) if i % 50 == 0 else None
        leases = per_address // 2
        for n in range(leases):  # renewals: a block every few hours back from its end
            ends = end - timedelta(hours=8 * n)
            rows.append(
                ("dhcpd", "/var/lib/dhcp/dhcpd.leases", address, key, other if other and n % 3 == 1 else lease_mac,
                 f"host{i}", "active" if n == 0 else "expired", ends - timedelta(hours=8), ends, lease_reading)
            )  # fmt: skip
        for n in range(per_address - leases):  # the usage logs: one a day
            day = end - timedelta(days=n)
            rows.append(
                ("logs", "logs", address, key, "", f"host{i}", "", day - timedelta(hours=9), day, log_reading)
            )
    for i, ip in enumerate(strangers):
        for n in range(6):
            ends = now - timedelta(hours=rnd.randrange(24 * 120) + 6 * n)
            rows.append(
                ("dhcpd", "/var/lib/dhcp/dhcpd.leases", str(ip), key_of(ip), mac_of(0x00B0000000 + i), "",
                 "active", ends - timedelta(hours=6), ends, lease_reading)
            )  # fmt: skip
    for n in range(observations - len(rows)):  # the rest: free and backup leases of a failover pair
        ip = ipaddress.IPv4Address(0x0A140000 + rnd.randrange(256 * 256))
        ends = start + timedelta(minutes=n)
        state = "backup" if n % 2 else "free"
        rows.append(
            (
                "dhcpd",
                "/var/lib/dhcp/dhcpd.leases",
                str(ip),
                key_of(ip),
                "",
                "",
                state,
                ends,
                ends,
                lease_reading,
            )
        )
    db.executemany(
        "INSERT OR IGNORE INTO network_observation (kind, source, address, key, mac, hostname, state,"
        " first_seen, last_seen, reading_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*r[:7], r[7].strftime(STAMP), r[8].strftime(STAMP), r[9]) for r in rows],
    )
    db.commit()
    db.execute("ANALYZE")
    count = db.execute("SELECT count(*) FROM network_observation").fetchone()[0]
    print(
        f"data: {len(prefixes)} prefixes, {len(regs):,} registrations, {count:,} observations "
        f"({len(strangers):,} addresses never registered)"
    )
    db.close()
    return database


# The same rules in plain SQL, one query per kind (engines/findings.py's docstring): sightings begun
# before the end of the day judged, minus backup leases and free leases without a client; a prefix holds
# a key when first <= key <= last; an unregistered address is its innermost prefix's unit's.
SEEN = """
WITH seen AS (
  SELECT key, mac, max(last_seen) AS last FROM network_observation
  WHERE first_seen < :end AND state != 'backup' AND NOT (state = 'free' AND mac = '')
  GROUP BY key, mac
), by_key AS (SELECT key, max(last) AS last FROM seen GROUP BY key)
"""
REG = "SELECT a.address, a.key, a.mac, a.hostname, u.code AS unit FROM network_address a JOIN core_unit u ON u.id = a.unit_id"
BASELINE = {
    "unregistered": SEEN
    + """
SELECT 'unregistered', s.key,
  (SELECT u.code FROM network_prefix p JOIN core_unit u ON u.id = p.unit_id
   WHERE p.first <= s.key AND p.last >= s.key ORDER BY p.first DESC, p.last ASC LIMIT 1)
FROM by_key s WHERE NOT EXISTS (SELECT 1 FROM network_address a WHERE a.key = s.key)""",
    "mac_mismatch": SEEN
    + f"""
SELECT DISTINCT 'mac_mismatch', r.key, r.unit, r.hostname FROM ({REG}) r JOIN seen s ON s.key = r.key
WHERE r.mac != '' AND s.mac != '' AND s.mac != r.mac AND s.last >= :recent""",
    "stale": SEEN
    + f"""
SELECT 'stale', r.key, r.unit FROM ({REG}) r LEFT JOIN by_key s ON s.key = r.key
WHERE s.last IS NULL OR s.last < :recent""",
    "outside_plan": SEEN
    + f"""
SELECT 'outside_plan', r.key, r.unit FROM ({REG}) r
WHERE NOT EXISTS (SELECT 1 FROM network_prefix p WHERE p.first <= r.key AND p.last >= r.key)
UNION ALL
SELECT 'outside_plan', s.key, '' FROM by_key s
WHERE NOT EXISTS (SELECT 1 FROM network_address a WHERE a.key = s.key)
  AND NOT EXISTS (SELECT 1 FROM network_prefix p WHERE p.first <= s.key AND p.last >= s.key)""",
    "duplicate_registration": f"""
SELECT 'duplicate_registration', key, min(unit) FROM ({REG}) GROUP BY key HAVING count(*) > 1""",
}


def baseline(database: Path, day: date) -> list[tuple[str, str, str]]:
    end = datetime(day.year, day.month, day.day, 17, tzinfo=UTC)  # the next Bangkok midnight
    recent = end - timedelta(days=STALE_DAYS + 1)
    params = {"end": end.strftime(STAMP), "recent": recent.strftime(STAMP)}
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    found = []
    for sql in BASELINE.values():
        found += [(row[0], row[1], row[2] or "") for row in db.execute(sql, params)]
    db.close()
    return found


def timed(fn, repeat: int):
    """Median wall and CPU seconds over ``repeat`` runs after a warm-up; the last result."""
    out = fn()
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        out = fn()
        t1 = time.perf_counter()
        after = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        walls.append(t1 - t0)
        cpus.append(
            sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before, strict=True))
        )
    return statistics.median(walls), statistics.median(cpus), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registered", type=int, default=50_000)
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--keep", metavar="DIR", help="build into DIR and keep it (measure it again if built)"
    )
    options = parser.parse_args()
    started = time.perf_counter()
    database = HOME / "lakthan.sqlite3"
    if not (KEEP and database.exists()):
        database = build(options.registered, options.observations)
    print(f"built in {time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f}")
    env = {**os.environ, "LAKTHAN_HOME": str(HOME), "PYTHONPATH": str(ROOT / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("LAKTHAN_NET_STALE_DAYS", None)
    # as an installed Lakthan runs: its modules compiled once (the warm-up run writes them)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    day = today_bangkok()
    command = [*LAKTHAN, "net", "findings", "--json"]

    def ours_run() -> bytes:
        return subprocess.run(command, env=env, check=True, capture_output=True).stdout

    ours_wall, ours_cpu, ours = timed(ours_run, options.repeat)
    sql_wall, sql_cpu, theirs = timed(lambda: baseline(database, day), options.repeat)
    found = json.loads(ours)
    from lakthan.network.engines.addresses import parse_address

    mine = Counter((f["kind"], parse_address(f["address"])[1], f["unit"]) for f in found)
    if mine != Counter(theirs):
        print("lakthan only:", sorted((mine - Counter(theirs)).elements())[:5])
        print("SQL only:", sorted((Counter(theirs) - mine).elements())[:5])
        sys.exit(f"the findings differ: lakthan {len(found)}, SQL {len(theirs)}")
    kinds = Counter(f["kind"] for f in found)
    print(
        f"{len(found):,} findings as of {day}: " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items()))
    )
    line("lakthan net findings --json (wall)", ours_wall, "the same rules in SQL, sqlite3 (wall)", sql_wall)
    line("lakthan net findings --json (CPU)", ours_cpu, "the same rules in SQL, sqlite3 (CPU)", sql_cpu)
    verdict = "met" if ours_wall < GOAL_SECONDS else "NOT met"
    print(f"goal: under {GOAL_SECONDS:.0f} s wall: {verdict}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        if KEEP is None:
            shutil.rmtree(HOME, ignore_errors=True)
