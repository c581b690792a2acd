"""The network findings of item 9 (no Django): the address plan, the register as of a day and what the
network was seen doing, judged into five kinds.

- ``unregistered``: an address seen (an observation that began by the end of the day judged) that no
  registration holds;
- ``mac_mismatch``: a registration with a MAC whose address was seen with another MAC within the stale
  window (seen at or after the start of the Bangkok day ``day - stale_days``: the window is exactly the
  span in which a registration is not stale);
- ``stale``: a registration whose address was last seen before that start, or never (last seen on the
  day ``day - stale_days`` is not stale, the day before is);
- ``outside_plan``: a registration, or an address seen and not registered, outside every prefix;
- ``duplicate_registration``: an address registered more than once (one finding per address).

Keys (``addresses.key_of``) sort as the addresses' numbers do, so containment is ``first <= key <=
last``. CIDR prefixes are nested or disjoint: sorted by (first, -last), each prefix's parent is the
nearest one before it that still covers it, and the prefixes holding a key are the one with the
greatest ``first <= key`` (bisect) and its ancestors, the innermost first.

Which units a finding belongs to (``units``): those the address is registered in and those of every
prefix holding it, so an unregistered address seen in a unit's prefix is that unit's. A finding's own
``unit`` is the registration's, or for an address not registered the innermost prefix's ("" outside)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from lakthan.lib.timezones import BANGKOK

KINDS = ("unregistered", "mac_mismatch", "stale", "outside_plan", "duplicate_registration")


class PlanPrefix(NamedTuple):
    first: str
    last: str
    unit: str  # unit code
    cidr: str = ""


class Registration(NamedTuple):
    address: str
    key: str
    mac: str  # normalised, or ""
    unit: str  # unit code
    hostname: str = ""


# key → {MAC ("" for a sighting without one, e.g. a log sender) → last seen}: POSIX seconds, or any
# instants that compare as times do with the window's (``Window.text``: SQLite's stored UTC text)
Seen = dict[str, dict[str, Any]]


@dataclass(slots=True)
class Finding:
    kind: str
    key: str
    address: str
    detail: str  # English, for --json and the API; the documents write their own from ``facts``
    unit: str = ""
    hostname: str = ""
    facts: dict = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "address": self.address,
            "detail": self.detail,
            "unit": self.unit,
            "hostname": self.hostname,
        }


@dataclass(frozen=True)
class Window:
    """The day judged and the instants the rules compare with (aware datetimes, and the same as POSIX
    seconds: the sightings are compared as numbers, ten times faster than aware datetimes)."""

    day: date
    stale_days: int
    end: datetime  # the end of the day judged: the next Bangkok midnight
    recent_from: datetime  # the start of the Bangkok day ``day - stale_days``

    @classmethod
    def of(cls, day: date, stale_days: int) -> Window:
        return cls(
            day,
            stale_days,
            datetime.combine(day + timedelta(days=1), time(0), BANGKOK),
            datetime.combine(day - timedelta(days=stale_days), time(0), BANGKOK),
        )

    @property
    def end_s(self) -> float:
        return self.end.timestamp()

    @property
    def recent_from_s(self) -> float:
        return self.recent_from.timestamp()

    def bounds(self, text: bool = False) -> tuple[Any, Any]:
        """(recent_from, end) as POSIX seconds, or as UTC text "YYYY-MM-DD HH:MM:SS" (how SQLite
        stores times: such texts compare as the times do, a fraction of a second included)."""
        if not text:
            return self.recent_from_s, self.end_s
        stamp = "%Y-%m-%d %H:%M:%S"
        return self.recent_from.astimezone(UTC).strftime(stamp), self.end.astimezone(UTC).strftime(stamp)


class Plan:
    """The prefixes, for the lookup of those holding a key."""

    def __init__(self, prefixes: Iterable[PlanPrefix]):
        self.prefixes = sorted(prefixes, key=lambda p: (p.first, _neg(p.last)))
        self.firsts = [p.first for p in self.prefixes]
        self.parent: list[int] = []
        stack: list[int] = []
        for i, p in enumerate(self.prefixes):
            while stack and self.prefixes[stack[-1]].last < p.first:
                stack.pop()
            self.parent.append(stack[-1] if stack else -1)
            stack.append(i)

    def innermost(self, key: str) -> PlanPrefix | None:
        """The smallest prefix holding ``key``, or None outside the plan."""
        i = bisect_right(self.firsts, key) - 1
        prefixes, parent = self.prefixes, self.parent
        while i >= 0:
            if prefixes[i].last >= key:
                return prefixes[i]
            i = parent[i]
        return None

    def holding(self, key: str) -> list[PlanPrefix]:
        """The prefixes holding ``key``, the innermost first."""
        out = []
        i = bisect_right(self.firsts, key) - 1
        while i >= 0:
            p = self.prefixes[i]
            if p.last >= key:
                out.append(p)
            i = self.parent[i]
        return out


def _neg(key: str) -> str:
    """A key's order reversed (for sorting the wider of two prefixes with the same first key first)."""
    return key.translate(_FLIP)


