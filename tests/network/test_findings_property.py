"""Property: on random plans, registers and sightings, the findings equal those of a straightforward
SQL computation of the same rules (one query per kind, prefixes joined by key range) — and the
register replayed from its history equals the register as it is."""

from __future__ import annotations

import ipaddress
import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection

from lakthan.lib.timezones import BANGKOK
from lakthan.network.engines.addresses import parse_address
from lakthan.network.services.findings import network_findings
from tests.network.findings_fixtures import prefix, reading, register, seen

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 30)
MACS = ["aa:00:00:00:00:01", "aa:00:00:00:00:02", "aa:00:00:00:00:03", ""]
STATES = ["active", "active", "active", "expired", "free", "backup", "abandoned", ""]

SEEN = """
WITH seen AS (
  SELECT key, mac, MAX(last_seen) AS last FROM network_observation
  WHERE first_seen < %(end)s AND state <> 'backup' AND NOT (state = 'free' AND mac = '')
  GROUP BY key, mac
), by_key AS (SELECT key, MAX(last) AS last FROM seen GROUP BY key),
reg AS (SELECT a.key, a.mac, a.hostname, u.code AS unit FROM network_address a
        JOIN core_unit u ON u.id = a.unit_id)
"""
QUERIES = [
    """SELECT 'unregistered', s.key,
         COALESCE((SELECT u.code FROM network_prefix p JOIN core_unit u ON u.id = p.unit_id
                   WHERE p.first <= s.key AND p.last >= s.key ORDER BY p.first DESC, p.last ASC LIMIT 1), '')
       FROM by_key s WHERE NOT EXISTS (SELECT 1 FROM reg r WHERE r.key = s.key)""",
    """SELECT 'mac_mismatch', r.key, r.unit FROM reg r
       WHERE r.mac <> '' AND EXISTS (SELECT 1 FROM seen s WHERE s.key = r.key AND s.mac <> ''
                                     AND s.mac <> r.mac AND s.last >= %(recent)s)""",
    """SELECT 'stale', r.key, r.unit FROM reg r LEFT JOIN by_key s ON s.key = r.key
       WHERE s.last IS NULL OR s.last < %(recent)s""",
    """SELECT 'outside_plan', r.key, r.unit FROM reg r
       WHERE NOT EXISTS (SELECT 1 FROM network_prefix p WHERE p.first <= r.key AND p.last >= r.key)""",
    """SELECT 'outside_plan', s.key, '' FROM by_key s
       WHERE NOT EXISTS (SELECT 1 FROM reg r WHERE r.key = s.key)
         AND NOT EXISTS (SELECT 1 FROM network_prefix p WHERE p.first <= s.key AND p.last >= s.key)""",
    """SELECT 'duplicate_registration', key, MIN(unit) FROM reg GROUP BY key HAVING COUNT(*) > 1""",
]


def by_sql(end: datetime, recent: datetime) -> Counter:
    adapt = connection.ops.adapt_datetimefield_value
    found: Counter = Counter()
    with connection.cursor() as cursor:
        for query in QUERIES:
            cursor.execute(SEEN + query, {"end": adapt(end), "recent": adapt(recent)})
            found.update(tuple(row) for row in cursor.fetchall())
    return found


def random_world(rnd: random.Random, org) -> None:
    units = [org.bureau, org.division, org.other]
    prefix("10.20.0.0/16", org.bureau)
    for third in rnd.sample(range(8), 4):
        prefix(f"10.20.{third}.0/24", rnd.choice(units))
        if rnd.random() < 0.5:
            prefix(f"10.20.{third}.{rnd.choice([0, 64, 128, 192])}/26", rnd.choice(units))
    prefix("2001:db8:10::/48", org.bureau)
    prefix("2001:db8:10:1::/64", rnd.choice(units))

    def address() -> str:
        roll = rnd.random()
        if roll < 0.8:
            return f"10.20.{rnd.randrange(10)}.{rnd.randrange(256)}"
        if roll < 0.9:
            return f"2001:db8:10:{rnd.randrange(3)}::{rnd.randrange(16):x}"
        return f"192.168.{rnd.randrange(2)}.{rnd.randrange(8)}"

    registered = [address() for _ in range(60)]
    registered += rnd.sample(registered, 5)  # some registered twice
    for i, text in enumerate(registered):
        register(text, rnd.choice(units), hostname=f"h{i}", mac=rnd.choice(MACS))
    source = reading()
    start = datetime.combine(DAY - timedelta(days=200), time(0), BANGKOK)
    pool = registered + [address() for _ in range(40)]
    unique = set()
    for _ in range(300):
        text = rnd.choice(pool)
        first = start + timedelta(hours=rnd.randrange(24 * 210))
        mac = rnd.choice(MACS)
        if (text, mac, first) in unique:
            continue
        unique.add((text, mac, first))
        last = first + timedelta(hours=rnd.choice([0, 1, 12, 24 * 3, 24 * 40]))
        seen(text, first, last, mac=mac, state=rnd.choice(STATES), source=source)


@pytest.mark.parametrize("seed", range(8))
def test_the_findings_equal_the_same_rules_in_plain_sql(org, seed, settings):
    rnd = random.Random(seed)
    settings.LAKTHAN_NET_STALE_DAYS = rnd.choice([30, 90])
    random_world(rnd, org)
    end = datetime.combine(DAY + timedelta(days=1), time(0), BANGKOK).astimezone(UTC)
    recent = datetime.combine(DAY - timedelta(days=settings.LAKTHAN_NET_STALE_DAYS), time(0), BANGKOK)
    found = network_findings(as_of=DAY)
    ours = Counter((f["kind"], parse_address(f["address"])[1], f["unit"]) for f in found)
    assert ours == by_sql(end, recent)
    assert len(ours) > 10  # the data set does make findings of several kinds
    assert len({kind for kind, _, _ in ours}) >= 4
    # sorted by kind then key
    keys = [(f["kind"], parse_address(f["address"])[1]) for f in found]
    assert keys == sorted(keys)
    assert all(ipaddress.ip_address(f["address"]) for f in found)
