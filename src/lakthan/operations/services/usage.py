"""Item 4: which information systems are really used at which units and checkpoints.

A system is *installed* at a unit when the inventory declares it (``System.installed_at``) or when one
of the unit's hosts runs it (``Host.systems``). It is *in use* there in a period when the usage logs
hold events of that unit for it in the period, found two ways:

1. **from the unit's own hosts**: events sent by a host of the unit that runs the system, under the
   host's name or one of its addresses, counted from monitoring's events per host and Bangkok day
   (``HostDay``, kept after the segments are pruned); and
2. **from the address plan**: events on any host of the system whose source address (``src_ip``, read
   out of the stored line again by ``parsers.derive``) lies in a prefix of the unit (the most specific
   prefix of the plan wins). A checkpoint that uses a central web system through a browser shows up
   this way: the central server's access log names the checkpoint's address. An event of way 1 is
   never counted again by way 2 for the same system and unit.

Distinct users are the distinct non-empty ``user`` values of those events in the sealed segments still
kept; ``None`` where none of the events read names one (or the segments are pruned). Months are
Asia/Bangkok months. The scan reads only the segments overlapping the period, keeps the events of the
systems' hosts, and groups them in polars: no loop over events in Python.
"""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

import polars as pl
from django.conf import settings

from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.inventory.models import Host, System
from lakthan.lib.thai import format_date
from lakthan.lib.timezones import BANGKOK
from lakthan.monitoring.models import HostDay
from lakthan.monitoring.pipeline import parsers
from lakthan.monitoring.pipeline.schema import EVIDENCE
from lakthan.monitoring.services.events import in_range, positioned, readable_segments, unless_unreadable
from lakthan.monitoring.services.home import store
from lakthan.network.engines.addresses import AddressError, parse_address
from lakthan.network.models import Prefix
from lakthan.operations.engines import usage_chart

MAX_DAYS = 3 * 366  # a period longer than three years is a typing slip
PAIR = ["system_id", "unit_id"]


# --- the period ---------------------------------------------------------------------------------


def check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(f"วันสิ้นสุด {end} อยู่ก่อนวันเริ่ม {start}", f"the end {end} is before the start {start}")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("ช่วงเวลายาวเกิน ๓ ปี", "the period is longer than three years")


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The first and the last instant of the Bangkok days ``start`` to ``end``, both included."""
    first = datetime.combine(start, time(0), BANGKOK)
    return first, datetime.combine(end + timedelta(days=1), time(0), BANGKOK) - timedelta(microseconds=1)


def months(start: date, end: date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --- what the inventory and the plan say ---------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    declared: set[tuple[int, int]]  # (system, unit) in System.installed_at, in the subtree
    hosted: set[tuple[int, int]]  # (system, unit) of a host of the unit running the system
    senders: pl.DataFrame  # host (a name or an address), system_id, unit_id: every host of a system
    systems: dict[int, System]
    units: dict[int, Unit]


def _facts(subtree: set[int]) -> Facts:
    systems = {s.pk: s for s in System.objects.filter(active=True).select_related("unit")}
    declared = set(
        System.installed_at.through.objects.filter(unit_id__in=subtree, system_id__in=systems).values_list(
            "system_id", "unit_id"
        )
    )
    links = Host.systems.through.objects.filter(system_id__in=systems).values_list(
        "system_id", "host__name", "host__addresses", "host__unit_id"
    )
    rows = [(name, s, u) for s, name, addrs, u in links for name in [name, *(addrs or [])]]
    senders = pl.DataFrame(
        rows, schema={"host": pl.Utf8, "system_id": pl.Int64, "unit_id": pl.Int64}, orient="row"
    ).unique()
    hosted = {(s, u) for _, s, u in rows if u in subtree}
    units = {u.pk: u for u in Unit.objects.all()}
    return Facts(declared, hosted, senders, systems, units)


def _prefixes() -> pl.DataFrame:
    return pl.DataFrame(
        list(Prefix.objects.values_list("first", "last", "unit_id")),
        schema={"first": pl.Utf8, "last": pl.Utf8, "unit_id": pl.Int64},
        orient="row",
    )


def _key(text: str) -> str | None:
    try:
        return parse_address(text)[1]
    except AddressError:
        return None


def units_of_addresses(addresses: pl.Series, prefixes: pl.DataFrame) -> pl.DataFrame:
    """src_ip → unit_id of the most specific prefix of the plan holding it (addresses outside every
    prefix, or not addresses at all, are left out). Each distinct address is parsed once."""
    ips = pl.DataFrame({"src_ip": addresses.drop_nulls().unique()})
    if ips.height == 0 or prefixes.height == 0:
        return pl.DataFrame(schema={"src_ip": pl.Utf8, "unit_id": pl.Int64})
    ips = ips.with_columns(pl.col("src_ip").map_elements(_key, return_dtype=pl.Utf8).alias("key")).drop_nulls(
        "key"
    )
    inside = ips.join_where(prefixes, pl.col("key") >= pl.col("first"), pl.col("key") <= pl.col("last"))
    # nested prefixes: the innermost has the greatest first address (and, tied, the smallest last)
    return (
        inside.sort(["src_ip", "first", "last"], descending=[False, True, False])
        .group_by("src_ip", maintain_order=True)
        .first()
        .select("src_ip", "unit_id")
    )


# --- the logs ------------------------------------------------------------------------------------


def _host_days(facts: Facts, subtree: set[int], start: date, end: date) -> pl.DataFrame:
    """Events per (system, unit, month) from the unit's own hosts, out of HostDay."""
    own = facts.senders.filter(pl.col("unit_id").is_in(sorted(subtree)))
    names = own["host"].unique().to_list()
    days = pl.DataFrame(
        list(
            HostDay.objects.filter(host_name__in=names, day__gte=start, day__lte=end).values_list(
                "host_name", "day", "count"
            )
        ),
        schema={"host": pl.Utf8, "day": pl.Date, "count": pl.Int64},
        orient="row",
    )
    return (
        days.join(own, on="host")
        .with_columns(pl.col("day").dt.strftime("%Y-%m").alias("month"))
        .group_by(*PAIR, "month")
        .agg(pl.col("count").sum().alias("events"))
    )


