"""Item 2 services: hosts, ingest, seal and checkpoints, verification, rules and detection, coverage,
retention and legal holds. The pure work is in pipeline/ and engines/; here are the database and files."""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import IntegrityFailure, InvalidInput, NotFound
from lakthan.core.models import Unit
from lakthan.core.services import get_unit
from lakthan.lib.files import write_atomic
from lakthan.lib.timezones import BANGKOK
from lakthan.monitoring.models import Alert, Checkpoint, Host, HostDay, LegalHold, Retention, Rule, Segment
from lakthan.monitoring.pipeline import detect as detect_engine
from lakthan.monitoring.pipeline import parsers, tally
from lakthan.monitoring.pipeline.follow import Offsets, ahead
from lakthan.monitoring.pipeline.matches import MatchCache, chunk_matches, forget_matches, rules_key, stacked
from lakthan.monitoring.pipeline.rules import RuleSet, compile_texts
from lakthan.monitoring.pipeline.schema import EVIDENCE, SCHEMA
from lakthan.monitoring.pipeline.store import Annotate, LogStore
from lakthan.monitoring.pipeline.verify import verify_dir

log = logging.getLogger(__name__)
T = TypeVar("T")

RULES_DIR = Path(__file__).resolve().parent / "rules"
MIN_RETENTION_DAYS = 90
MAX_HOLD_DAYS = 2 * 366
LEGAL_REASON_TH = (
    "พระราชบัญญัติว่าด้วยการกระทำความผิดเกี่ยวกับคอมพิวเตอร์ พ.ศ. ๒๕๕๐ มาตรา ๒๖ "
    "กำหนดให้เก็บรักษาข้อมูลจราจรทางคอมพิวเตอร์ไว้ไม่น้อยกว่า ๙๐ วัน"
)
LEGAL_REASON_EN = (
    "the Computer Crime Act B.E. 2550, section 26, requires traffic data to be kept at least 90 days"
)


def log_home() -> Path:
    return Path(getattr(settings, "LAKTHAN_LOG_DIR", None) or (Path(settings.LAKTHAN_HOME) / "logs"))


def origin() -> str:
    return os.environ.get("LAKTHAN_LOG_ORIGIN", "lakthan.local/logs")


def silent_hours() -> int:
    return int(os.environ.get("LAKTHAN_LOG_SILENT_HOURS", "24"))


def store() -> LogStore:
    return LogStore(log_home(), origin=origin())


# --- hosts ------------------------------------------------------------------------------------------


@transaction.atomic
def add_host(
    name: str, unit_code: str, addresses=(), role: str = "", expected_sources=(), actor=audit.SYSTEM
) -> Host:
    name = (name or "").strip()
    if not name or any(c.isspace() for c in name) or len(name) > 255:
        raise InvalidInput(
            f"ชื่อเครื่อง '{name}' ไม่ถูกต้อง", f"host name '{name}' is invalid (no spaces, at most 255)"
        )
    if Host.objects.filter(name=name).exists():
        raise InvalidInput(f"มีเครื่อง {name} อยู่แล้ว", f"host {name} already exists")
    import ipaddress

    for a in addresses:
        try:
            ipaddress.ip_address(a)
        except ValueError:
            raise InvalidInput(f"ที่อยู่ IP '{a}' ไม่ถูกต้อง", f"address '{a}' is not an IP address") from None
    host = Host.objects.create(
        name=name,
        unit=get_unit(unit_code),
        addresses=list(addresses),
        role=role,
        expected_sources=list(expected_sources),
    )
    audit.record(actor, "loghost.add", host)
    return host


def hosts_of(unit: Unit | None) -> list[Host]:
    qs = Host.objects.select_related("unit")
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    return list(qs)


# --- ingest and seal --------------------------------------------------------------------------------


@dataclass
class IngestResult:
    files: int
    events: int
    unparsed: int