_FLIP = str.maketrans("0123456789abcdef", "fedcba9876543210")


def bangkok_day(instant: float | str) -> str:
    """The Bangkok day of POSIX seconds or of a stored UTC text."""
    if isinstance(instant, str):
        return datetime.fromisoformat(instant + "+00:00").astimezone(BANGKOK).date().isoformat()
    return datetime.fromtimestamp(instant, BANGKOK).date().isoformat()


def judge(
    prefixes: Iterable[PlanPrefix],
    registrations: Iterable[Registration],
    seen: Seen,
    window: Window,
    units: set[str] | None = None,
    address_of: dict[str, str] | None = None,
    text_instants: bool = False,
) -> list[Finding]:
    """The findings, sorted by kind then key (then unit and host name). ``units``: only findings whose
    address belongs to one of these unit codes. ``address_of``: the text of seen keys not registered
    (``addresses.address_of_key`` is used for those missing). ``text_instants``: ``seen`` holds UTC
    texts, not POSIX seconds."""
    from lakthan.network.engines.addresses import address_of_key

    plan = Plan(prefixes)
    by_key: dict[str, list[Registration]] = {}
    for reg in registrations:
        by_key.setdefault(reg.key, []).append(reg)
    found: list[Finding] = []
    add = found.append
    recent_from, end = window.bounds(text_instants)
    innermost = plan.innermost

    for key, regs in by_key.items():
        inner = innermost(key)
        if units is not None and not (
            any(r.unit in units for r in regs) or any(p.unit in units for p in plan.holding(key))
        ):
            continue
        macs = seen.get(key)
        last = max(macs.values()) if macs else None
        for reg in regs:
            if not inner:
                add(
                    Finding(
                        "outside_plan",
                        key,
                        reg.address,
                        "registered, in no prefix of the plan",
                        reg.unit,
                        reg.hostname,
                        {"registered": True},
                    )
                )
            if last is None or last < recent_from:
                when = bangkok_day(min(last, end)) if last is not None else None
                add(
                    Finding(
                        "stale",
                        key,
                        reg.address,
                        f"last seen {when}" if when else "never seen",
                        reg.unit,
                        reg.hostname,
                        {"last_seen": when},
                    )
                )
            if reg.mac and macs and not (reg.mac in macs and len(macs) <= 1 + ("" in macs)):
                others = sorted(
                    (mac, t) for mac, t in macs.items() if mac and mac != reg.mac and t >= recent_from
                )
                if others:
                    seen_as = [(mac, bangkok_day(min(t, end))) for mac, t in others]
                    add(
                        Finding(
                            "mac_mismatch",
                            key,
                            reg.address,
                            f"registered {reg.mac}, seen "
                            + ", ".join(f"{mac} (last {day})" for mac, day in seen_as),
                            reg.unit,
                            reg.hostname,
                            {"registered_mac": reg.mac, "seen": seen_as},
                        )
                    )
        if len(regs) > 1:
            names = [
                f"{r.unit}/{r.hostname or '-'}" for r in sorted(regs, key=lambda r: (r.unit, r.hostname))
            ]
            first = min(regs, key=lambda r: (r.unit, r.hostname))
            add(
                Finding(
                    "duplicate_registration",
                    key,
                    first.address,
                    f"registered {len(regs)} times: " + ", ".join(names),
                    first.unit,
                    first.hostname,
                    {"registrations": names},
                )
            )
    names_of = address_of or {}
    for key, macs in seen.items():
        if key in by_key:
            continue
        inner = innermost(key)
        if units is not None and not any(p.unit in units for p in plan.holding(key)):
            continue
        last = max(macs.values())
        address = names_of.get(key) or address_of_key(key)
        when = bangkok_day(min(last, end))
        with_mac = sorted(mac for mac in macs if mac)
        add(
            Finding(
                "unregistered",
                key,
                address,
                f"last seen {when}" + (f", MAC {', '.join(with_mac)}" if with_mac else ""),
                inner.unit if inner else "",
                "",
                {"last_seen": when, "macs": with_mac},
            )
        )
        if not inner:
            add(
                Finding(
                    "outside_plan",
                    key,
                    address,
                    "seen, in no prefix of the plan",
                    "",
                    "",
                    {"registered": False},
                )
            )
    found.sort(key=lambda f: (f.kind, f.key, f.unit, f.hostname))
    return found


def counts(findings: Iterable[Finding | dict]) -> dict[str, int]:
    """Findings per kind, every kind named (0 when none), in the order of KINDS."""
    out = dict.fromkeys(KINDS, 0)
    for f in findings:
        out[f["kind"] if isinstance(f, dict) else f.kind] += 1
    return out
