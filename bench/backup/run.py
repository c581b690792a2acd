"""bench/backup: the two figures of issue 4, each with a ratio against a named baseline.

1. Orchestration overhead: `lakthan backup run` (the service: sources, restic --json, snapshot read
   back, records, audit) against bare `restic backup` of the same data into the same repository,
   both incremental (the data backed up once before), median of 7.
2. A year's compliance for 1,000 systems × 200 snapshots: the window engine alone against sorting the
   200,000 Bangkok days (the least any computation must do), and the database-backed service
   (`unit_compliance`, one unit holding the 1,000 systems) against a 1-second budget.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="lakthan-bench-backup-"))
os.environ["LAKTHAN_HOME"] = str(HOME)
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import line, median_of  # noqa: E402


def main() -> None:
    from lakthan.cli import setup_django

    setup_django()
    from lakthan.backups.engines import compliance as engine
    from lakthan.backups.models import BackupSystem, Snapshot
    from lakthan.backups.services.compliance import unit_compliance
    from lakthan.backups.services.runs import run_backup
    from lakthan.backups.services.systems import add_system
    from lakthan.core.services import add_unit
    from lakthan.inventory.models import System

    unit = add_unit("BENCH", "หน่วยทดสอบสมรรถนะ")
    data = HOME / "data"
    rng = random.Random(4)
    for i in range(200):
        sub = data / f"d{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i}.bin").write_bytes(rng.randbytes(50_000))  # 10 MB in 200 files
    system = add_system("bench", unit=unit, klass="intranet", paths=[str(data)])  # restic's own key cost
    run_backup(system, "cli")
    env = {**os.environ, "RESTIC_PASSWORD_FILE": system.password_file, "TZ": "UTC"}
    bare = median_of(
        lambda: subprocess.run(
            ["restic", "-r", system.repository, "backup", "--json", "-q", str(data)],
            env=env,
            check=True,
            capture_output=True,
        )
    )
    ours = median_of(lambda: run_backup(system, "cli"))
    line("backup run (service, incremental 10 MB)", ours, "bare restic backup, same data/repo", bare)

    # 2. a year's compliance, 1,000 systems × 200 snapshots
    start, end = date(2012, 10, 1), date(2013, 9, 30)
    t0 = datetime(2012, 10, 1, tzinfo=UTC)
    moments = [[t0 + timedelta(seconds=rng.randrange(365 * 86400)) for _ in range(200)] for _ in range(1000)]
    policy = engine.Policy.default("intranet")
    days = [[engine.bangkok_day(m) for m in ms] for ms in moments]
    eng = median_of(
        lambda: [engine.compute(policy, d, start, end, today=date(2014, 1, 1)) for d in days], repeat=5
    )
    floor = median_of(lambda: [sorted(d) for d in days], repeat=5)
    line("compliance engine, 1,000 × 200, one year", eng, "sorting the 200,000 days", floor)

    inventory = System.objects.bulk_create(
        System(code=f"s{i:04d}", name_th=f"ระบบ {i}", unit=unit, klass="intranet") for i in range(1000)
    )
    systems = BackupSystem.objects.bulk_create(
        BackupSystem(
            system=inventory[i],
            name=f"s{i:04d}",
            source="paths",
            repository=f"/nonexistent/{i}",
            password_file="/nonexistent",
            in_service_from=start,
        )
        for i in range(1000)
    )
    Snapshot.objects.bulk_create(
        (
            Snapshot(system=s, snapshot_id=f"{s.pk:08x}{j:056x}", time=m)
            for s, ms in zip(systems, moments, strict=True)
            for j, m in enumerate(ms)
        ),
        batch_size=5000,
    )
    db = median_of(lambda: unit_compliance(unit, start, end, today=date(2014, 1, 1)), repeat=3)
    line("compliance service (database), 1,000 × 200", db, "budget", 1.0)


if __name__ == "__main__":
    main()
