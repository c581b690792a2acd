"""Parsers: syslog (RFC 3164 and RFC 5424), auth.log/sshd, nginx/Apache access and error logs, JSON lines.

Vectorised with polars regular expressions over a batch of lines. A line that does not parse is kept
raw (``parsed = false``, ``msg = raw``, its time taken from the line before it) and counted, never
dropped. No Django here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from lakthan.monitoring.pipeline.schema import conform

FORMATS = ("auto", "syslog", "auth", "nginx", "apache", "jsonl")

RE_3164 = (
    r"^(?:<(?P<pri>\d{1,3})>)?(?P<ts>[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d) (?P<host>\S+) "
    r"(?P<app>[^:\[\s]+)(?:\[(?P<pid>\d+)\])?: ?(?P<msg>.*)$"
)
RE_5424 = (
    r"^<(?P<pri>\d{1,3})>1 (?P<ts>\S+) (?P<host>\S+) (?P<app>\S+) (?P<pid>\S+) (?P<msgid>\S+) "
    r"(?P<sd>-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(?P<msg>.*)$"
)
RE_5424_SD = r"^(?P<sd>-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(?P<msg>(?s:.*))$"
RE_ACCESS = (
    r"^(?P<ip>\S+) \S+ (?P<user>\S+) \[(?P<ts>[^\]]+)\] \"(?P<method>[A-Z]+) (?P<uri>\S+)[^\"]*\" "
    r"(?P<status>\d{3}) \S+(?: \"(?P<ref>[^\"]*)\" \"(?P<ua>[^\"]*)\")?"
)
RE_NGINX_ERROR = r"^(?P<ts>\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[(?P<level>\w+)\] (?P<pid>\d+)#\d+: (?P<msg>.*)$"
RE_APACHE_ERROR = (
    r"^\[(?P<ts>\w{3} \w{3} +\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)? \d{4})\] \[(?P<level>[^\]]*)\] "
    r"(?:\[pid (?P<pid>\d+)[^\]]*\] )?(?:\[client (?P<ip>[^\]]+?)(?::\d+)?\] )?(?P<msg>.*)$"
)

SEVERITY_OF_LEVEL = {
    "emerg": 0,
    "alert": 1,
    "crit": 2,
    "error": 3,
    "warn": 4,
    "notice": 5,
    "info": 6,
    "debug": 7,
}


@dataclass
class Parsed:
    events: pl.DataFrame
    unparsed: int


def sniff(lines: list[str]) -> str:
    """Guess a file's format from its first lines."""
    sample = [line for line in lines[:50] if line.strip()]
    if not sample:
        return "syslog"
    s = pl.Series(sample)
    scores = {
        "jsonl": s.str.starts_with("{").sum(),
        "syslog": (s.str.contains(RE_3164) | s.str.contains(RE_5424)).sum(),
        "nginx": (s.str.contains(RE_ACCESS) | s.str.contains(RE_NGINX_ERROR)).sum(),
        "apache": s.str.contains(RE_APACHE_ERROR).sum(),
    }
    return max(scores, key=lambda k: scores[k])


def parse(
    lines: list[str],
    fmt: str = "auto",
    *,
    host: str | None = None,
    source: str = "",
    year: int | None = None,
    tz: str = "Asia/Bangkok",
    now: datetime | None = None,
) -> Parsed:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    lines = [line.rstrip("\r\n") for line in lines]
    lines = [line for line in lines if line.strip()]
    now = now or datetime.now(UTC)
    if fmt == "auto":
        fmt = sniff(lines)
    if fmt == "jsonl":
        df = _jsonl(lines)
    elif fmt in ("syslog", "auth"):
        df = _syslog(pl.DataFrame({"raw": lines}, schema={"raw": pl.Utf8}), year or now.year, tz)
    else:
        df = _web(pl.DataFrame({"raw": lines}, schema={"raw": pl.Utf8}), fmt, tz)
    df = conform(df).with_columns(
        pl.col("parsed").fill_null(False),
        pl.col("msg").fill_null(pl.col("raw")),
        pl.col("host").fill_null(pl.lit(host)),
        pl.lit(source or None, dtype=pl.Utf8).alias("source"),
    )
    df = df.with_columns(
        pl.when(pl.col("parsed")).then(pl.col("fmt")).otherwise(pl.lit("raw")).alias("fmt"),
        # an unparsed line takes the time of the line before it (or after it, or now)
        pl.col("ts").forward_fill().backward_fill().fill_null(pl.lit(now).cast(pl.Datetime("us", "UTC"))),
    )
    df = _enrich(conform(df))
    return Parsed(df, int((~df["parsed"]).sum()))


