"""Background jobs started from a page: enqueue, run in the worker, report progress, keep the result.

An app registers a handler per kind in its AppConfig.ready::

    jobs.register("backup.run", handler, _("Back up now"))   # handler(job, progress) -> jobs.Outcome

and a view starts one with ``jobs.start("backup.run", target=..., unit=..., requested_by=..., params=...)``.
The handler calls ``progress(percent, th, en)`` as it goes; its ``Outcome`` (ok, a Thai and an English
summary, figures) becomes the job's result. A domain error (``LakthanError``) fails the job with its own
two messages; anything else fails it with a generic message and is logged with its traceback.

The work runs in ``lakthan worker`` (huey, task ``core.tasks.run_background_job``); with huey in
immediate mode (tests) it runs inside ``start``. A page shows a job with ``core/_job.html`` and polls
``/jobs/<id>/`` (``core/static/core/jobs.js``) until it has finished.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from lakthan.core.errors import LakthanError, NotFound
from lakthan.core.models import BackgroundJob, Unit

log = logging.getLogger(__name__)

Progress = Callable[[int, str, str], None]
UNFINISHED_FOR = timedelta(hours=12)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    summary_th: str
    summary_en: str
    figures: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[BackgroundJob, Progress], Outcome]
_HANDLERS: dict[str, Handler | str] = {}
_LABELS: dict[str, str | Promise] = {}


def register(kind: str, handler: Handler | str, label: str | Promise = "") -> None:
    """``handler``: the function or its dotted path (imported when a job of the kind runs, so an app's
    ready() need not import its services); ``label``: what the page calls the job (lazy gettext)."""
    _HANDLERS[kind] = handler
    _LABELS[kind] = label or kind


def _handler(kind: str) -> Handler:
    handler = _HANDLERS[kind]
    return import_string(handler) if isinstance(handler, str) else handler


def label(kind: str) -> str:
    return str(_LABELS.get(kind, kind))


def start(
    kind: str,
    *,
    target: str = "",
    unit: Unit | None = None,
    requested_by: str,
    params: dict[str, Any] | None = None,
) -> BackgroundJob:
    """Records the job (queued) and hands it to the worker once the transaction commits. A job of the
    same kind on the same target still queued or running is returned instead of a second one (two
    clicks make one backup); one older than UNFINISHED_FOR is taken for dead (its worker stopped)."""
    if kind not in _HANDLERS:
        raise NotFound(f"ไม่รู้จักงานประเภท {kind}", f"no background job of kind {kind}")
    pending = BackgroundJob.objects.filter(
        kind=kind,
        target=target,
        state__in=[BackgroundJob.State.QUEUED, BackgroundJob.State.RUNNING],
        created_at__gte=timezone.now() - UNFINISHED_FOR,
    ).first()
    if pending is not None:
        return pending
    job = BackgroundJob.objects.create(
        kind=kind,
        target=target,
        unit=unit,
        params=params or {},
        requested_by=requested_by,
        progress_th="รอคิว",
        progress_en="queued",
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from lakthan.core.tasks import run_background_job  # huey is imported only where jobs are used

    run_background_job(job_id)


def _progress(job: BackgroundJob) -> Progress:
    def report(percent: int, th: str, en: str) -> None:
        job.percent, job.progress_th, job.progress_en = max(0, min(100, percent)), th[:255], en[:255]
        job.save(update_fields=["percent", "progress_th", "progress_en"])

    return report


def run(job_id: int) -> BackgroundJob | None:
    """Runs a queued job (the worker calls this); a job already taken or gone is left alone."""
    claimed = BackgroundJob.objects.filter(pk=job_id, state=BackgroundJob.State.QUEUED).update(
        state=BackgroundJob.State.RUNNING, started_at=timezone.now(), percent=0
    )
    if not claimed:
        return None
    job = BackgroundJob.objects.get(pk=job_id)
    try:
        outcome = _handler(job.kind)(job, _progress(job))
    except LakthanError as exc:
        job.state, job.error_th, job.error_en = BackgroundJob.State.FAILED, exc.message_th, exc.message_en
    except Exception:
        log.exception("background job %s (%s %s) failed", job.pk, job.kind, job.target)
        job.state = BackgroundJob.State.FAILED
        job.error_th = "เกิดข้อผิดพลาดที่ไม่คาดคิด ดูรายละเอียดในบันทึกของ lakthan worker"
        job.error_en = "an unexpected error; the worker's log has the details"
    else:
        job.state = BackgroundJob.State.SUCCEEDED if outcome.ok else BackgroundJob.State.FAILED
        job.result_th, job.result_en, job.result = outcome.summary_th, outcome.summary_en, outcome.figures
    job.percent, job.finished_at = 100, timezone.now()
    job.progress_th, job.progress_en = ("เสร็จแล้ว", "finished")
    job.save()
    return job


def recent(kind_prefix: str, target: str, limit: int = 5) -> list[BackgroundJob]:
    """The latest jobs of a kind family ("backup.") on one target, newest first."""
    return list(BackgroundJob.objects.filter(kind__startswith=kind_prefix, target=target)[:limit])


def visible_job(user, job_id: int) -> BackgroundJob | None:
    """The job if the user may see its unit (jobs without a unit: administrators only)."""
    from lakthan.core import roles

    job = BackgroundJob.objects.filter(pk=job_id).first()
    if job is None:
        return None
    if job.unit_id is None:
        return job if roles.is_global_admin(user) else None
    return job if roles.can(user, roles.VIEW, job.unit_id) else None
