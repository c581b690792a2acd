"""Retro-hunt throughput, local engine against the Spark engine, on the same sealed segments.

The data and rules of bench/logs/run.py (data.py's central syslog file; SigmaHQ's 22 linux rules in
sigmahq/), parsed and sealed into a store with the pipeline (no database), then hunted: the local
engine (``detect.matching`` per segment, then ``detect.alerts``) and ``spark.hunt.hunt`` in
``local[N]`` (N the cores). Both must give the same alerts, or the bench fails.

    .venv/bin/python bench/logs/spark_hunt.py [EVENTS] [MASTER]      (default 1,000,000, local[cores])
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(Path(__file__).parent)]

import data  # noqa: E402
from lakthan.monitoring.pipeline import detect, parsers, rules  # noqa: E402
from lakthan.monitoring.pipeline.matches import stacked  # noqa: E402
from lakthan.monitoring.pipeline.store import LogStore  # noqa: E402

RULES = Path(__file__).parent / "sigmahq"
CHUNK = 250_000  # lines per chunk: a chunk this large is sealed as a segment of its own


def build(work: Path, events: int) -> LogStore:
    src = work / "central.log"
    data.generate(src, events)
    store = LogStore(work / "store", alone_rows=CHUNK)
    lines = src.read_bytes().split(b"\n")
    for i in range(0, len(lines), CHUNK):
        store.append(
            parsers.parse_bytes(b"\n".join(lines[i : i + CHUNK]), "syslog", year=data.START.year).events
        )
        store.seal()
    return store


def local(store: LogStore, rs: rules.RuleSet) -> list[dict]:
    parts = []
    for index in range(1, store.size() + 1):
        events = store.read_segment(index).with_columns(
            __import__("polars").lit(index).cast(__import__("polars").Int64).alias("segment"),
            __import__("polars")
            .int_range(__import__("polars").len(), dtype=__import__("polars").Int64)
            .alias("position"),
        )
        parts.append(detect.matching(events, rs))
    return detect.alerts(*stacked(parts), rs)


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    master = sys.argv[2] if len(sys.argv) > 2 else None
    sources = [(str(p), p.read_text()) for p in sorted(RULES.glob("*.yml"))]
    from lakthan.monitoring.pipeline.spark.hunt import hunt
    from lakthan.monitoring.pipeline.spark.session import spark_session

    with tempfile.TemporaryDirectory(prefix="lakthan-hunt-bench-") as tmp:
        store = build(Path(tmp), events)
        n = sum(len(store.read_segment(i, ["ts"])) for i in range(1, store.size() + 1))
        rs = rules.compile_texts(sources, {})
        t = time.perf_counter()
        ours = local(store, rs)
        t_local = time.perf_counter() - t
        t = time.perf_counter()
        spark = spark_session(master)
        t_session = time.perf_counter() - t
        segments = [(i, str(store.segment_path(i))) for i in range(1, store.size() + 1)]
        t = time.perf_counter()
        hunt(spark, segments[:1], sources, {}, None, None)  # warm: the JVM and the Python workers
        t_warm = time.perf_counter() - t
        t = time.perf_counter()
        theirs = hunt(spark, segments, sources, {}, None, None)
        t_spark = time.perf_counter() - t
        if theirs != ours:
            sys.exit("the engines disagree")
        cores = spark.sparkContext.defaultParallelism
        print(f"{n:,} events in {store.size()} segments, {len(rs.rules)} rules, {len(ours)} alerts")
        print(
            f"spark session start-up: {t_session:6.1f} s; first hunt of one segment (warm-up): {t_warm:6.1f} s"
        )
        print(f"local engine: {t_local:6.1f} s  {n / t_local:12,.0f} events/s")
        print(
            f"spark {spark.sparkContext.master}: {t_spark:6.1f} s  {n / t_spark:12,.0f} events/s ({cores} cores)"
        )
        print(f"ratio local/spark: {t_spark / t_local:.1f}")


if __name__ == "__main__":
    main()
