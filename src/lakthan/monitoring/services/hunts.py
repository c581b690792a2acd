"""Retro-hunts: Sigma rules (files, or the rules in force) run over the sealed events of a past period,
on this machine or on a Spark cluster, their alerts recorded as detection's are (a new alert marked
with the hunt that found it; an alert already known keeps its origin and its review).

A hunt is asked for (``request_hunt``: the rules read and compiled, the Hunt row written RUNNING and
audited) and then carried out (``execute``: by the command at once, by the worker for the pages and
the API). The local engine is detection's own: the same compiled matchers over the same events, so
a hunt with the rules in force finds exactly what ``logs detect`` finds over the same period. The
Spark engine (pipeline/spark/hunt.py) gives the same alerts, read where the cluster reads the files.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, LakthanError
from lakthan.monitoring.models import Alert, Hunt, Segment
from lakthan.monitoring.pipeline import detect as detect_engine
from lakthan.monitoring.pipeline.matches import stacked
from lakthan.monitoring.pipeline.store import LogStore
from lakthan.monitoring.services import alerts as log_alerts
from lakthan.monitoring.services import rules as log_rules
from lakthan.monitoring.services.engines import check_engine, segment_files, segments_base
from lakthan.monitoring.services.events import in_range, positioned, readable_segments, unless_unreadable
from lakthan.monitoring.services.home import store

if TYPE_CHECKING:  # the compiler imports pySigma: loaded when rules are compiled
    from lakthan.monitoring.pipeline.compiled import CompiledCorrelation, CompiledRule, RuleSet

log = logging.getLogger(__name__)

Sources = list[tuple[str, str]]  # (file, Sigma YAML text)


def hunt_local(ruleset: RuleSet, start: datetime | None, end: datetime | None) -> tuple[list[dict], int]:
    """The alerts of ``ruleset`` over the sealed events in [start, end] (None: open), and how many
    segments were read. Each segment is read and matched afresh, one at a time (only its candidates are
    kept); a segment that cannot be read is left out with a warning, as detection leaves it out."""
    alerts, read, _ = _hunt_local(ruleset, start, end)
    return alerts, len(read)


def _hunt_local(
    ruleset: RuleSet, start: datetime | None, end: datetime | None
) -> tuple[list[dict], list[int], list[int]]:
    """(alerts, the segments read, the segments left out because they cannot be read)."""
    s = store()
    parts, read, left_out = [], [], []
    for index in readable_segments(s, start, end):
        kept = unless_unreadable(index, partial(_match, s, index, ruleset, start, end))
        if kept is None:
            left_out.append(index)
            continue
        parts.append(kept)
        read.append(index)
    return detect_engine.alerts(*stacked(parts), ruleset), read, left_out


def _match(
    s: LogStore, index: int, ruleset: RuleSet, start: datetime | None, end: datetime | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    events = positioned(s, index)
    if start or end:
        events = events.filter(in_range(start, end))
    return detect_engine.matching(events, ruleset)


def period(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """Days (Asia/Bangkok, both included) as the instants a hunt takes, as `logs detect --from --to`."""
    from lakthan.lib.timezones import BANGKOK

    start = datetime.combine(first, time.min, tzinfo=BANGKOK).astimezone(UTC) if first else None
    end = datetime.combine(last, time.max, tzinfo=BANGKOK).astimezone(UTC) if last else None
    return start, end


def rules_digest(sources: Sources) -> str:
    """SHA-256 of the rules' texts one after the other, in file order (``cat FILES | sha256sum``)."""
    h = hashlib.sha256()
    for _, text in sources:
        h.update(text.encode())
    return h.hexdigest()