def _syslog(df: pl.DataFrame, year: int, tz: str) -> pl.DataFrame:
    a = df["raw"].str.extract_groups(RE_3164).struct.unnest()
    b = _split_5424(df["raw"])
    ts_a = (
        (f"{year} " + a["ts"].str.replace_all(" +", " "))
        .str.to_datetime("%Y %b %d %H:%M:%S", strict=False)
        .dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
    )
    ts_b = (
        b["ts"]
        .str.replace(r"Z$", "+00:00")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", time_zone="UTC", strict=False)
    )
    is_b = b["host"].is_not_null() & ts_b.is_not_null()
    is_a = ~is_b & a["host"].is_not_null() & ts_a.is_not_null()

    def pick(col_b, col_a):
        return pl.select(pl.when(is_b).then(col_b).when(is_a).then(col_a).otherwise(None)).to_series()

    nil = lambda s: s.replace("-", None)  # noqa: E731 — RFC 5424 NILVALUE
    out = pl.DataFrame(
        {
            "raw": df["raw"],
            "ts": pick(ts_b, ts_a),
            "host": pick(nil(b["host"]), a["host"]),
            "app": pick(nil(b["app"]), a["app"]),
            "pid": pick(nil(b["pid"]), a["pid"]),
            "msg": pick(b["msg"], a["msg"]),
            "severity": pick(b["pri"].cast(pl.Int64) % 8, a["pri"].cast(pl.Int64) % 8),
            "seq": pl.select(
                pl.when(is_b).then(b["sd"].str.extract(r'sequenceId="(\d+)"').cast(pl.Int64, strict=False))
            ).to_series(),
            "fmt": pl.select(
                pl.when(is_b).then(pl.lit("syslog5424")).when(is_a).then(pl.lit("syslog3164"))
            ).to_series(),
            "parsed": is_a | is_b,
        }
    )
    return out


def _split_5424(raw: pl.Series) -> pl.DataFrame:
    """RFC 5424 header fields by splitting on spaces (vectorised), the structured data by a regex."""
    parts = raw.str.splitn(" ", 7).struct.unnest()
    parts.columns = ["head", "ts", "host", "app", "pid", "msgid", "rest"]
    head = parts["head"].str.extract(r"^<(\d{1,3})>1$")
    rest = parts["rest"]
    # the structured data ends at the first unescaped "]" followed by a space or the end (no capture: fast)
    end = rest.str.find(r"[^\\]\](?: |$)").cast(pl.Int64)
    sd_len = pl.select(
        pl.when(rest.str.starts_with("- ") | (rest == "-"))
        .then(1)
        .when(rest.str.starts_with("["))
        .then(end + 2)
    ).to_series()
    sd = pl.DataFrame({"sd": rest.str.slice(0, sd_len), "msg": rest.str.slice(sd_len + 1)})
    ok = head.is_not_null() & sd["sd"].is_not_null()
    keep = lambda s: pl.select(pl.when(ok).then(s)).to_series()  # noqa: E731
    return pl.DataFrame(
        {
            "pri": keep(head),
            "ts": keep(parts["ts"]),
            "host": keep(parts["host"]),
            "app": keep(parts["app"]),
            "pid": keep(parts["pid"]),
            "sd": keep(sd["sd"]),
            "msg": keep(sd["msg"]),
        }
    )


def _web(df: pl.DataFrame, fmt: str, tz: str) -> pl.DataFrame:
    acc = df["raw"].str.extract_groups(RE_ACCESS).struct.unnest()
    ts_acc = acc["ts"].str.to_datetime("%d/%b/%Y:%H:%M:%S %z", time_zone="UTC", strict=False)
    if fmt == "nginx":
        err = df["raw"].str.extract_groups(RE_NGINX_ERROR).struct.unnest()
        ts_err = err["ts"].str.to_datetime("%Y/%m/%d %H:%M:%S", strict=False)
        err_ip = err["msg"].str.extract(r"client: ([0-9a-fA-F.:]+)")
    else:
        err = df["raw"].str.extract_groups(RE_APACHE_ERROR).struct.unnest()
        ts_err = (
            err["ts"]
            .str.replace(r"\.\d+", "")
            .str.replace(r"^\w{3} ", "")
            .str.replace_all(" +", " ")
            .str.to_datetime("%b %d %H:%M:%S %Y", strict=False)
        )
        err_ip = err["ip"]
    ts_err = ts_err.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null").dt.convert_time_zone(
        "UTC"
    )
    is_acc = acc["ip"].is_not_null() & ts_acc.is_not_null()
    is_err = ~is_acc & err["msg"].is_not_null() & ts_err.is_not_null()

    def pick(x, y):
        return pl.select(pl.when(is_acc).then(x).when(is_err).then(y).otherwise(None)).to_series()

    uri = pl.select(pl.when(is_acc).then(acc["uri"])).to_series()
    level = err["level"].str.extract(r"(\w+)$")
    return pl.DataFrame(
        {
            "raw": df["raw"],
            "ts": pick(ts_acc, ts_err),
            "app": pl.Series([fmt] * len(df), dtype=pl.Utf8),
            "pid": pl.select(pl.when(is_err).then(err["pid"])).to_series(),
            "msg": pick(df["raw"], err["msg"]),
            "src_ip": pick(acc["ip"], err_ip),
            "user": pl.select(pl.when(is_acc & (acc["user"] != "-")).then(acc["user"])).to_series(),
            "method": pl.select(pl.when(is_acc).then(acc["method"])).to_series(),
            "uri": uri,
            "uri_ext": uri.str.extract(r"^[^?#]*/[^/?#]*\.([A-Za-z0-9]{1,8})(?:[?#]|$)").str.to_lowercase(),
            "status": pl.select(pl.when(is_acc).then(acc["status"].cast(pl.Int64))).to_series(),
            "useragent": pl.select(pl.when(is_acc).then(acc["ua"])).to_series(),
            "severity": pl.select(
                pl.when(is_err).then(
                    level.replace_strict(SEVERITY_OF_LEVEL, default=None, return_dtype=pl.Int64)
                )
            ).to_series(),
            "fmt": pl.select(
                pl.when(is_acc).then(pl.lit(fmt)).when(is_err).then(pl.lit(f"{fmt}-error"))
            ).to_series(),
            "parsed": is_acc | is_err,
        }
    )