def ingest_files(
    paths: list[Path], host: str | None = None, fmt: str = "auto", year: int | None = None
) -> IngestResult:
    """Reads what is new in each file (offsets remembered), parses it and writes it durably to the open
    chunks; `seal` then makes segments of it. All files are checked before any is read."""
    if fmt not in parsers.FORMATS:
        raise InvalidInput(
            f"รูปแบบ '{fmt}' ไม่รู้จัก", f"unknown format '{fmt}' (one of {', '.join(parsers.FORMATS)})"
        )
    for p in paths:
        if not Path(p).is_file():
            raise InvalidInput(f"ไม่พบไฟล์ {p}", f"file not found: {p}")
    s = store()
    s.recover()
    annotate = functools.cache(chunk_annotations)  # asked once, at the first large chunk
    offsets = Offsets(log_home() / "state" / "files.json")
    events = unparsed = 0

    def parse(chunk):
        return parsers.parse_bytes(chunk.data, fmt, host=host, source=str(chunk.path), year=year)

    for p in paths:  # each chunk is read and parsed while the one before is written
        for chunk, parsing in ahead(offsets.read_new(Path(p)), parse):
            try:
                parsed = parsing.result()
            except (pl.exceptions.PolarsError, ValueError) as exc:
                raise InvalidInput(
                    f"{chunk.path}:{chunk.first_line}: อ่านไม่ได้ ({exc})",
                    f"{chunk.path}:{chunk.first_line}: cannot parse ({exc})",
                ) from None
            s.append(parsed.events, annotate)
            offsets.done(chunk)  # after the events are durable: a crash re-reads at most this chunk
            events += parsed.events.height
            unparsed += parsed.unparsed
    offsets.save()
    return IngestResult(len(paths), events, unparsed)


def ingest_lines(lines: list[str], fmt: str = "auto", host: str | None = None, source: str = "") -> int:
    parsed = parsers.parse(lines, fmt, host=host, source=source)
    store().append(parsed.events, chunk_annotations)
    return parsed.events.height


ALERT_FIELDS = ["rule_title", "level", "count", "last", "events", "events_truncated"]
MATCHES = "matches-"  # + the rules key: an annotation of what the events match


def chunk_annotations() -> Annotate:
    """What is taken from events as they are written so that nothing reads them back: the coverage
    tallies, and what they match under the rules in force (compiled only if a chunk is annotated)."""
    sources, values = rule_sources(), placeholders()
    key = rules_key(sources, values)
    return {
        "days": tally.days,
        "seq": tally.seq_runs,
        MATCHES + key: lambda df: chunk_matches(df, _compiled_rules(key, sources, values)),
    }


def seal(now: datetime | None = None) -> Segment | None:
    s = store()
    sealed = s.seal(now=now)
    if sealed is None:
        _sync_index(s)
        return None
    return _sync_index(s)


def _sync_index(s: LogStore) -> Segment | None:
    """Brings the database index (segments, checkpoints, host-days) up to the store on disk."""
    from lakthan.monitoring.engines.checkpoint import Verifier

    verifier = Verifier.from_vkey(s.vkey())
    last = None
    known = set(Segment.objects.values_list("index", flat=True))
    key_in_force = functools.cache(lambda: rules_key(rule_sources(), placeholders()))
    for h in s.headers():
        if h["index"] in known:
            continue
        with transaction.atomic():
            last = Segment.objects.create(
                index=h["index"],
                count=h["count"],
                root=h["root"],
                file_sha256=h["file_sha256"],
                first_ts=datetime.fromisoformat(h["first_ts"]),
                last_ts=datetime.fromisoformat(h["last_ts"]),
                sealed_at=datetime.fromisoformat(h["sealed_at"]),
            )
            _count_host_days(s, h["index"])
            note = (s.cp_dir / f"{h['index']:08d}.txt").read_text()
            cp = verifier.open(note)
            Checkpoint.objects.create(size=cp.size, root=cp.root.hex(), origin=cp.origin, note=note)
        _adopt_matches(s, h["index"], key_in_force)
        s.drop_annotations(h["index"])
    return last


