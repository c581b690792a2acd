"""Verification on Spark (local[2]) names exactly what the local verifier names, segment and position,
for every kind of damage; and without PySpark or Java `--engine spark` says what to install (exit 2)
while the local engine still works."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from lakthan.monitoring.pipeline.schema import evidence
from lakthan.monitoring.pipeline.spark.verify import spark_check
from lakthan.monitoring.pipeline.store import LogStore
from lakthan.monitoring.pipeline.verify import verify_dir

from ..conftest import lakthan_argv
from .sparkverify_fixtures import build, rolled_back, syslog_lines

# the module's store is built with the test database, which pytest-django sets up for marked tests
pytestmark = pytest.mark.django_db
ORIGIN = "lakthan.local/logs"


@pytest.fixture(scope="module")
def pristine(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """A store of six segments sealed through the services (never altered: tests alter copies)."""
    log_dir = tmp_path_factory.mktemp("sparkverify") / "logs"
    with rolled_back(django_db_blocker, log_dir):
        build(segments=6, per_segment=40)
    return log_dir


@pytest.fixture
def store(pristine, tmp_path) -> LogStore:
    shutil.copytree(pristine, tmp_path / "logs")
    for path in (tmp_path / "logs").rglob("*"):  # sealed files are read-only; copies may be altered
        path.chmod(0o755 if path.is_dir() else 0o644)
    return LogStore(tmp_path / "logs", origin=ORIGIN)


def _rows(s: LogStore, index: int) -> pl.DataFrame:
    return s.read_segment(index)


def _rewrite(s: LogStore, index: int, df: pl.DataFrame) -> None:
    evidence(df).write_parquet(s.segment_path(index), compression="zstd")


def alter_event(s: LogStore) -> None:
    df = _rows(s, 2)
    changed = df[5:6].with_columns(pl.col("raw").str.replace("user5", "attacker"))
    _rewrite(s, 2, pl.concat([df[:5], changed, df[6:]]))


def remove_event(s: LogStore) -> None:
    df = _rows(s, 3)
    _rewrite(s, 3, pl.concat([df[:7], df[8:]]))


def reorder_events(s: LogStore) -> None:
    df = _rows(s, 4)
    _rewrite(s, 4, pl.concat([df[:2], df[9:10], df[3:9], df[2:3], df[10:]]))


def damage_leaves(s: LogStore) -> None:
    path = s.seg_dir / "00000005.leaves"
    data = bytearray(path.read_bytes())
    data[40] ^= 0x01
    path.write_bytes(bytes(data))


def delete_segment(s: LogStore) -> None:
    s.segment_path(6).unlink()


def append_row(s: LogStore) -> None:
    from lakthan.monitoring.pipeline import parsers

    df = _rows(s, 1)
    _rewrite(s, 1, pl.concat([evidence(df), evidence(parsers.parse(syslog_lines(9, 1)).events)]))


def flip_a_byte(s: LogStore) -> None:
    path = s.segment_path(2)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x55
    path.write_bytes(bytes(data))


def alter_event_and_its_leaves(s: LogStore) -> None:
    alter_event(s)
    (s.seg_dir / "00000002.leaves").write_bytes(b"\0" * 64)


def prune_one(s: LogStore) -> None:
    s.prune(1, "retention")


def everything(s: LogStore) -> None:
    for damage in (alter_event, remove_event, reorder_events, damage_leaves, delete_segment, append_row):
        damage(s)


CASES = {  # damage: the problems (segment, position, kind) both engines must name
    "intact": (lambda s: None, []),
    "altered": (alter_event, [(2, 5, "altered")]),
    "removed": (remove_event, [(3, 7, "removed")]),
    "reordered": (reorder_events, [(4, 2, "reordered"), (4, 9, "reordered")]),
    "leaves damaged": (damage_leaves, [(5, None, "altered")]),
    "segment deleted": (delete_segment, [(6, None, "removed")]),
    "row appended": (append_row, [(1, 41, "inserted")]),
    "one byte flipped": (flip_a_byte, None),  # altered or unreadable, as the bytes fall
    "event and leaves altered": (alter_event_and_its_leaves, [(2, None, "altered")]),
    "pruned": (prune_one, []),
    "everything at once": (
        everything,
        [
            (1, 41, "inserted"),
            (2, 5, "altered"),
            (3, 7, "removed"),
            (4, 2, "reordered"),
            (4, 9, "reordered"),
            (5, None, "altered"),
            (6, None, "removed"),
        ],
    ),
}


def _found(report) -> list[tuple]:
    return [(p["segment"], p["position"], p["kind"]) for p in report.problems]


@pytest.mark.parametrize("case", list(CASES))
def test_spark_names_exactly_what_the_local_verifier_names(spark, store, case):
    damage, expected = CASES[case]
    damage(store)
    vkey = store.vkey()
    local = verify_dir(store.root, vkey, origin=ORIGIN)
    on_spark = verify_dir(store.root, vkey, origin=ORIGIN, check=spark_check(spark, str(store.seg_dir)))
    assert on_spark.as_json() == local.as_json()  # problems with their details, counts, checkpoint
    if expected is not None:
        assert _found(on_spark) == expected
    else:
        assert {p["segment"] for p in on_spark.problems} == {2} and not on_spark.intact
    assert on_spark.intact == (not expected if expected is not None else False)
    assert on_spark.segments == 6 and on_spark.checkpoint["size"] == 6
    if case == "pruned":
        assert on_spark.pruned == 1 and on_spark.events == 246
    if case == "intact":
        assert on_spark.events == 246  # 6 × (40 lines + 1 kept raw)


def test_the_segments_are_read_where_the_cluster_reads_them_not_from_the_store(spark, store, tmp_path):
    """The headers and checkpoints come from the store; the segment files from the URL given."""
    shared = tmp_path / "shared" / "segments"
    shutil.copytree(store.seg_dir, shared)
    df = _rows(store, 3)
    evidence(pl.concat([df[:7], df[8:]])).write_parquet(shared / "00000003.parquet", compression="zstd")
    check = spark_check(spark, shared.as_uri())  # a file: URL, as an s3a:// one would be given
    report = verify_dir(store.root, store.vkey(), origin=ORIGIN, check=check)
    assert _found(report) == [(3, 7, "removed")]
    assert verify_dir(store.root, store.vkey(), origin=ORIGIN).intact  # the store's own copy is intact


def test_the_verification_service_on_spark_gives_the_local_report(spark, db, settings, tmp_path):
    from lakthan.monitoring.services import verification

    build(segments=3, per_segment=20)
    s = LogStore(settings.LAKTHAN_LOG_DIR, origin=ORIGIN)
    remove_event(s)
    local = verification.verify()
    settings.LAKTHAN_LOG_SEGMENTS_URL = ""  # the store's own directory
    on_spark = verification.verify(engine="spark", master="local[2]")
    local.pop("verified_at"), on_spark.pop("verified_at")
    assert on_spark == local and [(p["segment"], p["position"]) for p in local["problems"]] == [(3, 7)]


# --- without PySpark or Java -------------------------------------------------------------------------


@pytest.fixture
def no_spark_env(process_env, tmp_path):
    """The environment of a `lakthan` process with a few sealed events, then each way Spark is missing."""
    (tmp_path / "events.log").write_text("\n".join(syslog_lines(1, 5)) + "\n")
    for argv in (("logs", "ingest", str(tmp_path / "events.log")), ("logs", "seal")):
        done = subprocess.run(lakthan_argv(*argv), env=process_env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    blocked = tmp_path / "no-pyspark"
    blocked.mkdir()
    (blocked / "sitecustomize.py").write_text('import sys\nsys.modules["pyspark"] = None  # import fails\n')
    (tmp_path / "empty-java-home").mkdir()
    return {
        "no PySpark": {
            **process_env,
            "PYTHONPATH": os.pathsep.join([str(blocked), process_env["PYTHONPATH"]]),
        },
        "no Java": {**process_env, "JAVA_HOME": str(tmp_path / "empty-java-home")},
    }


INSTALL = {"no PySpark": "pip install 'lakthan[spark]'", "no Java": "scripts/install-system-deps.sh spark"}


def test_without_spark_the_spark_engine_says_what_to_install_and_the_local_one_works(no_spark_env):
    def run(env, *argv):
        return subprocess.run(lakthan_argv(*argv), env=env, capture_output=True, text=True)

    probe = subprocess.run(
        [sys.executable, "-c", "import pyspark"],
        env=no_spark_env["no PySpark"],
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0 and "ModuleNotFoundError" in probe.stderr  # the block works
    for missing, env in no_spark_env.items():
        for argv in (
            ("logs", "verify", "--engine", "spark"),
            ("logs", "usage", "--from", "2013-01-01", "--to", "2013-01-31", "--engine", "spark"),
        ):
            done = run(env, *argv)
            assert done.returncode == 2, done.stderr
            assert INSTALL[missing] in done.stderr and "--engine local" in done.stderr
            assert "Traceback" not in done.stderr and done.stdout == ""
        done = run(env, "logs", "verify", "--json")  # the local engine, in the same environment
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["intact"] and report["checkpoint"]["size"] == 1
    done = run(env, "logs", "usage", "--from", "2013-01-01", "--to", "2013-01-31", "--json")
    assert done.returncode == 0, done.stderr
    assert sum(u["events"] for u in json.loads(done.stdout)["unknown_senders"]) == 5
