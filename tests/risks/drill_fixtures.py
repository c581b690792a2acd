"""Fixtures for the drill tests: an inventory system backed up into a real restic repository with
backdated snapshots (`restic backup --time`), synced into the database by the backups services."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

import pytest

# The drill of these tests: 2026-03-01 21:00 Bangkok (14:00 UTC) to 2026-03-02 01:00 Bangkok.
STARTED = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
RESTORED = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
SNAPSHOTS = (
    datetime(2026, 2, 28, 12, 0, tzinfo=UTC),
    datetime(2026, 3, 1, 11, 30, tzinfo=UTC),  # the newest before the start: RPO 2 h 30 m
    datetime(2026, 3, 1, 15, 0, tzinfo=UTC),  # taken after the drill began: must not count
)


def backed_up_system(code: str, unit, tmp_path, times=SNAPSHOTS, *, forget_newest_before: bool = False):
    """A backups.BackupSystem for inventory system ``code`` whose repository holds one snapshot at
    each of ``times``; with ``forget_newest_before`` the snapshot at times[1] is then forgotten in
    restic (retention) and the sync marks it forgotten."""
    from lakthan.backups.demo import use_cheap_key
    from lakthan.backups.engines.restic import Restic
    from lakthan.backups.services.runs import sync_snapshots
    from lakthan.backups.services.systems import add_system, restic_for
    from lakthan.lib.files import write_private

    data = tmp_path / f"data-{code}"
    data.mkdir(parents=True, exist_ok=True)
    (data / "records.csv").write_text("id\n1\n2\n", encoding="utf-8")
    repo, key = tmp_path / "repos" / code, tmp_path / "keys" / f"{code}.key"
    password = secrets.token_urlsafe(12)
    write_private(key, password)
    repo.parent.mkdir(parents=True, exist_ok=True)
    Restic(repo, password_file=key).init()
    use_cheap_key(repo, password.encode())
    system = add_system(
        code,
        unit=unit,
        klass="intranet",
        paths=[str(data)],
        repo=str(repo),
        password_file=str(key),
        in_service_from=date(2026, 1, 1),
    )
    restic = restic_for(system)
    made = [restic.backup([data], time=t) for t in times]
    sync_snapshots(system)
    if forget_newest_before:
        restic.run(["forget", made[1].snapshot_id])
        sync_snapshots(system)
    return system.system


@pytest.fixture
def erp(org, tmp_path):
    """Inventory system ``erp`` of the division with three real snapshots (see SNAPSHOTS)."""
    return backed_up_system("erp", org.division, tmp_path)
