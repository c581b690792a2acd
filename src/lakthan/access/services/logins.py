"""Logins seen in the usage logs, recorded on the accounts they were of.

A successful login of USER on a host is a login of the account USER of every system that host
serves (inventory ``Host.systems``), in every source of those systems. The logs arrive from the
monitoring app as plain (host, username, time) triples: access reads no log store, monitoring knows
no accounts, and the command or periodic task of the web layer passes one to the other. User names
match without regard to case (directories compare ``uid`` so). Only a later time replaces the one
kept, so reading the same logs twice changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from lakthan.access.models import Account, LoginInLogs, LogLoginScan
from lakthan.core import audit
from lakthan.inventory.models import Host


class SeenLogin(Protocol):
    host: str
    username: str
    at: datetime


def last_scan() -> LogLoginScan | None:
    return LogLoginScan.objects.first()


def _systems_by_sender() -> dict[str, set[int]]:
    """Every name a host's events may carry (its name, its addresses) → the ids of its systems."""
    by_sender: dict[str, set[int]] = {}
    for host in Host.objects.prefetch_related("systems"):
        systems = {s.pk for s in host.systems.all()}
        if systems:
            for name in (host.name, *host.addresses):
                by_sender.setdefault(name, set()).update(systems)
    return by_sender


@transaction.atomic
def record_logins(
    logins: Iterable[SeenLogin],
    *,
    since: datetime | None = None,
    sealed_since: datetime | None = None,
    read_at: datetime | None = None,
    actor: str = audit.SYSTEM,
) -> LogLoginScan:
    """``read_at``: when the logs were read (before it, so that a segment sealed while they were being
    read is read again by the next scan, which starts at this one's time)."""
    now = timezone.now()
    by_sender = _systems_by_sender()
    latest: dict[tuple[int, str], tuple[datetime, str]] = {}  # (system, username) → (at, host)
    read = 0
    for login in logins:
        read += 1
        for system in by_sender.get(login.host, ()):
            key = (system, login.username.casefold())
            if key not in latest or latest[key][0] < login.at:
                latest[key] = (login.at, login.host)
    accounts = Account.objects.filter(
        source__system_id__in={system for system, _ in latest}, gone_at__isnull=True
    ).select_related("source", "login_in_logs")
    updated = 0
    seen_pairs = set()
    for account in accounts:
        key = (account.source.system_id, account.username.casefold())
        if key not in latest:
            continue
        seen_pairs.add(key)
        at, host = latest[key]
        kept = getattr(account, "login_in_logs", None)
        if kept is None:
            LoginInLogs.objects.create(account=account, at=at, host=host, recorded_at=now)
        elif kept.at < at:
            kept.at, kept.host, kept.recorded_at = at, host, now
            kept.save(update_fields=["at", "host", "recorded_at"])
        else:
            continue
        updated += 1
    matched = len(seen_pairs)
    scan = LogLoginScan.objects.create(
        at=read_at or now,
        actor=actor,
        since=since,
        sealed_since=sealed_since,
        logins=read,
        matched=matched,
        accounts_updated=updated,
    )
    audit.record(actor, "access.logins_from_logs", scan)
    return scan
