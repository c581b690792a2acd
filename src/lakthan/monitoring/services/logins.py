"""Successful logins in the sealed logs: who signed in on which sending host, and when last.

What other apps (access: an account's use) ask of the logs without reading the store themselves.
Only a line that may be a login is read again by its parser (``parsers.derive``): the stored line is
first tested for the literal its parser's action needs, so a scan of millions of events derives a few
hundred."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

import polars as pl

from lakthan.monitoring.models import Segment
from lakthan.monitoring.pipeline import parsers
from lakthan.monitoring.pipeline.schema import EVIDENCE
from lakthan.monitoring.services.events import in_range, positioned, unless_unreadable
from lakthan.monitoring.services.home import store

# the actions of a successful login: sshd's "Accepted password/publickey/keyboard-interactive for USER
# from ADDR" (parsers._ACTIONS), Lakthan's own sign-in in its audit trail (web/signals.py, jsonl) and a
# JSON line of an application that says so in its "action" or "event" key
LOGIN_ACTIONS = ("ssh_accepted", "auth.login", "login", "logon", "user_login", "signin", "sign_in")
# a line holding none of these cannot give one of the actions above
_LITERALS = ("Accepted ", "login", "logon", "signin", "sign_in")


@dataclass(frozen=True)
class Login:
    host: str  # the sender the event names: a host name or an address
    username: str
    at: datetime  # the latest such login in what was read


def _segments(sealed_since: datetime | None, since: datetime | None) -> Iterator[int]:
    s = store()
    segments = Segment.objects.filter(pruned_at__isnull=True).order_by("index")
    if sealed_since is not None:  # sealing times are kept to the second: that second's are read again
        segments = segments.filter(sealed_at__gte=sealed_since.replace(microsecond=0))
    if since is not None:
        segments = segments.filter(last_ts__gte=since)
    for index in segments.values_list("index", flat=True):
        if s.segment_path(index).exists():
            yield index


def successful_logins(since: datetime | None = None, sealed_since: datetime | None = None) -> list[Login]:
    """The latest successful login per (host, user) among events from ``since`` (None: all) in the
    segments sealed from ``sealed_since`` (None: every unpruned one). Events not yet sealed are not
    read: they are seen by the first reading after the next seal."""
    s = store()
    since = since.astimezone(UTC) if since is not None else None  # the store's times are UTC
    may_be_login = pl.any_horizontal(pl.col("raw").str.contains(lit, literal=True) for lit in _LITERALS)
    found: list[pl.DataFrame] = []
    for index in _segments(sealed_since, since):
        df = unless_unreadable(index, partial(positioned, s, index, list(EVIDENCE)))
        if df is None:
            continue
        if since is not None:
            df = df.filter(in_range(since, None))
        df = df.filter(may_be_login)
        if df.height == 0:
            continue
        events = parsers.derive(df.select(EVIDENCE)).select("ts", "host", "action", "user")
        found.append(
            events.filter(
                pl.col("action").is_in(LOGIN_ACTIONS)
                & pl.col("user").is_not_null()
                & (pl.col("user") != "")
                & pl.col("host").is_not_null()
            )
        )
    if not found:
        return []
    latest = pl.concat(found).group_by("host", "user").agg(pl.col("ts").max()).sort("host", "user")
    return [Login(host, user, at) for host, user, at in latest.iter_rows()]