def _count_host_days(s: LogStore, index: int) -> None:
    """Adds a sealed segment's events to the per host and day counts: from the tallies taken when its
    chunk was written, or from its events read back (a segment joined from small chunks)."""
    days, runs = s.annotation(index, "days"), s.annotation(index, "seq")
    if days is None or runs is None:
        events = s.read_segment(index)
        days, runs = tally.days(events), tally.seq_runs(events)
    state_file = log_home() / "state" / "seq.json"
    last = json.loads(state_file.read_text()) if state_file.exists() else {}
    gaps, last = tally.seq_gaps(runs, last)
    write_atomic(state_file, json.dumps(last).encode())
    rows = list(tally.stack_days(days).iter_rows(named=True))
    recorded = HostDay.objects.filter(
        host_name__in={r["host"] for r in rows}, day__in={r["day"] for r in rows}
    ).select_for_update()
    known = {(d.host_name, d.day): d for d in recorded}
    merged = []
    for row in rows:
        obj = known.get((row["host"], row["day"])) or HostDay(
            host_name=row["host"], day=row["day"], first_ts=row["first"], last_ts=row["last"]
        )
        merged.append(obj)
        obj.count += row["n"]
        obj.unparsed += row["unparsed"]
        obj.first_ts = min(obj.first_ts, row["first"])
        obj.last_ts = max(obj.last_ts, row["last"])
        obj.seq_gaps += gaps.get((row["host"], row["day"]), 0)
    HostDay.objects.bulk_create(  # one upsert (Django's bulk_update costs 3 ms a row)
        merged,
        update_conflicts=True,
        unique_fields=["host_name", "day"],
        update_fields=["count", "unparsed", "first_ts", "last_ts", "seq_gaps"],
        batch_size=500,
    )


# --- verification -----------------------------------------------------------------------------------


def verify() -> dict:
    """Recomputes everything on disk against the signed checkpoints; also checks that every checkpoint
    the database recorded is still on disk (a truncated log is caught even if the files agree)."""
    s = store()
    report = verify_dir(s.root, s.vkey(), origin=origin()).as_json()
    on_disk = {int(p.stem) for p in s.cp_dir.glob("*.txt")}
    for cp in Checkpoint.objects.all():
        if cp.size not in on_disk:
            report["intact"] = False
            report["problems"].append(
                {
                    "segment": cp.size,
                    "position": None,
                    "kind": "removed",
                    "detail": "checkpoint recorded in the database is missing on disk",
                }
            )
        elif (s.cp_dir / f"{cp.size:08d}.txt").read_text() != cp.note:
            report["intact"] = False
            report["problems"].append(
                {
                    "segment": cp.size,
                    "position": None,
                    "kind": "altered",
                    "detail": "checkpoint differs from the one recorded",
                }
            )
    report["verified_at"] = timezone.now().isoformat()
    write_atomic(log_home() / "state" / "last-verify.json", json.dumps(report).encode())
    return report


def last_verification() -> dict | None:
    path = log_home() / "state" / "last-verify.json"
    return json.loads(path.read_text()) if path.exists() else None


# --- rules and detection ------------------------------------------------------------------------------


def placeholders() -> dict[str, list[str]]:
    disabled = [a.strip() for a in os.environ.get("LAKTHAN_DISABLED_ACCOUNTS", "").split(",") if a.strip()]
    return {"disabled_accounts": disabled}


def rule_sources() -> list[tuple[str, str]]:
    sources = [(str(p), p.read_text()) for p in sorted(RULES_DIR.glob("*.yml"))]
    return sources + [(r.filename, r.text) for r in Rule.objects.all()]


def ruleset() -> RuleSet:
    return compile_texts(rule_sources(), placeholders())


_compiled: dict[str, RuleSet] = {}


