"""Benchmark of item 2 on the data a large agency has, through the path its users take, beside the peer.

The data: a central syslog file from 2,000 hosts over 12 days, RFC 3164 and RFC 5424 lines, the
programs and messages such hosts log, brute-force, reverse-shell and other attack episodes, and a few
malformed headers (data.py). The rules: SigmaHQ's rules/linux/builtin (sigmahq/, 22 rules).

Lakthan runs as its README tells a user to: `lakthan logs rules import`, then the three commands
`logs ingest FILE`, `logs seal` and `logs detect`, each a process of its own on a fresh LAKTHAN_HOME
(SQLite, made by `lakthan migrate` as the README's first install says), timed end to end three
ways: as installed, one after another (the rules import started a warm copy of Lakthan, which runs
the three; lakthan.launch); as installed with nothing warm before them (the first starts the warm
copy and pays for it); and with LAKTHAN_WARM=0. Zircolite, the peer, runs in the same run on the
same events (as JSON lines with the fields Lakthan's parser gives them) and the same rules (peer.py),
as its README says. The README's path and Zircolite run three times each, by turns, and the ratio is
of their medians (this machine is shared: the same command varies by a fifth from minute to minute).
Both must find the same events per rule and host, or the bench fails; then the ratio is printed.

Verification is set against its floor measured in the same run: OpenSSL's SHA-256 alone hashing the
same leaves and RFC 6962 nodes on both cores (sha_floor.c); and beside it the same hashing done as
Lakthan's kernel does it (the CPU's SHA extensions, two messages at a time: sha_floor --ni), which
must give the same tree. verify_dir and the two floors run seven times each, by turns, and the ratio
is of their medians: the floor moves from minute to minute as much as anything else here. The same
events are written once more with LAKTHAN_LOG_COMPRESSION=zstd (the segments default to lz4), and
verified by turns with the rest, to show what the smaller files cost; and sealed once more as
receivers sealing every five minutes at a million events a day seal them (segments of 3,500 events),
to show what verifying many small segments costs.

    .venv/bin/python bench/logs/run.py [EVENTS]      (default 1,000,000; bounded at 5,000,000)

Runs on this machine only, in a temporary directory it removes (Zircolite's venv is kept under
var/bench/ for the next run).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(Path(__file__).parent), str(ROOT / "bench")]

import peer  # noqa: E402
import polars as pl  # noqa: E402
from common import own_warm_copies, stop_warm_copies  # noqa: E402

import data  # noqa: E402
from lakthan.monitoring.engines.eventhash import encode_event  # noqa: E402
from lakthan.monitoring.pipeline import parsers  # noqa: E402
from lakthan.monitoring.pipeline.schema import evidence  # noqa: E402
from lakthan.monitoring.pipeline.segment_layout import seg_name  # noqa: E402
from lakthan.monitoring.pipeline.store import LogStore  # noqa: E402
from lakthan.monitoring.pipeline.verify import verify_dir  # noqa: E402

RULES = Path(__file__).parent / "sigmahq"
RUNS = 3  # the README's path and Zircolite, by turns (the median)
VERIFY_RUNS = 7  # verify_dir and its two floors, by turns (the medians)
FIVE_MINUTES = 3_500  # events a segment when receivers seal every five minutes at a million a day
LAKTHAN = ROOT / ".venv" / "bin" / "lakthan"
YEAR = str(data.START.year)


def timed(argv: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv[:3])}… failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    return elapsed, done


def lakthan(
    home: Path, src: Path, before: str, warm: str, compression: str = "lz4"
) -> tuple[list[tuple[str, float]], list[dict]]:
    """The user's path, one process per command, on a home made as the README's first install makes
    it (`lakthan migrate`, which creates its secret key: no warm copy is started before there is one):
    the rules import (done once, not timed) with LAKTHAN_WARM=BEFORE, then the three commands with
    LAKTHAN_WARM=WARM. With BEFORE=0 nothing is warm when the first timed command starts: it starts
    the warm copy and pays for that. The segments are written with ``compression`` (lz4, the
    default, or zstd: LAKTHAN_LOG_COMPRESSION)."""
    env = {
        **os.environ,
        "LAKTHAN_HOME": str(home),
        "LAKTHAN_WARM": before,
        "LAKTHAN_LOG_COMPRESSION": compression,
    }
    runtime = own_warm_copies(env, home.parent / f"{home.name}-run")
    steps = []
    try:
        timed([str(LAKTHAN), "migrate"], env=env)
        timed([str(LAKTHAN), "logs", "rules", "import", str(RULES)], env=env)
        env["LAKTHAN_WARM"] = warm
        for argv in (
            ["logs", "ingest", str(src), "--format", "syslog", "--year", YEAR],
            ["logs", "seal"],
            ["logs", "detect", "--json"],
        ):
            elapsed, done = timed([str(LAKTHAN), *argv], env=env)
            steps.append((f"lakthan {' '.join(a if a != str(src) else 'FILE' for a in argv)}", elapsed))
    finally:
        stop_warm_copies(runtime)
    return steps, json.loads(done.stdout)


def ours_per_rule(alerts: list[dict]) -> dict[str, Counter]:
    found: dict[str, Counter] = {}
    for a in alerts:
        found.setdefault(a["rule_id"], Counter())[a["host"] or None] += a["count"]
    return found


def agreement(rule_titles: dict[str, str], ours: dict[str, Counter], theirs: dict[str, Counter]) -> bool:
    """Prints, per SigmaHQ rule, the events each found; True when both found the same per host."""
    same_everywhere = True
    print("  per rule: events found by Lakthan / by Zircolite (the same events per host: =)")
    for rule_id, title in sorted(rule_titles.items(), key=lambda kv: kv[1]):
        a, b = ours.get(rule_id, Counter()), theirs.get(rule_id, Counter())
        same = +a == +b
        same_everywhere &= same
        mark = "=" if same else "DIFFERENT"
        print(f"    {title[:52]:52} {sum(a.values()):8,} / {sum(b.values()):<8,} {mark}")
    return same_everywhere


def leaf_file(store_root: Path, out: Path) -> int:
    """Every sealed event's canonical encoding, length-prefixed, in log order (sha_floor's input)."""
    store = LogStore(store_root)
    n = 0
    with open(out, "wb") as fh:
        for h in store.headers():
            stored = (store.seg_dir / f"{seg_name(h['index'])}.leaves").read_bytes()
            for i, row in enumerate(evidence(store.read_segment(h["index"])).iter_rows()):
                enc = encode_event(row, bytes_last=True)
                if i < 1000:  # the floor hashes what the leaves are of
                    assert hashlib.sha256(enc).digest() == stored[32 * i : 32 * i + 32]
                fh.write(struct.pack("<I", len(enc)) + enc)
                n += 1
    return n


def five_minute_store(events: pl.DataFrame, root: Path) -> tuple[Path, int]:
    """The events sealed as receivers sealing every five minutes seal them: a segment of FIVE_MINUTES
    events at a time. Returns the store and its number of segments."""
    store = LogStore(root)
    for start in range(0, events.height, FIVE_MINUTES):
        store.append(events[start : start + FIVE_MINUTES])
        store.seal()
    return root, len(list(store.headers()))


def floor(work: Path, leaves: Path, two_way: bool = False) -> tuple[float, str] | None:
    """sha_floor's seconds and the root of one tree over every leaf; ``two_way``: hashed as Lakthan's
    kernel hashes (the CPU's SHA extensions, two messages at a time), not by OpenSSL: None on a CPU
    without them."""
    exe = work / "sha_floor"
    if not exe.exists():
        source = Path(__file__).parent / "sha_floor.c"
        subprocess.run(["cc", "-O3", "-pthread", str(source), "-lcrypto", "-o", str(exe)], check=True)
    argv = [str(exe), *(["--ni"] if two_way else []), str(leaves)]
    done = subprocess.run(argv, capture_output=True, text=True)
    if two_way and done.returncode == 3:
        return None
    done.check_returncode()
    seconds, root = done.stdout.split()
    return float(seconds), root


def main() -> None:
    n = min(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, 5_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = work / "syslog"
        shape = data.generate(src, n)
        size = src.stat().st_size

        alone, _ = lakthan(work / "alone", src, before="0", warm="0")
        first, _ = lakthan(work / "first", src, before="0", warm="60")

        python, zsrc = peer.install(work)
        ruleset = peer.prepare_rules(RULES, python, zsrc, work)
        events = parsers.parse_bytes(src.read_bytes(), "syslog", year=int(YEAR)).events
        jsonl = work / "events.jsonl"
        peer.export_events(events, jsonl)
        small_store, small_segments = five_minute_store(events, work / "five-minute" / "logs")
        small_events = events.height
        del events
        readme, peer_times = [], []
        for i in range(RUNS):  # by turns, so that a slow minute of this shared machine falls on both
            readme.append((work / f"home-{i}", *lakthan(work / f"home-{i}", src, before="60", warm="60")))
            t_run, _ = timed(peer.command(python, jsonl, ruleset, work / "zircolite.json"), cwd=zsrc)
            peer_times.append(t_run)
        readme_totals = [sum(s for _, s in run[1]) for run in readme]
        home, steps, alerts = sorted(readme, key=lambda run: sum(s for _, s in run[1]))[RUNS // 2]
        t_peer = median(peer_times)
        totals = [sum(s for _, s in run) for run in (steps, first, alone)]
        theirs = peer.detections(work / "zircolite.json")
        titles = {r["id"]: r["title"] for r in json.loads(ruleset.read_text())}

        store = home / "logs"
        t_cli_verify, _ = timed(
            [str(LAKTHAN), "logs", "verify"],
            env={**os.environ, "LAKTHAN_HOME": str(home), "LAKTHAN_WARM": "0"},
        )
        zstd_store = work / "home-zstd" / "logs"  # the same events, LAKTHAN_LOG_COMPRESSION=zstd
        lakthan(zstd_store.parent, src, before="60", warm="60", compression="zstd")
        leaves = work / "leaves.bin"
        counted = leaf_file(store, leaves)
        verify_times, zstd_times, small_times, floors, two_ways = [], [], [], [], []
        for _ in range(VERIFY_RUNS):  # by turns, as above: the floor moves with the minute as much
            for times, root_dir, events_in in (
                (verify_times, store, counted),
                (zstd_times, zstd_store, counted),
                (small_times, small_store, small_events),
            ):
                t = time.perf_counter()
                report = verify_dir(root_dir, (root_dir / "checkpoint.vkey").read_text())
                times.append(time.perf_counter() - t)
                assert report.intact and report.events == events_in
            floors.append(floor(work, leaves))
            two_ways.append(floor(work, leaves, two_way=True))
        t_verify, t_zstd, t_small = median(verify_times), median(zstd_times), median(small_times)
        sizes = [
            sum(p.stat().st_size for p in (d / "segments").glob("*.parquet")) for d in (store, zstd_store)
        ]
        t_floor, root = median([f[0] for f in floors if f]), floors[0][1] if floors[0] else ""
        assert all(w is None or w[1] == root for w in two_ways), (
            "the two ways of hashing gave different trees"
        )
        t_two_way = median([w[0] for w in two_ways]) if all(two_ways) else None

        print(
            f"item 2 on a large agency's data: {shape['lines']:,} syslog lines ({size / 1e6:.0f} MB), "
            f"{shape['hosts']:,} hosts, {shape['days']} days, {shape['rfc5424']:,} RFC 5424 lines, "
            f"{shape['episode']:,} attack-episode lines, {shape['malformed']} malformed headers; "
            f"{len(titles)} SigmaHQ rules (rules/linux/builtin)"
        )
        print(
            "Lakthan through its CLI on a fresh SQLite home, three ways: as installed, one command after"
            " another as the README shows (the rules import started a warm copy, lakthan.launch);"
            " as installed with nothing warm before the first command (a cron job's first run: it"
            " starts the warm copy, the next two run in it); with LAKTHAN_WARM=0 (a process each):"
        )
        print(
            f"  (as the README shows: the median of {RUNS} runs, taken by turns with Zircolite's;"
            f" three commands {', '.join(f'{t:.2f}' for t in readme_totals)} s)"
        )
        print(f"  {'':48} {'README':>8} {'cold 1st':>8} {'WARM=0':>8}")
        for (label, seconds), (_, cold), (_, own) in zip(steps, first, alone, strict=True):
            print(f"  {label:48} {seconds:6.2f} s {cold:6.2f} s {own:6.2f} s")
        print(
            f"  {'three commands together':48} {totals[0]:6.2f} s {totals[1]:6.2f} s {totals[2]:6.2f} s"
            f"  {n / totals[0]:10,.0f} events/s  ({len(alerts)} alerts)"
        )
        print("Zircolite (shared/peers/zircolite) on the same events as JSON lines, the same rules:")
        print(
            f"  {'zircolite.py -e events.jsonl -j -r rules.json':48} {t_peer:6.2f} s  {n / t_peer:10,.0f} events/s"
            f"  (median of {', '.join(f'{t:.2f}' for t in peer_times)} s)"
        )
        same = agreement(titles, ours_per_rule(alerts), theirs)
        print(
            f"  ratio: Lakthan {t_peer / totals[0]:.1f}x faster than Zircolite (goal 15x);"
            f" {t_peer / totals[1]:.1f}x with nothing warm before, {t_peer / totals[2]:.1f}x with"
            " LAKTHAN_WARM=0"
        )
        print(
            "verification against its floor (OpenSSL SHA-256 alone, same leaves and nodes, both cores;"
            f" each the median of {VERIFY_RUNS} runs, taken by turns):"
        )
        print(f"  {'floor: sha_floor over ' + f'{counted:,} leaves':48} {t_floor:6.2f} s")
        print(
            f"  {'verify_dir (every leaf, root, signature)':48} {t_verify:6.2f} s"
            f"  {t_floor / t_verify:5.0%} of the floor (goal 90%)"
        )
        print(
            f"  {'verify_dir, the same events written with zstd':48} {t_zstd:6.2f} s"
            f"  {t_floor / t_zstd:5.0%} of the floor  (segments {sizes[1] / 1e6:.1f} MB, lz4's {sizes[0] / 1e6:.1f} MB)"
        )
        print(
            f"  {'verify_dir, sealed every five minutes':48} {t_small:6.2f} s"
            f"  {t_floor / t_small:5.0%} of the floor  ({small_segments:,} segments of"
            f" {FIVE_MINUTES:,} events, {small_events:,} in all)"
        )
        if t_two_way is not None:
            print(
                f"  {'the same hashing as Lakthan does it (sha_floor --ni)':48} {t_two_way:6.2f} s"
                f"  {t_two_way / t_verify:5.0%} of verify_dir is its hashing"
            )
        print(
            f"  {'lakthan logs verify (a process, start-up incl.)':48} {t_cli_verify:6.2f} s"
            f"  {t_floor / t_cli_verify:5.0%} of the floor"
        )
        if not same:
            sys.exit("the two tools found different events (see above)")


if __name__ == "__main__":
    main()
