"""Backup runs, snapshots read back from the repository, import of existing history, retention."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from lakthan.backups.engines.compliance import INCOMPLETE_TAG
from lakthan.backups.engines.restic import ResticError
from lakthan.backups.engines.restic import Snapshot as ResticSnapshot
from lakthan.backups.models import BackupRun, BackupSystem, Snapshot
from lakthan.backups.services import alerts
from lakthan.backups.services.systems import (
    BackupFailed,
    as_domain_error,
    backup_home,
    effective_retention,
    restic_for,
)
from lakthan.core import audit
from lakthan.core.errors import InvalidInput, LakthanError
from lakthan.core.jobs import Progress


def _silent(percent: int, th: str, en: str) -> None:
    pass


def _record_snapshots(system: BackupSystem, snaps: list[ResticSnapshot], origin: str) -> int:
    known = set(system.snapshots.values_list("snapshot_id", flat=True))
    new = [
        Snapshot(
            system=system,
            snapshot_id=s.id,
            time=s.time,
            hostname=s.hostname,
            paths=s.paths,
            tags=s.tags,
            origin=origin,
        )
        for s in snaps
        if s.id not in known
    ]
    Snapshot.objects.bulk_create(new, batch_size=500)
    return len(new)


def sync_snapshots(system: BackupSystem) -> int:
    """Reads what exists in the repository; snapshots gone since (retention) stay, marked forgotten."""
    try:
        snaps = restic_for(system).snapshots()
    except ResticError as exc:
        raise as_domain_error(exc, system) from None
    with transaction.atomic():
        added = _record_snapshots(system, snaps, "sync")
        present = {s.id for s in snaps}
        system.snapshots.exclude(snapshot_id__in=present).filter(forgotten=False).update(forgotten=True)
    return added


# --- sources ------------------------------------------------------------------------------------


def _stage_dir(system: BackupSystem) -> Path:
    path = backup_home() / "staging" / system.name
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, mode=0o700)
    return path


def _sqlite_online_backup(source: Path, dest: Path) -> None:
    """SQLite's online backup API: a consistent copy while other processes keep writing."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _pg_env(dsn: str) -> dict[str, str]:
    """The DSN as libpq environment variables, so the password is on no command line."""
    u = urlparse(dsn)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, value in (
        ("PGHOST", u.hostname),
        ("PGPORT", str(u.port) if u.port else None),
        ("PGUSER", unquote(u.username or "")),
        ("PGPASSWORD", unquote(u.password or "")),
        ("PGDATABASE", u.path.lstrip("/")),
    ):
        if value:
            env[key] = value
    return env


