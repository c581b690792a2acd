"""bench/access: `lakthan access findings --json` on 100,000 accounts over 20 systems against a roster of
50,000 people, as a user runs it (a process of its own), against the same rules in plain SQL run by
`sqlite3` on the same database file (the baseline). Goal of issue 17: under 2 s.

The data (deterministic): 50,000 people imported through the roster service (5 % leavers, a few with
an effective date still ahead); 20 systems of 10 units, each with a source of 5,000 accounts (16 record
logins); the accounts written through the sync's bulk path: most matched by employee id, orphans
without or with an unknown id, some linked by hand, service accounts with and without an owner, 6 %
disabled, 2 % gone, last logins spread over two years (some never); 10 groups per system and 1 to 3
memberships per account. A catalogue of roles per duty (8 positions × 20 systems: every position holds
g0, each position two or three more) is imported, and the memberships follow it but for one in
twenty-five, so `excess_right` is judged on every account the way an agency's would be; the people
transferred are movers inside or past their grace. The catalogue has no SoD pair (the baseline's SQL
would need the per-person split of pairs; tests/access cover that rule). Both sides must find the same
(kind, account, system, person) rows, or the bench fails. `--no-catalogue` measures without one.

    .venv/bin/python bench/access/findings.py [--accounts 100000] [--people 50000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOME = Path(tempfile.mkdtemp(prefix="lakthan-bench-findings-"))
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
AS_OF = date(2026, 12, 1)
SYSTEMS = 20
GOAL_SECONDS = 2.0
LEAVERS = ("resigned", "retired", "dismissed", "deceased", "suspended")

# The rules of engines/findings.py (password_age is off by default) in one statement. Times are
# stored as UTC text; the day judged ends at 17:00 UTC (midnight in Bangkok).
SQL = """
WITH cut(end_utc, dormant_before, as_of) AS (
  SELECT '{end}', '{dormant}', '{as_of}'
), a AS (
  SELECT acc.id, src.name || ':' || acc.username AS account, sy.code AS system, sy.id AS system_id,
         acc.username,
         src.name AS source, src.tracks_login, acc.disabled, acc.is_service, acc.owner_id,
         acc.employee_id, acc.last_login_at, acc.created_in_source_at,
         coalesce(le.employee_id, nullif(acc.employee_id, '')) AS eid
  FROM access_account acc
  JOIN access_identitysource src ON src.id = acc.source_id
  JOIN inventory_system sy ON sy.id = src.system_id
  LEFT JOIN access_employee le ON le.id = acc.linked_employee_id
  WHERE acc.gone_at IS NULL
), p AS (
  SELECT a.*, e.employee_id AS person, e.status, e.effective_date, e.position
  FROM a LEFT JOIN access_employee e ON e.employee_id = a.eid
), cat(id) AS (
  SELECT max(id) FROM access_rolecatalogue
)
SELECT * FROM (
  SELECT 'no_owner' AS kind, account, system, person, '{{}}' AS detail, source, username
  FROM p WHERE is_service AND owner_id IS NULL
  UNION ALL
  SELECT 'orphan', account, system, NULL,
         CASE WHEN employee_id != '' THEN json_object('employee_id', employee_id) ELSE '{{}}' END,
         source, username
  FROM p WHERE NOT is_service AND person IS NULL
  UNION ALL
  SELECT 'leaver_active', account, system, person,
         json_object('status', status, 'effective_date', effective_date,
                     'days', CAST(julianday((SELECT as_of FROM cut)) - julianday(effective_date) AS INTEGER)),
         source, username
  FROM p WHERE NOT disabled AND NOT is_service AND person IS NOT NULL
    AND status IN ({leavers}) AND effective_date <= (SELECT as_of FROM cut)
  UNION ALL
  SELECT 'dormant', account, system, person,
         json_object('last_login', last_login_at, 'created', created_in_source_at,
                     'days', CAST(julianday((SELECT end_utc FROM cut)) - julianday(last_login_at) AS INTEGER)),
         source, username
  FROM p WHERE NOT disabled AND tracks_login AND (
    last_login_at < (SELECT dormant_before FROM cut)
    OR (last_login_at IS NULL AND created_in_source_at < (SELECT dormant_before FROM cut)))
  UNION ALL
  SELECT 'excess_right', account, system, person, json_object('group', g.name), source, username
  FROM p
  JOIN access_membership m ON m.account_id = p.id AND m.until IS NULL
  JOIN access_group g ON g.id = m.group_id
  WHERE NOT disabled AND NOT is_service AND person IS NOT NULL
    AND NOT (status IN ({leavers}) AND effective_date <= (SELECT as_of FROM cut))
    AND NOT (status = 'transferred' AND date(effective_date, '+{grace} days') >= (SELECT as_of FROM cut))
    AND EXISTS (SELECT 1 FROM access_rolerule r
                WHERE r.catalogue_id = (SELECT id FROM cat) AND r.system_id = p.system_id)
    AND NOT EXISTS (SELECT 1 FROM access_rolerule r, json_each(r.groups) j
                    WHERE r.catalogue_id = (SELECT id FROM cat) AND r.system_id = p.system_id
                      AND r.position IN (p.position, '*') AND lower(j.value) = lower(g.name))
) ORDER BY source, username
"""


POSITIONS = [f"เจ้าหน้าที่ระดับ {n}" for n in range(1, 9)]


def catalogue(rnd: random.Random) -> tuple[str, dict[tuple[int, str], list[str]]]:
    """The YAML of the catalogue and, per (system, position), the groups it allows."""
    allowed: dict[tuple[int, str], list[str]] = {}
    lines = ["label: bench", "rules:"]
    for s in range(SYSTEMS):
        lines += [f"  - system: sys{s:02d}", '    position: "*"', "    groups: [g0]"]
        for position in POSITIONS:
            groups = sorted(rnd.sample([f"g{g}" for g in range(1, 10)], rnd.randint(2, 3)))
            allowed[(s, position)] = ["g0", *groups]
            lines += [
                f"  - system: sys{s:02d}",
                f"    position: {position}",
                f"    groups: [{', '.join(groups)}]",
            ]
    return "\n".join(lines) + "\n", allowed


def build(accounts: int, people: int, with_catalogue: bool = True) -> Path:
    from lakthan.cli import setup_django

    setup_django()
    from django.conf import settings
    from django.utils import timezone

    from lakthan.access.models import Account, Employee, Group, IdentitySource, Membership
    from lakthan.access.services import bulk
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sources import add_source
    from lakthan.core.services import add_unit
    from lakthan.inventory.services import add_system

    rnd = random.Random(17)
    add_unit("B", "สำนักงานทดสอบ")
    units = [add_unit(f"B-{u:02d}", f"กองที่ {u}", parent="B") for u in range(10)]
    rows = []
    for i in range(people):
        status = (
            rnd.choice(LEAVERS)
            if rnd.random() < 0.05
            else ("transferred" if rnd.random() < 0.02 else "active")
        )
        effective = date(2010, 1, 1) + timedelta(days=rnd.randrange(6300))  # some still ahead of AS_OF
        position = POSITIONS[i % len(POSITIONS)]
        rows.append(f"E{i:06d},นาย,ชื่อ{i},สกุล{i},B-{i % 10:02d},{position},{status},{effective.isoformat()}\n")
    header = "employee_id,title,first_name,last_name,unit,position,status,effective_date\n"
    import_roster((header + "".join(rows)).encode(), "roster.csv")
    employee_pk = dict(Employee.objects.values_list("employee_id", "pk"))
    export = HOME / "users.csv"
    export.write_text("username\n")
    sources = []
    for s in range(SYSTEMS):
        system = add_system(f"sys{s:02d}", name_th=f"ระบบที่ {s}", unit=units[s % 10], klass="intranet")
        sources.append(
            add_source(f"src{s:02d}", unit=units[s % 10], system=system.code, csv_path=str(export))
        )
    IdentitySource.objects.filter(name__in=[f"src{s:02d}" for s in range(16)]).update(tracks_login=True)
    now = timezone.now()
    epoch = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 12, tzinfo=UTC)
    account_rows = []
    for i in range(accounts):
        source = sources[i % SYSTEMS]
        eid = f"E{rnd.randrange(people):06d}"
        roll = rnd.random()
        employee_id, linked, service, owner = eid, None, False, None
        if roll < 0.02:
            employee_id = ""
        elif roll < 0.04:
            employee_id = f"X{rnd.randrange(10**6):06d}"
        elif roll < 0.05:
            employee_id, linked = "", employee_pk[eid]
        elif roll < 0.08:
            employee_id, service = "", True
            owner = employee_pk[eid] if rnd.random() < 0.67 else None
        recent = rnd.random()  # three in four logged in within the dormancy window, one in ten never
        login = (
            None
            if recent < 0.1
            else epoch - timedelta(seconds=rnd.randrange((90 if recent < 0.85 else 720) * 86400))
        )
        created = datetime(2015, 1, 1, tzinfo=UTC) + timedelta(days=rnd.randrange(4000))
        gone = now if rnd.random() < 0.02 else None
        account_rows.append(
            (
                source.pk,
                f"uid=u{i:06d},ou=people,dc=agency,dc=example",
                f"u{i:06d}",
                f"uid=u{i:06d},ou=people,dc=agency,dc=example",
                f"ผู้ใช้ {i}",
                employee_id,
                rnd.random() < 0.06,
                created + timedelta(days=rnd.randrange(300)),
                created,
                login,
                now,
                gone,
                service,
                owner,
                linked,
            )
        )
    bulk.insert(
        Account,
        (
            "source", "key", "username", "dn", "display_name", "employee_id", "disabled",
            "password_changed_at", "created_in_source_at", "last_login_at", "first_seen_at", "gone_at",
            "is_service", "owner", "linked_employee",
        ),
        account_rows,
    )  # fmt: skip
    for source in sources:
        Group.objects.bulk_create(
            Group(source=source, key=f"cn=g{g},{source.name}", name=f"g{g}", first_seen_at=now)
            for g in range(10)
        )
    group_pk = {
        (source_id, name): pk for pk, source_id, name in Group.objects.values_list("pk", "source_id", "name")
    }
    source_index = {source.pk: s for s, source in enumerate(sources)}
    yaml_text, allowed = catalogue(rnd)
    if with_catalogue:
        from lakthan.access.services.roles import import_catalogue

        import_catalogue(yaml_text.encode(), "roles.yaml")
    memberships = []
    for pk, source_id, employee_id in Account.objects.filter(gone_at__isnull=True).values_list(
        "pk", "source_id", "employee_id"
    ):
        position = POSITIONS[int(employee_id[1:]) % len(POSITIONS)] if employee_id.startswith("E") else ""
        fits = allowed.get((source_index[source_id], position)) or ["g0"]
        names = {
            rnd.choice(fits) if rnd.random() >= 0.04 else f"g{rnd.randrange(10)}"
            for _ in range(rnd.randint(1, 3))
        }
        memberships += [(pk, group_pk[(source_id, name)], now) for name in sorted(names)]
    bulk.insert(Membership, ("account", "group", "since"), memberships)
    print(
        f"data: {Employee.objects.count():,} people, {Account.objects.count():,} accounts "
        f"({Account.objects.filter(gone_at__isnull=True).count():,} not gone) in {SYSTEMS} systems, "
        f"{len(memberships):,} memberships"
    )
    from django.db import connection

    connection.close()
    return Path(settings.DATABASES["default"]["NAME"])


def timed_runs(args: list[str], env: dict[str, str], repeat: int) -> tuple[float, float, bytes]:
    """Median wall and CPU seconds over ``repeat`` runs after a warm-up; the last output."""
    out = subprocess.run(args, env=env, check=True, capture_output=True).stdout
    walls, cpus = [], []
    for _ in range(repeat):
        before, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        out = subprocess.run(args, env=env, check=True, capture_output=True).stdout
        after, t1 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        walls.append(t1 - t0)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus), out


def baseline_sql() -> str:
    end = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 17, tzinfo=UTC)
    return SQL.format(
        end=end.strftime("%Y-%m-%d %H:%M:%S"),
        dormant=(end - timedelta(days=90)).strftime("%Y-%m-%d %H:%M:%S"),
        as_of=AS_OF.isoformat(),
        leavers=", ".join(f"'{s}'" for s in LEAVERS),
        grace=30,  # LAKTHAN_ACCESS_MOVER_GRACE_DAYS's default
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-catalogue", action="store_true", help="no roles per duty (no excess_right)")
    options = parser.parse_args()
    started = time.perf_counter()
    database = build(options.accounts, options.people, not options.no_catalogue)
    print(f"built in {time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f}")
    env = {**os.environ, "LAKTHAN_HOME": str(HOME), "PYTHONPATH": str(ROOT / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    ours_wall, ours_cpu, ours = timed_runs(
        [*LAKTHAN, "access", "findings", "--json", "--as-of", AS_OF.isoformat()], env, options.repeat
    )
    sql_wall, sql_cpu, theirs = timed_runs(
        ["sqlite3", "-readonly", "-json", str(database), baseline_sql()], env, options.repeat
    )
    found = json.loads(ours)
    expected = json.loads(theirs or b"[]")
    key = ("kind", "account", "system", "person")
    if sorted(tuple(f[k] for k in key) for f in found) != sorted(tuple(f[k] for k in key) for f in expected):
        sys.exit(f"the findings differ: lakthan {len(found)}, SQL {len(expected)}")
    kinds: dict[str, int] = {}
    for f in found:
        kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
    print(f"{len(found):,} findings: " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items())))
    line(
        "lakthan access findings --json (wall)", ours_wall, "the same rules in SQL, sqlite3 (wall)", sql_wall
    )
    line("lakthan access findings --json (CPU)", ours_cpu, "the same rules in SQL, sqlite3 (CPU)", sql_cpu)
    verdict = "met" if ours_wall < GOAL_SECONDS else "NOT met"
    print(f"goal: under {GOAL_SECONDS:.0f} s wall: {verdict}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(HOME, ignore_errors=True)
