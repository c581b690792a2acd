"""Runs, failures, verification, restore tests and import against real restic repositories."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from lakthan.backups.demo import use_cheap_key
from lakthan.backups.engines.restic import Restic
from lakthan.backups.models import Alert, BackupRun, Snapshot
from lakthan.backups.services.compliance import system_compliance
from lakthan.backups.services.runs import apply_retention, import_snapshots, run_backup, sync_snapshots
from lakthan.backups.services.systems import add_system, ensure_self_system, restic_for, sandbox_dir
from lakthan.backups.services.verify import restore_test, verify
from lakthan.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def _biggest_pack(repo: str) -> Path:
    return max(Path(repo, "data").glob("*/*"), key=lambda p: p.stat().st_size)


def _flip(path: Path) -> None:
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    for i in (40, len(data) // 2, len(data) - 40):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_run_is_recorded_with_its_snapshot_and_the_password_stays_off_command_lines(
    make_system, data_dir, monkeypatch
):
    seen = []
    real_run = subprocess.run

    def spy(cmd, *a, **kw):
        seen.append(list(cmd))
        return real_run(cmd, *a, **kw)

    monkeypatch.setattr(subprocess, "run", spy)
    system = make_system("web", paths=[str(data_dir)], cheap_key=False)  # restic's own key, as in production
    run = run_backup(system)
    assert run.status == "ok" and run.exit_code == 0 and run.snapshot_visible
    assert run.files_processed == 3 and run.bytes_added > 40_000 and run.restic_version.startswith("0.14")
    assert Snapshot.objects.get(system=system).snapshot_id == run.snapshot_id
    second = run_backup(system)
    assert second.files_processed == 3 and second.files_new == 0  # deduplicated
    password = Path(system.password_file).read_text()
    assert password and not any(password in " ".join(cmd) for cmd in seen)
    assert any("backup" in cmd for cmd in seen)


def test_unreadable_file_is_a_partial_run_naming_the_file(make_system, data_dir, tmp_path):
    if os.geteuid() == 0:
        bad = "/proc/self/mem"  # root reads any file: the kernel refuses this one (EIO)
    else:
        bad_path = data_dir / "secret.key"
        bad_path.write_text("x")
        bad_path.chmod(0)
        bad = str(bad_path)
    system = make_system("partial", paths=[str(data_dir), bad])
    run = run_backup(system)
    assert run.exit_code == 3 and run.status == "partial"
    assert [w["path"] for w in run.warnings] == [bad]
    assert run.snapshot_visible  # restic made the snapshot of what it could read
    assert Alert.objects.filter(system=system, kind="run_failed").count() == 1


def test_wrong_password_fails_clearly(make_system, data_dir, tmp_path):
    system = make_system("pw", paths=[str(data_dir)])
    wrong = tmp_path / "wrong.key"
    wrong.write_text("not-the-password")
    system.password_file = str(wrong)
    system.save()
    run = run_backup(system)
    assert run.status == "failed" and "wrong password" in run.error
    assert "not-the-password" not in run.error
    with pytest.raises(InvalidInput, match="wrong password"):
        import_snapshots(system, repo=system.repository, password_file=str(wrong))


def test_locked_repository_is_retried_then_reported_and_a_stale_lock_is_cleared(make_system, data_dir):
    system = make_system("locked", paths=[str(data_dir)])
    env = {**os.environ, "RESTIC_PASSWORD_FILE": system.password_file}
    # `key passwd` holds an exclusive lock while it waits for the new password on stdin
    holder = subprocess.Popen(
        ["restic", "-r", system.repository, "key", "passwd"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60  # restic derives its key first: seconds on a loaded machine
        while not any(Path(system.repository, "locks").iterdir()):
            assert time.monotonic() < deadline and holder.poll() is None, "restic never took its lock"
            time.sleep(0.05)
        run = run_backup(system)
        assert run.status == "failed" and "locked" in run.error
    finally:
        holder.kill()
        holder.wait()
    assert any(Path(system.repository, "locks").iterdir())  # a stale lock is left behind
    run = run_backup(system)  # restic `unlock` removes it (its process is gone), the retry runs
    assert run.status == "ok"


def test_rotating_verification_covers_the_repository_and_finds_a_corrupted_pack(make_system, data_dir):
    system = make_system("verify", paths=[str(data_dir)])
    system.verify_parts = 2
    system.save()
    run_backup(system)
    first, second, third = (verify(system) for _ in range(3))
    assert (first.subset, second.subset, third.subset) == ("1/2", "2/2", "1/2")
    assert first.ok and second.ok and (first.coverage, second.coverage) == (0.5, 1.0)
    assert (first.cycle, third.cycle) == (1, 2)
    _flip(_biggest_pack(system.repository))
    bad = verify(system, "1/1")
    assert not bad.ok and bad.exit_code == 1
    assert Alert.objects.filter(system=system, kind="verify_failed").exists()
    with pytest.raises(InvalidInput):
        verify(system, "3/2")


def test_restore_test_compares_every_file_and_detects_a_corrupted_pack(make_system, data_dir):
    system = make_system("restore", paths=[str(data_dir)])
    run_backup(system)
    ok = restore_test(system, seed=1)
    assert ok.ok and ok.files_expected == ok.files_restored == ok.files_hashed == 3
    assert ok.files_compared_to_source == 3 and ok.restore_seconds > 0 and not ok.sampled
    _flip(_biggest_pack(system.repository))
    bad = restore_test(system, seed=1)
    assert not bad.ok and bad.error
    assert Alert.objects.filter(system=system, kind="restore_failed").exists()
    assert not any(Path(sandbox_dir()).iterdir())  # the sandbox is cleaned


def test_import_of_backdated_snapshots_then_compliance(make_system, data_dir, tmp_path):
    legacy_repo, key = tmp_path / "legacy", tmp_path / "legacy.key"
    key.write_text("legacy-password")
    restic = Restic(legacy_repo, password_file=key)
    restic.init()
    use_cheap_key(legacy_repo, b"legacy-password")  # a test repository: cheap key derivation
    # Mondays and Thursdays of Oct 2012 (08:00 Bangkok); the week of 15 Oct has only its Monday
    times = [datetime(2012, 10, day, 1, 0, tzinfo=UTC) for day in (1, 4, 8, 11, 15, 22, 25)]
    for t in times:
        restic.backup([data_dir], time=t, host="old-server")
    restic.backup([data_dir], time=datetime(2012, 10, 18, 1, 0, tzinfo=UTC), host="other-host")
    system = make_system("imported", paths=[str(data_dir)], in_service_from=date(2026, 1, 1))
    n = import_snapshots(system, repo=str(legacy_repo), password_file=str(key), host="old-server")
    assert n == 7
    system.refresh_from_db()
    assert system.in_service_from == date(2012, 10, 1)
    assert system.repository == str(legacy_repo)
    assert import_snapshots(system, repo=str(legacy_repo), password_file=str(key), host="old-server") == 0
    result = system_compliance(system, date(2012, 10, 1), date(2012, 10, 28), today=date(2013, 1, 1))
    assert [(w.start.isoformat(), w.actual) for w in result.windows] == [
        ("2012-10-01", 2),
        ("2012-10-08", 2),
        ("2012-10-15", 1),  # the other host's Thursday backup was filtered out
        ("2012-10-22", 2),
    ]
    assert [w.start for w in result.missed] == [date(2012, 10, 15)]


@pytest.mark.django_db(transaction=True)  # the online backup reads what is committed
def test_lakthan_backs_itself_up(org, tmp_path, settings):
    from django.db import connection

    settings.LAKTHAN_BLOB_DIR = tmp_path / "blobs"
    (tmp_path / "blobs").mkdir()
    (tmp_path / "blobs" / "ab").mkdir()
    (tmp_path / "blobs" / "ab" / "abcdef").write_bytes(b"evidence")
    if (
        connection.vendor == "postgresql"
        and not subprocess.run(["which", "pg_dump"], capture_output=True).stdout
    ):
        pytest.skip("pg_dump not installed")
    system = ensure_self_system(org.bureau, repo=str(tmp_path / "self-repo"))
    assert ensure_self_system() == system
    run = run_backup(system)
    assert run.status == "ok", run.error
    names = {Path(n.path).name for n in restic_for(system).ls(run.snapshot_id)}
    assert "abcdef" in names
    assert ("lakthan.sqlite3" if connection.vendor == "sqlite" else "lakthan.pgdump") in names
    assert BackupRun.objects.filter(system=system).count() == 1


def test_bad_input_is_refused_and_leaves_nothing(org, data_dir, tmp_path):
    from lakthan.backups.models import BackupSystem

    cases = [
        dict(name="bad name!", klass="intranet", paths=[str(data_dir)]),
        dict(name="x", klass="extranet", paths=[str(data_dir)]),
        dict(name="x", klass="intranet", paths=[str(data_dir)], sqlite="/nope.db"),
        dict(name="x", klass="intranet", paths=["/does/not/exist"]),
        dict(name="x", klass="intranet", paths=[str(data_dir)], min_per_window=7),  # no reason
        dict(name="x", klass="intranet", postgres="mysql://x"),
    ]
    for kw in cases:
        with pytest.raises(InvalidInput):
            add_system(unit=org.division, repo=str(tmp_path / "r"), **kw)
    assert not BackupSystem.objects.exists()
    assert not (tmp_path / "r").exists()


def test_retention_forgets_by_policy_never_below_the_floor_and_keeps_the_records(make_system, data_dir):
    from lakthan.backups.services.systems import MIN_KEEP, effective_retention

    system = make_system("retained", paths=[str(data_dir)])
    system.keep_daily = system.keep_weekly = system.keep_monthly = 1  # as an admin might set it
    assert effective_retention(system) == MIN_KEEP  # a policy below what compliance needs is raised
    days = [datetime(2013, 1, 1, 3, 0, tzinfo=UTC) + timedelta(days=n) for n in range(20)]
    restic = restic_for(system)
    for t in days:
        restic.backup([data_dir], time=t)
    sync_snapshots(system)
    assert system.snapshots.filter(forgotten=False).count() == 20

    apply_retention(system)

    newest_daily = set(days[-MIN_KEEP["keep_daily"] :])
    last_of_each_week = {
        max(d for d in days if d.isocalendar()[:2] == week) for week in {d.isocalendar()[:2] for d in days}
    }
    kept = {s.time for s in restic.snapshots()}
    assert kept == newest_daily | last_of_each_week
    # the repository forgot the rest; the records stay, marked forgotten, so past compliance still shows
    assert system.snapshots.count() == 20
    assert {s.time for s in system.snapshots.filter(forgotten=False)} == kept


@pytest.mark.parametrize("hollow", ["missing", "empty"])
def test_a_run_that_skipped_a_source_is_partial_and_not_counted_as_a_backup(
    make_system, data_dir, tmp_path, hollow
):
    mount = tmp_path / "mnt" / "data2"
    mount.mkdir(parents=True)  # a mount point whose disk is not mounted
    system = make_system("hollow", paths=[str(data_dir), str(mount)], in_service_from=date(2012, 1, 1))
    if hollow == "missing":
        mount.rmdir()
    at = datetime(2012, 10, 1, 1, 0, tzinfo=UTC)
    run = run_backup(system, at=at)
    assert run.status == "partial" and run.snapshot_visible
    assert [w["path"] for w in run.warnings] == [str(mount)]
    assert Alert.objects.filter(system=system, kind="run_failed").count() == 1
    snapshot = system.snapshots.get()
    assert "lakthan:incomplete" in snapshot.tags  # in the repository too: a later sync keeps it
    result = system_compliance(system, date(2012, 10, 1), date(2012, 10, 7), today=date(2013, 1, 1))
    assert [w.actual for w in result.windows] == [0]
    system.snapshots.all().delete()
    sync_snapshots(system)
    assert "lakthan:incomplete" in system.snapshots.get().tags
    mount.mkdir(parents=True, exist_ok=True)
    (mount / "file.txt").write_text("the disk is back")
    run_backup(system, at=at)
    result = system_compliance(system, date(2012, 10, 1), date(2012, 10, 7), today=date(2013, 1, 1))
    assert [w.actual for w in result.windows] == [1]


def test_a_run_with_no_source_left_fails(make_system, tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    system = make_system("gone", paths=[str(gone)])
    gone.rmdir()
    run = run_backup(system)
    assert run.status == "failed" and str(gone) in run.error


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid  # reaped: no process has it now


@pytest.mark.parametrize("snapshot_written", [True, False])
def test_a_killed_run_is_closed_from_the_repository_by_the_next_run(make_system, data_dir, snapshot_written):
    import socket

    from django.utils import timezone

    system = make_system("killed", paths=[str(data_dir)], in_service_from=date(2012, 1, 1))
    killed = BackupRun.objects.create(
        system=system,
        trigger="schedule",
        started_at=timezone.now() - timedelta(minutes=5),
        worker=f"{socket.gethostname()}:{_dead_pid()}",
    )
    if snapshot_written:  # restic finished its snapshot; the process died before recording it
        restic_for(system).backup([data_dir], tags=[f"lakthan:{system.name}"])
    assert not Snapshot.objects.filter(system=system).exists()
    run_backup(system)
    killed.refresh_from_db()
    assert killed.finished_at is not None
    if snapshot_written:
        assert killed.status == "ok" and killed.snapshot_visible
        assert Snapshot.objects.filter(system=system).count() == 2
        assert killed.snapshot_id != BackupRun.objects.filter(system=system).latest("pk").snapshot_id
    else:
        assert killed.status == "failed" and "interrupted" in killed.error


def test_a_run_of_a_live_process_is_left_alone(make_system, data_dir):
    import os
    import socket

    from django.utils import timezone

    system = make_system("alive", paths=[str(data_dir)])
    running = BackupRun.objects.create(
        system=system,
        trigger="cli",
        started_at=timezone.now(),
        worker=f"{socket.gethostname()}:{os.getpid()}",
    )
    verify(system)
    running.refresh_from_db()
    assert running.status == "running"
