"""The audit trail: services call `record()` inside their transaction for every change."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.forms.models import model_to_dict

from lakthan.core.models import AuditEntry

SYSTEM = "system"


def snapshot(obj: models.Model | None) -> dict[str, Any] | None:
    """A JSON-safe copy of a row's fields (dates, decimals as strings)."""
    if obj is None:
        return None
    return json.loads(json.dumps(model_to_dict(obj), cls=DjangoJSONEncoder, default=str))


def record(
    actor: str, action: str, obj: models.Model, before: dict | None = None, after: Any = "auto"
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor or SYSTEM,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=snapshot(obj) if after == "auto" else after,
    )