def _pg_dump(dsn: str, dest: Path) -> None:
    proc = subprocess.run(
        ["pg_dump", "--format=custom", "--no-password", "--file", str(dest)],
        env=_pg_env(dsn),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if proc.returncode != 0:
        raise BackupFailed(
            f"pg_dump ไม่สำเร็จ: {proc.stderr.strip()[:300]}", f"pg_dump failed: {proc.stderr.strip()[:300]}"
        )


def _self_database(dest_dir: Path) -> Path:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        target = dest_dir / "lakthan.sqlite3"
        name = str(connection.settings_dict["NAME"])
        # a connection of its own: the backup copies what is committed, while the web keeps writing
        src = (
            sqlite3.connect(name, uri=True)
            if name.startswith("file:")
            else sqlite3.connect(f"file:{name}?mode=ro", uri=True)
        )
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target
    target = dest_dir / "lakthan.pgdump"
    dsn = (
        f"postgresql://{db.get('USER', '')}:{db.get('PASSWORD', '')}@{db.get('HOST') or 'localhost'}"
        f":{db.get('PORT') or 5432}/{db['NAME']}"
    )
    _pg_dump(dsn, target)
    return target


def _sources(system: BackupSystem) -> tuple[list[str], Path | None]:
    """What to hand restic, and a staging folder to remove afterwards (dumps)."""
    if system.source == BackupSystem.Source.PATHS:
        return list(system.paths), None
    stage = _stage_dir(system)
    if system.source == BackupSystem.Source.SQLITE:
        _sqlite_online_backup(Path(system.sqlite_path), stage / Path(system.sqlite_path).name)
        return [str(stage)], stage
    if system.source == BackupSystem.Source.POSTGRES:
        _pg_dump(system.postgres_dsn, stage / f"{system.name}.pgdump")
        return [str(stage)], stage
    _self_database(stage)
    blobs = Path(settings.LAKTHAN_BLOB_DIR)
    blobs.mkdir(parents=True, exist_ok=True)
    return [str(stage), str(blobs)], stage


def source_problems(paths: list[str]) -> list[dict]:
    """Source paths that would make a backup hollow: missing, or an empty directory."""
    problems = []
    for p in paths:
        path = Path(p)
        if not path.exists():
            problems.append({"path": p, "error": "does not exist"})
        elif path.is_dir() and not any(path.iterdir()):
            problems.append({"path": p, "error": "is an empty directory (a disk not mounted?)"})
    return problems


# --- runs ---------------------------------------------------------------------------------------


# A run still "running" after this long is judged dead even when its process cannot be checked (it
# ran on another host, or before runs recorded their process)
STALE_AFTER = timedelta(days=2)


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _worker_alive(run: BackupRun, now: datetime) -> bool:
    host, _, pid = run.worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return now - run.started_at < STALE_AFTER
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def reconcile(system: BackupSystem, actor: str = audit.SYSTEM) -> list[BackupRun]:
    """Closes the runs left "running" by a process that died (kill -9, a power cut): each takes the
    snapshot the repository holds from its time, if any; snapshots in the repository that the
    database does not know are recorded first. Returns the runs closed."""
    now = timezone.now()
    stale = [r for r in system.runs.filter(status=BackupRun.Status.RUNNING) if not _worker_alive(r, now)]
    if not stale:
        return []
    sync_snapshots(system)
    claimed = set(system.runs.exclude(snapshot_id="").values_list("snapshot_id", flat=True))
    later_starts = sorted(system.runs.values_list("started_at", flat=True))
    for run in stale:
        until = next((t for t in later_starts if t > run.started_at), now)
        snap = (
            system.snapshots.filter(time__gte=run.started_at, time__lte=until)
            .exclude(snapshot_id__in=claimed)
            .order_by("time")
            .first()
        )
        run.finished_at = now
        if snap is None:
            run.status, run.error = (
                BackupRun.Status.FAILED,
                "interrupted: its process stopped before a snapshot",
            )
        else:
            claimed.add(snap.snapshot_id)
            run.snapshot_id, run.snapshot_visible = snap.snapshot_id, True
            complete = INCOMPLETE_TAG not in (snap.tags or [])
            run.status = BackupRun.Status.OK if complete else BackupRun.Status.PARTIAL
            run.error = "its process stopped after the snapshot was written; closed from the repository"
        with transaction.atomic():
            run.save()
            audit.record(
                actor, "backup.reconcile", run, after={"status": run.status, "snapshot": run.snapshot_id}
            )
        if run.status != BackupRun.Status.OK:
            _announce(run)  # like any run that did not succeed: a killed one must not go unnoticed
    return stale


def _announce(run: BackupRun) -> None:
    """The alert of a run that did not succeed (once per run)."""
    system = run.system
    why = run.error or ", ".join(w["path"] for w in run.warnings)
    alerts.raise_alert(
        system,
        "run_failed",
        f"run:{run.pk}",
        f"การสำรองข้อมูลระบบ {system.name} {'ไม่สำเร็จ' if run.status == 'failed' else 'อ่านบางไฟล์ไม่ได้'}: {why}",
        f"backup of {system.name} {run.status}: {why}",
    )


def run_backup(
    system: BackupSystem,
    trigger: str = "cli",
    *,
    at: datetime | None = None,
    actor: str = audit.SYSTEM,
    alert: bool = True,
    progress: Progress | None = None,
) -> BackupRun:
    """One backup. Successful only if restic exited 0 and the snapshot is visible afterwards; exit 3
        is recorded as partial with the unreadable files named. ``at`` backdates the snapshot (import of
        history, the demo). ``alert=False`` records a failure without raising an alert (the demo's
    story has its failures on purpose). ``progress(percent, th, en)`` hears each step (a page's job)."""
    step = progress or _silent
    restic = restic_for(system)
    try:
        reconcile(system, actor)
    except (ResticError, LakthanError):  # the repository is unreachable: the run below fails and says why
        pass
    run = BackupRun.objects.create(
        system=system,
        trigger=trigger,
        started_at=timezone.now(),
        restic_version=str(restic.version),
        worker=_this_worker(),
    )
    stage = None
    try:
        step(10, "กำลังเตรียมข้อมูลที่จะสำรอง", "preparing the sources")
        paths, stage = _sources(system)
        hollow = source_problems(paths)
        present = [p for p in paths if Path(p).exists()]
        if not present:
            raise BackupFailed(
                "ไม่พบแหล่งข้อมูลที่จะสำรองเลย: " + ", ".join(h["path"] for h in hollow),
                "none of the source paths exists: " + ", ".join(h["path"] for h in hollow),
            )
        tags = [f"lakthan:{system.name}", *([INCOMPLETE_TAG] if hollow else [])]
        step(30, "restic กำลังสำรองข้อมูล", "restic backup is running")
        result = restic.backup(present, time=at, tags=tags)
        run.exit_code = result.exit_code
        run.snapshot_id = result.snapshot_id
        run.files_new, run.files_changed = result.files_new, result.files_changed
        run.files_processed, run.bytes_processed = result.files_processed, result.bytes_processed
        run.bytes_added, run.duration = result.bytes_added, result.duration
        run.warnings = hollow + [{"path": f.path, "error": f.error} for f in result.unreadable]
        step(85, "กำลังตรวจว่า snapshot ปรากฏในคลัง", "checking the snapshot is in the repository")
        snaps = (
            [s for s in restic.snapshots() if s.id.startswith(result.snapshot_id)]
            if result.snapshot_id
            else []
        )
        run.snapshot_visible = bool(snaps)
        if snaps:
            run.snapshot_id = snaps[0].id
            _record_snapshots(system, snaps, "run")
        if not run.snapshot_visible:
            run.status, run.error = BackupRun.Status.FAILED, "the snapshot is not visible in the repository"
        else:
            run.status = BackupRun.Status.PARTIAL if result.partial or hollow else BackupRun.Status.OK
    except ResticError as exc:
        run.status, run.exit_code = BackupRun.Status.FAILED, exc.exit_code
        err = as_domain_error(exc, system)
        run.error = err.message_en
    except BackupFailed as exc:
        run.status, run.error = BackupRun.Status.FAILED, exc.message_en
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    run.finished_at = timezone.now()
    run.save()
    audit.record(
        actor,
        "backup.run",
        run,
        after={"system": system.name, "status": run.status, "snapshot": run.snapshot_id},
    )
    if run.status != BackupRun.Status.OK and alert:
        _announce(run)
    return run


def _history(system: BackupSystem, times: list[datetime]):
    """restic's part of a backfill (no database): one backup after another, since restic 0.14
    processes reading a lock file another has just removed back off for ~45 s."""
    restic = restic_for(system)
    paths, stage = _sources(system)
    try:
        results = [restic.backup(paths, time=t, tags=[f"lakthan:{system.name}"]) for t in times]
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    return results, {s.id[:8]: s for s in restic.snapshots()}, str(restic.version)


def backfill(jobs: list[tuple[BackupSystem, list[datetime]]], trigger: str) -> dict[str, list[BackupRun]]:
    """Backdated snapshots (`restic backup --time`) for several systems, each system's in its own
    thread, each snapshot recorded as a run at its own time (the demo, the benchmark)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
        made = list(pool.map(lambda job: _history(*job), jobs))
    out = {}
    for (system, times), (results, snaps, version) in zip(jobs, made, strict=True):
        runs = []
        for t, r in zip(times, results, strict=True):
            snap = snaps.get(r.snapshot_id[:8])
            status = (
                BackupRun.Status.FAILED
                if not snap
                else BackupRun.Status.PARTIAL
                if r.partial
                else BackupRun.Status.OK
            )
            runs.append(
                BackupRun(
                    system=system,
                    trigger=trigger,
                    started_at=t,
                    finished_at=t + timedelta(seconds=r.duration),
                    status=status,
                    exit_code=r.exit_code,
                    restic_version=version,
                    snapshot_id=snap.id if snap else r.snapshot_id,
                    snapshot_visible=bool(snap),
                    files_new=r.files_new,
                    files_changed=r.files_changed,
                    files_processed=r.files_processed,
                    bytes_processed=r.bytes_processed,
                    bytes_added=r.bytes_added,
                    duration=r.duration,
                    warnings=[{"path": f.path, "error": f.error} for f in r.unreadable],
                )
            )
        with transaction.atomic():
            BackupRun.objects.bulk_create(runs, batch_size=500)
            _record_snapshots(system, list(snaps.values()), "run")
        out[system.name] = runs
    return out


def due_systems(now: datetime | None = None) -> list[BackupSystem]:
    """Active systems without a successful run today (Bangkok): the scheduler runs them once a day."""
    today = timezone.localdate(now or timezone.now())
    done = set(
        BackupRun.objects.filter(status=BackupRun.Status.OK, started_at__date=today).values_list(
            "system_id", flat=True
        )
    )
    return [s for s in BackupSystem.objects.filter(active=True) if s.pk not in done]


def run_all(trigger: str = "cli") -> list[BackupRun]:
    from lakthan.backups.services.systems import ensure_self_system

    if not BackupSystem.objects.filter(name="lakthan").exists():
        try:
            ensure_self_system()
        except InvalidInput:
            pass
    return [run_backup(s, trigger) for s in BackupSystem.objects.filter(active=True)]


def run_due(trigger: str = "schedule") -> list[BackupRun]:
    return [run_backup(s, trigger) for s in due_systems()]


# --- import of existing history ----------------------------------------------------------------


def import_snapshots(
    system: BackupSystem,
    *,
    repo: str,
    password_file: str,
    host: str | None = None,
    path: str | None = None,
    tag: str | None = None,
    actor: str = audit.SYSTEM,
    progress: Progress | None = None,
) -> int:
    """Reads an existing repository's snapshots (filtered) into the system's records, so compliance
    can be proven for periods before Lakthan was installed. The system then uses that repository."""
    from lakthan.backups.engines.restic import Restic

    if not Path(password_file).is_file():
        raise InvalidInput(f"ไม่พบไฟล์รหัสผ่าน {password_file}", f"password file {password_file} does not exist")
    repo_path = str(Path(repo).expanduser().resolve())
    if not Path(repo_path).exists():
        raise InvalidInput(f"ไม่พบคลังสำรองข้อมูลที่ {repo}", f"no restic repository at {repo}")
    restic = Restic(
        repo_path, password_file=str(Path(password_file).resolve()), cache_dir=backup_home() / "cache"
    )
    (progress or _silent)(20, "กำลังอ่านรายการ snapshot ในคลัง", "reading the repository's snapshots")
    try:
        snaps = restic.snapshots(host=host, path=path, tags=[tag] if tag else [])
    except ResticError as exc:
        probe = BackupSystem(name=system.name, repository=repo_path)
        raise as_domain_error(exc, probe) from None
    with transaction.atomic():
        before = audit.snapshot(system)
        system.repository = repo_path
        system.password_file = str(Path(password_file).resolve())
        if snaps:
            first = timezone.localdate(snaps[0].time)
            system.in_service_from = min(system.in_service_from, first)
        system.save()
        added = _record_snapshots(system, snaps, "import")
        audit.record(
            actor, "backup.import", system, before=before, after={"repository": repo_path, "snapshots": added}
        )
    return added


def apply_retention(system: BackupSystem) -> str:
    """`restic forget --prune` with the policy's keep-* (never below MIN_KEEP); the records stay."""
    keep = effective_retention(system)
    try:
        out = restic_for(system).forget(**keep, prune=True)
    except ResticError as exc:
        raise as_domain_error(exc, system) from None
    sync_snapshots(system)
    return out


def sandbox() -> Path:
    return Path(tempfile.mkdtemp(prefix="restore-", dir=backup_home() / "sandbox"))
