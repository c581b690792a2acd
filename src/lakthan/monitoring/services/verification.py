"""Verification of the store against its signed checkpoints, and the last report kept."""

from __future__ import annotations

import json

from django.utils import timezone

from lakthan.core.errors import IntegrityFailure
from lakthan.lib.files import write_atomic
from lakthan.monitoring.models import Checkpoint
from lakthan.monitoring.pipeline.verify import Report, verify_dir
from lakthan.monitoring.services.home import origin, state_dir, store


def verify() -> dict:
    """Recomputes everything on disk against the signed checkpoints; also checks that every checkpoint
    the database recorded is still on disk (a truncated log is caught even if the files agree)."""
    s = store()
    vkey = s.vkey()  # read, never made here: a verifier must not replace the trust anchor
    if vkey is None:
        report = Report().as_json()  # nothing verified
        if s.size() or Checkpoint.objects.exists():
            report["intact"] = False
            report["problems"].append(
                {
                    "segment": None,
                    "position": None,
                    "kind": "removed",
                    "detail": "public key checkpoint.vkey is missing",
                }
            )
    else:
        report = verify_dir(s.root, vkey, origin=origin()).as_json()
    on_disk = {int(p.stem) for p in s.cp_dir.glob("*.txt")}
    for cp in Checkpoint.objects.all():
        if cp.size not in on_disk:
            report["intact"] = False
            report["problems"].append(
                {
                    "segment": cp.size,
                    "position": None,
                    "kind": "removed",
                    "detail": "checkpoint recorded in the database is missing on disk",
                }
            )
        elif (s.cp_dir / f"{cp.size:08d}.txt").read_text() != cp.note:
            report["intact"] = False
            report["problems"].append(
                {
                    "segment": cp.size,
                    "position": None,
                    "kind": "altered",
                    "detail": "checkpoint differs from the one recorded",
                }
            )
    report["verified_at"] = timezone.now().isoformat()
    write_atomic(state_dir() / "last-verify.json", json.dumps(report).encode())
    return report


def last_verification() -> dict | None:
    path = state_dir() / "last-verify.json"
    return json.loads(path.read_text()) if path.exists() else None


def require_intact(report: dict) -> None:
    if not report["intact"]:
        raise IntegrityFailure("บันทึกการใช้งานถูกแก้ไข", "the logs were altered")
