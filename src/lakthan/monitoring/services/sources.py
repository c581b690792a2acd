"""Log files the worker reads every minute (LogSource): added and removed by administrators, each read
from where it was left by ingest_files; one source that fails is recorded on it and never stops the
others."""

from __future__ import annotations

import os
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, LakthanError, NotFound
from lakthan.monitoring.models import LogSource
from lakthan.monitoring.services.ingest import ingest_files


@transaction.atomic
def add_source(path: str, host_name: str = "", fmt: str = "auto", actor: str = audit.SYSTEM) -> LogSource:
    """A readable regular file given by its absolute path, once."""
    where = Path(path)
    if not where.is_absolute():
        raise InvalidInput(
            f"ต้องระบุเส้นทางเต็มของไฟล์ (ขึ้นต้นด้วย /): {path}", f"give the file's absolute path: {path}"
        )
    if not where.is_file() or not os.access(where, os.R_OK):
        raise InvalidInput(f"ไม่พบไฟล์ที่อ่านได้ {path}", f"no readable file at {path}")
    if fmt not in LogSource.Format.values:
        raise InvalidInput(f"รูปแบบ '{fmt}' ไม่รู้จัก", f"unknown format '{fmt}'")
    if LogSource.objects.filter(path=str(where)).exists():
        raise InvalidInput(f"มีแหล่งบันทึก {path} อยู่แล้ว", f"{path} is already a log source")
    source = LogSource.objects.create(path=str(where), host_name=host_name.strip(), fmt=fmt, added_by=actor)
    audit.record(
        actor, "logsource.add", source, after={"path": source.path, "host": source.host_name, "fmt": fmt}
    )
    return source


@transaction.atomic
def remove_source(pk: int, actor: str = audit.SYSTEM) -> None:
    source = LogSource.objects.filter(pk=pk).first()
    if source is None:
        raise NotFound(f"ไม่มีแหล่งบันทึก {pk}", f"no log source {pk}")
    audit.record(actor, "logsource.remove", source, before={"path": source.path}, after=None)
    source.delete()


def read_sources() -> int:
    """Reads what is new in every source; returns the events read. A source that cannot be read keeps
    its reason (Thai and English) until a reading succeeds."""
    total = 0
    for source in LogSource.objects.all():
        try:
            result = ingest_files([Path(source.path)], host=source.host_name or None, fmt=source.fmt)
        except LakthanError as exc:
            source.last_error_th, source.last_error_en = exc.message("th"), exc.message("en")
            source.last_events = 0
        else:
            source.last_error_th = source.last_error_en = ""
            source.last_events = result.events
            total += result.events
        source.last_read_at = timezone.now()
        source.save(update_fields=["last_read_at", "last_events", "last_error_th", "last_error_en"])
    return total
