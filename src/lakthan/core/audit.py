"""The audit trail: services call `record()` inside their transaction for every change."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, overload

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict

from lakthan.core.models import AuditEntry

SYSTEM = "system"

log = logging.getLogger(__name__)

# Where else each entry goes once its transaction commits: the monitoring app registers the
# tamper-evident log here (``audit.add_sink(fn)`` in its AppConfig.ready); fn(entry) must not raise.
_SINKS: list[Callable[[AuditEntry], None]] = []


def add_sink(fn: Callable[[AuditEntry], None]) -> None:
    if fn not in _SINKS:
        _SINKS.append(fn)


def remove_sink(fn: Callable[[AuditEntry], None]) -> None:
    if fn in _SINKS:
        _SINKS.remove(fn)


def as_line(entry: AuditEntry) -> str:
    """One JSON line per entry, as a log pipeline takes it."""
    return json.dumps(
        {
            "at": entry.at.isoformat() if entry.at else None,
            "actor": entry.actor,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "before": entry.before,
            "after": entry.after,
            "source": "lakthan.audit",
        },
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )


def _emit(entry: AuditEntry) -> AuditEntry:
    for fn in list(_SINKS):

        def deliver(fn=fn):
            try:
                fn(entry)
            except Exception:  # noqa: BLE001 - a sink's failure must not undo the change it records
                log.exception("audit sink %r failed for entry %s", fn, entry.pk)

        transaction.on_commit(deliver)
    return entry


@overload
def snapshot(obj: models.Model) -> dict[str, Any]: ...
@overload
def snapshot(obj: None) -> None: ...
def snapshot(obj: models.Model | None) -> dict[str, Any] | None:
    """A JSON-safe copy of a row's fields (dates, decimals as strings); secrets (a password hash, a
    TOTP seed, an API token) are recorded as changed or not, never copied into the trail."""
    if obj is None:
        return None
    fields = model_to_dict(obj)
    for name in SECRET_FIELDS.get(obj._meta.label_lower, ()):
        if name in fields:
            fields[name] = "(secret)"
    return json.loads(json.dumps(fields, cls=DjangoJSONEncoder, default=str))


SECRET_FIELDS = {
    "auth.user": ("password",),
    "otp_totp.totpdevice": ("key",),
    "otp_static.staticdevice": (),
    "core.apitoken": ("key_hash",),
}


def record(
    actor: str, action: str, obj: models.Model, before: dict | None = None, after: Any = "auto"
) -> AuditEntry:
    return _emit(
        AuditEntry.objects.create(
            actor=actor or SYSTEM,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            before=before,
            after=snapshot(obj) if after == "auto" else after,
        )
    )


def record_event(
    actor: str, action: str, object_type: str, object_id: object = "", after: dict | None = None
) -> AuditEntry:
    """An entry for something that is not one row's change (a sign-in, a refused sign-in, a lockout)."""
    return _emit(
        AuditEntry.objects.create(
            actor=actor or SYSTEM,
            action=action,
            object_type=object_type[:60],
            object_id=str(object_id)[:60],
            before=None,
            after=after,
        )
    )
