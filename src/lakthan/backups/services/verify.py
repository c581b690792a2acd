"""Verification (rotating `check --read-data-subset n/N`) and restore tests."""

from __future__ import annotations

import hashlib
import random
import re
import shutil
import time
from datetime import timedelta
from pathlib import Path, PurePosixPath

from django.utils import timezone

from lakthan.backups.engines.restic import ResticError
from lakthan.backups.models import BackupSystem, RestoreTest, Verification
from lakthan.backups.services import alerts
from lakthan.backups.services.runs import reconcile
from lakthan.backups.services.systems import as_domain_error, restic_for, sandbox_dir
from lakthan.core import audit
from lakthan.core.errors import InvalidInput, LakthanError
from lakthan.core.jobs import Progress

SUBSET_RE = re.compile(r"^(\d+)/(\d+)$")
SAMPLE_OVER_FILES = 5000
SAMPLE_OVER_BYTES = 2 * 1024**3
SAMPLE_SIZE = 200


def parse_subset(text: str) -> tuple[int, int]:
    m = SUBSET_RE.match(text or "")
    if not m or not (1 <= int(m.group(1)) <= int(m.group(2)) <= 10000):
        raise InvalidInput(
            f"--subset '{text}' ต้องเป็นรูปแบบ n/N เช่น 1/10",
            f"--subset '{text}' must be n/N with 1 ≤ n ≤ N, e.g. 1/10",
        )
    return int(m.group(1)), int(m.group(2))


def verify(
    system: BackupSystem,
    subset: str | None = None,
    trigger: str = "cli",
    actor: str = audit.SYSTEM,
    at=None,
    alert: bool = True,
    progress: Progress | None = None,
) -> Verification:
    """Reads one part of the packs. Without ``subset`` the parts rotate (1/N, 2/N, … N/N, then a new
    cycle), so every pack is read once per cycle of N verifications; coverage is the share read so far."""
    try:
        reconcile(system, actor)  # a killed run's snapshot is recorded before the repository is read
    except LakthanError:
        pass  # the repository is unreachable: the check below fails and says why
    rotating = subset is None
    n, parts = (system.verify_next, system.verify_parts) if subset is None else parse_subset(subset)
    restic = restic_for(system)
    started, t0 = at or timezone.now(), time.monotonic()
    if progress:
        progress(20, f"restic กำลังอ่านข้อมูลส่วน {n}/{parts} ของคลัง", f"restic is reading part {n}/{parts}")
    try:
        packs = restic.pack_count()
        result = restic.check(f"{n}/{parts}")
    except ResticError as exc:
        err = as_domain_error(exc, system)
        result, packs = None, 0
        error_lines = [err.message_en]
    ok = bool(result and result.ok)
    if result is not None:
        error_lines = result.errors
    coverage = (n / parts) if ok and rotating else (1 / parts if ok else 0.0)
    v = Verification.objects.create(
        system=system,
        started_at=started,
        finished_at=started + timedelta(seconds=time.monotonic() - t0),
        subset=f"{n}/{parts}",
        cycle=system.verify_cycle,
        ok=ok,
        exit_code=result.exit_code if result else -1,
        restic_version=str(restic.version),
        packs_total=packs,
        coverage=coverage,
        errors=error_lines,
        trigger=trigger,
    )
    if rotating:
        if n >= parts:
            system.verify_next, system.verify_cycle = 1, system.verify_cycle + 1
        else:
            system.verify_next = n + 1
        system.save(update_fields=["verify_next", "verify_cycle"])
    audit.record(actor, "backup.verify", v, after={"system": system.name, "subset": v.subset, "ok": ok})
    if not ok and alert:
        alerts.raise_alert(
            system,
            "verify_failed",
            f"verify:{v.pk}",
            f"การตรวจสอบคลังสำรองข้อมูลระบบ {system.name} (ส่วน {v.subset}) พบข้อผิดพลาด: {'; '.join(error_lines[:3])}",
            f"verification of {system.name} (part {v.subset}) failed: {'; '.join(error_lines[:3])}",
        )
    return v


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            h.update(chunk)
    return h.hexdigest()


def _source_of(node_path: str, snapshot_paths: list[str]) -> Path | None:
    """The source file a snapshot node came from, if one of the snapshot's paths fits."""
    node = PurePosixPath(node_path)
    for sp in snapshot_paths:  # absolute paths are stored as they are
        if node == PurePosixPath(sp) or PurePosixPath(sp) in node.parents:
            return Path(node)
    parts = node.parts  # ('/', 'src', 'f'): a relative path given to restic
    for sp in snapshot_paths:
        p = PurePosixPath(sp)
        if len(parts) > 1 and parts[1] == p.name:
            return Path(p.parent, *parts[1:])
    return None


