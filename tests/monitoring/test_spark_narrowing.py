"""The Spark hunt leaves out, before parsing, the lines no rule can match (``spark.rules.narrowing``):
on test_spark_hunt's store with the rules whose needles can be tested on the line, fewer lines reach
the parse, every event some rule matches is among them, and the alerts (correlations too, whole
period and cut) are still the local engine's. Rules a needle cannot narrow keep every line."""

from __future__ import annotations

import polars as pl
import pytest

from lakthan.monitoring.pipeline import detect as detect_engine
from lakthan.monitoring.pipeline import rules
from lakthan.monitoring.services.events import positioned

from .test_spark_hunt import END, OWN, PLACEHOLDERS, START, _local, _sources, store  # noqa: F401

pytestmark = pytest.mark.django_db

BRUTE = """title: Failed password
id: 5a1f6d0e-0000-4000-8000-000000000201
name: narrow_failed_password
logsource: {product: linux, service: sshd}
detection:
  sel: {msg|contains: Failed password}
  condition: sel
level: low
---
title: Failed passwords (5 or more from one host in 10 minutes)
id: 5a1f6d0e-0000-4000-8000-000000000202
correlation:
  type: event_count
  rules: [narrow_failed_password]
  group-by: [Hostname]
  timespan: 10m
  condition: {gte: 5}
level: medium
---
title: Get request
id: 5a1f6d0e-0000-4000-8000-000000000203
name: narrow_get
logsource: {category: webserver}
detection:
  sel: {cs-method: GET}
  condition: sel
level: low
---
title: Get burst (more than 20 in 30 seconds, any host)
id: 5a1f6d0e-0000-4000-8000-000000000204
correlation:
  type: event_count
  rules: [narrow_get]
  timespan: 30s
  condition: {gt: 20}
level: medium
"""


def _narrowable() -> list[tuple[str, str]]:
    """The sources whose every rule has needles on fields read out of the line (or stored)."""
    from lakthan.monitoring.pipeline.rules import needle_list
    from lakthan.monitoring.pipeline.spark.segments import IN_LINE, STORED_TEXT

    testable = IN_LINE["syslog"] & IN_LINE["nginx"] | STORED_TEXT
    out = []
    for path, text in [*_sources(), ("narrow_brute.yml", BRUTE)]:
        rs = rules.compile_texts([(path, text)], PLACEHOLDERS)
        if rs.rules and all(
            r.needles is not None and {h.column for h in needle_list(r.needles)} <= testable for r in rs.rules
        ):
            out.append((path, text))
    return out


@pytest.fixture(scope="module")
def narrowed(store, spark) -> dict:  # noqa: F811
    from lakthan.monitoring.pipeline.spark import rules as spark_rules
    from lakthan.monitoring.pipeline.spark.hunt import hunt
    from lakthan.monitoring.pipeline.spark.segments import derived_events

    sources = _narrowable()
    rs = rules.compile_texts(sources, PLACEHOLDERS)
    srs = spark_rules.of_ruleset(rs)
    segments = [(i, str(store.segment_path(i))) for i in range(1, store.size() + 1)]
    keep = spark_rules.narrowing(srs)
    assert keep is not None
    kept = derived_events(spark, segments, keep=keep).select("segment", "position").collect()
    matched = []
    for i in range(1, store.size() + 1):
        candidates, hits = detect_engine.matching(positioned(store, i), rs)
        if hits.width:
            matched.append(candidates.filter(pl.any_horizontal(hits)).select("segment", "position"))
    out = {
        "rs": rs,
        "sources": sources,
        "lines": sum(len(store.read_segment(i, ["ts"])) for i in range(1, store.size() + 1)),
        "kept": {(r["segment"], r["position"]) for r in kept},
        "matched": set(pl.concat(matched).iter_rows()),
        "all_rules_keep": spark_rules.narrowing(spark_rules.compile_texts(_sources(), PLACEHOLDERS)),
    }
    for name, (start, end) in {"all": (None, None), "cut": (START, END)}.items():
        out[name] = (_local(store, rs, start, end), hunt(spark, segments, sources, PLACEHOLDERS, start, end))
    return out


