"""Coverage: which inventoried hosts sent logs, day by day, and which senders nobody inventoried."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from lakthan.core.models import Unit
from lakthan.inventory.models import Host
from lakthan.lib.timezones import BANGKOK
from lakthan.monitoring.models import HostDay
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
