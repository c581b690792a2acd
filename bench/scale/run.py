"""Both engines of the heavy passes over sealed segments, on this machine, through the CLI.

The events are the logs bench's large-agency data (bench/logs/data.py: 2,000 hosts, RFC 3164 and 5424,
attack episodes, malformed headers), 10,000,000 by default, ingested and sealed by `lakthan logs
ingest` and `logs seal` into a fresh LAKTHAN_HOME (SQLite). Then, each a process of its own as a user
runs them, the local engine and Spark (local[N], N the cores):

- `lakthan logs hunt bench/logs/sigmahq --engine local|spark --json` (22 SigmaHQ rules; both must give
  the same alerts, event for event),
- `lakthan logs verify --engine local|spark --json` (both intact, the same events),
- `lakthan logs usage --engine local|spark --json` (host-days: the index against a recount).

It prints the events/s of each, per core, the ratio, and from them the capacity estimate of
docs/scale.md (cores for two years of a 5,000-host agency and of 300 agencies).

    .venv/bin/python bench/scale/run.py [EVENTS]     (default 10,000,000)

Needs the spark extra and Java (`make deps`, `scripts/install-system-deps.sh spark`). Runs in a
temporary directory it removes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "bench" / "logs")]

import data  # noqa: E402

RULES = ROOT / "bench" / "logs" / "sigmahq"
LAKTHAN = ROOT / ".venv" / "bin" / "lakthan"
CORES = os.cpu_count() or 1
DAYS = 30
DAY = 86_400
# the capacity estimate: a large agency and a national service (docs/scale.md says why these)
AGENCY_HOSTS = 5_000
EVENTS_PER_HOST_DAY = 20_000  # 100,000,000 a day for 5,000 hosts
KEPT_DAYS = 730  # the Computer Crime Act's longest order: two years
AGENCIES = 300


def run(argv: list[str], env: dict) -> tuple[float, str]:
    t = time.perf_counter()
    done = subprocess.run([str(LAKTHAN), *argv], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"lakthan {' '.join(argv[:3])}… failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    return elapsed, done.stdout


def hunt_events(stdout: str) -> list[tuple]:
    alerts = json.loads(stdout)["alerts"]
    return sorted(
        (a["rule_id"], a["host"] or "", a["count"], a["first"], a["last"], json.dumps(a["events"]))
        for a in alerts
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = work / "syslog"
        t = time.perf_counter()
        shape = data.generate(src, n, days=DAYS)
        print(
            f"{shape['lines']:,} syslog lines ({src.stat().st_size / 1e9:.2f} GB) from {shape['hosts']:,} hosts over "
            f"{shape['days']} days, written in {time.perf_counter() - t:.0f} s; {CORES} cores"
        )
        env = {**os.environ, "LAKTHAN_HOME": str(work / "home")}
        t_ingest, _ = run(
            ["logs", "ingest", str(src), "--format", "syslog", "--year", str(data.START.year)], env
        )
        t_seal, _ = run(["logs", "seal"], env)
        src.unlink()
        stored = sum(f.stat().st_size for f in (work / "home" / "logs" / "segments").iterdir())
        print(
            f"  ingest {t_ingest:.1f} s, seal {t_seal:.1f} s ({n / (t_ingest + t_seal):,.0f} events/s);"
            f" the segments hold {stored / n:.0f} bytes an event (Parquet, leaf hashes, headers)"
        )
        first = data.START.date()
        period = ["--from", str(first), "--to", str(first + timedelta(days=DAYS))]
        rates: dict[str, dict[str, float]] = {}
        answers: dict[str, dict[str, object]] = {}
        for engine in ("local", "spark"):
            for job, argv in (
                ("hunt", ["logs", "hunt", str(RULES), "--engine", engine, "--json"]),
                ("verify", ["logs", "verify", "--engine", engine, "--json"]),
                ("usage", ["logs", "usage", *period, "--engine", engine, "--json"]),
            ):
                seconds, out = run(argv, env)
                rates.setdefault(job, {})[engine] = n / seconds
                answers.setdefault(job, {})[engine] = hunt_events(out) if job == "hunt" else json.loads(out)
                print(
                    f"  lakthan {' '.join(argv[:2])} --engine {engine:5} {seconds:7.1f} s  {n / seconds:12,.0f} events/s"
                )
        hunt_same = answers["hunt"]["local"] == answers["hunt"]["spark"]
        verify_same = all(answers["verify"][e]["intact"] for e in ("local", "spark"))  # type: ignore[index]
        usage_same = answers["usage"]["local"] == answers["usage"]["spark"]
        print(
            "the same answers on both engines: "
            + ", ".join(
                f"{job} {'yes' if same else 'NO'}"
                for job, same in (("hunt", hunt_same), ("verify", verify_same), ("usage", usage_same))
            )
        )
        for job, by in rates.items():
            print(
                f"  {job:6}: local {by['local'] / CORES:10,.0f} events/s per core, spark {by['spark'] / CORES:10,.0f}"
                f" per core; spark/local {by['spark'] / by['local']:.2f}"
            )
        estimate(rates)
        if not (hunt_same and verify_same and usage_same):
            sys.exit("the engines disagree (see above)")


def estimate(rates: dict[str, dict[str, float]]) -> None:
    """Cores to hunt or verify the whole archive in 24 hours, at the per-core rate measured here."""
    agency = AGENCY_HOSTS * EVENTS_PER_HOST_DAY * KEPT_DAYS
    print(
        f"capacity: an agency of {AGENCY_HOSTS:,} hosts x {EVENTS_PER_HOST_DAY:,} events a day x {KEPT_DAYS} days"
        f" = {agency / 1e9:,.0f} billion events; {AGENCIES} such agencies = {AGENCIES * agency / 1e12:,.1f} trillion"
    )
    for job in ("hunt", "verify"):
        per_core = rates[job]["spark"] / CORES
        core_hours = agency / per_core / 3600
        print(
            f"  {job:6} on Spark: {core_hours:10,.0f} core-hours an agency; in 24 h {core_hours / 24:8,.0f} cores"
            f" ({AGENCIES} agencies: {AGENCIES * core_hours / 24:10,.0f} cores)"
        )


if __name__ == "__main__":
    main()
