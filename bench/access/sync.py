"""bench/access (first part): sync of a real slapd with N accounts (default 10,000) in 20 groups, first
sync and an unchanged second one, against `ldapsearch` of the same entries (the least any sync must
read), and the findings on those accounts against a roster of N people. Needs slapd (make test installs
it). Usage: python bench/access/sync.py [N]"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="lakthan-bench-access-"))
os.environ["LAKTHAN_HOME"] = str(HOME)
os.environ.pop("DATABASE_URL", None)
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
from tests.access.slapd import ADMIN, BASE, Slapd, User  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main(n: int) -> None:
    from lakthan.cli import setup_django

    setup_django()
    from datetime import date

    from lakthan.access.services.findings import findings
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync
    from lakthan.core.services import add_unit

    users = [
        User(
            f"u{i:06d}",
            f"ผู้ใช้ ทดสอบ{i}",
            employee_number=f"E{i:06d}",
            auth_timestamp=f"2026{1 + i % 12:02d}01000000Z",
        )
        for i in range(n)
    ]
    groups = {f"g{g:02d}": [u.uid for u in users[g::20]] for g in range(20)}
    directory = Slapd(HOME / "slapd")
    load, _ = timed(lambda: directory.start(users, groups))
    try:
        unit = add_unit("B", "สำนักงานทดสอบ")
        roster = "employee_id,title,first_name,last_name,unit,position,status,effective_date\n" + "".join(
            f"E{i:06d},นาย,ชื่อ{i},สกุล{i},B,,{'resigned' if i % 50 == 0 else 'active'},2026-01-01\n"
            for i in range(n)
        )
        hr, _ = timed(lambda: import_roster(roster.encode(), "roster.csv"))
        source = add_source(
            "dir",
            unit=unit,
            ldap_url=directory.url,
            bind_dn=ADMIN,
            password_file=str(directory.password_file),
            base_dn=BASE,
        )
        first, run = timed(lambda: sync(source))
        second, again = timed(lambda: sync(source))
        search, _ = timed(
            lambda: subprocess.run(
                [
                    "ldapsearch",
                    "-x",
                    "-LLL",
                    "-H",
                    directory.url,
                    "-D",
                    ADMIN,
                    "-w",
                    directory.password,
                    "-b",
                    BASE,
                    "-E",
                    "pr=1000/noprompt",
                    "(objectClass=inetOrgPerson)",
                    "*",
                    "+",
                ],
                check=True,
                capture_output=True,
            )
        )
        judged, found = timed(lambda: findings(date(2026, 12, 1)))
        print(f"slapd loaded with {n} accounts, 20 groups in {load:.2f} s")
        print(f"HR roster of {n} people imported in {hr:.2f} s")
        print(
            f"first sync: {run.accounts_seen} accounts, {run.memberships_added} memberships in {first:.2f} s"
        )
        print(f"unchanged second sync: {again.changed} changed in {second:.2f} s")
        print(
            f"ldapsearch of the same users (baseline): {search:.2f} s; first sync / ldapsearch = {first / search:.1f}x"
        )
        print(f"findings on {n} accounts: {len(found)} in {judged:.2f} s")
    finally:
        directory.stop()
        shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
