"""Detection's fast path (candidates for all rules at once, then the exact conditions on those only)
matches exactly what each rule's exact condition matches over the whole batch: on random batches whose
messages hold the rules' keywords in any case, and on random rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakthan.monitoring.pipeline.detect import exact_matches, matching, windowed
from lakthan.monitoring.pipeline.rules import CompiledCorrelation, RuleSet, add_derived, compile_texts
from lakthan.monitoring.pipeline.schema import conform

RULES = Path(__file__).resolve().parents[2] / "src" / "lakthan" / "monitoring" / "rules"
SAMPLES = Path("/work/shared/testdata/sigma")
if not SAMPLES.exists():
    SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "sigma"
PLACEHOLDERS = {"disabled_accounts": ["former01", "Backdoor"]}
SAMPLE_SOURCES = [(str(p), p.read_text()) for d in (RULES, SAMPLES) for p in sorted(d.rglob("*.yml"))]
SAMPLE_RULES = compile_texts(SAMPLE_SOURCES, PLACEHOLDERS)


def _pieces(detection) -> list[str]:
    """The strings of a detection, wildcards taken out: events made of them tend to match."""
    if isinstance(detection, dict):
        return [p for v in detection.values() for p in _pieces(v)]
    if isinstance(detection, list):
        return [p for v in detection for p in _pieces(v)]
    return [p for p in re.split(r"[*?]", str(detection)) if p]


SAMPLE_PIECES = tuple(
    p for _, text in SAMPLE_SOURCES for d in yaml.safe_load_all(text) for p in _pieces(d.get("detection", {}))
)

# pieces of the rules' keywords and of ordinary lines; "İ" and the Kelvin sign "K" lower-case to ASCII
# letters, "ſ" (long s) and "ı" (dotless i) do not
MSG = [
    "history -c",
    "rm /var/log/syslog",
    "/syslog.",
    "new user",
    "UID=0,",
    "GID=27,",
    "scp ",
    "rsync ",
    "@",
    ":",
    "() { :; };",
    "REPLACE",
    "Trojan",
    "FOUND",
    "(2 users now present)",
    "Connection refused: tcp_wrappers denial.",
    "syscall 12 out of bounds",
    "sh_history",
    "cat /dev/null >",
    "journalctl --vacuum",
    "Failed password for root from 203.0.113.7",
    "Accepted publickey for staff1",
    "ssh2",
    "port 4100",
    "stack smashing detected",
    "exited on signal 6 (core dumped)",
    "\u0130",
    "\u212a",
    "\u017f",
    "\u0131",
    "\u03a3",
    "x",
]
URI = [
    "/index.html",
    "/../etc/passwd",
    "/mgmt/tm/util/bash",
    "?q=union+select",
    "/tool.exe",
    "momyshark?key=",
]
AGENT = ["Mozilla/5.0", "sqlmap/1.7", "Microsoft-WebDAV-MiniRedir/10.0", "Hello-World/1.0", "Nikto"]
HOST = ["a.hopto.org", "files.example.com", "evil.xyz", "b.top", "x.ws"]
COLUMNS = {
    "host": ["web01", "db01"],
    "fmt": ["syslog3164", "syslog5424", "nginx", "apache", "nginx-error", "apache-error", "jsonl", "raw"],
    "app": [
        "sshd",
        "SSHD",
        "cron",
        "CRON",
        "vsftpd",
        "apache",
        "nginx",
        "useradd",
        "su",
        "clamav",
        "\u017fshd",
    ],
    "action": [
        "ssh_failed",
        "SSH_Failed",
        "ssh_accepted",
        "ssh_invalid_user",
        "user_created",
        "sudo_granted",
    ],
    "user": ["root", "former01", "FORMER01", "backdoor", "staff1"],
    "src_ip": ["203.0.113.7", "203.0.113.250", "198.51.100.4", "10.1.0.5", "::1", "not an address"],
    "method": ["GET", "get", "POST"],
    "uri_ext": ["exe", "EXE", "html", "ws"],
    "useragent": AGENT,
    "vhost": HOST,
    "status": [200, 404, 500],
}
CASES = [str.lower, str.upper, str.title, str.swapcase, str]


def cased(pool):
    return st.builds(lambda f, s: f(s), st.sampled_from(CASES), st.sampled_from(pool))


def nullable(values):
    return st.one_of(values, values, values, st.none())  # null about one time in four


def text(pool):
    return st.one_of(cased(pool), st.lists(cased(pool), min_size=2, max_size=4).map(" ".join))


T0 = datetime(2013, 3, 4, tzinfo=UTC)  # a Monday


def batches(extra: tuple[str, ...] = ()):
    """Batches of 10 to 50 events; ``extra`` are more pieces for their string columns."""
    strings = {c: cased([*v, *extra]) for c, v in COLUMNS.items() if c not in ("host", "fmt", "status")}
    fmt = st.one_of(st.just("syslog5424"), st.sampled_from(COLUMNS["fmt"]), cased(COLUMNS["fmt"]))
    event = st.fixed_dictionaries(
        {
            "ts": nullable(st.integers(0, 7 * 24 * 3600).map(lambda s: T0 + timedelta(seconds=s))),
            "msg": nullable(text([*MSG, *extra])),
            "uri": nullable(text([*URI, *extra])),
            "fmt": nullable(fmt),
            "host": nullable(st.sampled_from(COLUMNS["host"])),
            "status": nullable(st.sampled_from(COLUMNS["status"])),
            **{c: nullable(v) for c, v in strings.items()},
        }
    )
    return st.lists(event, min_size=10, max_size=50).map(_frame)


def _frame(rows: list[dict]) -> pl.DataFrame:
    df = pl.DataFrame(rows, schema_overrides={"ts": pl.Datetime("us", "UTC")}, infer_schema_length=None)
    return conform(df).with_columns(
        pl.lit(1, dtype=pl.Int64).alias("segment"), pl.int_range(pl.len(), dtype=pl.Int64).alias("position")
    )


# random rules: a logsource, two selections on random fields with random modifiers, keywords, a condition
LOGSOURCES = [
    {"product": "linux"},
    {"product": "linux", "service": "sshd"},
    {"product": "linux", "service": "auth"},
    {"service": "cron"},
    {"category": "webserver"},
    {"category": "proxy"},
    {"category": "application"},
    {"service": "apache"},
    {"service": "syslog"},
]
FIELDS = {
    "message": MSG,
    "event": COLUMNS["action"],
    "User": COLUMNS["user"],
    "program": COLUMNS["app"],
    "c-uri": URI,
    "c-useragent": AGENT,
    "cs-method": COLUMNS["method"],
    "cs-host": HOST,
    "c-uri-extension": COLUMNS["uri_ext"],
    "office_hours": ["yes", "no"],
    "weekday": ["Mon", "sat"],
}
MODIFIERS = ["", "|contains", "|contains", "|startswith", "|endswith", "|contains|all"]


def wildcarded(s: str) -> str:
    return s.replace("?", "\\?").replace("*", "\\*")


def values(pool):
    value = st.one_of(
        cased(pool).map(wildcarded),
        st.tuples(cased(pool), cased(pool)).map(lambda p: f"{wildcarded(p[0])}*{wildcarded(p[1])}"),
        cased(pool).map(lambda s: wildcarded(s)[:-1] + "?" if s else s),
    )
    return st.lists(value, min_size=1, max_size=3)


selection = st.one_of(
    st.sampled_from(sorted(FIELDS)).flatmap(
        lambda f: st.builds(lambda m, v: {f + m: v}, st.sampled_from(MODIFIERS), values(FIELDS[f]))
    ),
    st.sampled_from(MSG).map(lambda s: {"message|re": f"(?i){re.escape(s.strip()[:6])}.*"}),
    st.sampled_from(["203.0.113.0/24", "10.0.0.0/8", "198.51.100.4/32"]).map(lambda c: {"src_ip|cidr": c}),
    st.just({"User|expand": "%disabled_accounts%"}),
    st.sampled_from(["200", "404"]).map(lambda s: {"sc-status": int(s)}),
    st.sampled_from([8, 17, 23]).map(lambda h: {"hour": h}),
)
CONDITIONS = [
    "sel_a",
    "sel_a and sel_b",
    "sel_a or not sel_b",
    "not sel_a",
    "1 of sel_*",
    "all of sel_*",
    "keywords",
    "keywords and not sel_a",
    "sel_a or keywords",
]
rule_text = st.builds(
    lambda source, a, b, keywords, condition: yaml.safe_dump(
        {
            "title": "random",
            "id": "5d0f6a0e-0000-4000-8000-0000000000ff",
            "logsource": source,
            "detection": {"sel_a": a, "sel_b": b, "keywords": keywords, "condition": condition},
            "level": "low",
        },
        allow_unicode=True,
    ),
    st.sampled_from(LOGSOURCES),
    selection,
    selection,
    values(MSG),
    st.sampled_from(CONDITIONS),
)


def by_rule(events: pl.DataFrame, rs: RuleSet) -> tuple[dict, dict]:
    """(fast path, straightforward evaluation): each rule's matched positions."""
    found, matched = matching(events, rs)
    fast = {
        i: set(found.filter(matched[str(i)])["position"]) if str(i) in matched.columns else set()
        for i in range(len(rs.rules))
    }
    every = add_derived(events, rs.fields())
    plain = every.select(
        (r.logsource & r.exact).fill_null(False).alias(str(i)) for i, r in enumerate(rs.rules)
    )
    return fast, {i: set(every.filter(plain[str(i)])["position"]) for i in range(len(rs.rules))}


