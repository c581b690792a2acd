"""The backup proofs a report's pack ships: the restic verifications and restore tests of the unit's
backup systems in the report's round, as one JSON file (reports.proofs provider, registered in apps.py)."""

from __future__ import annotations

import json

from lakthan.backups.models import RestoreTest, Verification
from lakthan.backups.services.compliance import unit_systems
from lakthan.indicators.models import IndicatorReport
from lakthan.indicators.services import round_period
from lakthan.reports.proofs import Proof

PATH = "proofs/backup-proofs.json"


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _verification(v: Verification) -> dict:
    return {
        "started_at": _when(v.started_at),
        "finished_at": _when(v.finished_at),
        "ok": v.ok,
        "subset": v.subset,
        "cycle": v.cycle,
        "exit_code": v.exit_code,
        "restic_version": v.restic_version,
        "packs_total": v.packs_total,
        "coverage": v.coverage,
        "errors": len(v.errors or []),
    }


def _restore(t: RestoreTest) -> dict:
    return {
        "started_at": _when(t.started_at),
        "finished_at": _when(t.finished_at),
        "ok": t.ok,
        "snapshot_id": t.snapshot_id,
        "snapshot_time": _when(t.snapshot_time),
        "files_expected": t.files_expected,
        "files_restored": t.files_restored,
        "files_hashed": t.files_hashed,
        "files_compared_to_source": t.files_compared_to_source,
        "bytes_restored": t.bytes_restored,
        "sampled": t.sampled,
        "restore_seconds": t.restore_seconds,
        "mismatches": len(t.mismatches or []),
        "error": t.error,
    }


def backup_proofs(report: IndicatorReport) -> list[Proof]:
    """Nothing when the unit has no backup system in the round; else every system with its
    verifications and restore tests started in the round (Bangkok days), in a fixed order. No
    repository location, password or connection string: those are not the evaluator's."""
    unit = report.round.agreement.unit
    start, end = round_period(report.round)
    systems = list(unit_systems(unit, start, end).select_related("system").order_by("name"))
    if not systems:
        return []
    in_round = {"system__in": systems, "started_at__date__gte": start, "started_at__date__lte": end}
    verifications: dict[int, list[dict]] = {s.pk: [] for s in systems}
    for v in Verification.objects.filter(**in_round).order_by("started_at", "pk"):
        verifications[v.system_id].append(_verification(v))
    restores: dict[int, list[dict]] = {s.pk: [] for s in systems}
    for t in RestoreTest.objects.filter(**in_round).order_by("started_at", "pk"):
        restores[t.system_id].append(_restore(t))
    data = {
        "unit": unit.code,
        "period": [start.isoformat(), end.isoformat()],
        "systems": [
            {
                "name": s.name,
                "system": s.system.code,
                "unit": s.system.unit.code,
                "verifications": verifications[s.pk],
                "restore_tests": restores[s.pk],
            }
            for s in systems
        ],
    }
    return [
        Proof(
            PATH,
            json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            "ผลการตรวจสอบคลังสำรองข้อมูลและการทดสอบกู้คืนในรอบการประเมิน",
            "Backup repository verifications and restore tests in the round",
        )
    ]