def _scan(hosts: Iterable[str], start: datetime, end: datetime) -> pl.DataFrame:
    """ts, host, user, src_ip and where each event is kept (segment, position), of the events the
    hosts sent in [start, end]: only the segments overlapping the period are read, and only these
    hosts' events are read again by their parser."""
    wanted = sorted(set(hosts))
    s = store()
    frames = []
    for index in readable_segments(s, start, end):
        df = unless_unreadable(index, partial(positioned, s, index, list(EVIDENCE)))
        if df is None:
            continue
        df = df.filter(in_range(start, end) & pl.col("host").is_in(wanted))
        if df.height:
            derived = parsers.derive(df.select(EVIDENCE)).select("ts", "host", "user", "src_ip")
            frames.append(derived.hstack(df.select("segment", "position")))
    if not frames:
        return pl.DataFrame(
            schema={
                "ts": pl.Datetime("us", "UTC"),
                "host": pl.Utf8,
                "user": pl.Utf8,
                "src_ip": pl.Utf8,
                "segment": pl.Int64,
                "position": pl.Int64,
            }
        )
    return pl.concat(frames)


def _from_logs(facts: Facts, subtree: set[int], start: date, end: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(events added by the address plan per (system, unit, month); the events of both ways with
    their users, one row per event, system and unit)."""
    first, last = (moment.astimezone(UTC) for moment in bounds(start, end))  # the store's times are UTC
    events = _scan(facts.senders["host"], first, last).with_columns(
        pl.col("ts").dt.convert_time_zone("Asia/Bangkok").dt.strftime("%Y-%m").alias("month")
    )
    keep = ["segment", "position", *PAIR, "month", "user"]
    own = facts.senders.filter(pl.col("unit_id").is_in(sorted(subtree)))
    by_host = events.join(own, on="host").select(keep)
    located = units_of_addresses(events["src_ip"], _prefixes()).filter(
        pl.col("unit_id").is_in(sorted(subtree))
    )
    of_system = facts.senders.select("host", "system_id").unique()
    by_address = (
        events.join(located, on="src_ip")
        .join(of_system, on="host")
        .select(keep)
        # an event already counted from the unit's own host is not counted again
        .join(by_host, on=["segment", "position", *PAIR], how="anti")
    )
    added = by_address.group_by(*PAIR, "month").agg(pl.len().cast(pl.Int64).alias("events"))
    return added, pl.concat([by_host, by_address])


# --- the answer ----------------------------------------------------------------------------------


def usage(unit: Unit, start: date, end: date) -> dict:
    """Usage per (system, unit, Bangkok month) for the systems installed in ``unit`` and below (and the
    units there that use a system through the address plan), the installations with whether each is
    in use, and the silent ones (installed, no event in the period: the findings)."""
    return usage_detail(unit, start, end)["usage"]


def usage_detail(unit: Unit, start: date, end: date) -> dict:
    check_period(start, end)
    subtree = unit.descendant_ids()
    facts = _facts(subtree)
    own = _host_days(facts, subtree, start, end)
    added, events = _from_logs(facts, subtree, start, end)
    counts = pl.concat([own, added]).group_by(*PAIR, "month").agg(pl.col("events").sum())
    named = pl.col("user").is_not_null() & (pl.col("user") != "")
    users = events.group_by(*PAIR, "month").agg(pl.col("user").filter(named).n_unique().alias("users"))
    found = counts.join(users, on=[*PAIR, "month"], how="full", coalesce=True)

    installed = facts.declared | facts.hosted
    pairs = installed | {(s, u) for s, u in found.select(PAIR).iter_rows()}
    grid = pl.DataFrame(
        [(s, u, m) for s, u in pairs for m in months(start, end)],
        schema={"system_id": pl.Int64, "unit_id": pl.Int64, "month": pl.Utf8},
        orient="row",
    )
    table = grid.join(found, on=[*PAIR, "month"], how="left").with_columns(
        pl.col("events").fill_null(0),
        # no user named by any event read: the logs do not say (None), not "nobody"
        pl.when(pl.col("users") > 0).then(pl.col("users")).alias("users"),
    )
    rows = sorted(
        (
            {
                "system": facts.systems[s].code,
                "unit": facts.units[u].code,
                "month": m,
                "events": int(n),
                "users": None if k is None else int(k),
            }
            for s, u, m, n, k in table.select(*PAIR, "month", "events", "users").iter_rows()
        ),
        key=lambda r: (r["system"], r["unit"], r["month"]),
    )
    totals = {(s, u): int(n) for s, u, n in table.group_by(PAIR).agg(pl.col("events").sum()).iter_rows()}
    installations = sorted(
        (
            {
                "system": facts.systems[s].code,
                "unit": facts.units[u].code,
                "declared_by": "inventory" if (s, u) in facts.declared else "host",
                "in_use": totals.get((s, u), 0) > 0,
                "events": totals.get((s, u), 0),
            }
            for s, u in installed
        ),
        key=lambda r: (r["system"], r["unit"]),
    )
    silent = [{"system": r["system"], "unit": r["unit"]} for r in installations if not r["in_use"]]
    return {
        "usage": {"rows": rows, "installations": installations, "silent": silent},
        "systems": {s.code: s for s in facts.systems.values()},
        "units": {u.code: u for u in facts.units.values()},
    }


def summary(result: dict) -> list[dict]:
    """Per system: the units where it is installed, those of them in use, the units using it without
    being declared (through the address plan), how many units use it, and its events in the period."""
    per: dict[str, dict] = {}

    def of(code: str) -> dict:
        return per.setdefault(
            code, {"system": code, "installed": [], "in_use": [], "undeclared": set(), "events": 0}
        )

    for r in result["installations"]:
        of(r["system"])["installed"].append(r["unit"])
        if r["in_use"]:
            of(r["system"])["in_use"].append(r["unit"])
    for r in result["rows"]:
        s = of(r["system"])
        s["events"] += r["events"]
        if r["events"] and r["unit"] not in s["installed"]:
            s["undeclared"].add(r["unit"])
    for s in per.values():
        s["undeclared"] = sorted(s["undeclared"])
        s["units_using"] = len(s["in_use"]) + len(s["undeclared"])
    return [per[k] for k in sorted(per)]


# --- the chart and the document ------------------------------------------------------------------


def _thai() -> bool:
    return bool(getattr(settings, "LAKTHAN_THAI_DIGITS", True))


def _title(unit: Unit, start: date, end: date) -> str:
    thai = _thai()
    return (
        f"การใช้งานระบบสารสนเทศ · {unit.name_th} · "
        f"{format_date(start, thai_digits=thai)} – {format_date(end, thai_digits=thai)}"
    )


def _cells(full: dict) -> list[usage_chart.Row]:
    result = full["usage"]
    silent = {(r["system"], r["unit"]) for r in result["silent"]}
    declared = {(r["system"], r["unit"]) for r in result["installations"]}
    by_pair: dict[tuple[str, str], dict[str, int]] = {}
    for r in result["rows"]:
        by_pair.setdefault((r["system"], r["unit"]), {})[r["month"]] = r["events"]
    return [
        usage_chart.Row(
            system=s,
            system_name=full["systems"][s].name_th,
            unit=u,
            events=tuple(sorted(per.items())),
            silent=(s, u) in silent,
            declared=(s, u) in declared,
        )
        for (s, u), per in sorted(by_pair.items())
    ]


def _fonts() -> tuple[str | None, str | None]:
    from lakthan.reports.fonts import FontNotFound, report_font

    try:
        family = report_font()
    except FontNotFound:
        return None, None
    return str(family.regular), str(family.bold)


def usage_scene(unit: Unit, start: date, end: date):
    full = usage_detail(unit, start, end)
    return usage_chart.scene(_cells(full), months(start, end), _title(unit, start, end), thai=_thai())


def usage_png(unit: Unit, start: date, end: date) -> bytes:
    """The system × unit grid: a row per (system, unit), a cell per Bangkok month shaded by events."""
    from lakthan.lib import picture

    regular, bold = _fonts()
    return picture.to_png(usage_scene(unit, start, end), regular, bold)


def usage_svg(unit: Unit, start: date, end: date) -> str:
    from lakthan.lib import picture

    return picture.to_svg(usage_scene(unit, start, end))


def usage_pdf(unit: Unit, start: date, end: date) -> bytes:
    from lakthan.reports.render_pdf import render_pdf_from_html

    return render_pdf_from_html(usage_html(unit, start, end))


def usage_html(unit: Unit, start: date, end: date) -> str:
    from lakthan.lib import picture
    from lakthan.operations.services.usage_report import report_html

    full = usage_detail(unit, start, end)
    regular, bold = _fonts()
    png = picture.to_png(
        usage_chart.scene(_cells(full), months(start, end), _title(unit, start, end), thai=_thai()),
        regular,
        bold,
    )
    return report_html(unit, start, end, full, summary(full["usage"]), b64encode(png).decode(), _thai())
