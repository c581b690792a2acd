"""Findings about accounts, judged on one day from the accounts' state and the HR roster.

Pure: the services hand in plain facts, this returns plain findings, the same for the same input.
Rules (issue 17):
- ``leaver_active``: an enabled account of a person whose status is a leaver's (suspended, resigned,
  retired, dismissed, deceased) with an effective date on or before the day judged.
- ``dormant``: an enabled account whose last login is more than ``dormant_days`` before the end of the
  day judged, or that never logged in and was created longer ago than that. Only for sources that
  record logins; an account with neither a login nor a creation time is not judged.
- ``orphan``: a (non-service) account with no employee id, or one the roster does not know, and no
  person linked by hand.
- ``no_owner``: a service account without an owner.
- ``password_age``: only when a maximum age is set: an enabled account whose password (or, never
  changed, the account) is older than that.
- ``excess_right`` (only with a catalogue, only on the systems it has rules for): an enabled,
  non-service account of a known person who is not a leaver, holding a group the catalogue does not
  allow the person's post on that system; one finding per group. A mover's groups allowed by the old
  post (or, the old post unknown, every group beyond the new one) are not findings until the grace
  period after the move has passed (the day ``grace_until`` itself is still inside it); then they are
  findings marked ``mover``, which remediation removes.
- ``sod_conflict`` (only with a catalogue): an enabled account holding both groups of a pair of its
  system; and a person whose enabled accounts on one system hold the two groups between them (one
  account each), a finding on each of those accounts naming them all.
Disabled accounts give no dormant, password_age, excess_right nor sod_conflict finding (nor, by
definition, leaver_active)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from lakthan.access.engines.catalogue import Duties, group_key
from lakthan.access.engines.roster import LEAVER_STATUSES
from lakthan.lib.timezones import end_of_day

BANGKOK = ZoneInfo("Asia/Bangkok")
KINDS = ("leaver_active", "dormant", "orphan", "no_owner", "password_age", "excess_right", "sod_conflict")


# Not frozen: a frozen dataclass is built ten times slower, and 150,000 are built for 100,000
# accounts (bench/access); nothing changes them.
@dataclass(slots=True)
class AccountFacts:
    account_id: int
    source: str
    system: str
    username: str
    enabled: bool
    tracks_login: bool
    employee_id: str = ""  # the source's attribute
    linked_employee_id: str = ""  # a person linked by hand (overrides the attribute)
    is_service: bool = False
    owner_employee_id: str = ""
    last_login: datetime | None = None
    created: datetime | None = None
    password_changed: datetime | None = None
    groups: tuple[str, ...] = ()  # the names of the groups held now


@dataclass(frozen=True)
class Move:
    """A person's last change of post in the roster. The old post is unknown ("") when the roster
    never showed it (the person came in already ``transferred``)."""

    moved_on: date
    old_unit: str = ""
    old_position: str = ""


@dataclass(slots=True)
class PersonFacts:
    employee_id: str
    name: str
    unit: str
    status: str
    effective_date: date
    position: str = ""
    move: Move | None = None


@dataclass(frozen=True)
class Policy:
    as_of: date
    dormant_days: int = 90
    password_max_days: int | None = None
    mover_grace_days: int = 30


@dataclass(slots=True)
class Finding:
    kind: str
    account_id: int
    account: str
    system: str
    person: str  # employee id, "" when none
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "account": self.account,
            "system": self.system,
            "person": self.person or None,
            "detail": self.detail,
        }


def is_leaver(person: PersonFacts, as_of: date) -> bool:
    return person.status in LEAVER_STATUSES and person.effective_date <= as_of


def judge(
    accounts: Iterable[AccountFacts],
    people: Mapping[str, PersonFacts],
    policy: Policy,
    duties: Duties | None = None,
) -> list[Finding]:
    cutoff = end_of_day(policy.as_of)
    dormant_before = cutoff - timedelta(days=policy.dormant_days)
    password_before = (
        cutoff - timedelta(days=policy.password_max_days) if policy.password_max_days is not None else None
    )
    found: list[Finding] = []
    shared: dict[tuple[str, str], list[AccountFacts]] = {}  # (person, system) → enabled accounts
    for a in accounts:
        employee_id = a.linked_employee_id or a.employee_id
        person = people.get(employee_id) if employee_id else None

        # what each finding of this account shares; a closure per account cost a tenth of the
        # engine's time on 100,000 accounts (bench/access)
        here = (a.account_id, f"{a.source}:{a.username}", a.system, employee_id if person else "")

        if a.is_service:
            if not a.owner_employee_id:
                _emit(found, here, "no_owner", {})
        elif person is None:
            _emit(found, here, "orphan", {"employee_id": a.employee_id} if a.employee_id else {})
        if not a.enabled:
            continue
        if person is not None and not a.is_service and is_leaver(person, policy.as_of):
            _emit(
                found,
                here,
                "leaver_active",
                {
                    "status": person.status,
                    "effective_date": person.effective_date.isoformat(),
                    "days": (policy.as_of - person.effective_date).days,
                },
            )
        if a.tracks_login:
            if a.last_login is not None and a.last_login < dormant_before:
                _emit(
                    found,
                    here,
                    "dormant",
                    {"last_login": a.last_login.isoformat(), "days": (cutoff - a.last_login).days},
                )
            elif a.last_login is None and a.created is not None and a.created < dormant_before:
                _emit(found, here, "dormant", {"last_login": None, "created": a.created.isoformat()})
        if password_before is not None:
            since = a.password_changed or a.created
            if since is not None and since < password_before:
                _emit(
                    found,
                    here,
                    "password_age",
                    {
                        "changed": since.isoformat(),
                        "days": (cutoff - since).days,
                        "max_days": policy.password_max_days,
                    },
                )
        if duties is None or not a.groups:
            continue
        held = {group_key(g): g for g in a.groups}
        if person is not None and not a.is_service and not is_leaver(person, policy.as_of):
            if duties.covers(a.system):
                for detail in _excess(held, person, duties, policy, a.system):
                    _emit(found, here, "excess_right", detail)
            if duties.has_pairs(a.system):
                shared.setdefault((employee_id, a.system), []).append(a)
        for pair in duties.conflicting_keys(a.system, held.keys()):
            _emit(
                found, here, "sod_conflict", {"groups": [pair.group_a, pair.group_b], "reason": pair.reason}
            )
    if duties is not None:
        found.extend(_shared_conflicts(shared, duties))
    return found


def _emit(found: list[Finding], here: tuple[int, str, str, str], kind: str, detail: dict) -> None:
    found.append(Finding(kind, *here, detail))


def _excess(
    held: dict[str, str], person: PersonFacts, duties: Duties, policy: Policy, system: str
) -> list[dict]:
    """The details of the groups (``held``: key → name) beyond the post, but a mover's in grace."""
    allowed = duties.allowed(system, person.position, person.unit)
    beyond = [key for key in held if key not in allowed]
    if not beyond:
        return []
    move = person.move
    old_allowed = (
        duties.allowed(system, move.old_position, move.old_unit)
        if move is not None and move.old_unit
        else None
    )
    out = []
    for key in sorted(beyond):
        group = held[key]
        detail: dict = {"group": group, "position": person.position}
        if move is not None and (old_allowed is None or key in old_allowed):
            grace_until = move.moved_on + timedelta(days=policy.mover_grace_days)
            if policy.as_of <= grace_until:
                continue  # the old post's right, still inside the grace period
            detail |= {
                "mover": True,
                "moved_on": move.moved_on.isoformat(),
                "grace_until": grace_until.isoformat(),
            }
        out.append(detail)
    return out


def _shared_conflicts(shared: dict[tuple[str, str], list[AccountFacts]], duties: Duties) -> list[Finding]:
    """A pair split across one person's accounts of a system (no single account holds both)."""
    out = []
    for (employee_id, system), accounts in sorted(item for item in shared.items() if len(item[1]) > 1):
        alone = {(p.group_a, p.group_b) for a in accounts for p in duties.conflicts(system, a.groups)}
        held = [g for a in accounts for g in a.groups]
        for pair in duties.conflicts(system, held):
            if (pair.group_a, pair.group_b) in alone:
                continue
            keys = {group_key(pair.group_a), group_key(pair.group_b)}
            involved = [a for a in accounts if keys & {group_key(g) for g in a.groups}]
            names = sorted(f"{a.source}:{a.username}" for a in involved)
            for a in involved:
                detail = {"groups": [pair.group_a, pair.group_b], "reason": pair.reason, "accounts": names}
                out.append(
                    Finding(
                        "sod_conflict",
                        a.account_id,
                        f"{a.source}:{a.username}",
                        a.system,
                        employee_id,
                        detail,
                    )
                )
    return out
