"""The log proof a report's pack ships: the latest signed checkpoint of the log store and the note
verifier key that checks it (reports.proofs provider, registered in apps.py)."""

from __future__ import annotations

from lakthan.indicators.models import IndicatorReport
from lakthan.monitoring.services import home
from lakthan.reports.proofs import Proof


def log_checkpoint(report: IndicatorReport) -> list[Proof]:
    """Nothing until the store has signed a checkpoint."""
    store = home.store()
    note, vkey = store.latest_checkpoint(), store.vkey()
    if note is None or vkey is None:
        return []
    return [
        Proof(
            "proofs/log-checkpoint.txt",
            note,
            "จุดตรวจสอบ (checkpoint) ล่าสุดของบันทึกการใช้งานที่ลงลายมือชื่อ",
            "Latest signed checkpoint of the log store",
        ),
        Proof(
            "proofs/log-checkpoint.vkey",
            vkey + "\n",
            "กุญแจสาธารณะสำหรับตรวจสอบจุดตรวจสอบของบันทึกการใช้งาน",
            "Public key (note verifier key) that checks the log checkpoint",
        ),
    ]