_JSON_KEYS = {
    "ts": ("ts", "time", "@timestamp", "timestamp"),
    "host": ("host", "hostname"),
    "app": ("app", "system", "application", "service"),
    "user": ("user", "actor", "username"),
    "action": ("action", "event"),
    "record": ("record", "object", "target"),
    "msg": ("msg", "message"),
    "src_ip": ("src_ip", "ip", "client_ip"),
}


def _jsonl(lines: list[str]) -> pl.DataFrame:
    rows = []
    for line in lines:
        row: dict = {"raw": line, "parsed": False}
        try:
            obj = json.loads(line)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            for key, names in _JSON_KEYS.items():
                for name in names:
                    if obj.get(name) not in (None, ""):
                        row[key] = str(obj[name])
                        break
            ts = _iso(row.pop("ts", None))
            if ts is not None:
                row.update(ts=ts, parsed=True, fmt="jsonl")
                row.setdefault(
                    "msg", " ".join(f"{k}={v}" for k, v in obj.items() if not isinstance(v, dict | list))
                )
        rows.append(row)
    schema = {"raw": pl.Utf8, "parsed": pl.Boolean, "ts": pl.Datetime("us", "UTC"), "fmt": pl.Utf8}
    schema.update({k: pl.Utf8 for k in _JSON_KEYS if k != "ts"})
    return pl.DataFrame(rows, schema=schema)


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


# sshd, useradd, usermod, sudo, log clearing: the actions our rules and coverage speak of
_ACTIONS = [
    ("ssh_failed", r"Failed (?:password|publickey) for (?:invalid user )?(\S+) from ([0-9a-fA-F.:]+)"),
    ("ssh_invalid_user", r"Invalid user (\S+) from ([0-9a-fA-F.:]+)"),
    ("ssh_accepted", r"Accepted \S+ for (\S+) from ([0-9a-fA-F.:]+)"),
    ("user_created", r"new user: name=([^,\s]+)()"),
    (
        "sudo_granted",
        r"(?:add '([^']+)' to group '(?:sudo|wheel|admin)'|adding user (\S+) to group (?:sudo|wheel))",
    ),
    ("sudo_command", r"^\s*(\S+) : .*COMMAND=(.*)$"),
]


_ACTION_LITERALS = ["Failed ", "Invalid user ", "Accepted ", "new user: ", "to group ", "COMMAND="]


def _enrich(df: pl.DataFrame) -> pl.DataFrame:
    """Sets action, user and source address from the message. The regular expressions run only on the
    rows whose message holds one of their literals (an Aho-Corasick prefilter), in original order."""
    candidates = pl.col("msg").str.contains_any(_ACTION_LITERALS).fill_null(False)
    df = df.with_row_index("_row")
    hit = df.filter(candidates)
    if hit.height == 0:
        return df.drop("_row")
    hit = _enrich_rows(hit)
    rest = df.filter(~candidates)
    return pl.concat([rest, hit]).sort("_row").drop("_row")


def _enrich_rows(df: pl.DataFrame) -> pl.DataFrame:
    out = []
    for (name, rx), literal in zip(_ACTIONS, _ACTION_LITERALS, strict=True):
        mask = pl.col("msg").str.contains(literal, literal=True) & pl.col("action").is_null()
        part = df.filter(mask)
        df = df.filter(~mask)
        if part.height == 0:
            continue
        groups = pl.col("msg").str.extract_groups(rx)
        first = groups.struct.field("1")
        second = groups.struct.field("2")
        if name == "sudo_granted":
            first, second = pl.coalesce(first, second), pl.lit(None, dtype=pl.Utf8)
        hit = first.is_not_null() | second.is_not_null()
        part = part.with_columns(
            pl.when(hit).then(pl.lit(name)).otherwise(pl.col("action")).alias("action"),
            pl.when(hit).then(first).otherwise(pl.col("user")).alias("user"),
            (
                pl.when(hit).then(second).otherwise(pl.col("src_ip"))
                if name.startswith("ssh_")
                else pl.col("src_ip")
            ).alias("src_ip"),
        )
        out.append(part)
    return pl.concat([df, *out]) if out else df
