"""bench/access (sync): a real slapd with N accounts (default 10,000) in 20 groups, synced as a user
runs it (`lakthan access sync NAME`, a process each): the first (full) sync, an unchanged incremental
one, an unchanged `--full` one, and an incremental one after 1 % of the entries changed, each against
`ldapsearch` of the same users with every attribute (the least a full read must fetch), the baseline.
The entries carry an old modifyTimestamp, as a directory's do, so an incremental read is what it
would be in service. Then the findings on those accounts against a roster of N people. Needs slapd
(make test installs it). Usage: python bench/access/sync.py [N]"""

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
sys.path.insert(0, str(ROOT / "bench"))
from common import line  # noqa: E402
from tests.access.slapd import ADMIN, BASE, GROUPS, PEOPLE, SLAPD, Slapd, User  # noqa: E402

LAKTHAN = [
    sys.executable,
    "-c",
    "import sys; from lakthan.cli import main; sys.exit(main(prog_name='lakthan'))",
]


class GroupEntry:
    """A group written by slapadd with its members, as is each member's ``memberOf`` (User.extra):
    adding 20 groups of 5,000 members over LDAP, the memberof overlay writing 100,000 entries one
    by one, took longer than the bench itself."""

    def __init__(self, name: str, members: list[str]):
        self.name, self.members = name, members

    def ldif(self) -> str:
        lines = [f"dn: cn={self.name},{GROUPS}", "objectClass: groupOfNames", f"cn: {self.name}"]
        return "\n".join(lines + [f"member: uid={uid},{PEOPLE}" for uid in self.members]) + "\n\n"


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main(n: int) -> None:
    from lakthan.cli import setup_django

    setup_django()
    from datetime import date

    import ldap3

    from lakthan.access.services.findings import findings
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sources import add_source
    from lakthan.core.services import add_unit

    users = [
        User(
            f"u{i:06d}",
            f"ผู้ใช้ ทดสอบ{i}",
            employee_number=f"E{i:06d}",
            auth_timestamp=f"2026{1 + i % 12:02d}01000000Z",
            extra={"modifyTimestamp": "20250101000000Z", "memberOf": f"cn=g{i % 20:02d},{GROUPS}"},
        )
        for i in range(n)
    ]
    groups = [GroupEntry(f"g{g:02d}", [u.uid for u in users[g::20]]) for g in range(20)]
    directory = Slapd(HOME / "slapd")
    entries: list = [*users, *groups]  # anything with ldif()
    load, _ = timed(lambda: directory.start(entries, {}))
    env = {**os.environ, "LAKTHAN_HOME": str(HOME), "PYTHONPATH": str(ROOT / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def cli(*args: str) -> str:
        return subprocess.run(
            [*LAKTHAN, *args], env=env, check=True, capture_output=True, text=True
        ).stdout.strip()

    try:
        unit = add_unit("B", "สำนักงานทดสอบ")
        roster = "employee_id,title,first_name,last_name,unit,position,status,effective_date\n" + "".join(
            f"E{i:06d},นาย,ชื่อ{i},สกุล{i},B,,{'resigned' if i % 50 == 0 else 'active'},2026-01-01\n"
            for i in range(n)
        )
        hr, _ = timed(lambda: import_roster(roster.encode(), "roster.csv"))
        add_source(
            "dir",
            unit=unit,
            ldap_url=directory.url,
            bind_dn=ADMIN,
            password_file=str(directory.password_file),
            base_dn=BASE,
        )
        from django.db import connection

        connection.close()
        search = [
            "ldapsearch", "-x", "-LLL", "-H", directory.url, "-D", ADMIN, "-w", directory.password, "-b", BASE,
            "-E", "pr=1000/noprompt", "(objectClass=inetOrgPerson)", "*", "+",
        ]  # fmt: skip
        ldapsearch, _ = timed(lambda: subprocess.run(search, check=True, capture_output=True))
        first, first_out = timed(lambda: cli("access", "sync", "dir"))
        again, again_out = timed(lambda: cli("access", "sync", "dir"))
        full, full_out = timed(lambda: cli("access", "sync", "dir", "--full"))
        with directory.connection() as conn:  # 1 % of the people change: a new employee number
            for i in range(0, n, 100):
                conn.modify(
                    f"uid=u{i:06d},{PEOPLE}", {"employeeNumber": [(ldap3.MODIFY_REPLACE, [f"E{i:06d}-X"])]}
                )
        changed, changed_out = timed(lambda: cli("access", "sync", "dir"))
        judged, found = timed(lambda: findings(date(2026, 12, 1)))
        print(
            f"slapd loaded with {n:,} accounts in 20 groups in {load:.2f} s; HR roster imported in {hr:.2f} s"
        )
        for out in (first_out, again_out, full_out, changed_out):
            print("  " + out)
        line("first sync (lakthan access sync)", first, "ldapsearch of every user", ldapsearch)
        line("unchanged sync, incremental", again, "ldapsearch of every user", ldapsearch)
        line("unchanged sync, --full", full, "ldapsearch of every user", ldapsearch)
        line("incremental sync, 1 % changed", changed, "ldapsearch of every user", ldapsearch)
        print(
            f"findings on {n:,} accounts: {len(found):,} in {judged:.2f} s; load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        directory.stop()
        shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    if not (Path(SLAPD).exists() and shutil.which("ldapsearch")):
        print(
            "bench/access/sync.py skipped: slapd and ldap-utils are not installed (scripts/install-system-deps.sh test)"
        )
        sys.exit(0)
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