def _compiled_rules(key: str, sources: list[tuple[str, str]], values: dict[str, list[str]]) -> RuleSet:
    """Rules compiled once per key (compiling them takes about 0.1 s)."""
    if key not in _compiled:
        _compiled.clear()
        _compiled[key] = compile_texts(sources, values)
    return _compiled[key]


def rules_in_force() -> tuple[str, RuleSet]:
    """The key of the rules in force (pipeline/matches.py) and the rules compiled."""
    sources, values = rule_sources(), placeholders()
    key = rules_key(sources, values)
    return key, _compiled_rules(key, sources, values)


def _adopt_matches(s: LogStore, index: int, key: Callable[[], str]) -> None:
    """Keeps what a new segment's events matched when they were written, if under the rules in force
    (``key``, asked only when there is something to adopt)."""
    if any(name.startswith(MATCHES) for name in s.annotation_names(index)):
        kept = s.annotation_path(index, MATCHES + key())
        if kept is not None:
            MatchCache(log_home() / "state" / "matches", key()).adopt(index, kept)


@dataclass
class ImportResult:
    loaded: list[str]
    errors: list[tuple[str, str]]


@transaction.atomic
def import_rules(directory: Path, actor: str = audit.SYSTEM) -> ImportResult:
    directory = Path(directory)
    if not directory.is_dir():
        raise InvalidInput(f"ไม่พบโฟลเดอร์ {directory}", f"not a directory: {directory}")
    files = sorted(list(directory.rglob("*.yml")) + list(directory.rglob("*.yaml")))
    if not files:
        raise InvalidInput(f"ไม่พบกฎ Sigma (*.yml) ใน {directory}", f"no Sigma rules (*.yml) in {directory}")
    loaded, errors = [], []
    existing = [(r.filename, r.text) for r in Rule.objects.all()]
    bundled = [(str(p), p.read_text()) for p in sorted(RULES_DIR.glob("*.yml"))]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        rs = compile_texts(bundled + existing + [(str(path), text)], placeholders())
        mine = [e for e in rs.errors if e[0] == str(path)]
        if mine:
            errors += mine
            continue
        compiled = [r for r in rs.rules if r.path == str(path)] + [
            c for c in rs.correlations if c.path == str(path)
        ]
        for r in compiled:
            Rule.objects.update_or_create(
                rule_id=r.id,
                defaults={"title": r.title, "level": r.level, "filename": str(path), "text": text},
            )
            loaded.append(r.id)
        existing.append((str(path), text))
    for rule in Rule.objects.filter(rule_id__in=loaded):
        audit.record(
            actor, "logrule.import", rule, after={"rule_id": rule.rule_id, "filename": rule.filename}
        )
    return ImportResult(loaded, errors)


def scan_events(
    start: datetime | None = None, end: datetime | None = None, columns: list[str] | None = None
) -> pl.DataFrame:
    """Events of every sealed, unpruned segment overlapping [start, end], with segment and position."""
    s = store()
    frames = []
    for index in _readable_segments(s, start, end):
        df = _unless_unreadable(index, lambda i=index: _positioned(s, i, columns))
        if df is not None:
            frames.append(df.filter(_in_range(start, end)) if start or end else df)
    if not frames:
        schema = {c: SCHEMA[c] for c in columns or SCHEMA}
        return pl.DataFrame(schema={**schema, "segment": pl.Int64, "position": pl.Int64})
    return pl.concat(frames, how="vertical")


_EARLIEST, _LATEST = datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC)


def _readable_segments(s: LogStore, start: datetime | None, end: datetime | None) -> Iterator[int]:
    """The sealed, unpruned segments overlapping [start, end] whose files are there."""
    for seg in Segment.objects.filter(pruned_at__isnull=True).order_by("index"):
        if (start and seg.last_ts < start) or (end and seg.first_ts > end):
            continue
        if s.segment_path(seg.index).exists():
            yield seg.index


