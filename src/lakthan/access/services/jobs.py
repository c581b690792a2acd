"""The access work a page starts as a background job (lakthan.core.jobs): a source's sync and the
remediation of a unit's leavers, each the same service the CLI calls, summed up in Thai and English."""

from __future__ import annotations

from collections import Counter
from datetime import date

from lakthan.access.models import IdentitySource
from lakthan.access.services.remediate import remediate
from lakthan.access.services.sources import get_source
from lakthan.access.services.sync import sync
from lakthan.core import jobs
from lakthan.core.models import BackgroundJob, Unit

SYNC, REMEDIATE = "access.sync", "access.remediate"
PREFIX = "access."


def start_sync(source: IdentitySource, requested_by: str) -> BackgroundJob:
    return jobs.start(SYNC, target=source.name, unit=source.system.unit, requested_by=requested_by)


def start_remediate(unit: Unit, as_of: date, requested_by: str) -> BackgroundJob:
    """One remediation per unit at a time (the job's target is the unit's code)."""
    return jobs.start(
        REMEDIATE,
        target=unit.code,
        unit=unit,
        requested_by=requested_by,
        params={"as_of": as_of.isoformat()},
    )


def _sync(job: BackgroundJob, progress: jobs.Progress) -> jobs.Outcome:
    source = get_source(job.target)
    progress(10, f"กำลังอ่านแหล่ง {source.name}", f"reading source {source.name}")
    run = sync(source, actor=job.requested_by)
    seconds = (run.finished_at - run.started_at).total_seconds()
    figures = {
        "sync": run.pk,
        "accounts": run.accounts_seen,
        "added": run.added,
        "changed": run.changed,
        "gone": run.gone,
        "groups": run.groups_seen,
        "memberships_added": run.memberships_added,
        "memberships_ended": run.memberships_ended,
        "seconds": round(seconds, 2),
    }
    return jobs.Outcome(
        True,
        f"อ่าน {run.accounts_seen} บัญชี (ใหม่ {run.added} เปลี่ยน {run.changed} หายไป {run.gone}) "
        f"{run.groups_seen} กลุ่ม ใน {seconds:.1f} วินาที",
        f"read {run.accounts_seen} accounts ({run.added} new, {run.changed} changed, {run.gone} gone), "
        f"{run.groups_seen} groups in {seconds:.1f} s",
        figures,
    )


def _remediate(job: BackgroundJob, progress: jobs.Progress) -> jobs.Outcome:
    unit = Unit.objects.get(code=job.target)
    as_of = date.fromisoformat(job.params["as_of"])
    progress(10, "กำลังปิดบัญชีของผู้พ้นจากตำแหน่ง", "disabling leavers' accounts")
    steps = remediate(as_of, actor=job.requested_by, unit=unit)
    counts = Counter(step.action for step in steps)
    figures = {
        "as_of": as_of.isoformat(),
        "disabled": counts["disable"],
        "tasks": counts["task"],
        "tasks_kept": counts["open task kept"],
        "failed": counts["failed"],
        "steps": [
            {"account": s.account, "person": s.person, "action": s.action, "days": s.days, "error": s.error}
            for s in steps[:200]
        ],
    }
    th = (
        f"ปิดบัญชี {counts['disable']} บัญชี เปิดงานให้ผู้ดูแล {counts['task']} งาน"
        f" (งานเดิมที่ยังค้าง {counts['open task kept']}) ไม่สำเร็จ {counts['failed']}"
    )
    en = (
        f"{counts['disable']} account(s) disabled, {counts['task']} task(s) opened"
        f" ({counts['open task kept']} open task(s) kept), {counts['failed']} failed"
    )
    return jobs.Outcome(not counts["failed"], th, en, figures)