def assert_needles_are_necessary(events: pl.DataFrame, rs: RuleSet) -> None:
    every = add_derived(events, rs.fields())
    for r in rs.rules:
        assert every.filter(r.exact & ~r.prefilter).height == 0, r.title


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(batches(SAMPLE_PIECES))
def test_sample_rules_match_the_same_events_as_their_exact_conditions(events):
    fast, plain = by_rule(events, SAMPLE_RULES)
    assert fast == plain


@SETTINGS
@given(st.data(), st.lists(rule_text, min_size=1, max_size=3))
def test_random_rules_match_the_same_events_as_their_exact_conditions(data, texts):
    rs = compile_texts([(f"r{i}.yml", t) for i, t in enumerate(texts)], PLACEHOLDERS)
    pieces = tuple(p for t in texts for p in _pieces(yaml.safe_load(t)["detection"]))
    events = data.draw(batches(pieces))
    fast, plain = by_rule(events, rs)
    assert fast == plain
    assert_needles_are_necessary(events, rs)


def test_exact_conditions_run_on_each_rules_candidates_and_are_false_elsewhere():
    # a constant condition (a rule with no field condition) is one value a candidate row, and a null
    # of a condition is no match, as over the whole batch
    candidates = pl.DataFrame(
        {
            "0": [True, False, True, False, True],
            "1": [False, True, True, False, True],
            "2": [False] * 5,
            "3": [True] * 5,
            "x": [1, 2, 3, 4, None],
        }
    )
    exact = {"0": pl.lit(True), "1": pl.col("x") > 1, "2": pl.lit(True), "3": pl.col("x") < 3}
    got = exact_matches(candidates, exact)
    over_all = candidates.select((pl.col(n) & e).fill_null(False).alias(n) for n, e in exact.items())
    assert got.equals(over_all)
    assert got.to_dict(as_series=False) == {
        "0": [True, False, True, False, True],
        "1": [False, True, True, False, False],
        "2": [False] * 5,
        "3": [True, True, False, False, False],
    }
    assert exact_matches(candidates.clear(), exact).to_dict(as_series=False) == {n: [] for n in exact}


