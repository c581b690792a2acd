"""Retention ≥ 90 days (Computer Crime Act s.26), legal hold, pruning that keeps leaf hashes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lakthan.core.errors import InvalidInput
from lakthan.monitoring.models import Segment
from lakthan.monitoring.services import ingest, retention, verification
from lakthan.monitoring.services import seal as sealing


def _seal(day: str):
    ingest.ingest_lines([f"<38>1 {day}T10:00:00+07:00 h1 sshd 1 - - hello {day}"], "syslog")
    return sealing.seal()


def test_retention_below_90_days_is_refused_with_the_legal_reason(db):
    with pytest.raises(InvalidInput) as exc:
        retention.set_retention(89)
    assert "section 26" in exc.value.message_en and "มาตรา ๒๖" in exc.value.message_th
    assert retention.set_retention(180, "db01").days == 180
    assert retention.retention_days("db01") == 180 and retention.retention_days("other") == 90


def test_legal_hold_is_bounded_to_two_years(db):
    today = date(2013, 9, 30)
    with pytest.raises(InvalidInput):
        retention.add_legal_hold("ตช 0029/1", today + timedelta(days=800), today=today)
    with pytest.raises(InvalidInput):
        retention.add_legal_hold("", today + timedelta(days=30), today=today)
    assert (
        retention.add_legal_hold("ตช 0029/1", today + timedelta(days=700), today=today).order_ref
        == "ตช 0029/1"
    )


def test_prune_keeps_leaf_hashes_and_respects_hold(db):
    _seal("2013-01-05")
    _seal("2013-06-01")
    now = datetime(2013, 6, 10, tzinfo=UTC)
    hold = retention.add_legal_hold("order-1", date(2013, 7, 1), today=date(2013, 6, 10))
    assert retention.prune(now=now) == []  # an order to preserve is running
    hold.delete()
    assert retention.prune(now=now) == [1]  # only the segment older than 90 days
    assert Segment.objects.get(index=1).pruned_at is not None
    report = verification.verify()
    assert report["intact"] and report["pruned"] == 1 and report["events"] == 2
    assert retention.oldest_retained().date() == date(2013, 6, 1)


def test_deleting_the_newest_checkpoint_is_caught_by_the_database_record(db, settings):
    _seal("2013-06-01")
    _seal("2013-06-02")
    (settings.LAKTHAN_LOG_DIR / "checkpoints" / "00000002.txt").unlink()
    report = verification.verify()
    assert not report["intact"]
    assert {
        "segment": 2,
        "position": None,
        "kind": "removed",
        "detail": "checkpoint recorded in the database is missing on disk",
    } in report["problems"]


def test_standalone_verifier_needs_only_the_directory_and_key(db, settings, tmp_path):
    import json
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    _seal("2013-06-01")
    export = tmp_path / "export"
    shutil.copytree(
        settings.LAKTHAN_LOG_DIR, export, ignore=shutil.ignore_patterns("checkpoint.key", "state", "open")
    )
    src = Path(__file__).resolve().parents[2] / "src"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(src)}
    published = tmp_path / "agency.vkey"  # the key as the agency published it, kept apart from the copy
    published.write_text((Path(settings.LAKTHAN_LOG_DIR) / "checkpoint.vkey").read_text())

    def verify(*args):
        cmd = [sys.executable, "-m", "lakthan.monitoring.pipeline.verify", str(export), *args]
        return subprocess.run(cmd, capture_output=True, text=True, env=env)

    r = verify(str(published))
    assert r.returncode == 0 and json.loads(r.stdout)["intact"] is True
    assert "django" not in r.stderr.lower()
    # with only the key inside the copy, nothing is authenticated: a forger would ship their own
    r = verify()
    assert r.returncode == 3 and "unauthenticated" in r.stderr
    from lakthan.monitoring.engines.checkpoint import Verifier

    fingerprint = Verifier.from_vkey(published.read_text()).fingerprint()
    assert verify("--fingerprint", fingerprint).returncode == 0
    wrong = verify("--fingerprint", "0" * 64)
    assert wrong.returncode == 1 and "not the one given" in wrong.stderr


def test_per_host_retention_and_per_host_hold(db):
    ingest.ingest_lines(["<38>1 2013-01-05T10:00:00+07:00 db01 sshd 1 - - a"], "syslog")
    sealing.seal()
    ingest.ingest_lines(["<38>1 2013-01-06T10:00:00+07:00 web01 sshd 1 - - b"], "syslog")
    sealing.seal()
    ingest.ingest_lines(["<38>1 2013-01-07T10:00:00+07:00 gw01 sshd 1 - - c"], "syslog")
    sealing.seal()
    retention.set_retention(365, "db01")
    retention.add_legal_hold("order-2", date(2013, 12, 31), host_name="web01", today=date(2013, 6, 10))
    # db01's events are kept a year, web01's are under an order; only gw01's segment goes
    assert retention.prune(now=datetime(2013, 6, 10, tzinfo=UTC)) == [3]
    assert Segment.objects.get(index=3).prune_reason == "retention 90 days"
    assert verification.verify()["intact"]
