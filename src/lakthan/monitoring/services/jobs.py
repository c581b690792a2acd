"""Seal and verify started from the browser: the request is recorded and audited, the work runs in the
worker (monitoring.tasks.run_job), and its outcome is kept for the overview page.

One small JSON file per kind under the store's state directory, as the last verification report
already is: the page reads it without the worker, and nothing here needs a table of its own."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, LakthanError
from lakthan.lib.files import write_atomic
from lakthan.monitoring.services import seal as sealing
from lakthan.monitoring.services import verification
from lakthan.monitoring.services.home import state_dir

KINDS = ("seal", "verify")
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# a job queued or running longer than this is taken as lost (a worker killed): it may be asked again
STALE = timedelta(hours=6)


def _path(kind: str):
    return state_dir() / "jobs" / f"{kind}.json"


def last(kind: str) -> dict | None:
    """The last job of ``kind`` started from the browser, its times as datetimes; None if never."""
    try:
        job = json.loads(_path(kind).read_text())
    except (OSError, ValueError):
        return None
    for key in ("requested_at", "started_at", "finished_at"):
        if job.get(key):
            job[key] = datetime.fromisoformat(job[key])
    return job


def _write(kind: str, job: dict) -> None:
    shape = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in job.items()}
    write_atomic(_path(kind), json.dumps(shape, ensure_ascii=False).encode())


def pending(job: dict | None) -> bool:
    return bool(job and job["state"] in (QUEUED, RUNNING) and timezone.now() - job["requested_at"] < STALE)


def request(kind: str, actor: str) -> dict:
    """Records that ``actor`` asked for a seal or a verification; refuses a second while one waits."""
    if kind not in KINDS:
        raise InvalidInput(f"ไม่มีงาน {kind}", f"no such job: {kind}")
    if pending(last(kind)):
        raise InvalidInput(
            "งานนี้รอคิวหรือกำลังทำอยู่แล้ว", "this job is already queued or running; wait for its outcome"
        )
    job = {"kind": kind, "state": QUEUED, "requested_by": actor, "requested_at": timezone.now()}
    _write(kind, job)
    audit.record_event(actor, f"logs.{kind}_request", "monitoring.job", kind)
    return job


def run(kind: str) -> dict:
    """The worker's part: runs the job and records its outcome, a failure by its one-line message."""
    job = last(kind) or {"kind": kind, "requested_by": audit.SYSTEM, "requested_at": timezone.now()}
    job.update(state=RUNNING, started_at=timezone.now())
    _write(kind, job)
    try:
        job.update(_seal() if kind == "seal" else _verify())
    except LakthanError as exc:
        job.update(state=FAILED, error_th=exc.message("th"), error_en=exc.message("en"))
    except Exception as exc:  # noqa: BLE001 - the page must show that the job failed, and why
        job.update(state=FAILED, error_th=str(exc), error_en=str(exc))
        raise
    finally:
        job["finished_at"] = timezone.now()
        _write(kind, job)
    return job


def _seal() -> dict:
    segment = sealing.seal()
    if segment is None:
        return {"state": DONE, "segment": None, "events": 0}
    return {"state": DONE, "segment": segment.index, "events": segment.count}


def _verify() -> dict:
    report = verification.verify()  # the report itself is kept by verification (last_verification)
    return {
        "state": DONE if report["intact"] else FAILED,
        "intact": report["intact"],
        "segments": report["segments"],
        "problems": len(report["problems"]),
    }