def _mtime_matches(path: Path, mtime_text: str) -> bool:
    from lakthan.backups.engines.restic import parse_time

    try:
        return abs(path.stat().st_mtime - parse_time(mtime_text).timestamp()) < 1e-3
    except (OSError, Exception):
        return False


def restore_test(
    system: BackupSystem,
    trigger: str = "cli",
    *,
    seed: int | None = None,
    actor: str = audit.SYSTEM,
    at=None,
    alert: bool = True,
    progress: Progress | None = None,
) -> RestoreTest:
    """Restores a random recent snapshot into a sandbox and compares it with restic's own metadata:
    every file present with its size, `restore --verify` re-reading content against the blob IDs
    (SHA-256 of every chunk), the SHA-256 of every restored file recorded, and compared with the
    source where the source file is unchanged since the snapshot (same size and mtime). Above
    5,000 files or 2 GiB a random sample of 200 files is restored, and the test says so."""
    rng = random.Random(seed)
    restic = restic_for(system)
    started, t_start = at or timezone.now(), time.monotonic()
    test = RestoreTest(system=system, started_at=started, finished_at=started, ok=False, trigger=trigger)
    target = None
    try:
        snaps = restic.snapshots()
        if not snaps:
            raise InvalidInput(
                f"ระบบ {system.name} ยังไม่มีข้อมูลสำรอง", f"{system.name} has no snapshot to restore"
            )
        if at is not None:  # a test recorded as of ``at`` (the demo) restores what existed then
            snaps = [s for s in snaps if s.time <= at] or snaps
        snap = rng.choice(snaps[-5:])
        test.snapshot_id, test.snapshot_time = snap.id, snap.time
        files = [n for n in restic.ls(snap.id) if n.type == "file"]
        total = sum(n.size for n in files)
        chosen = files
        if len(files) > SAMPLE_OVER_FILES or total > SAMPLE_OVER_BYTES:
            chosen = rng.sample(files, min(SAMPLE_SIZE, len(files)))
            test.sampled = True
        test.files_expected = len(chosen)
        target = Path(sandbox_dir(), f"{system.name}-{int(time.time() * 1000)}")
        if progress:
            progress(
                20,
                f"กำลังกู้คืน snapshot {snap.id[:8]} ({len(chosen)} ไฟล์) ลงพื้นที่ทดสอบ",
                f"restoring snapshot {snap.id[:8]} ({len(chosen)} files) into the sandbox",
            )
        t0 = time.monotonic()
        restic.restore(snap.id, target, includes=[n.path for n in chosen] if test.sampled else ())
        test.restore_seconds = round(time.monotonic() - t0, 3)
        if progress:
            progress(70, "กำลังเทียบ SHA-256 กับต้นฉบับ", "comparing SHA-256 with the source")
        mismatches = []
        for node in chosen:
            restored = target / node.path.lstrip("/")
            if not restored.is_file():
                mismatches.append({"path": node.path, "problem": "missing"})
                continue
            size = restored.stat().st_size
            test.files_restored += 1
            test.bytes_restored += size
            if size != node.size:
                mismatches.append({"path": node.path, "problem": f"size {size} ≠ {node.size}"})
                continue
            digest = _sha256(restored)
            test.files_hashed += 1
            source = _source_of(node.path, snap.paths)
            if (
                source
                and source.is_file()
                and source.stat().st_size == node.size
                and _mtime_matches(source, node.mtime)
            ):
                test.files_compared_to_source += 1
                if _sha256(source) != digest:
                    mismatches.append({"path": node.path, "problem": "SHA-256 differs from the source"})
        test.mismatches = mismatches[:100]
        test.ok = not mismatches and test.files_restored == test.files_expected
        if mismatches:
            test.error = f"{len(mismatches)} file(s) differ"
    except ResticError as exc:
        test.error = as_domain_error(exc, system).message_en
        if exc.kind == "failed":
            test.error = f"restore failed: {exc.detail}"
    finally:
        if target is not None:
            shutil.rmtree(target, ignore_errors=True)
    test.finished_at = started + timedelta(seconds=time.monotonic() - t_start)
    test.save()
    audit.record(actor, "backup.restore_test", test, after={"system": system.name, "ok": test.ok})
    if not test.ok and alert:
        alerts.raise_alert(
            system,
            "restore_failed",
            f"restore:{test.pk}",
            f"การทดสอบกู้คืนข้อมูลระบบ {system.name} ไม่ผ่าน: {test.error}",
            f"restore test of {system.name} failed: {test.error}",
        )
    return test