def _unless_unreadable(index: int, read: Callable[[], T]) -> T | None:
    """What ``read`` gives, or None when segment ``index`` cannot be read (a damaged or altered file):
    one bad segment must not stop search or detection over the others; verification names it."""
    try:
        return read()
    except (pl.exceptions.PolarsError, ValueError, OSError) as exc:
        log.warning("log segment %s left out, it cannot be read (%s); run `lakthan logs verify`", index, exc)
        return None


def _in_range(start: datetime | None, end: datetime | None) -> pl.Expr:
    return pl.col("ts").is_between(start or _EARLIEST, end or _LATEST)


def _positioned(s: LogStore, index: int, columns: list[str] | None = None) -> pl.DataFrame:
    """A segment's events with their segment and position."""
    return s.read_segment(index, columns).with_columns(
        pl.lit(index, dtype=pl.Int64).alias("segment"),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("position"),
    )


def detect(start: datetime | None = None, end: datetime | None = None) -> list[dict]:
    """Runs every rule over the sealed events in the range; records one alert per rule and host
    (keeping any disposition already given) and returns them in the `detect --json` shape. Each
    segment is matched once per set of rules (pipeline/matches.py)."""
    key, rs = rules_in_force()
    cache = MatchCache(log_home() / "state" / "matches", key)
    s = store()
    parts = []
    for index in _readable_segments(s, start, end):
        kept = _unless_unreadable(
            index, lambda i=index: cache.get(i, lambda: detect_engine.matching(_positioned(s, i), rs))
        )
        if kept is None:
            continue
        found, matched = kept
        if start or end:
            in_range = found.select(_in_range(start, end)).to_series()
            found, matched = found.filter(in_range), matched.filter(in_range) if matched.width else matched
        parts.append((found, matched))
    alerts = detect_engine.alerts(*stacked(parts), rs)
    _record_alerts(alerts)
    return alerts


@transaction.atomic
def _record_alerts(alerts: list[dict]) -> None:
    """One alert per rule, host and first event: new ones created, changed ones updated (a disposition
    already given stays), all in a few queries."""
    wanted = {
        (a["rule_id"], a["host"] or "", datetime.fromisoformat(a["first"])): {
            "rule_title": a["rule_title"],
            "level": a["level"],
            "count": a["count"],
            "last": datetime.fromisoformat(a["last"]),
            "events": a["events"],
            "events_truncated": a.get("events_truncated", False),
        }
        for a in alerts
    }
    recorded = Alert.objects.filter(rule_id__in={k[0] for k in wanted}).select_for_update()
    known = {(a.rule_id, a.host, a.first): a for a in recorded}
    now, changed = timezone.now(), []
    for (rule_id, host, first), values in wanted.items():
        alert = known.get((rule_id, host, first))
        if alert is None or any(getattr(alert, f) != v for f, v in values.items()):
            changed.append(Alert(rule_id=rule_id, host=host, first=first, detected_at=now, **values))
    Alert.objects.bulk_create(  # an upsert: the review fields are not among those updated
        changed,
        update_conflicts=True,
        unique_fields=["rule_id", "host", "first"],
        update_fields=[*ALERT_FIELDS, "detected_at"],
        batch_size=500,
    )


@transaction.atomic
def set_disposition(alert_id: int, disposition: str, note: str = "", actor: str = audit.SYSTEM) -> Alert:
    if disposition not in Alert.Disposition.values:
        raise InvalidInput(f"ผลการพิจารณา '{disposition}' ไม่ถูกต้อง", f"unknown disposition '{disposition}'")
    try:
        alert = Alert.objects.select_for_update().get(pk=alert_id)
    except Alert.DoesNotExist:
        raise NotFound(f"ไม่พบการแจ้งเตือน {alert_id}", f"no alert {alert_id}") from None
    before = audit.snapshot(alert)
    alert.disposition, alert.note = disposition, note.strip()
    alert.reviewed_by, alert.reviewed_at = actor, timezone.now()
    alert.save()
    audit.record(actor, "alert.review", alert, before=before)
    return alert


