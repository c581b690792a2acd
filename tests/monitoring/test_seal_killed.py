"""A seal killed (kill -9) between its files and its database rows: the next seal catches up, and every
event is counted exactly once (issue 13: under faults nothing is lost and nothing stops).

`lakthan logs seal` runs as a process of its own, on a new home and database, from a wrapper that
pauses it at one point of indexing (the product has no test hook): the test kills it there."""

from __future__ import annotations

import hashlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import lakthan_argv

from .gen import BKK, known_attacks, line

pytestmark = pytest.mark.slow

# Runs `lakthan ARGS…` with OWNER.NAME (the seal service's function, or the store's method) replaced by
# one that says "paused" and sleeps (or, with PAUSE=stop, stops itself until sent SIGCONT, then goes on)
# when it comes to the segment with annotations (its chunk was large enough to be sealed alone), or at
# once for sync_index, which has no segment.
PAUSED = """
import os, signal, sys, time
from lakthan.cli import main, setup_django
setup_django()
from lakthan.monitoring.pipeline.store import LogStore
from lakthan.monitoring.services import seal
owner, name = {"seal": seal, "LogStore": LogStore}[sys.argv[1]], sys.argv[2]
real = getattr(owner, name)
def paused(*args):
    if len(args) == 1 or args[0].annotation_names(args[1]):
        print("paused", flush=True)
        if os.environ.get("PAUSE") == "stop":
            os.kill(os.getpid(), signal.SIGSTOP)
        else:
            time.sleep(3600)
    return real(*args)
setattr(owner, name, paused)
main(sys.argv[3:], prog_name="lakthan")
"""

# What the database holds of the store, read by a process on the same home and database.
INDEX = """
import json
from lakthan.cli import setup_django
setup_django()
from lakthan.monitoring.models import Checkpoint, HostDay, Segment, SeqState
from lakthan.monitoring.services.events import scan_events
print(json.dumps({
    "segments": {s.index: s.count for s in Segment.objects.all()},
    "checkpoints": list(Checkpoint.objects.values_list("size", flat=True)),
    "host_days": {f"{d.host_name} {d.day}": [d.count, d.seq_gaps] for d in HostDay.objects.all()},
    "last_seq": dict(SeqState.objects.values_list("host_name", "last_seq")),
    "searched": dict(scan_events(columns=["host"])["host"].value_counts().rows()),
}))
"""

KILL_POINTS = {
    "before the index": ("seal", "sync_index"),
    "inside the segment's transaction": ("seal", "count_host_days"),
    "after the commit, before its matches are adopted": ("seal", "adopt_matches"),
    "after its matches are adopted, before its annotations are dropped": ("LogStore", "drop_annotations"),
}
COMMITTED = {
    "after the commit, before its matches are adopted",
    "after its matches are adopted, before its annotations are dropped",
}
NOISE_HOSTS = ("app01", "app02", "app03", "app04")
GAP_AT, GAP = 10_000, 7  # app03 skips 7 sequence ids after its 10 000th message

BRUTE = "SSH brute force (10 or more failed logins from one address in 5 minutes)"
ALERTS = {
    (BRUTE, "web01"): 12,
    (BRUTE, "db01"): 15,
    ("Login outside office hours", "db01"): 2,
    ("Login outside office hours", "web01"): 1,
    ("Account created or granted sudo", "db01"): 2,
    ("Log or shell history cleared", "db01"): 1,
    ("Access by a disabled account", "web01"): 1,
    ("Web attack in access logs", "web01"): 3,
}


def _syslog() -> list[str]:
    """More events than a chunk sealed alone needs (so they are annotated as they are written): cron
    on four hosts over three Bangkok days, one gap in app03's sequence ids, then the known attacks."""
    base, seq = datetime(2013, 3, 6, tzinfo=BKK), Counter[str]()
    lines = []
    for i in range(settings.LAKTHAN_LOG_ALONE_ROWS + 1000):
        host = NOISE_HOSTS[i % len(NOISE_HOSTS)]
        seq[host] += 1 + (GAP if host == "app03" and seq[host] == GAP_AT else 0)
        when = base + timedelta(seconds=2 * i)
        lines.append(line(when, host, "CRON", "(root) CMD (run-parts /etc/cron.hourly)", seq[host]))
    return lines + known_attacks()[0]