def test_the_sample_rules_needles_are_necessary():
    # every piece of message in every casing, the other columns going round their values
    msgs = [case(m) for m in (*MSG, *SAMPLE_PIECES) for case in CASES] + [" ".join(MSG)]
    rows = [
        {"msg": m, "uri": URI[i % len(URI)], **{c: v[i % len(v)] for c, v in COLUMNS.items()}}
        for i, m in enumerate(msgs)
    ]
    assert_needles_are_necessary(_frame(rows), SAMPLE_RULES)


def test_letters_whose_lower_case_is_ascii_are_found():
    rule = {
        "title": "t",
        "id": "5d0f6a0e-0000-4000-8000-0000000000ab",
        "logsource": {"product": "linux"},
        "detection": {"k": ["kill -9", "taxi"], "condition": "k"},
    }
    rs = compile_texts([("t.yml", yaml.safe_dump(rule))])
    rows = [{"fmt": "syslog5424", "msg": m} for m in ["\u212aILL -9", "TAX\u0130", "TAXı", "kill"]]
    events = conform(pl.DataFrame(rows)).with_columns(
        pl.lit(1, dtype=pl.Int64).alias("segment"), pl.int_range(pl.len(), dtype=pl.Int64).alias("position")
    )
    fast, plain = by_rule(events, rs)
    assert fast == plain == {0: {0, 1}}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", None]), st.integers(0, 900)), max_size=40),
    st.integers(1, 5),
    st.sampled_from(["gte", "gt"]),
)
def test_windows_hold_the_events_of_every_qualifying_window(points, threshold, op):
    corr = CompiledCorrelation("c", "c", "high", "c.yml", ["r"], ["src_ip"], 60, op, threshold)
    hit = pl.DataFrame(
        {
            "host": ["h"] * len(points),
            "ts": [T0 + timedelta(seconds=s) for _, s in points],
            "segment": [1] * len(points),
            "position": list(range(len(points))),
            "src_ip": [g for g, _ in points],
        },
        schema_overrides={"ts": pl.Datetime("us", "UTC"), "src_ip": pl.Utf8},
    )

    def qualifies(group, start):
        count = sum(1 for g, s in points if g == group and start <= s <= start + 60)
        return count >= threshold if op == "gte" else count > threshold

    inside = {
        k
        for k, (g, s) in enumerate(points)
        if any(h == g and t <= s <= t + 60 and qualifies(g, t) for h, t in points)
    }
    assert set(windowed(hit, corr)["position"]) == inside