def search(
    host: str = "",
    text: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 200,
) -> list[dict]:
    df = scan_events(start, end, columns=list(EVIDENCE))
    if host:
        df = df.filter(pl.col("host") == host)
    if text:
        df = df.filter(pl.col("raw").str.to_lowercase().str.contains(text.lower(), literal=True))
    found = df.sort("ts", descending=True).head(limit)  # only these are read out of their lines again
    return (
        parsers.derive(found.select(EVIDENCE))
        .hstack(found.select("segment", "position"))
        .select("ts", "host", "app", "msg", "segment", "position", "parsed")
        .to_dicts()
    )


# --- coverage -----------------------------------------------------------------------------------------


def coverage(
    unit: Unit | None = None, start: date | None = None, end: date | None = None, now: datetime | None = None
) -> dict:
    """The `coverage --json` shape, plus per-host days and silent periods (day granularity)."""
    hosts = hosts_of(unit)
    known = {h.name for h in hosts} | {a for h in hosts for a in h.addresses}
    days = HostDay.objects.all()
    if start:
        days = days.filter(day__gte=start)
    if end:
        days = days.filter(day__lte=end)
    by_host: dict[str, list[HostDay]] = {}
    for d in days:
        by_host.setdefault(d.host_name, []).append(d)
    all_days = sorted({d.day for rows in by_host.values() for d in rows if _is_known(d.host_name, hosts)})
    window = (all_days[0], all_days[-1]) if all_days else None
    now = now or timezone.now()
    limit = timedelta(hours=silent_hours())
    out_hosts = []
    for h in hosts:
        rows = by_host.get(h.name, []) + [r for a in h.addresses for r in by_host.get(a, [])]
        total = sum(r.count for r in rows)
        last = max((r.last_ts for r in rows), default=None)
        reported = {r.day for r in rows if r.count}
        silent_periods = _gaps(reported, window) if window else []
        # silent: no event for longer than the limit, up to now (or to the end of the period asked for)
        horizon = now if end is None else min(now, datetime.combine(end, datetime.max.time(), tzinfo=BANGKOK))
        n_days = (window[1] - window[0]).days + 1 if window else 0
        out_hosts.append(
            {
                "name": h.name,
                "unit": h.unit.code,
                "last_event": last.isoformat() if last else None,
                "events_per_day": round(total / n_days, 1) if n_days else 0,
                "silent": last is None or (horizon - last) > limit,
                "events": total,
                "days_reported": len(reported),
                "days_in_window": n_days,
                "silent_periods": [[a.isoformat(), b.isoformat()] for a, b in silent_periods],
                "seq_gaps": sum(r.seq_gaps for r in rows),
                "unparsed": sum(r.unparsed for r in rows),
            }
        )
    unknown = []
    for name, rows in sorted(by_host.items()):
        if name not in known:
            unknown.append(
                {
                    "host": name,
                    "first": min(r.first_ts for r in rows).isoformat(),
                    "last": max(r.last_ts for r in rows).isoformat(),
                    "count": sum(r.count for r in rows),
                }
            )
    return {
        "hosts": out_hosts,
        "unknown_senders": unknown if unit is None else [],
        "window": [window[0].isoformat(), window[1].isoformat()] if window else None,
        "per_day": {
            name: {r.day.isoformat(): r.count for r in rows}
            for name, rows in by_host.items()
            if name in known
        },
    }


def _is_known(name: str, hosts: list[Host]) -> bool:
    return any(name == h.name or name in h.addresses for h in hosts)


def _gaps(reported: set[date], window: tuple[date, date]) -> list[tuple[date, date]]:
    out, day, start = [], window[0], None
    while day <= window[1]:
        if day not in reported and start is None:
            start = day
        if day in reported and start is not None:
            out.append((start, day - timedelta(days=1)))
            start = None
        day += timedelta(days=1)
    if start is not None:
        out.append((start, window[1]))
    return out


# --- retention, legal hold, pruning ---------------------------------------------------------------------