def test_the_narrowed_rules_include_plain_rules_and_correlations(narrowed):
    paths = {p for p, _ in narrowed["sources"]}
    assert len(paths) >= 12, sorted(paths)
    assert "narrow_brute.yml" in paths  # two correlations: one grouped by host, one not
    assert len(narrowed["rs"].correlations) == 2


def test_fewer_lines_reach_the_parse_and_every_matched_event_is_among_them(narrowed):
    kept, matched = narrowed["kept"], narrowed["matched"]
    assert len(matched) > 50
    assert matched <= kept
    assert len(kept) < narrowed["lines"] // 2, (len(kept), narrowed["lines"])


def test_the_alerts_are_the_local_engines_whole_period_and_cut(narrowed):
    local, spark = narrowed["all"]
    assert spark == local
    titles = {a["rule_title"] for a in local}
    assert any(t.startswith("Failed passwords (5") for t in titles), titles
    assert any(t.startswith("Get burst") for t in titles), titles
    assert len(titles) >= 6, titles
    cut_local, cut_spark = narrowed["cut"]
    assert cut_spark == cut_local
    assert cut_local != local


def test_a_rule_without_needles_keeps_every_line(narrowed):
    assert narrowed["all_rules_keep"] is None  # own_regex, own_cidr, own_null … have none
    assert "own_regex.yml" in OWN


def test_what_the_line_cannot_tell_keeps_the_lines_of_that_parser(spark):
    from lakthan.monitoring.pipeline.spark import rules as spark_rules

    def kept(rule: str) -> list[int]:
        srs = spark_rules.compile_texts([("r.yml", rule)])
        assert srs.errors == [] and len(srs.rules) == 1
        keep = spark_rules.narrowing(srs)
        assert keep is not None
        lines = [
            ("syslog", "<13>1 2024-01-01T00:00:00Z h sshd - - - nothing here"),
            ("syslog", "<13>1 2024-01-01T00:00:00Z h sshd - - - a NEEDLE here"),
            ("nginx", '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"'),
            ("jsonl", '{"ts": "2024-01-01T00:00:00Z", "msg": "ne\\u0065dle"}'),
            ("syslog", "<13>1 2024-01-01T00:00:00Z h sshd - - - \u0130stanbul"),
            ("syslog", "<13>1 2024-01-01T00:00:00Z h sshd - - - \u212anitting ODO\u03a3 x"),
            ("apache", "[Mon Jan 01 00:00:00 2024] [error] needless"),
            ("syslog", "<13>1 2024-01-01T00:00:00Z h sshd - - - ODO\u03a3 x"),
        ]
        stored = pl.DataFrame(lines, schema=["parser", "raw"], orient="row")
        return [i for i, k in enumerate(keep(stored)) if k]

    head = "title: t\nid: 5a1f6d0e-0000-4000-8000-000000000205\nlevel: low\nlogsource: {product: linux}\n"
    msg = head + "detection:\n  s: {msg|contains: needle}\n  condition: s\n"
    # the JSON line's message is decoded (\\u0065 is "e"): its lines are all kept; İ and the Kelvin
    # sign lower-case to ASCII letters, so lines holding them are kept too
    assert kept(msg) == [1, 3, 4, 5, 6]
    app = head + "detection:\n  s: {program|contains: nginx}\n  condition: s\n"
    # a web log's app is its format, not in its line: web lines are all kept (and JSON's)
    assert kept(app) == [2, 3, 4, 5, 6]
    # a literal beyond ASCII: every line beyond ASCII is kept (Java's lower case is not polars')
    greek = head + "detection:\n  s: {msg|contains: 'ΟΔΟΣ'}\n  condition: s\n"
    assert kept(greek) == [3, 4, 5, 7]