@pytest.mark.parametrize(
    "logsource, fmt, app, applies",
    [
        ({"product": "linux"}, "syslog5424", "anything", True),
        ({"product": "linux"}, "nginx", "nginx", False),
        ({"category": "webserver"}, "nginx", None, True),
        ({"category": "proxy"}, "apache", None, True),
        ({"category": "webserver"}, "nginx-error", None, False),
        ({"category": "application"}, "jsonl", None, True),
        ({"service": "sshd"}, "syslog3164", "SSHD", True),
        ({"service": "sshd"}, "jsonl", "sshd", False),
        ({"service": "apache"}, "apache-error", "Apache", True),
        ({"service": "auth"}, "syslog5424", "useradd", True),
        ({"service": "auth"}, "syslog5424", "cron", False),
        ({"service": "syslog"}, "raw", None, True),
        ({"product": "linux", "category": "process_creation"}, "syslog5424", "sshd", False),
    ],
)
def test_logsources_apply_to_the_formats_and_programs_they_name(logsource, fmt, app, applies):
    rule = {
        "title": "t",
        "id": "5d0f6a0e-0000-4000-8000-0000000000ac",
        "logsource": logsource,
        "detection": {"k": ["needle"], "condition": "k"},
    }
    rs = compile_texts([("t.yml", yaml.safe_dump(rule))])
    events = _frame([{"fmt": fmt, "app": app, "msg": "a Needle"}, {"fmt": fmt, "app": app, "msg": "none"}])
    fast, plain = by_rule(events, rs)
    assert fast == plain == {0: {0} if applies else set()}
