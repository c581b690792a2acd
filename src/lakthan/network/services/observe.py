"""What the network really did: a DHCP leases file, a neighbour (ARP) table or the senders the usage
logs saw, read into Observations. One ObservationImport a reading; the observations are written
set-based (INSERT … ON CONFLICT on (kind, address, mac, first_seen)), so reading the same file twice
adds nothing. A later reading of a lease or a log day already kept moves its ``last_seen`` on (never
back); nothing else of a kept observation changes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from lakthan.core import audit, bulk
from lakthan.core.errors import InvalidInput
from lakthan.inventory.models import Host
from lakthan.lib.timezones import BANGKOK
from lakthan.monitoring.models import HostDay
from lakthan.network.engines import leases as engine
from lakthan.network.engines.addresses import AddressError, parse_address
from lakthan.network.models import Observation, ObservationImport

Kind = ObservationImport.Kind
MAX_FILE = 512 * 1024 * 1024  # a leases file of half a gigabyte is not one


def _read(path: Path) -> tuple[str, str]:
    """The file's text (UTF-8, undecodable bytes replaced) and its SHA-256."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise InvalidInput(f"{path}: ไฟล์ใหญ่เกิน 512 MB", f"{path}: the file is larger than 512 MB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"ไม่พบไฟล์ {path}", f"no file {path}") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} เป็นไดเรกทอรี ไม่ใช่ไฟล์", f"{path} is a directory, not a file") from None
    return data.decode("utf-8", errors="replace"), hashlib.sha256(data).hexdigest()


def _problems(path: Path, found: list[engine.Problem]) -> list[tuple[str, str]]:
    name = Path(path).name
    return [(f"{p.where(name)}: {p.th}", f"{p.where(name)}: {p.en}") for p in found]


def _write(
    kind: str,
    source: str,
    sha256: str,
    rows: list[dict[str, Any]],
    read: int,
    actor: str,
    at: datetime,
    problems: list[tuple[str, str]],
    move_last_seen: bool,
) -> ObservationImport:
    """One reading and its rows, in one transaction; ``observations`` counts the rows it added."""
    with transaction.atomic():
        reading = ObservationImport.objects.create(
            kind=kind, source=source[:1000], sha256=sha256, read=read, actor=actor or audit.SYSTEM, at=at
        )
        for row in rows:
            row["reading"] = reading.pk
        bulk.upsert(
            Observation,
            rows,
            ("kind", "address", "mac", "first_seen"),
            max_fields=("last_seen",) if move_last_seen else (),
        )
        reading.observations = Observation.objects.filter(reading=reading).count()
        reading.save(update_fields=["observations"])
        audit.record(
            actor,
            "network.observe",
            reading,
            None,
            {
                "kind": kind,
                "source": reading.source,
                "sha256": sha256,
                "read": read,
                "added": reading.observations,
                "problems": len(problems),
            },
        )
    reading.problems = problems  # type: ignore[attr-defined]  # for the caller to show; not stored
    return reading


def _lease_rows(kind: str, source: str, found: list[engine.Lease], now: datetime) -> list[dict[str, Any]]:
    rows = []
    for lease in found:
        if lease.starts > now:
            continue  # a lease that starts after the reading was not in use when it was read
        ends = now if lease.ends is None else min(lease.ends, now)
        rows.append(
            {
                "kind": kind,
                "source": source[:1000],
                "address": lease.address,
                "key": lease.key,
                "mac": lease.mac,
                "hostname": lease.hostname,
                "state": lease.state,
                "first_seen": lease.starts,
                "last_seen": max(ends, lease.starts),
            }
        )
    return rows


def observe_dhcpd(
    path: Path, actor: str = audit.SYSTEM, now: datetime | None = None, *, source: str | None = None
) -> ObservationImport:
    """ISC dhcpd's leases file: one observation per address (its last block), from ``starts`` to
    ``ends`` or ``now``, whichever is first (``ends never``: now); the binding state kept. ``source``:
    what to call the file (an upload's name) instead of its path."""
    text, sha256 = _read(path)
    source = source or str(path)
    now = now or timezone.now()
    found, problems = engine.parse_dhcpd_leases(text)
    return _write(
        Kind.DHCPD,
        source,
        sha256,
        _lease_rows(Kind.DHCPD, source, found, now),
        len(found),
        actor,
        now,
        _problems(path, problems),
        move_last_seen=True,
    )