SYSLOG = re.compile(r'<\d+>1 (\S+) (\S+) \S+ \S+ - \[meta sequenceId="(\d+)"\]')


def _expected_days(syslog: list[str], web: list[str]) -> dict[str, list[int]]:
    """Events and missing sequence ids per host and Bangkok day, counted here line by line: a missing id
    counts on the day of the message that came with the next id above it."""
    days: dict[str, list[int]] = {}
    highest: dict[str, int] = {}
    for text in syslog:
        when, host, seq = SYSLOG.match(text).groups()
        day = days.setdefault(f"{host} {datetime.fromisoformat(when).astimezone(BKK).date()}", [0, 0])
        day[0] += 1
        if host in highest and int(seq) > highest[host] + 1:
            day[1] += int(seq) - highest[host] - 1
        highest[host] = max(highest.get(host, 0), int(seq))
    for text in web:
        when = datetime.strptime(text.split("[")[1].split("]")[0], "%d/%b/%Y:%H:%M:%S %z")
        days.setdefault(f"web01 {when.astimezone(BKK).date()}", [0, 0])[0] += 1
    return days


def _lakthan(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(lakthan_argv(*args), env=env, capture_output=True, text=True, timeout=300)


def _python(env: dict, code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300
    )


def _index(env: dict) -> dict:
    done = _python(env, INDEX)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _paused(env: dict, owner: str, name: str, *args: str) -> subprocess.Popen:
    """`lakthan ARGS…` started, returned once it says it paused at OWNER.NAME."""
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSED, owner, name, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while True:
        assert time.monotonic() < deadline, "the seal never paused"
        if not select.select([proc.stdout], [], [], 1)[0]:
            continue
        said = proc.stdout.readline()
        assert said, f"the seal ended without pausing: {proc.stderr.read()}"
        if said == "paused\n":
            return proc


def _kill_when_paused(env: dict, owner: str, name: str, *args: str) -> None:
    proc = _paused(env, owner, name, *args)
    try:
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def _sealed_files(logs: Path) -> dict[str, tuple[str, int]]:
    """Every sealed file and key of the store: its SHA-256 and inode (a rewrite makes a new one)."""
    paths = [*logs.glob("segments/*"), *logs.glob("checkpoints/*"), *logs.glob("checkpoint.*")]
    return {
        str(p.relative_to(logs)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_ino) for p in paths
    }


@pytest.mark.parametrize("where", list(KILL_POINTS))
def test_a_seal_killed_between_its_files_and_its_rows_is_caught_up_and_counted_once(
    where, process_env, tmp_path
):
    env = {**process_env, "LAKTHAN_DISABLED_ACCOUNTS": "former01"}
    syslog, web = _syslog(), known_attacks()[1]
    (tmp_path / "syslog").write_text("\n".join(syslog) + "\n")
    (tmp_path / "access.log").write_text("\n".join(web) + "\n")
    ingested = _lakthan(env, "logs", "ingest", str(tmp_path / "syslog"))
    assert ingested.returncode == 0 and f"{len(syslog)} events" in ingested.stdout, ingested.stderr
    ingested = _lakthan(
        env, "logs", "ingest", str(tmp_path / "access.log"), "--host", "web01", "--format", "nginx"
    )
    assert ingested.returncode == 0 and f"{len(web)} events" in ingested.stdout, ingested.stderr
    logs = Path(env["LAKTHAN_HOME"]) / "logs"
    assert list(logs.glob("open/chunk-*.days")), (
        "the large chunk was not annotated: the test would not test it"
    )

    _kill_when_paused(env, *KILL_POINTS[where], "logs", "seal")

    # killed where it was meant to be: every file sealed and signed, the rows up to that point only
    assert not list(logs.glob("open/chunk-*.parquet"))
    assert len(list(logs.glob("segments/*.json"))) == len(list(logs.glob("checkpoints/*.txt")))
    annotated = int({p.name.split(".")[0] for p in logs.glob("annotations/*.parquet")}.pop())
    assert (str(annotated) in _index(env)["segments"]) == (where in COMMITTED)
    sealed = _sealed_files(logs)

    caught_up = _lakthan(env, "logs", "seal")
    assert caught_up.returncode == 0, caught_up.stderr
    # the annotations were used and cleared, the matches taken at ingest kept for detection
    assert not list(logs.glob("annotations/*"))
    assert list(logs.glob(f"state/matches/*/{annotated:08d}.parquet"))
    verified = _lakthan(env, "logs", "verify")
    assert verified.returncode == 0 and verified.stdout.startswith("intact"), (
        verified.stdout + verified.stderr
    )
    detected = _lakthan(env, "logs", "detect", "--json")
    assert detected.returncode == 0, detected.stderr
    assert {(a["rule_title"], a["host"]): a["count"] for a in json.loads(detected.stdout)} == ALERTS
    again = _lakthan(env, "logs", "seal")  # a second catch-up counts nothing twice either
    assert again.returncode == 0, again.stderr

    index = _index(env)
    on_disk = {
        str(int(h["index"])): h["count"]
        for h in map(json.loads, map(Path.read_text, logs.glob("segments/*.json")))
    }
    assert index["segments"] == on_disk and sorted(index["checkpoints"]) == sorted(map(int, on_disk))
    ours = {k: v for k, v in index["host_days"].items() if not k.startswith("lakthan ")}
    assert ours == _expected_days(syslog, web)
    assert sum(v[0] for v in ours.values()) == len(syslog) + len(web)
    searched = index["searched"]  # what search reads back: every event, ours each once
    assert sum(n for host, n in searched.items() if host != "lakthan") == len(syslog) + len(web)
    assert sum(v[0] for v in index["host_days"].values()) == sum(on_disk.values()) == sum(searched.values())
    assert {h: index["last_seq"][h] for h in NOISE_HOSTS} == {
        h: (settings.LAKTHAN_LOG_ALONE_ROWS + 1000) // 4 + (GAP if h == "app03" else 0) for h in NOISE_HOSTS
    }
    # nothing sealed before the kill was removed or written again
    now = _sealed_files(logs)
    assert {k: now.get(k) for k in sealed} == sealed


def test_two_sealers_at_once_index_each_segment_once_and_both_succeed(process_env, tmp_path):
    """The second waits for the first's index (stopped inside its segment's transaction), then finds
    the segment known: no duplicate row, no error."""
    syslog = _syslog()
    (tmp_path / "syslog").write_text("\n".join(syslog) + "\n")
    assert _lakthan(process_env, "logs", "ingest", str(tmp_path / "syslog")).returncode == 0
    first = _paused({**process_env, "PAUSE": "stop"}, "seal", "count_host_days", "logs", "seal")
    second = subprocess.Popen(
        lakthan_argv("logs", "seal"),
        env=process_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            second.wait(3)  # waiting for the first, which holds its segment's transaction open
        os.kill(first.pid, signal.SIGCONT)
        out1, err1 = first.communicate(timeout=120)
        out2, err2 = second.communicate(timeout=120)
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert first.returncode == 0, err1
    print("SECOND", out2, err2, "FIRST", out1, err1)
    assert second.returncode == 0, err2
    index = _index(process_env)
    logs = Path(process_env["LAKTHAN_HOME"]) / "logs"
    on_disk = {
        str(int(h["index"])): h["count"]
        for h in map(json.loads, map(Path.read_text, logs.glob("segments/*.json")))
    }
    assert index["segments"] == on_disk and sorted(index["checkpoints"]) == sorted(map(int, on_disk))
    ours = {k: v for k, v in index["host_days"].items() if not k.startswith("lakthan ")}
    assert ours == _expected_days(syslog, [])
