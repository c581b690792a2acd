"""Verification of the store against its signed checkpoints, and the last report kept."""

from __future__ import annotations

import json

from django.utils import timezone

from lakthan.core.errors import IntegrityFailure
from lakthan.lib.files import write_atomic
from lakthan.monitoring.models import Checkpoint
from lakthan.monitoring.pipeline.verify import Check, Report, verify_dir
from lakthan.monitoring.services.engines import check_engine, segments_base
from lakthan.monitoring.services.home import origin, state_dir, store


def verify(engine: str = "local", master: str | None = None, segments_url: str | None = None) -> dict:
    """Recomputes everything on disk against the signed checkpoints; also checks that every checkpoint
    the database recorded is still on disk (a truncated log is caught even if the files agree).

    ``engine="spark"`` checks the segments on a Spark cluster (``master``; ``local[N]`` by default),
    reading them where the cluster sees them: ``segments_url``, else the setting
    ``LAKTHAN_LOG_SEGMENTS_URL``, else the store's own directory. The headers and checkpoints are
    read here, from the store, and the report is the same as the local engine's."""
    check = checker(engine, master, segments_url)
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
        report = verify_dir(s.root, vkey, origin=origin(), check=check).as_json()
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


def checker(engine: str, master: str | None = None, segments_url: str | None = None) -> Check | None:
    """The per-segment checker of an engine (None: verify_dir's local threads). Spark's is made
    before anything is read, so a missing PySpark or Java is said (exit 2) before any work."""
    check_engine(engine, master, segments_url)
    if engine == "local":
        return None
    from lakthan.monitoring.pipeline.spark.session import spark_session
    from lakthan.monitoring.pipeline.spark.verify import spark_check

    return spark_check(spark_session(master), segments_base(segments_url))