def observe_kea(
    path: Path, actor: str = audit.SYSTEM, now: datetime | None = None, *, source: str | None = None
) -> ObservationImport:
    """Kea's lease CSV (IPv4 or IPv6): one observation per address (its last row), from
    ``expire - valid_lifetime`` to ``expire`` or ``now``, whichever is first."""
    text, sha256 = _read(path)
    source = source or str(path)
    now = now or timezone.now()
    found, problems = engine.parse_kea_leases(text)
    return _write(
        Kind.KEA,
        source,
        sha256,
        _lease_rows(Kind.KEA, source, found, now),
        len(found),
        actor,
        now,
        _problems(path, problems),
        move_last_seen=True,
    )


def observe_arp(
    path: Path, actor: str = audit.SYSTEM, at: datetime | None = None, *, source: str | None = None
) -> ObservationImport:
    """``ip neigh`` / ``arp -an`` output: each neighbour seen at ``at``, by default the moment the file
    was written (its modification time), so the same table read twice adds nothing."""
    text, sha256 = _read(path)
    source = source or str(path)
    if at is None:
        at = datetime.fromtimestamp(Path(path).stat().st_mtime, UTC).replace(microsecond=0)
    if timezone.is_naive(at):
        raise InvalidInput("เวลาของตาราง ARP ต้องระบุเขตเวลา", "the time of an ARP table needs a time zone")
    found, problems = engine.parse_neighbours(text)
    rows = [
        {
            "kind": Kind.ARP,
            "source": source[:1000],
            "address": n.address,
            "key": n.key,
            "mac": n.mac,
            "hostname": n.hostname,
            "state": n.state,
            "first_seen": at,
            "last_seen": at,
        }
        for n in found
    ]
    return _write(Kind.ARP, source, sha256, rows, len(found), actor, at, _problems(path, problems), False)


def observe_logs(actor: str = audit.SYSTEM, now: datetime | None = None) -> ObservationImport:
    """The addresses the usage logs saw: senders (monitoring's HostDay) that are addresses, and the
    addresses of inventory hosts whose names sent logs. One observation per address per Bangkok day,
    from the day's first event to its last (both senders of one address on one day merged); a later
    reading of a day already kept moves its last_seen on."""
    now = now or timezone.now()
    hosts: dict[str, list[tuple[str, str]]] = {}
    for name, addresses in Host.objects.values_list("name", "addresses"):
        for text in addresses or []:
            try:
                hosts.setdefault(name, []).append(parse_address(text))
            except AddressError:
                continue
    days: dict[tuple[str, Any], dict[str, Any]] = {}
    read = 0
    for sender, day, first, last in HostDay.objects.filter(count__gt=0).values_list(
        "host_name", "day", "first_ts", "last_ts"
    ):
        try:
            targets = [(*parse_address(sender), "")]
        except AddressError:
            targets = [(address, key, sender) for address, key in hosts.get(sender, [])]
        if not targets:
            continue
        read += 1
        for address, key, hostname in targets:
            kept = days.get((key, day))
            if kept is None:
                days[(key, day)] = {
                    "address": address,
                    "key": key,
                    "hostname": hostname,
                    "first_seen": first,
                    "last_seen": last,
                }
            else:
                kept["first_seen"] = min(kept["first_seen"], first)
                kept["last_seen"] = max(kept["last_seen"], last)
                kept["hostname"] = kept["hostname"] or hostname
    _keep_first_seen(days)
    rows = [
        {"kind": Kind.LOGS, "source": "logs", "mac": "", "state": "", **values}
        for values in days.values()
        if values["first_seen"] <= now
    ]
    return _write(Kind.LOGS, "logs", "", rows, read, actor, now, [], move_last_seen=True)


def _keep_first_seen(days: dict[tuple[str, Any], dict[str, Any]]) -> None:
    """A day kept by an earlier reading keeps its first_seen (the row's key), so the day stays one
    row even when an event of it arrived late, earlier than the first one then known."""
    if not days:
        return
    lo = min(values["first_seen"] for values in days.values())
    kept = Observation.objects.filter(kind=Kind.LOGS, mac="", first_seen__gte=_day_start(lo)).values_list(
        "key", "first_seen"
    )
    for key, first in kept:
        values = days.get((key, first.astimezone(BANGKOK).date()))
        if values is not None:
            values["first_seen"] = first


def _day_start(moment: datetime) -> datetime:
    day = moment.astimezone(BANGKOK).date()
    return datetime(day.year, day.month, day.day, tzinfo=BANGKOK)


def list_readings(kind: str | None = None) -> Any:
    qs = ObservationImport.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-at", "-pk")


def problems_of(reading: ObservationImport) -> list[tuple[str, str]]:
    """The lines a reading just made could not read (empty for a reading loaded from the database)."""
    return list(getattr(reading, "problems", []))
