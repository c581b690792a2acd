"""Benchmark of item 2's pipeline: syslog lines read from a file → parse → seal (leaf hashes, Parquet,
signed checkpoint) → detect with our rules plus the sample Sigma rules; verification throughput; and the
same rules evaluated the way most tools do (one SQL query per rule over SQLite rows), with the ratio.

End to end is the product's own path: the services behind `lakthan logs ingest FILE`, `logs seal` and
`logs detect` (database index, coverage counts and alerts included) on a fresh SQLite home, without
the start of a process. The engine stages are then timed one by one on the same events, to show
where the time goes.

    .venv/bin/python bench/logs/run.py [EVENTS]      (default 1,000,000; bounded at 5,000,000)

Runs on this machine only, in a temporary directory it removes.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

import polars as pl  # noqa: E402
from sigma.conditions import (  # noqa: E402
    ConditionAND,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.types import SigmaExpansion, SigmaString, SpecialChars  # noqa: E402

from lakthan.monitoring.pipeline import parsers, verify  # noqa: E402
from lakthan.monitoring.pipeline.detect import alerts, detect, matching  # noqa: E402
from lakthan.monitoring.pipeline.matches import MatchCache, stacked  # noqa: E402
from lakthan.monitoring.pipeline.rules import FIELD_MAP, compile_texts  # noqa: E402
from lakthan.monitoring.pipeline.schema import evidence  # noqa: E402
from lakthan.monitoring.pipeline.store import LogStore  # noqa: E402
from lakthan.monitoring.pipeline.verify import verify_dir  # noqa: E402

RULE_DIRS = [
    ROOT / "src" / "lakthan" / "monitoring" / "rules",
    Path("/work/shared/testdata/sigma"),
    ROOT.parent / "shared" / "testdata" / "sigma",
]


def generate(path: Path, n: int) -> None:
    rng = random.Random(1)
    t0 = datetime(2013, 8, 1, tzinfo=UTC)
    msgs = [
        "Accepted publickey for staff{u} from 10.1.{a}.{b} port 50000 ssh2",
        "Failed password for root from 203.0.113.{b} port 4000 ssh2",
        "(root) CMD (run-parts /etc/cron.hourly)",
        "pam_unix(sshd:session): session opened for user staff{u} by (uid=0)",
        "Started Session {u} of user root.",
    ]
    apps = ["sshd", "sshd", "CRON", "sshd", "systemd"]
    with open(path, "w") as fh:
        for i in range(n):
            k = rng.randrange(5)
            t = t0 + timedelta(milliseconds=37 * i)
            msg = msgs[k].format(u=rng.randrange(50), a=rng.randrange(10), b=rng.randrange(250))
            fh.write(
                f'<38>1 {t.isoformat()} host{i % 40:02d} {apps[k]} {1000 + k} - [meta sequenceId="{i // 40 + 1}"] {msg}\n'
            )


def rule_sources():
    seen, out = set(), []
    for d in RULE_DIRS:
        if d.exists():
            for p in sorted(d.rglob("*.yml")):
                if p.name not in seen:
                    seen.add(p.name)
                    out.append((str(p), p.read_text()))
    return out


# --- the baseline: one SQL query per rule over SQLite rows ------------------------------------------


def _like(parts) -> str:
    out = ""
    for p in parts:
        if p == SpecialChars.WILDCARD_MULTI:
            out += "%"
        elif p == SpecialChars.WILDCARD_SINGLE:
            out += "_"
        else:
            out += p.lower().replace("%", r"\%").replace("_", r"\_")
    return out


def to_sql(node, params: list) -> str:
    if isinstance(node, ConditionAND):
        return "(" + " AND ".join(to_sql(a, params) for a in node.args) + ")"
    if isinstance(node, ConditionOR):
        return "(" + " OR ".join(to_sql(a, params) for a in node.args) + ")"
    if isinstance(node, ConditionNOT):
        return "(NOT " + to_sql(node.args[0], params) + ")"
    keyword = isinstance(node, ConditionValueExpression)
    col = "msg" if keyword or not node.field else FIELD_MAP.get(node.field, node.field)
    v = node.value
    if isinstance(v, SigmaExpansion):
        return (
            "("
            + " OR ".join(
                to_sql(type(node)(node.field, x) if not keyword else ConditionValueExpression(x), params)
                for x in v.values
            )
            + ")"
        )
    if isinstance(v, SigmaString) and not v.contains_placeholder():
        parts = list(v.s)
        if keyword:
            parts = [SpecialChars.WILDCARD_MULTI, *parts, SpecialChars.WILDCARD_MULTI]
        params.append(_like(parts))
        return f"lower(coalesce({col}, '')) LIKE ? ESCAPE '\\'"
    return "0"


def sql_baseline(df: pl.DataFrame, ruleset, sources) -> tuple[float, float, int]:
    from sigma.collection import SigmaCollection
    from sigma.rule import SigmaRule

    con = sqlite3.connect(":memory:")
    cols = [
        "ts",
        "host",
        "app",
        "msg",
        "action",
        "user",
        "src_ip",
        "method",
        "uri",
        "uri_ext",
        "useragent",
        "vhost",
        "fmt",
        "status",
    ]
    con.execute(f"CREATE TABLE events (id INTEGER PRIMARY KEY, {', '.join(cols)})")
    t = time.perf_counter()
    rows = df.select(cols).with_columns(pl.col("ts").cast(pl.Utf8)).rows()
    con.executemany(f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
    con.commit()
    load = time.perf_counter() - t
    queries = []
    for _path, text in sources:
        for rule in SigmaCollection.from_yaml(text, collect_errors=True, resolve_references=False).rules:
            if isinstance(rule, SigmaRule):
                try:
                    params: list = []
                    where = " OR ".join(to_sql(c.parse(), params) for c in rule.detection.parsed_condition)
                    queries.append((f"SELECT id, host, ts FROM events WHERE {where}", params))
                except Exception:  # noqa: BLE001
                    pass
    t = time.perf_counter()
    hits = 0
    for sql, params in queries:
        try:
            hits += len(con.execute(sql, params).fetchall())
        except sqlite3.OperationalError:
            pass  # a derived field (office_hours) has no column: that rule is skipped here
    run = time.perf_counter() - t
    return load, run, len(queries)


class Stage:
    """Wall-clock and CPU seconds (all threads) of one stage."""

    def __init__(self):
        self.rows: list[tuple[str, float, float]] = []

    def __call__(self, label, fn, *args):
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn(*args)
        self.rows.append((label, time.perf_counter() - wall, time.process_time() - cpu))
        return out

    def total(self) -> tuple[float, float]:
        return sum(r[1] for r in self.rows), sum(r[2] for r in self.rows)


def summary(alerts: list[dict]) -> list[tuple]:
    """Alerts without where their events are (the product's path seals several segments)."""
    return sorted((a["rule_id"], a["host"], a["count"], a["first"], a["last"]) for a in alerts)


def stage_rows(stage: Stage, n: int, width: int) -> None:
    for label, w, c in stage.rows:
        print(f"  {label:{width}} {w:6.2f} s  cpu {c:5.2f} s  {n / w:12,.0f} events/s")


def canonical_bytes(df: pl.DataFrame) -> int:
    """The bytes SHA-256 consumes for the leaves (engines/eventhash.py's encoding of the stored columns)."""
    df = evidence(df)
    total = df.height * (1 + df.width)
    for name, dtype in df.schema.items():
        present = df[name].is_not_null().sum()
        if dtype == pl.Utf8:
            total += 4 * present + int(df[name].str.len_bytes().sum() or 0)
        else:
            total += (1 if dtype == pl.Boolean else 8) * present
    return total


def product_path(home: Path, src: Path) -> tuple[Stage, list[dict]]:
    """The services on a fresh home, in a process of their own (so that neither this process's memory
    nor Django's weighs on the other measurements): the sample Sigma rules imported, then the file
    ingested, sealed, and detected over."""
    out = subprocess.run(
        [sys.executable, __file__, "--product", str(home), str(src)],
        stdout=subprocess.PIPE,  # its errors go to this terminal
        text=True,
        check=True,
    )
    rows, alerts = json.loads(out.stdout)
    stage = Stage()
    stage.rows = [tuple(r) for r in rows]
    return stage, alerts


def _product_path(home: Path, src: Path) -> None:
    os.environ["LAKTHAN_HOME"] = str(home)
    os.environ["LAKTHAN_DISABLED_ACCOUNTS"] = "former01"
    from lakthan.cli import setup_django

    setup_django()
    from lakthan.monitoring.services import alerts as log_alerts
    from lakthan.monitoring.services import ingest
    from lakthan.monitoring.services import rules as log_rules
    from lakthan.monitoring.services import seal as sealing

    for d in RULE_DIRS[1:]:
        if d.exists():
            log_rules.import_rules(d)
            break
    stage = Stage()
    stage(
        "ingest: read, parse, write (leaves ‖ Parquet ‖ matches, counts)",
        ingest.ingest_files,
        [src],
        None,
        "syslog",
        2013,
    )
    stage("seal: segments, checkpoints, database index", sealing.seal)
    alerts = stage("detect: alerts from kept matches, recorded", log_alerts.detect)
    print(json.dumps([stage.rows, alerts]))


def main() -> None:
    n = min(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, 5_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "syslog"
        generate(src, n)
        size = src.stat().st_size
        product, product_alerts = product_path(tmp / "home", src)
        store = LogStore(tmp / "logs", origin="bench.local/logs")
        ruleset = compile_texts(rule_sources(), {"disabled_accounts": ["former01"]})
        stage = Stage()
        data = stage("read the file", src.read_bytes)
        parsed = stage("parse", lambda: parsers.parse_bytes(data, "syslog", year=2013))
        stage("write: leaves, root ‖ Parquet, fsync", store.append, parsed.events)
        sealed = stage("seal: segment (linked), signed checkpoint", store.seal)
        # the sealed segment holds exactly these rows in this order (checked below), so detection runs
        # on them as the periodic task would on the segment read back
        events = parsed.events.with_columns(
            pl.lit(1, dtype=pl.Int64).alias("segment"),
            pl.int_range(pl.len(), dtype=pl.Int64).alias("position"),
        )
        alerts_all = stage("detect (all rules)", detect, events, ruleset)
        assert summary(product_alerts) == summary(alerts_all), "the product's path found other alerts"

        t = time.perf_counter()
        report = verify_dir(store.root, store.vkey())
        t_verify = time.perf_counter() - t
        t = time.perf_counter()
        read_back = store.read_segment(1)
        t_read_back = time.perf_counter() - t
        assert sealed.header["count"] == n and read_back.equals(parsed.events)
        del read_back
        cache = MatchCache(tmp / "matches", "bench")
        positioned = store.read_segment(1).with_columns(
            pl.lit(1, dtype=pl.Int64).alias("segment"),
            pl.int_range(pl.len(), dtype=pl.Int64).alias("position"),
        )
        t = time.perf_counter()
        cache.get(1, lambda: matching(positioned, ruleset))
        t_first = time.perf_counter() - t
        t = time.perf_counter()
        kept_alerts = alerts(*stacked([cache.get(1, lambda: None)]), ruleset)
        t_kept = time.perf_counter() - t
        assert kept_alerts == alerts_all
        small = 10_000  # a seal every few minutes makes segments this small
        many = LogStore(tmp / "many", origin="bench.local/logs")
        for start in range(0, n, small):
            many.append(parsed.events.slice(start, small))
            many.seal()
        t_many = {}
        for workers in (1, verify.SEGMENT_WORKERS):
            verify.SEGMENT_WORKERS, default = workers, verify.SEGMENT_WORKERS
            t = time.perf_counter()
            assert verify_dir(many.root, many.vkey()).intact
            t_many[workers] = time.perf_counter() - t
            verify.SEGMENT_WORKERS = default
        assert report.intact
        seg_bytes = store.segment_path(1).stat().st_size
        hashed = canonical_bytes(parsed.events)
        t = time.perf_counter()
        hashlib.sha256(bytes(hashed)).digest()
        t_sha = time.perf_counter() - t

        print(
            f"item 2 log pipeline, {n:,} syslog events ({size / 1e6:.0f} MB) from a file, "
            f"{len(ruleset.rules)} rules + {len(ruleset.correlations)} correlation ({len(ruleset.errors)} not compiled)"
        )
        print(
            "the product's path (services, SQLite home; what `logs ingest FILE`, `logs seal`, `logs detect` do):"
        )
        stage_rows(product, n, width=66)
        wall, cpu = product.total()
        print(
            f"  {'end to end':66} {wall:6.2f} s  cpu {cpu:5.2f} s  {n / wall:12,.0f} events/s"
            f"   goal 1,000,000 events/s: ratio {n / wall / 1e6:.2f}   ({len(product_alerts)} alerts)"
        )
        print("where the time goes (engine stages one at a time, the events in one chunk):")
        stage_rows(stage, n, width=42)
        wall, cpu = stage.total()
        print(f"  {'engine stages together':42} {wall:6.2f} s  cpu {cpu:5.2f} s  {n / wall:12,.0f} events/s")
        print(
            f"  {'verify (every leaf, root, signature)':42} {t_verify:6.2f} s  {n / t_verify:12,.0f} events/s: "
            f"{size / t_verify / 1e9:.2f} GB/s of raw log (goal 1 GB/s: ratio {size / t_verify / 1e9:.2f}), "
            f"{hashed / t_verify / 1e9:.2f} GB/s of event data hashed, {seg_bytes / t_verify / 1e9:.3f} GB/s of Parquet"
        )
        print(
            f"  {f'verify {n // small:,} segments of {small:,}':42} {t_many[verify.SEGMENT_WORKERS]:6.2f} s"
            f"  {n / t_many[verify.SEGMENT_WORKERS]:12,.0f} events/s: {size / t_many[verify.SEGMENT_WORKERS] / 1e9:.2f} GB/s"
            f" of raw log; one segment at a time {t_many[1]:.2f} s"
        )
        print(
            f"  {'read a segment back (lines read again)':42} {t_read_back:6.2f} s  {n / t_read_back:12,.0f} events/s"
            "   (once per segment and set of rules; not in end to end)"
        )
        print(
            f"  {'hourly detection of a sealed segment':42} {t_kept:6.2f} s  from its kept matches; the first"
            f" time {t_first:.2f} s + reading it back"
        )
        print(
            f"  baseline: SHA-256 of the same {hashed / 1e6:.0f} MB in one piece (hashlib, one core): "
            f"{t_sha:.2f} s, {hashed / t_sha / 1e9:.2f} GB/s"
        )
        sample = min(n, 250_000)  # the SQL baseline takes ~100 s per million rows
        t = time.perf_counter()
        detect(events.head(sample), ruleset)
        ours = time.perf_counter() - t
        load, run, q = sql_baseline(events.head(sample), ruleset, rule_sources())
        print(
            f"baseline: one SQL query per rule over SQLite rows ({q} queries, {sample:,} rows; load {load:.2f} s not counted)"
        )
        print(f"  SQL per rule       {run:7.2f} s  {sample / run:12,.0f} events/s")
        print(
            f"  compiled polars    {ours:7.2f} s  {sample / ours:12,.0f} events/s   ratio {run / ours:.1f}x faster"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--product"]:
        _product_path(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
