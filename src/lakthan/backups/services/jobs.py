"""The backup work a page starts as a background job (lakthan.core.jobs): run, verify, restore test
and import, each the same service the CLI calls, its record summed up in Thai and English."""

from __future__ import annotations

from lakthan.backups.services import runs
from lakthan.backups.services import verify as proofs
from lakthan.backups.services.systems import get_system
from lakthan.core import jobs
from lakthan.core.models import BackgroundJob

RUN, VERIFY, RESTORE_TEST, IMPORT = "backup.run", "backup.verify", "backup.restore_test", "backup.import"
PREFIX = "backup."


def start(kind: str, system, requested_by: str, params: dict | None = None) -> BackgroundJob:
    return jobs.start(
        kind, target=system.name, unit=system.system.unit, requested_by=requested_by, params=params
    )


def _run(job: BackgroundJob, progress: jobs.Progress) -> jobs.Outcome:
    run = runs.run_backup(get_system(job.target), "web", actor=job.requested_by, progress=progress)
    figures = {
        "run": run.pk,
        "status": run.status,
        "snapshot": run.snapshot_id,
        "files": run.files_processed,
        "bytes_added": run.bytes_added,
        "seconds": round(run.duration, 2),
    }
    done = f"snapshot {run.snapshot_id[:8]}, {run.files_processed} files, {run.bytes_added} B in {run.duration:.1f} s"
    done_th = f"snapshot {run.snapshot_id[:8]} {run.files_processed} ไฟล์ เพิ่ม {run.bytes_added} ไบต์ ใน {run.duration:.1f} วินาที"
    if run.status == run.Status.OK:
        return jobs.Outcome(True, f"สำรองข้อมูลสำเร็จ: {done_th}", f"backup succeeded: {done}", figures)
    unreadable = ", ".join(w["path"] for w in run.warnings)
    if run.status == run.Status.PARTIAL:
        return jobs.Outcome(
            False,
            f"สำรองข้อมูลได้บางส่วน ({done_th}) อ่านไม่ได้: {unreadable}",
            f"backup partial ({done}); unreadable: {unreadable}",
            figures,
        )
    return jobs.Outcome(False, f"สำรองข้อมูลไม่สำเร็จ: {run.error}", f"backup failed: {run.error}", figures)


def _verify(job: BackgroundJob, progress: jobs.Progress) -> jobs.Outcome:
    v = proofs.verify(get_system(job.target), trigger="web", actor=job.requested_by, progress=progress)
    coverage = round(v.coverage * 100)
    figures = {"verification": v.pk, "subset": v.subset, "ok": v.ok, "coverage_percent": coverage}
    if v.ok:
        return jobs.Outcome(
            True,
            f"ตรวจสอบคลังส่วน {v.subset} ผ่าน (รอบที่ {v.cycle} อ่านแล้ว {coverage}% ของคลัง)",
            f"check of part {v.subset} passed (cycle {v.cycle}, {coverage}% of the repository read)",
            figures,
        )
    errors = "; ".join(v.errors[:3])
    return jobs.Outcome(
        False,
        f"ตรวจสอบคลังส่วน {v.subset} ไม่ผ่าน: {errors}",
        f"check of part {v.subset} failed: {errors}",
        figures,
    )


def _restore_test(job: BackgroundJob, progress: jobs.Progress) -> jobs.Outcome:
    t = proofs.restore_test(get_system(job.target), trigger="web", actor=job.requested_by, progress=progress)
    figures = {
        "restore_test": t.pk,
        "ok": t.ok,
        "snapshot": t.snapshot_id,
        "files_restored": t.files_restored,
        "files_expected": t.files_expected,
        "seconds": t.restore_seconds,
    }
    sample_th, sample_en = (" (สุ่มตัวอย่าง)", " (sample)") if t.sampled else ("", "")
    th = (
        f"กู้คืน snapshot {t.snapshot_id[:8]} ได้ {t.files_restored}/{t.files_expected} ไฟล์{sample_th} "
        f"เทียบกับต้นฉบับ {t.files_compared_to_source} ไฟล์ ใน {t.restore_seconds:.2f} วินาที"
    )
    en = (
        f"restored snapshot {t.snapshot_id[:8]}: {t.files_restored}/{t.files_expected} files{sample_en}, "
        f"{t.files_compared_to_source} compared with the source, in {t.restore_seconds:.2f} s"
    )
    if t.ok:
        return jobs.Outcome(True, f"ทดสอบกู้คืนผ่าน: {th}", f"restore test passed: {en}", figures)
    return jobs.Outcome(
        False, f"ทดสอบกู้คืนไม่ผ่าน: {t.error} — {th}", f"restore test failed: {t.error} — {en}", figures
    )


def _import(job: BackgroundJob, progress: jobs.Progress) -> jobs.Outcome:
    p = job.params
    added = runs.import_snapshots(
        get_system(job.target),
        repo=p["repo"],
        password_file=p["password_file"],
        host=p.get("host") or None,
        path=p.get("path") or None,
        tag=p.get("tag") or None,
        actor=job.requested_by,
        progress=progress,
    )
    return jobs.Outcome(
        True,
        f"นำเข้า {added} snapshot จากคลัง {p['repo']} แล้ว ระบบใช้คลังนี้ต่อจากนี้",
        f"imported {added} snapshot(s) from {p['repo']}; the system now uses that repository",
        {"imported": added, "repository": p["repo"]},
    )
