"""Coverage: which inventoried hosts sent logs, day by day, and which senders nobody inventoried."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.inventory.models import Host
from lakthan.lib.timezones import BANGKOK
from lakthan.monitoring.models import HostDay, Segment
from lakthan.monitoring.services.engines import check_engine, segment_files
from lakthan.monitoring.services.home import silent_hours
from lakthan.monitoring.services.hosts import hosts_in_units, hosts_of, sender_names


@dataclass(frozen=True)
class HostCoverage:
    name: str
    unit: str  # the unit's code
    last_event: datetime | None
    events_per_day: float  # over the window
    silent: bool  # no event for longer than the silent limit, up to now or the end of the period
    events: int
    days_reported: int
    days_in_window: int
    silent_periods: tuple[tuple[date, date], ...]  # days without events inside the window
    seq_gaps: int  # RFC 5424 sequence ids missing
    unparsed: int
    per_day: dict[date, int] = field(default_factory=dict)  # events per Bangkok day, addresses included


@dataclass(frozen=True)
class UnknownSender:
    host: str
    first: datetime
    last: datetime
    count: int


@dataclass(frozen=True)
class Coverage:
    hosts: tuple[HostCoverage, ...]
    unknown_senders: tuple[UnknownSender, ...]  # only when every host was asked for
    window: tuple[date, date] | None  # first and last day any of these hosts reported


def coverage(
    unit: Unit | None = None,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
    unit_ids: set[int] | None = None,
) -> Coverage:
    """Per-host days and silent periods (day granularity) of the hosts of ``unit`` and below, or of the
    units ``unit_ids`` (None for both: every host, and the senders no host accounts for)."""
    hosts = hosts_of(unit) if unit is not None else hosts_in_units(unit_ids)
    everything = unit is None and unit_ids is None
    known = sender_names(hosts)
    days = HostDay.objects.all() if everything else HostDay.objects.filter(host_name__in=known)
    if start:
        days = days.filter(day__gte=start)
    if end:
        days = days.filter(day__lte=end)
    by_sender: dict[str, list[HostDay]] = {}
    for d in days:
        by_sender.setdefault(d.host_name, []).append(d)
    all_days = sorted({d.day for name, rows in by_sender.items() if name in known for d in rows})
    window = (all_days[0], all_days[-1]) if all_days else None
    now = now or timezone.now()
    horizon = now if end is None else min(now, datetime.combine(end, datetime.max.time(), tzinfo=BANGKOK))
    rows_out = tuple(_host_coverage(h, by_sender, window, horizon) for h in hosts)
    unknown: tuple[UnknownSender, ...] = ()
    if everything:
        unknown = tuple(
            UnknownSender(
                host=name,
                first=min(r.first_ts for r in rows),
                last=max(r.last_ts for r in rows),
                count=sum(r.count for r in rows),
            )
            for name, rows in sorted(by_sender.items())
            if name not in known
        )
    return Coverage(hosts=rows_out, unknown_senders=unknown, window=window)


def _host_coverage(
    h: Host, by_sender: dict[str, list[HostDay]], window: tuple[date, date] | None, horizon: datetime
) -> HostCoverage:
    rows = by_sender.get(h.name, []) + [r for a in h.addresses for r in by_sender.get(a, [])]
    total = sum(r.count for r in rows)
    last = max((r.last_ts for r in rows), default=None)
    per_day: dict[date, int] = {}
    for r in rows:
        per_day[r.day] = per_day.get(r.day, 0) + r.count
    reported = {d for d, n in per_day.items() if n}
    n_days = (window[1] - window[0]).days + 1 if window else 0
    return HostCoverage(
        name=h.name,
        unit=h.unit.code,
        last_event=last,
        events_per_day=round(total / n_days, 1) if n_days else 0,
        silent=last is None or (horizon - last) > timedelta(hours=silent_hours()),
        events=total,
        days_reported=len(reported),
        days_in_window=n_days,
        silent_periods=tuple(gaps(reported, window)) if window else (),
        seq_gaps=sum(r.seq_gaps for r in rows),
        unparsed=sum(r.unparsed for r in rows),
        per_day=dict(sorted(per_day.items())),
    )


def gaps(reported: set[date], window: tuple[date, date]) -> list[tuple[date, date]]:
    """The runs of days in ``window`` not in ``reported``."""
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


def usage(
    start: date | None,
    end: date | None,
    engine: str = "local",
    master: str | None = None,
    segments_url: str | None = None,
) -> dict:
    """Usage over the Bangkok days [start, end]: per inventoried host the days with events, events,
    unparsed lines, first and last event and its silent spells (days without events); then the
    senders no host accounts for. ``local``: from the host-days the seal counted; ``spark``: counted
    again from the sealed segments on a Spark cluster (``master``), read where the cluster sees them
    (``segments_url``, as ``logs verify``). Pruned segments' events are in the host-days only: the
    report says how many segments of the period were pruned."""
    if start is None or end is None:
        raise InvalidInput(
            "ต้องระบุช่วงเวลา --from และ --to (YYYY-MM-DD)", "give the period: --from and --to (YYYY-MM-DD)"
        )
    if end < start:
        raise InvalidInput("วันสิ้นสุดอยู่ก่อนวันเริ่ม", "--to is before --from")
    check_engine(engine, master, segments_url)
    since = datetime.combine(start, time.min, tzinfo=BANGKOK).astimezone(UTC)
    until = datetime.combine(end, time.max, tzinfo=BANGKOK).astimezone(UTC)
    overlapping = Segment.objects.filter(last_ts__gte=since, first_ts__lte=until)
    if engine == "local":
        rows = [
            (d.host_name, d.day, d.count, d.unparsed, d.first_ts, d.last_ts)
            for d in HostDay.objects.filter(day__gte=start, day__lte=end)
        ]
    else:
        rows = spark_host_days(
            [s.index for s in overlapping.filter(pruned_at__isnull=True).order_by("index")],
            since,
            until,
            master,
            segments_url,
        )
    return _usage_report(start, end, rows, overlapping.filter(pruned_at__isnull=False).count())


def spark_host_days(
    indices: list[int], since: datetime, until: datetime, master: str | None, segments_url: str | None
) -> list[tuple[str, date, int, int, datetime, datetime]]:
    """Events per host and Bangkok day of those segments in [since, until], counted on Spark."""
    from lakthan.monitoring.pipeline.spark.session import spark_session

    spark = spark_session(master)  # first: a missing PySpark or Java is said before anything else
    from lakthan.monitoring.pipeline.spark.usage import host_days

    days = host_days(spark, segment_files(indices, segments_url), since, until, "Asia/Bangkok")
    return [tuple(r) for r in days.iter_rows()]


def _usage_report(start: date, end: date, rows: list[tuple], pruned: int) -> dict:
    hosts = hosts_in_units(None)
    by_sender: dict[str, list[tuple]] = {}
    for row in rows:
        by_sender.setdefault(row[0], []).append(row)

    def summary(found: list[tuple]) -> dict:
        reported = {r[1] for r in found if r[2]}
        return {
            "days": len(reported),
            "events": sum(r[2] for r in found),
            "unparsed": sum(r[3] for r in found),
            "first": min(r[4] for r in found).astimezone(UTC).isoformat() if found else None,
            "last": max(r[5] for r in found).astimezone(UTC).isoformat() if found else None,
            "silent": [[a.isoformat(), b.isoformat()] for a, b in gaps(reported, (start, end))],
        }

    known = sender_names(hosts)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "hosts": [
            {
                "name": h.name,
                "unit": h.unit.code,
                **summary([r for name in (h.name, *h.addresses) for r in by_sender.get(name, [])]),
            }
            for h in hosts
        ],
        "unknown_senders": [
            {"host": name, **summary(found)} for name, found in sorted(by_sender.items()) if name not in known
        ],
        "pruned_segments": pruned,
    }