def read_rule_files(paths: list[Path]) -> Sources:
    """The Sigma files given (a directory: its *.yml and *.yaml, in name order), as (file, text)."""
    out: Sources = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted({*path.rglob("*.yml"), *path.rglob("*.yaml")})
            if not files:
                raise InvalidInput(f"ไม่พบกฎ Sigma (*.yml) ใน {path}", f"no Sigma rules (*.yml) in {path}")
        elif path.is_file():
            files = [path]
        else:
            raise InvalidInput(f"ไม่พบไฟล์กฎ {path}", f"no rule file {path}")
        for f in files:
            try:
                out.append((str(f), f.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                raise InvalidInput(
                    f"อ่านไฟล์กฎ {f} ไม่ได้ ({exc})", f"cannot read the rule file {f} ({exc})"
                ) from None
    return out


def compile_or_refuse(sources: Sources) -> RuleSet:
    """The rules compiled; when none compiles, InvalidInput naming every file and why (exit 2)."""
    if not sources:
        raise InvalidInput("ไม่มีกฎให้ค้นหา", "no rules to hunt with")
    rs = log_rules.compile_texts(sources, log_rules.placeholders())
    if not rs.rules and not rs.correlations:
        reasons = "; ".join(f"{Path(p).name}: {why}" for p, why in rs.errors) or "no rule in the files"
        raise InvalidInput(f"ไม่มีกฎใดใช้ได้ — {reasons}", f"no rule compiles — {reasons}")
    return rs


def _rules_run(rs: RuleSet) -> list[dict]:
    compiled: list[CompiledRule | CompiledCorrelation] = [*rs.rules, *rs.correlations]
    return [{"rule_id": r.id, "title": r.title, "level": r.level, "file": r.path} for r in compiled]


def request_hunt(
    sources: Sources | None,
    start: datetime | None,
    end: datetime | None,
    *,
    engine: str = "local",
    master: str | None = None,
    segments_url: str | None = None,
    actor: str,
) -> tuple[Hunt, Sources, list[tuple[str, str]]]:
    """Checks and records a hunt (RUNNING, audited) without running it: the Hunt, the rules' sources
    to run (None: the rules in force, read now) and the files that do not compile with the reason."""
    if start and end and start > end:
        raise InvalidInput("วันเริ่มอยู่หลังวันสิ้นสุด", "the start of the period is after its end")
    check_engine(engine, master, segments_url)
    sources = log_rules.rule_sources() if sources is None else sources
    rs = compile_or_refuse(sources)
    where = segments_base(segments_url) if engine == Hunt.Engine.SPARK else ""
    hunt = Hunt.objects.create(
        rules=_rules_run(rs),
        rules_sha256=rules_digest(sources),
        start=start,
        end=end,
        engine=engine,
        master=master or "",
        segments_url=where,
        error=_not_run(rs.errors),
        started_by=actor,
    )
    audit.record(actor, "loghunt.start", hunt)
    return hunt, sources, rs.errors


def _not_run(errors: list[tuple[str, str]]) -> str:
    return "\n".join(f"{path}: {why}" for path, why in errors)


def execute(hunt_id: int, sources: Sources) -> Hunt:
    """Runs a recorded hunt and records its alerts and outcome (DONE, or FAILED with the one-line
    reason). Never raises for the hunt's own failure: the Hunt row says it."""
    return carry_out(hunt_id, sources)[0]


def carry_out(hunt_id: int, sources: Sources) -> tuple[Hunt, list[dict]]:
    """``execute``, with the alerts found in the `detect --json` shape (empty when the hunt failed)."""
    hunt = Hunt.objects.get(pk=hunt_id)
    try:
        alerts, segments, left_out = _run(hunt, sources)
        log_alerts.record_alerts(alerts, hunt=hunt)
    except LakthanError as exc:
        _finish(hunt, Hunt.Status.FAILED, exc.message("en"))
        return hunt, []
    except Exception as exc:  # noqa: BLE001 - a cluster's failure is the hunt's outcome, shown on its page
        log.exception("hunt %s failed", hunt.pk)
        first = str(exc).splitlines()[0] if str(exc) else ""
        _finish(hunt, Hunt.Status.FAILED, f"{type(exc).__name__}: {first}")
        return hunt, []
    hunt.segments, hunt.alerts = segments, len(alerts)
    hunt.new_alerts = Alert.objects.filter(hunt=hunt).count()
    note = "\n".join(f"segment {i} left out: it cannot be read (run `lakthan logs verify`)" for i in left_out)
    _finish(hunt, Hunt.Status.DONE, note)
    return hunt, alerts


def _finish(hunt: Hunt, status: str, error: str = "") -> None:
    hunt.status, hunt.finished_at = status, timezone.now()
    hunt.error = "\n".join(filter(None, [error, hunt.error]))
    hunt.save()
    audit.record(hunt.started_by, f"loghunt.{status}", hunt)


def _run(hunt: Hunt, sources: Sources) -> tuple[list[dict], int, list[int]]:
    """(alerts, segments read, segments left out)."""
    rs = log_rules.compile_texts(sources, log_rules.placeholders())
    if hunt.engine == Hunt.Engine.LOCAL:
        alerts, read, left_out = _hunt_local(rs, hunt.start, hunt.end)
        return alerts, len(read), left_out
    # sparkhunt's engine (pipeline/spark/hunt.py); imported only here: PySpark is an optional extra
    from lakthan.monitoring.pipeline.spark.hunt import hunt as spark_hunt
    from lakthan.monitoring.pipeline.spark.session import spark_session

    own = hunt.segments_url == segments_base("")
    indices = list(_cluster_segments(store(), hunt.start, hunt.end, local_files=own))
    files = segment_files(indices, hunt.segments_url)
    spark = spark_session(hunt.master or None)
    found = spark_hunt(spark, files, sources, log_rules.placeholders(), hunt.start, hunt.end)
    return found, len(indices), []


def _cluster_segments(
    s: LogStore, start: datetime | None, end: datetime | None, local_files: bool
) -> Iterator[int]:
    """The segments overlapping the period: those whose file is here when the cluster reads the store's
    own directory; every unpruned one in the index when it reads them elsewhere (object storage)."""
    if local_files:
        yield from readable_segments(s, start, end)
        return
    for seg in Segment.objects.filter(pruned_at__isnull=True).order_by("index"):
        if not ((start and seg.last_ts < start) or (end and seg.first_ts > end)):
            yield seg.index


def run_hunt(
    sources: Sources | None,
    start: datetime | None,
    end: datetime | None,
    *,
    engine: str = "local",
    master: str | None = None,
    segments_url: str | None = None,
    actor: str,
) -> Hunt:
    """A hunt asked for and carried out at once (the command): ``sources`` None = the rules in force."""
    hunt, sources, _ = request_hunt(
        sources, start, end, engine=engine, master=master, segments_url=segments_url, actor=actor
    )
    return execute(hunt.pk, sources)


def with_origin(alerts: list[dict]) -> list[dict]:
    """The alerts (`detect --json` shape), each with ``hunt``: the id of the hunt that found it first,
    None when detection did."""
    if not alerts:
        return []
    firsts = [datetime.fromisoformat(a["first"]) for a in alerts]
    rows = Alert.objects.filter(
        rule_id__in={a["rule_id"] for a in alerts}, first__gte=min(firsts), first__lte=max(firsts)
    ).values_list("rule_id", "host", "first", "hunt_id")
    origin = {(r, h, f): hunt for r, h, f, hunt in rows}
    return [
        {**a, "hunt": origin.get((a["rule_id"], a["host"] or "", first))}
        for a, first in zip(alerts, firsts, strict=True)
    ]


def shown(hunt: Hunt) -> dict:
    """A hunt as `logs hunt --json` and the API give it."""
    return {
        "id": hunt.pk,
        "status": hunt.status,
        "engine": hunt.engine,
        "master": hunt.master,
        "segments_url": hunt.segments_url,
        "start": hunt.start.isoformat() if hunt.start else None,
        "end": hunt.end.isoformat() if hunt.end else None,
        "rules": hunt.rules,
        "rules_sha256": hunt.rules_sha256,
        "segments": hunt.segments,
        "alerts": hunt.alerts,
        "new_alerts": hunt.new_alerts,
        "error": hunt.error,
        "started_by": hunt.started_by,
        "started_at": hunt.started_at.isoformat(),
        "finished_at": hunt.finished_at.isoformat() if hunt.finished_at else None,
    }