@transaction.atomic
def set_retention(days: int, host_name: str = "", actor: str = audit.SYSTEM) -> Retention:
    if days < MIN_RETENTION_DAYS:
        raise InvalidInput(
            f"ระยะเวลาเก็บรักษา {days} วันน้อยกว่า {MIN_RETENTION_DAYS} วัน: {LEGAL_REASON_TH}",
            f"retention of {days} days is below {MIN_RETENTION_DAYS}: {LEGAL_REASON_EN}",
        )
    obj, _ = Retention.objects.update_or_create(host_name=host_name, defaults={"days": days})
    audit.record(actor, "logretention.set", obj)
    return obj


def retention_days(host_name: str = "") -> int:
    row = (
        Retention.objects.filter(host_name=host_name).first()
        or Retention.objects.filter(host_name="").first()
    )
    return max(row.days if row else MIN_RETENTION_DAYS, MIN_RETENTION_DAYS)


@transaction.atomic
def add_legal_hold(
    order_ref: str, until: date, host_name: str = "", actor: str = audit.SYSTEM, today: date | None = None
) -> LegalHold:
    today = today or timezone.localdate()
    if not order_ref.strip():
        raise InvalidInput(
            "ต้องระบุเลขที่คำสั่งของพนักงานเจ้าหน้าที่", "a legal hold needs the officer's order reference"
        )
    if until <= today or until > today + timedelta(days=MAX_HOLD_DAYS):
        raise InvalidInput(
            "วันสิ้นสุดการเก็บรักษาต้องอยู่ในอนาคตและไม่เกิน ๒ ปี (มาตรา ๒๖)",
            "a legal hold must end in the future and within 2 years (Computer Crime Act s.26)",
        )
    hold = LegalHold.objects.create(
        order_ref=order_ref.strip(), until=until, host_name=host_name, created_by=actor
    )
    audit.record(actor, "loghold.add", hold)
    return hold


def prune(now: datetime | None = None, actor: str = audit.SYSTEM) -> list[int]:
    """Deletes the payload of segments whose newest event is past retention — the longest retention of
    any host in the segment — and under no legal hold (a hold without a host covers every segment; one
    with a host covers the segments holding that host's events). Leaf hashes and headers stay, so every
    checkpoint still verifies."""
    now = now or timezone.now()
    s = store()
    holds = list(LegalHold.objects.filter(until__gte=now.date()))
    hold_all = any(not h.host_name for h in holds)
    held_hosts = {h.host_name for h in holds if h.host_name}
    per_host = {r.host_name: max(r.days, MIN_RETENTION_DAYS) for r in Retention.objects.exclude(host_name="")}
    default = retention_days()
    pruned = []
    for seg in Segment.objects.filter(pruned_at__isnull=True).order_by("index"):
        age = now - seg.last_ts
        if age < timedelta(days=default) or hold_all:
            continue
        if per_host or held_hosts:
            hosts = set(s.read_segment(seg.index, ["host"])["host"].drop_nulls().unique())
            if hosts & held_hosts:
                continue  # an officer's order covers one of this segment's hosts
            days = max([default] + [per_host[h] for h in hosts if h in per_host])
        else:
            days = default
        if age < timedelta(days=days):
            continue
        reason = f"retention {days} days"
        if s.prune(seg.index, reason, now=now):
            forget_matches(log_home() / "state" / "matches", seg.index)  # derived from the payload
            with transaction.atomic():
                seg.pruned_at, seg.prune_reason = now, reason
                seg.save(update_fields=["pruned_at", "prune_reason"])
                audit.record(actor, "logsegment.prune", seg)
            pruned.append(seg.index)
    return pruned


def oldest_retained() -> datetime | None:
    seg = Segment.objects.filter(pruned_at__isnull=True).order_by("index").first()
    return seg.first_ts if seg else None


def require_intact(report: dict) -> None:
    if not report["intact"]:
        raise IntegrityFailure("บันทึกการใช้งานถูกแก้ไข", "the logs were altered")


__all__ = ["UTC"]
